"""The links as files: the QR-card sheet decodes to each mother's link; the CSV and the
``laktasi links`` command; the report states how each form was filled in."""

from __future__ import annotations

import csv
import io
import subprocess
import uuid

import pytest
import zxingcpp
from django.core.management import CommandError, call_command
from PIL import Image
from pypdf import PdfReader

from laktasi.links.services import answer_link_submit
from laktasi.links.tokens import token_for
from laktasi.mothers.services import mother_register
from laktasi.reports.exporters import render
from laktasi.reports.selectors import report_build
from tests.links.helpers import issue, knowledge_answers, make_session
from tests.web.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(world):
    for name in ("Ani Lestari", "Bunga Citra"):
        mother = mother_register(
            registered_by=None,
            full_name=name,
            birth_date=world.mothers["melati"].birth_date,
            village=world.regions["35.23.12.2005"],
            facility=world.melati,
            parity=1,
            consent={"text_version": "1"},
        )
        world.program.enrollments.create(mother=mother)
    return make_session(world.program)


def decode_pdf(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "p")], check=True)
    found = []
    for png in sorted(tmp_path.glob("p-*.png")):
        with Image.open(png) as image:
            found += [b.text for b in zxingcpp.read_barcodes(image)]
    return found


def test_qr_sheet_decodes_to_each_mothers_link(world, session, tmp_path):
    links = issue(session, world.users["bidan"]).links
    client = client_for(world.users["bidan"])
    reply = client.get(
        f"/tautan/sesi/{session.pk}/kartu.pdf?instrument=knowledge_test&timepoint=pre"
    )
    assert reply.status_code == 200
    assert reply["Content-Type"] == "application/pdf"
    decoded = decode_pdf(reply.content, tmp_path)
    assert sorted(decoded) == sorted(
        f"http://testserver/isi/{token_for(link.salt)}/" for link in links
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(reply.content)).pages)
    for link in links:
        assert link.short_code in text
    for mother in (link.mother for link in links):
        assert mother.full_name not in text  # only the initial is printed


def test_links_command_writes_csv_and_pdf(world, session, tmp_path, settings):
    settings.LAKTASI_BASE_URL = "https://laktasi.example.org"
    out = tmp_path / "links.csv"
    call_command("links", str(session.pk), "--instrument", "knowledge_test", "--timepoint", "post",
                 "-o", str(out))  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 3
    assert all(r["link"].startswith("https://laktasi.example.org/isi/") for r in rows)
    assert {r["identifier"] for r in rows} == {
        e.mother.identifier for e in world.program.enrollments.all()
    }
    pdf = tmp_path / "cards.pdf"
    call_command("links", str(session.pk), "--instrument", "knowledge_test", "--timepoint", "post",
                 "--format", "pdf", "-o", str(pdf))  # fmt: skip
    assert sorted(decode_pdf(pdf.read_bytes(), tmp_path)) == sorted(r["link"] for r in rows)


def test_links_command_refuses_an_observers_checklist(world, session, tmp_path):
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("links", str(session.pk), "--instrument", "marmet_checklist",
                     "--timepoint", "pre", "-o", str(tmp_path / "x.csv"))  # fmt: skip


def test_report_states_the_mode_of_administration(world, session):
    link = issue(session, world.users["bidan"]).links[0]
    answer_link_submit(link=link, answers=knowledge_answers(20), submission_uuid=str(uuid.uuid4()))
    report = report_build(program=world.program, lang="en")
    rendered = render(report, fmt="html")
    text = rendered[2].decode() if isinstance(rendered, tuple) else rendered.content.decode()
    assert "Mode of administration" in text
    assert "filled in by the mother herself 1" in text
