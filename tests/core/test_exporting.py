"""One exporter interface for every download (laktasi/core/exporting.py): the registry, and
every download view and file reaching it."""

from __future__ import annotations

import io
import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

import laktasi.api.fhir.exports
import laktasi.dashboards.exports
import laktasi.imports.exports
import laktasi.instruments.exports
import laktasi.links.exports
import laktasi.materials.exports
import laktasi.privacy.exports
import laktasi.reports.exporters
import laktasi.reports.pooled.export
from laktasi.api.services import token_create
from laktasi.core import exporting
from laktasi.imports.models import ImportJob
from laktasi.instruments import registry
from laktasi.instruments.xlsform import write_xlsform
from laktasi.links.generated import qr_sheet
from laktasi.links.sheet import links_csv
from laktasi.materials.generated import program_leaflet
from laktasi.materials.leaflet import LeafletFooter, render_leaflet
from laktasi.materials.selectors import guide_page_url
from laktasi.privacy.services import mother_export, mother_export_pdf
from laktasi.reports.generated import program_report
from tests.conftest import PASSWORD
from tests.imports.conftest import kobo_export, write_csv
from tests.links.helpers import issue, make_session

EVERY_DOWNLOAD = {
    "report": ("pdf", "docx", "xlsx", "html", "sav", "csv"),
    "pooled_report": ("json", "csv", "xlsx", "pdf", "docx", "html"),
    "dashboard_table": ("csv", "xlsx"),
    "import_template": ("xlsx",),
    "import_rejected_rows": ("xlsx",),
    "subject_export": ("json", "pdf"),
    "instrument_xlsform": ("xlsx",),
    "instrument_paper": ("html",),
    "leaflet": ("pdf",),
    "facilitator_guide": ("pdf",),
    "content_signoff": ("pdf",),
    "answer_links": ("csv", "pdf"),
    "fhir_bundle": ("json",),
}
# The modules that register them (imported above, as their callers do).
REGISTERING = (
    laktasi.reports.exporters,
    laktasi.reports.pooled.export,
    laktasi.dashboards.exports,
    laktasi.imports.exports,
    laktasi.privacy.exports,
    laktasi.instruments.exports,
    laktasi.materials.exports,
    laktasi.links.exports,
    laktasi.api.fhir.exports,
)


def test_every_kind_of_download_is_registered_with_its_formats():
    assert {kind: exporting.exporter_formats(kind) for kind in EVERY_DOWNLOAD} == EVERY_DOWNLOAD
    assert set(exporting.exporter_kinds()) == set(EVERY_DOWNLOAD)


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(exporting, "_REGISTRY", {})


def test_export_refuses_an_unknown_kind_or_format(empty_registry):
    exporting.exporter_register("table", "csv")(lambda s, *, lang: ("t.csv", "text/csv", b""))
    with pytest.raises(ValueError, match="unknown kind of download 'chart'"):
        exporting.export("chart", None, fmt="csv")
    with pytest.raises(ValueError, match="unknown table format 'ods'; choose one of csv"):
        exporting.export("table", None, fmt="ods")


def test_a_second_exporter_for_the_same_kind_and_format_is_refused(empty_registry):
    first = exporting.exporter_register("table", "csv")(lambda s, *, lang: ("a", "b", b""))
    assert exporting.exporter_register("table", "csv")(first) is first  # the same one: fine
    with pytest.raises(ImproperlyConfigured, match="two exporters for table as csv"):
        exporting.exporter_register("table", "csv")(lambda s, *, lang: ("a", "b", b""))


def test_export_runs_in_the_language_asked_or_the_current_one(empty_registry):
    @exporting.exporter_register("table", "txt")
    def render(subject, *, lang, suffix=""):
        return f"{subject}{suffix}.txt", "text/plain", translation.get_language().encode()

    with translation.override("id"):
        assert exporting.export("table", "t", fmt="txt", lang="en", suffix="-1") == (
            "t-1.txt",
            "text/plain",
            b"en",
        )
        assert exporting.export("table", "t", fmt="txt")[2] == b"id"


@pytest.fixture
def calls(monkeypatch):
    """Every registered exporter wrapped: records (kind, format), then renders as before."""
    seen: list[tuple[str, str]] = []
    for kind, formats in exporting._REGISTRY.items():
        for fmt, func in list(formats.items()):

            def spy(subject, *, _kind=kind, _fmt=fmt, _func=func, **options):
                seen.append((_kind, _fmt))
                return _func(subject, **options)

            monkeypatch.setitem(formats, fmt, spy)
    return seen


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def cells(xlsx: bytes) -> dict[str, list[tuple]]:
    """Every sheet's values (a workbook's bytes also carry the moment it was saved)."""
    book = load_workbook(io.BytesIO(xlsx))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def login(client, world, role):
    assert client.login(username=world.users[role].username, password=PASSWORD)


