"""The production configuration of docs/deploy.md, started as the guide says and used.

``LAKTASI_MODE=production`` from ``deploy/laktasi.env.example``, PostgreSQL (the server of
tests/pgserver.py, a fresh database), the web and worker commands of the systemd units in
``deploy/systemd/`` (several waitress processes, a separate ``laktasi worker``), behind nginx
with ``deploy/nginx/laktasi.conf`` (TLS with a certificate made here) when nginx is installed,
else straight to waitress with the client playing the proxy. The client connects from
127.0.0.2, so the address laktasi logs must be the forwarded one, not the proxy's.
Runs in ``make test``'s PostgreSQL step only (it needs DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import http.cookiejar
import io
import ipaddress
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from requests.adapters import HTTPAdapter

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PG = os.environ.get("DATABASE_URL", "")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.own_database,
    pytest.mark.skipif(not PG.startswith("postgres"), reason="needs PostgreSQL (make test)"),
]
CLIENT = "127.0.0.2"  # the browser's address; nginx and laktasi listen on 127.0.0.1
PASSWORD = "kader-produksi-2026"
SETUP = """
from laktasi.accounts.models import Role, User
from laktasi.places.models import Facility, Region
from laktasi.programs.services import program_create
import datetime
r = {}
for code, name, level, parent in [("35", "Jawa Timur", 1, None), ("35.23", "Tuban", 2, "35"),
                                  ("35.23.12", "Jenu", 3, "35.23"),
                                  ("35.23.12.2005", "Tasikharjo", 4, "35.23.12")]:
    r[code] = Region.objects.create(code=code, name=name, level=level, parent_id=parent)
pk = Facility.objects.create(kind="puskesmas", name="Jenu", village=r["35.23.12.2005"])
f = Facility.objects.create(kind="posyandu", name="Melati", village=r["35.23.12.2005"], puskesmas=pk)
kader = User.objects.create_user(username="kader-melati", password="PASSWORD", role=Role.CADRE)
f.staff.add(kader)
p = program_create(title="Program Produksi", organiser="Tim", kind="community_service",
                   facility=f, start_date=datetime.date(2026, 11, 1), villages=[r["35.23.12.2005"]],
                   team=[])
print(f"ids {f.pk} {p.pk}")
""".replace("PASSWORD", PASSWORD)
MOTHERS_CSV = (
    "row_id,nik,full_name,birth_date,parity,phone,delivery_date,baby_birth_date,baby_sex,"
    "baby_birth_weight_g,consent\r\n"
    "p1,3523124509950002,Siti Aminah,05/09/1995,1,081234567890,10/11/2026,10/11/2026,F,3100,yes\r\n"
    "p2,3523124610960003,Dewi Lestari,06/10/1996,2,081298765432,12/11/2026,12/11/2026,M,3300,yes\r\n"
    "p3,3523124711970004,Rina Wati,07/11/1997,1,,15/11/2026,15/11/2026,F,2900,yes\r\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def env_file(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            out[key.strip()] = value.strip()
    return out


def exec_start(unit: str, port: int) -> list[str]:
    """The unit's ExecStart with this interpreter and a free port instead of 8000."""
    text = (DEPLOY / "systemd" / unit).read_text()
    command = shlex.split(re.search(r"^ExecStart=(.+)$", text, re.M).group(1))
    assert command[0] == "/opt/laktasi/.venv/bin/laktasi"
    command = [sys.executable, "-m", "laktasi", *command[1:]]
    return [str(port) if part == "8000" else part for part in command]


def self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "fullchain.pem", directory / "privkey.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))  # fmt: skip
    return cert_path, key_path


