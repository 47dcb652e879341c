"""Materials in the product: program leaflets (scope, footer, QR), guides, the public phone
guide under the Content-Security-Policy, videos (upload, scope, HTTP Range), commands."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import zxingcpp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from laktasi.materials.models import ProgramVideo
from laktasi.materials.selectors import program_leaflet_footer
from laktasi.materials.services import program_video_create
from laktasi.materials.streaming import RangeNotSatisfiable, byte_range
from tests.conftest import PASSWORD
from tests.materials.conftest import pdf_text, squash

BASE = "https://laktasi.dinkes.example"
VIDEO_BYTES = bytes(range(256)) * 40  # 10,240 bytes


@pytest.fixture(autouse=True)
def _materials_settings(settings, tmp_path):
    settings.LAKTASI_BASE_URL = BASE
    settings.MEDIA_ROOT = tmp_path / "media"


def login(client, world, who: str):
    client.login(username=world.users[who].username, password=PASSWORD)
    return client


def qr_codes(pdf: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    decoded = []
    for png in sorted(tmp_path.glob("page-*.png")):
        with Image.open(png) as image:
            decoded += [b.text for b in zxingcpp.read_barcodes(image)]
    return decoded


def mp4(name: str = "pijat.mp4", data: bytes = VIDEO_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="video/mp4")


@pytest.fixture
def staffed(world):
    """The program's facility has a phone and schedule; the midwife has a name."""
    bidan = world.users["bidan"]
    bidan.first_name, bidan.last_name = "Sari", "Rahayu"
    bidan.save()
    world.melati.phone = "0356123456"
    world.melati.schedule = "Setiap tanggal 10, pukul 08.00"
    world.melati.save()
    return world


# --- leaflets ------------------------------------------------------------------------------


def test_program_leaflet_footer_comes_from_the_facility_and_its_midwife(staffed):
    footer = program_leaflet_footer(program=staffed.program, lang="id")
    assert footer.facility_name == "Melati"
    assert footer.midwife_name == "Sari Rahayu"  # bidan of the posyandu's puskesmas
    assert footer.midwife_phone == "0356123456"
    assert footer.posyandu_schedule == "Setiap tanggal 10, pukul 08.00"
    assert footer.qr_url == BASE + reverse("materials:guide_page")
    assert program_leaflet_footer(program=staffed.program, lang="en").qr_url.endswith("/en/")