def test_dashboard_downloads_go_through_the_interface(client, world, calls):
    login(client, world, "viewer")
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("dashboards:download", args=["indicators", fmt]))
        assert response.status_code == 200
    assert calls == [("dashboard_table", "csv"), ("dashboard_table", "xlsx")]


def test_import_template_and_rejected_rows_go_through_the_interface(
    client, world, calls, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    login(client, world, "bidan")
    template = client.get(reverse("imports:template", args=["mothers"]))
    assert load_workbook(io.BytesIO(template.content)).worksheets[0].title == "data"
    header, rows, _ = kobo_export(
        "knowledge_test", [{"mother_id": "LK-ZZZZZZZZ", "timepoint": "pre"}]
    )
    data = write_csv(tmp_path / "k.csv", header, rows).read_bytes()
    client.post(reverse("imports:index"),
                {"file": SimpleUploadedFile("k.csv", data), "kind": "responses"})  # fmt: skip
    job = ImportJob.objects.get()
    rejected = client.get(reverse("imports:rejected", args=[job.pk]))
    assert rejected.status_code == 200
    assert calls == [("import_template", "xlsx"), ("import_rejected_rows", "xlsx")]


def test_the_report_file_made_on_the_queue_goes_through_the_interface(world, calls):
    params = {"program": world.program.pk, "lang": "id", "sessions": None, "quotes": False,
              "format": "xlsx"}  # fmt: skip
    name, _type, body = program_report(user=world.users["coordinator"], params=params)
    assert name.endswith(".xlsx")
    assert load_workbook(io.BytesIO(body)).worksheets
    assert calls == [("report", "xlsx")]


# --- a mother's own copy, instruments, materials, answer links, FHIR -------------------------


def test_a_mothers_own_copy_goes_through_the_interface_after_the_access_check(client, world, calls):
    mother = world.mothers["melati"]
    login(client, world, "kader")  # may see her, may not take her complete copy
    for name in ("privacy:export_json", "privacy:export_pdf"):
        assert client.get(reverse(name, args=[mother.pk])).status_code == 404
    assert calls == []
    login(client, world, "bidan")
    as_json = client.get(reverse("privacy:export_json", args=[mother.pk]))
    as_pdf = client.get(reverse("privacy:export_pdf", args=[mother.pk]))
    assert (
        as_json["Content-Disposition"] == f'attachment; filename="laktasi-{mother.identifier}.json"'
    )
    assert (
        as_pdf["Content-Disposition"] == f'attachment; filename="laktasi-{mother.identifier}.pdf"'
    )
    assert json.loads(as_json.content)["mother_identifier"] == mother.identifier
    assert as_pdf.content.startswith(b"%PDF")
    assert calls == [("subject_export", "json"), ("subject_export", "pdf")]


def test_a_mothers_own_copy_is_the_bytes_the_services_made(world):
    subject = mother_export(mother=world.mothers["melati"])
    assert exporting.export("subject_export", subject, fmt="json")[2] == subject.to_json()
    name, content_type, pdf = exporting.export("subject_export", subject, fmt="pdf")
    assert (name, content_type) == (f"laktasi-{subject.mother.identifier}.pdf", "application/pdf")
    assert pdf_text(pdf) == pdf_text(mother_export_pdf(export=subject))


def test_the_privacy_command_writes_her_copy_through_the_interface(world, calls, tmp_path):
    identifier = world.mothers["melati"].identifier
    call_command("privacy", "export", identifier, "--out", str(tmp_path), stdout=io.StringIO())
    assert calls == [("subject_export", "json"), ("subject_export", "pdf")]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        f"laktasi-{identifier}.json",
        f"laktasi-{identifier}.pdf",
    ]


def test_paper_forms_and_xlsforms_go_through_the_interface(client, world, calls, tmp_path):
    login(client, world, "kader")
    paper = client.get(reverse("instruments:paper", args=["knowledge_test"]) + "?kunci=1")
    assert paper["Content-Type"] == "text/html; charset=utf-8"
    assert "attachment" not in paper.get("Content-Disposition", "")  # a page to print
    rationale = registry.get("knowledge_test").items[0].rationale.get("id")
    assert rationale[:30] in paper.content.decode()
    xlsform = client.get(reverse("instruments:xlsform", args=["knowledge_test"]))
    definition = registry.get("knowledge_test")
    assert xlsform["Content-Disposition"] == f'attachment; filename="{definition.form_id}.xlsx"'
    before = io.BytesIO()
    write_xlsform(definition, before)  # what the view wrote before it went through export()
    assert cells(xlsform.content) == cells(before.getvalue())
    out = tmp_path / "form.xlsx"
    call_command("xlsform", "knowledge_test", "--lang", "en", "-o", str(out), stdout=io.StringIO())
    assert "label::English (en)" in [c.value for c in load_workbook(out)["survey"][1]]
    assert calls == [
        ("instrument_paper", "html"),
        ("instrument_xlsform", "xlsx"),
        ("instrument_xlsform", "xlsx"),
    ]