def nginx_config(tmp: Path, *, app_port: int, http_port: int, https_port: int) -> Path:
    """deploy/nginx/laktasi.conf with ports and certificate paths of this test, in a main
    configuration that keeps every file nginx writes under ``tmp``."""
    cert, key = self_signed(tmp)
    server = (DEPLOY / "nginx" / "laktasi.conf").read_text()
    for old, new in [
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{app_port};"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("/etc/laktasi/tls/fullchain.pem", str(cert)),
        ("/etc/laktasi/tls/privkey.pem", str(key)),
    ]:
        assert old in server, f"deploy/nginx/laktasi.conf no longer has {old!r}"
        server = server.replace(old, new)
    (tmp / "laktasi.conf").write_text(server)
    temp = "".join(f"{kind}_temp_path {tmp}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))  # fmt: skip
    main = f"""
{"user root;" if os.geteuid() == 0 else ""}
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 128; }}
http {{
  log_format laktasi '$remote_addr "$request" $status xff="$http_x_forwarded_for"';
  access_log {tmp}/nginx-access.log laktasi;
  {temp}
  include {tmp}/laktasi.conf;
}}
"""
    path = tmp / "nginx.conf"
    path.write_text(main)
    return path


class FromClientAddress(HTTPAdapter):
    """Connects from 127.0.0.2, as a browser elsewhere would (any 127/8 address is local)."""

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (CLIENT, 0)
        super().init_poolmanager(*args, **kwargs)


class SecureCookiesOverHttp(http.cookiejar.DefaultCookiePolicy):
    """Without nginx the client talks http to waitress, playing the TLS proxy itself."""

    def return_ok_secure(self, cookie, request):
        return True


@pytest.fixture
def database():
    name = f"laktasi_deploy_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    parts = urlsplit(PG)
    yield urlunsplit(parts._replace(path=f"/{name}"))
    with psycopg.connect(PG, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _wait(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            value = condition()
        except (requests.ConnectionError, psycopg.OperationalError):
            value = None
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def _log_tails(tmp: Path) -> str:
    """The end of every log, to say why the configuration did not answer."""
    tails = []
    for name in ("web.log", "worker.log", "nginx-error.log", "nginx-access.log"):
        path = tmp / name
        if path.exists():
            tails.append(f"--- {name}\n" + "\n".join(path.read_text().splitlines()[-15:]))
    return "\n".join(tails)


def _plain() -> requests.Session:
    """A client from 127.0.0.1 that ignores proxy settings of the environment."""
    session = requests.Session()
    session.trust_env = False
    return session


def _csrf(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def _job_status(dburl: str, pk: int) -> str:
    with psycopg.connect(dburl) as conn:
        return conn.execute("SELECT status FROM imports_importjob WHERE id = %s", [pk]).fetchone()[
            0
        ]


def test_production_configuration_serves_login_import_and_report_behind_nginx(database, tmp_path):
    started = time.monotonic()
    nginx = shutil.which("nginx") or (
        Path("/usr/sbin/nginx") if Path("/usr/sbin/nginx").exists() else None
    )
    env = {**os.environ, **env_file(DEPLOY / "laktasi.env.example")}
    env.update(
        DATABASE_URL=database, LAKTASI_SECRET_KEY="p" * 64, LAKTASI_FIELD_KEYS="f" * 43 + "=",
        LAKTASI_NIK_HASH_KEY="nik-hash-key-of-the-test", LAKTASI_BACKUP_KEY="backup-key",
        LAKTASI_ALLOWED_HOSTS="127.0.0.1", LAKTASI_VAR_DIR=str(tmp_path / "var"),
        LAKTASI_MEDIA_ROOT=str(tmp_path / "media"), PYTHONUNBUFFERED="1",
    )  # fmt: skip
    assert env["LAKTASI_MODE"] == "production"
    assert env["LAKTASI_EMBEDDED_WORKER"] == "false"
    assert env["LAKTASI_CACHE"] == "database"
    laktasi = [sys.executable, "-m", "laktasi"]
    # The upgrade procedure (docs/deploy.md): migrate, cache table, static files, then start.
    steps = (
        ["migrate", "--noinput", "-v0"],
        ["createcachetable"],
        ["collectstatic", "--noinput", "-v0"],
    )
    for step in steps:
        subprocess.run([*laktasi, *step], env=env, check=True, timeout=300)
    ids = subprocess.run([*laktasi, "shell", "--no-imports", "-c", SETUP], env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout  # fmt: skip
    facility_pk, program_pk = map(int, re.search(r"ids (\d+) (\d+)", ids).groups())

    app_port = free_port()
    web_cmd = exec_start("laktasi-web.service", app_port)
    assert int(web_cmd[web_cmd.index("--workers") + 1]) >= 2  # several waitress processes
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    processes = []
    with web_log.open("w") as web_out, worker_log.open("w") as worker_out:
        processes.append(subprocess.Popen(web_cmd, env=env, stdout=web_out, stderr=subprocess.STDOUT,
                                          start_new_session=True))  # fmt: skip
        processes.append(subprocess.Popen(exec_start("laktasi-worker.service", app_port), env=env,
                                          stdout=worker_out, stderr=subprocess.STDOUT,
                                          start_new_session=True))  # fmt: skip
        session = requests.Session()
        session.trust_env = False  # REQUESTS_CA_BUNDLE would replace the test's certificate
        session.mount("http://", FromClientAddress())
        session.mount("https://", FromClientAddress())
        proxy_note = ""
        if nginx:
            https_port, http_port = free_port(), free_port()
            conf = nginx_config(tmp_path, app_port=app_port, http_port=http_port,
                                https_port=https_port)  # fmt: skip
            check = subprocess.run([str(nginx), "-t", "-p", str(tmp_path), "-c", str(conf), "-e",
                                    str(tmp_path / "nginx-error.log")], capture_output=True, text=True)  # fmt: skip
            assert check.returncode == 0, check.stderr
            processes.append(subprocess.Popen([str(nginx), "-p", str(tmp_path), "-c", str(conf), "-e",
                                               str(tmp_path / "nginx-error.log"), "-g", "daemon off;"]))  # fmt: skip
            base = f"https://127.0.0.1:{https_port}"
            session.verify = str(tmp_path / "fullchain.pem")
        else:
            proxy_note = "nginx not installed: the client sends the proxy's headers itself"
            base = f"http://127.0.0.1:{app_port}"
            session.cookies.set_policy(SecureCookiesOverHttp())
            session.headers["X-Forwarded-Proto"] = "https"
        try:
            _run_through(session, base, env, database, facility_pk, program_pk, nginx, tmp_path,
                         app_port, proxy_note)  # fmt: skip
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{_log_tails(tmp_path)}") from exc
        finally:
            for process in reversed(processes):
                process.send_signal(
                    signal.SIGTERM if process.args[0] != str(nginx) else signal.SIGQUIT
                )
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
    web = web_log.read_text()
    access = [json.loads(line) for line in web.splitlines()
              if line.startswith("{") and '"laktasi.access"' in line]  # fmt: skip
    logins = [a for a in access if a["route"] == "/masuk/" and a["method"] == "POST"]
    assert logins
    assert all(a["client"] == CLIENT for a in logins), logins
    assert all(a["client"] == CLIENT for a in access if a["route"] != "/healthz")
    assert "6.6.6.6" not in web  # the client's own X-Forwarded-For never reaches laktasi
    assert "Siti Aminah" not in web + worker_log.read_text()  # no personal data in the logs
    if nginx:
        nginx_access = (tmp_path / "nginx-access.log").read_text()
        assert f'{CLIENT} "POST /masuk/ HTTP/1.1" 302' in nginx_access
    print(  # noqa: T201
        f"\nproduction configuration: {web_cmd[3:]} + worker, "
        f"{'nginx ' + base if nginx else proxy_note}; {len(access)} requests, "
        f"login client {logins[0]['client']}; {time.monotonic() - started:.1f} s"
    )


def _run_through(session, base, env, database, facility_pk, program_pk, nginx, tmp_path,
                 app_port, proxy_note):  # fmt: skip
    _wait(lambda: session.get(f"{base}/healthz", timeout=5).status_code == 200, 60, "/healthz")
    # A probe on the app port itself is answered, not redirected to https.
    assert _plain().get(f"http://127.0.0.1:{app_port}/healthz", timeout=5).status_code == 200
    # /readyz: database, migrations, a worker seen (the separate `laktasi worker`).
    ready = _wait(lambda: (r := session.get(f"{base}/readyz", timeout=5)).status_code == 200 and r,
                  60, "/readyz")  # fmt: skip
    assert "Siti" not in ready.text
    if nginx:  # plain http is sent to https
        http_port = int(
            re.search(r"listen 127.0.0.1:(\d+);", (tmp_path / "laktasi.conf").read_text()).group(1)
        )
        redirect = requests.get(
            f"http://127.0.0.1:{http_port}/masuk/", allow_redirects=False, timeout=5
        )
        assert redirect.status_code == 301
        assert redirect.headers["Location"].startswith("https://")

    login_page = session.get(f"{base}/masuk/", timeout=10)
    assert login_page.status_code == 200
    response = session.post(f"{base}/masuk/", data={"csrfmiddlewaretoken": _csrf(login_page),
                            "username": "kader-melati", "password": PASSWORD},
                            headers={"Referer": f"{base}/masuk/", "X-Forwarded-For": "6.6.6.6"},
                            allow_redirects=False, timeout=30)  # fmt: skip
    assert response.status_code == 302, response.text[:500]
    assert "sessionid" in session.cookies
    home = session.get(f"{base}/", timeout=10)
    assert home.status_code == 200
    assert "kader-melati" in home.text

    page = session.get(f"{base}/impor/", timeout=10)
    assert page.status_code == 200
    upload = session.post(
        f"{base}/impor/",
        data={"csrfmiddlewaretoken": _csrf(page), "kind": "mothers", "facility": facility_pk,
              "program": program_pk, "instrument": ""},
        files={"file": ("ibu.csv", MOTHERS_CSV.encode(), "text/csv")},
        headers={"Referer": f"{base}/impor/"}, allow_redirects=False, timeout=60,
    )  # fmt: skip
    assert upload.status_code == 302, upload.text[:1000]
    job_pk = int(re.search(r"/impor/(\d+)/", upload.headers["Location"]).group(1))
    assert _wait(lambda: _job_status(database, job_pk) == "previewed", 60, "the preview")
    detail = session.get(f"{base}/impor/{job_pk}/", timeout=10)
    committed = session.post(f"{base}/impor/{job_pk}/simpan/",
                             data={"csrfmiddlewaretoken": _csrf(detail)},
                             headers={"Referer": f"{base}/impor/{job_pk}/"}, timeout=60)  # fmt: skip
    assert committed.status_code == 200
    assert _wait(lambda: _job_status(database, job_pk) == "committed", 60, "the import")
    with psycopg.connect(database) as conn:
        mothers = conn.execute("SELECT count(*) FROM mothers_mother WHERE facility_id = %s",
                               [facility_pk]).fetchone()[0]  # fmt: skip
    assert mothers == 3

    report = session.get(f"{base}/laporan/program/{program_pk}/",
                         params={"format": "csv", "lang": "id"}, timeout=60)  # fmt: skip
    assert report.status_code == 200
    assert "attachment;" in report.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(report.content)) as archive:
        files = {Path(name).name: name for name in archive.namelist()}
        assert {"data.csv", "codebook.csv", "README.txt"} <= set(files)
        data = archive.read(files["data.csv"]).decode("utf-8-sig")
    assert data.splitlines()[0].startswith("id,timepoint,")  # the codebook's variables
    assert "Siti Aminah" not in data
