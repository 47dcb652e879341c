"""``laktasi serve``: migrate, collect static files and serve with waitress."""

from __future__ import annotations

import contextlib
import os
import signal
import socket

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application
from django.db import connections
from waitress import serve

from laktasi.jobs.worker import start_embedded


class Command(BaseCommand):
    help = "Apply migrations, collect static files and serve laktasi with waitress."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="Processes sharing the port (POSIX); one per CPU core uses every core.",
        )
        parser.add_argument(
            "--no-migrate", action="store_true", help="Do not apply migrations first."
        )
        parser.add_argument(
            "--no-collectstatic",
            action="store_true",
            help="Do not collect static files first (the upgrade procedure has done it).",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="Do not run a background worker in this process (run `laktasi worker`).",
        )

    def handle(
        self, *args, host: str, port: int, threads: int, workers: int, no_migrate: bool, **options
    ):
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        if not options.get("no_collectstatic"):
            call_command("collectstatic", interactive=False, verbosity=0)
        embedded = settings.LAKTASI_EMBEDDED_WORKER and not options.get("no_worker")
        if embedded:
            # Zero configuration: one worker thread beside the web server (in the parent
            # after any fork, so a pre-forked server still has exactly one).
            self.stdout.write("laktasi: a background worker runs in this process")
        self.stdout.write(f"laktasi: serving on http://{host}:{port}/ (Ctrl+C to stop)")
        application = get_wsgi_application()
        proxy = proxy_options(settings.TRUSTED_PROXIES)
        if workers <= 1:
            if embedded:
                start_embedded()
            serve(application, host=host, port=port, threads=threads, ident="laktasi", **proxy)
            return
        serve_forked(application, host=host, port=port, threads=threads, workers=workers,
                     after_fork=start_embedded if embedded else None, **proxy)  # fmt: skip


def proxy_options(proxies: list[str]) -> dict:
    """waitress' ``trusted_proxy`` settings for ``LAKTASI_TRUSTED_PROXIES``.

    waitress trusts one address; with one, it sets REMOTE_ADDR from that proxy's
    X-Forwarded-For and drops the forwarding headers of every other peer. Several proxies or a
    network are left to laktasi.accounts.client_ip, which reads the header the same way.
    """
    if len(proxies) != 1 or "/" in proxies[0]:
        return {}
    return {
        "trusted_proxy": proxies[0],
        "trusted_proxy_count": 1,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto"},
        "clear_untrusted_proxy_headers": True,
    }


def serve_forked(
    application, *, host: str, port: int, threads: int, workers: int, after_fork=None, **proxy
) -> None:
    """Pre-fork: one listening socket, ``workers`` waitress processes accepting on it.

    A Python process runs Django on one core at a time (the GIL); on a 2-core server two
    workers nearly double the pages served. SQLite in WAL mode and PostgreSQL both take
    writers from several processes. SIGTERM/SIGINT stop every worker.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(1024)
    connections.close_all()  # never share a database connection across a fork
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
            serve(application, sockets=[listener], threads=threads, ident="laktasi", **proxy)
            os._exit(0)
        children.append(pid)
    if after_fork is not None:
        after_fork()

    def stop(*_):
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for child in children:
        os.waitpid(child, 0)