def test_materials_pdfs_go_through_the_interface(client, world, calls, tmp_path):
    login(client, world, "kader")
    leaflet = client.get(reverse("materials:leaflet") + "?lang=en&format=a5-booklet")
    assert leaflet["Content-Disposition"] == 'attachment; filename="leaflet-a5-booklet-en.pdf"'
    footer = LeafletFooter(facility_name="", midwife_name="", midwife_phone="",
                           posyandu_schedule="", qr_url=guide_page_url(lang="en"))  # fmt: skip
    assert leaflet.content == render_leaflet(lang="en", fmt="a5-booklet", footer=footer)
    signoff = client.get(reverse("materials:signoff_pdf") + "?lang=id")
    assert signoff["Content-Disposition"] == 'attachment; filename="tinjauan-konten-id.pdf"'
    name, _type, pdf = program_leaflet(user=world.users["bidan"], params={
        "program": world.program.pk, "lang": "id", "fmt": "a4-trifold"})  # fmt: skip
    assert name == f"leaflet-program-{world.program.pk}-a4-trifold-id.pdf"
    assert world.program.facility.name in pdf_text(pdf)
    out = tmp_path / "leaflet.pdf"
    call_command("leaflet", "--lang", "en", "--format", "a5-booklet", "-o", str(out),
                 stdout=io.StringIO())  # fmt: skip
    assert out.read_bytes() == leaflet.content  # no footer given: the generic leaflet
    assert calls == [("leaflet", "pdf"), ("content_signoff", "pdf")] + [("leaflet", "pdf")] * 2


def test_the_facilitators_guide_goes_through_the_interface(client, world, calls, tmp_path):
    login(client, world, "kader")
    guide = client.get(reverse("materials:guide_pdf") + "?lang=en")
    assert guide["Content-Disposition"] == 'attachment; filename="panduan-fasilitator-en.pdf"'
    out = tmp_path / "guide.pdf"
    call_command("guide", "--lang", "en", "-o", str(out), stdout=io.StringIO())
    assert out.read_bytes() == guide.content
    assert calls == [("facilitator_guide", "pdf")] * 2


def test_answer_links_go_through_the_interface_after_the_scope_check(
    client, world, calls, tmp_path, settings
):
    session = make_session(world.program)
    links = issue(session, world.users["bidan"]).links
    query = "?instrument=knowledge_test&timepoint=pre"
    login(client, world, "viewer")  # no personal data: refused before any file is made
    assert client.get(reverse("links:csv", args=[session.pk]) + query).status_code in (403, 404)
    assert calls == []
    login(client, world, "bidan")
    reply = client.get(reverse("links:csv", args=[session.pk]) + query)
    assert reply["Content-Type"] == "text/csv"
    assert reply["Content-Disposition"] == (
        f'attachment; filename="tautan-sesi-{session.pk}-knowledge_test-pre.csv"'
    )
    assert reply.content == links_csv(links=links, base_url="http://testserver")
    name, _type, pdf = qr_sheet(user=world.users["bidan"], params={
        "session": session.pk, "instrument": "knowledge_test", "timepoint": "pre",
        "base_url": "http://testserver"})  # fmt: skip
    assert name == f"kartu-qr-sesi-{session.pk}-knowledge_test-pre.pdf"
    assert all(link.short_code in pdf_text(pdf) for link in links)
    settings.LAKTASI_BASE_URL = "http://testserver"
    out = tmp_path / "links.csv"
    call_command("links", str(session.pk), "--instrument", "knowledge_test", "--timepoint", "pre",
                 "-o", str(out), stdout=io.StringIO())  # fmt: skip
    assert out.read_bytes() == reply.content  # the same links, kept
    assert calls == [("answer_links", "csv"), ("answer_links", "pdf"), ("answer_links", "csv")]


def test_the_fhir_bundle_goes_through_the_interface_after_the_role_check(world, calls, tmp_path):
    def get(role):
        token = token_create(user=world.users[role], name="test")[1]
        return Client().get("/api/fhir/Bundle", headers={"Authorization": f"Bearer {token}"})

    assert get("viewer").status_code == 403
    assert calls == []
    reply = get("bidan")
    assert reply["Content-Type"] == "application/fhir+json"
    bundle = json.loads(reply.content)
    assert bundle["resourceType"] == "Bundle"
    # the bytes the endpoint sent before: compact, keys sorted, UTF-8
    assert reply.content == json.dumps(bundle, ensure_ascii=False, sort_keys=True).encode()
    out = tmp_path / "bundle.json"
    call_command("fhir", "export", "--no-validate", "-o", str(out), stderr=io.StringIO())
    text = out.read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    assert calls == [("fhir_bundle", "json")] * 2