def test_program_leaflet_downloads_with_its_footer_and_guide_qr(client, staffed, tmp_path):
    login(client, staffed, "kader")
    url = reverse("materials:program_leaflet", args=[staffed.program.pk])
    response = client.get(url, {"lang": "id", "format": "a4-trifold"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content) if response.streaming else response.content
    path = tmp_path / "program.pdf"
    path.write_bytes(pdf)
    text = squash(pdf_text(path))
    assert squash("Sari Rahayu") in text
    assert squash("0356123456") in text
    assert qr_codes(pdf, tmp_path) == [BASE + reverse("materials:guide_page")]


def test_program_leaflet_qr_opens_the_program_video_link(client, staffed, tmp_path):
    program_video_create(
        program=staffed.program,
        title="Pijat oksitosin",
        uploaded_by=None,
        url="https://video.example.org/pijat-oksitosin",
    )
    login(client, staffed, "coordinator")
    url = reverse("materials:program_leaflet", args=[staffed.program.pk])
    response = client.get(url, {"lang": "en", "format": "a5-booklet"})
    assert response.status_code == 200
    assert qr_codes(response.content, tmp_path) == ["https://video.example.org/pijat-oksitosin"]


def test_program_leaflet_of_an_out_of_scope_program_is_404(client, world):
    login(client, world, "kader_mawar")
    url = reverse("materials:program_leaflet", args=[world.program.pk])
    assert client.get(url).status_code == 404


def test_program_leaflet_refuses_unknown_format_and_needs_login(client, world):
    url = reverse("materials:program_leaflet", args=[world.program.pk])
    assert client.get(url).status_code == 302
    login(client, world, "kader")
    assert client.get(url, {"format": "a3-poster"}).status_code == 404


def test_program_page_links_the_leaflet_and_videos(client, world):
    login(client, world, "kader")
    response = client.get(reverse("programs:detail", args=[world.program.pk]))
    assert reverse("materials:program_leaflet", args=[world.program.pk]).encode() in (
        response.content
    )
    assert reverse("materials:program_videos", args=[world.program.pk]).encode() in (
        response.content
    )


def test_leaflet_command_writes_a_program_leaflet(staffed, tmp_path, capsys):
    out = tmp_path / "leaflet.pdf"
    call_command(
        "leaflet",
        "--lang=id",
        "--format=a5-booklet",
        f"--program={staffed.program.pk}",
        "--midwife-phone=0812-1111-2222",
        "-o",
        str(out),
    )
    text = squash(pdf_text(out))
    assert squash("0812-1111-2222") in text
    assert squash("Sari Rahayu") in text
    assert qr_codes(out.read_bytes(), tmp_path) == [BASE + reverse("materials:guide_page")]


def test_leaflet_command_without_program_uses_the_options(db, tmp_path):
    out = tmp_path / "plain.pdf"
    call_command(
        "leaflet", "--lang=en", "--midwife-name=Bidan Ayu", "-o", str(out), "--format=a4-trifold"
    )
    assert squash("Bidan Ayu") in squash(pdf_text(out))


# --- guides --------------------------------------------------------------------------------


def test_guide_command_and_download_give_the_facilitators_guide(client, world, tmp_path):
    out = tmp_path / "guide.pdf"
    call_command("guide", "--lang=en", "-o", str(out))
    assert out.read_bytes().startswith(b"%PDF")
    login(client, world, "kader")
    response = client.get(reverse("materials:guide_pdf"), {"lang": "id"})
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_guide_web_page_links_static_css_and_needs_login(client, world):
    url = reverse("materials:guide")
    assert client.get(url).status_code == 302
    login(client, world, "viewer")
    response = client.get(url, {"lang": "en"})
    assert response.status_code == 200
    assert b'href="/static/materials/css/guide-doc.css"' in response.content
    assert b"<style" not in response.content


# --- phone guide ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "lang"), [("guide_page", "id"), ("guide_page_en", "en")])
def test_phone_guide_is_public_and_fits_the_csp(client, db, name, lang):
    response = client.get(reverse(f"materials:{name}"))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert f'data-sw="{reverse("materials:guide_sw")}"' in html
    assert "<style" not in html
    assert 'style="' not in html


def test_service_worker_is_served_as_javascript_above_the_pages(client, db):
    response = client.get(reverse("materials:guide_sw"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == reverse("materials:guide_page")
    assert b"cache-urls" in response.content
    assert reverse("materials:guide_page_en").startswith(reverse("materials:guide_page"))


def test_materials_index_and_nav_link(client, world):
    assert client.get(reverse("materials:index")).status_code == 200
    login(client, world, "viewer")
    home = client.get(reverse("materials:index"))
    assert f'href="{reverse("materials:index")}"'.encode() in home.content
    assert reverse("materials:guide_pdf").encode() in home.content


# --- videos --------------------------------------------------------------------------------


def upload(client, program, **data):
    url = reverse("materials:program_videos", args=[program.pk])
    return client.post(url, {"title": "Pijat oksitosin", **data})


def test_midwife_uploads_a_video_and_it_streams_with_ranges(client, world):
    login(client, world, "bidan")
    response = upload(client, world.program, file=mp4())
    assert response.status_code == 302
    video = ProgramVideo.objects.get()
    assert video.file.name.startswith("videos/")
    url = reverse("materials:video", args=[video.pk])

    whole = client.get(url)
    assert whole.status_code == 200
    assert whole["Accept-Ranges"] == "bytes"
    assert whole["Content-Type"] == "video/mp4"
    assert b"".join(whole.streaming_content) == VIDEO_BYTES

    part = client.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 100-199/{len(VIDEO_BYTES)}"
    assert part["Content-Length"] == "100"
    assert b"".join(part.streaming_content) == VIDEO_BYTES[100:200]

    tail = client.get(url, headers={"Range": "bytes=-16"})
    assert b"".join(tail.streaming_content) == VIDEO_BYTES[-16:]
    open_end = client.get(url, headers={"Range": "bytes=10000-"})
    assert open_end["Content-Range"] == f"bytes 10000-10239/{len(VIDEO_BYTES)}"

    beyond = client.get(url, headers={"Range": "bytes=999999-"})
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(VIDEO_BYTES)}"


def test_low_huge_range_value_is_416_not_500(client, world):
    login(client, world, "bidan")
    upload(client, world.program, file=mp4())
    url = reverse("materials:video", args=[ProgramVideo.objects.get().pk])
    huge = "9" * 5000  # int() refuses strings of more than 4,300 digits
    assert client.get(url, headers={"Range": f"bytes={huge}-"}).status_code == 416
    clamped = client.get(url, headers={"Range": f"bytes=100-{huge}"})
    assert clamped.status_code == 206
    assert clamped["Content-Range"] == f"bytes 100-{len(VIDEO_BYTES) - 1}/{len(VIDEO_BYTES)}"
    whole_tail = client.get(url, headers={"Range": f"bytes=-{huge}"})
    assert b"".join(whole_tail.streaming_content) == VIDEO_BYTES


def test_video_of_an_out_of_scope_program_is_404(client, world):
    video = program_video_create(
        program=world.program, title="Marmet", uploaded_by=None, file=mp4("marmet.webm")
    )
    login(client, world, "kader_mawar")
    assert client.get(reverse("materials:video", args=[video.pk])).status_code == 404
    page = reverse("materials:program_videos", args=[world.program.pk])
    assert client.get(page).status_code == 404
    client.logout()
    assert client.get(reverse("materials:video", args=[video.pk])).status_code == 302


def test_cadre_sees_videos_but_cannot_upload(client, world):
    login(client, world, "kader")
    page = reverse("materials:program_videos", args=[world.program.pk])
    assert client.get(page).context["form"] is None
    assert upload(client, world.program, file=mp4()).status_code == 403
    assert not ProgramVideo.objects.exists()


@pytest.mark.parametrize(
    "data",
    [{"file_name": "clip.avi"}, {"file_name": "clip.mp4", "url": "https://x.example/v"}, {}],
)
def test_upload_refuses_wrong_type_both_or_neither(client, world, data):
    login(client, world, "coordinator")
    payload = {}
    if "file_name" in data:
        payload["file"] = mp4(data["file_name"])
    if "url" in data:
        payload["url"] = data["url"]
    response = upload(client, world.program, **payload)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ProgramVideo.objects.exists()


def test_upload_refuses_a_video_over_the_size_limit(client, world, settings):
    settings.LAKTASI_MAX_VIDEO_MB = 1
    login(client, world, "coordinator")
    response = upload(client, world.program, file=mp4(data=b"\0" * (1024 * 1024 + 1)))
    assert response.status_code == 200
    assert "file" in response.context["form"].errors
    assert not ProgramVideo.objects.exists()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-0", (0, 0)),
        ("bytes=5-", (5, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-500", (0, 99)),
        ("bytes=90-500", (90, 99)),
        ("bytes=0-1,5-6", None),
        ("items=0-5", None),
        ("bytes=9-3", None),
    ],
)
def test_byte_range_parsing(header, expected):
    assert byte_range(header, 100) == expected


@pytest.mark.parametrize("header", ["bytes=100-", "bytes=-0", "bytes=200-300"])
def test_byte_range_beyond_the_end_is_not_satisfiable(header):
    with pytest.raises(RangeNotSatisfiable):
        byte_range(header, 100)
