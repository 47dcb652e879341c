"""One exporter interface for every download (laktasi/core/exporting.py): the registry, and
every download view and file reaching it."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

import laktasi.dashboards.exports
import laktasi.imports.exports
import laktasi.reports.exporters
import laktasi.reports.pooled.export
from laktasi.core import exporting
from laktasi.imports.models import ImportJob
from laktasi.reports.generated import program_report
from tests.conftest import PASSWORD
from tests.imports.conftest import kobo_export, write_csv

EVERY_DOWNLOAD = {
    "report": ("pdf", "docx", "xlsx", "html", "sav", "csv"),
    "pooled_report": ("json", "csv", "xlsx", "pdf", "docx", "html"),
    "dashboard_table": ("csv", "xlsx"),
    "import_template": ("xlsx",),
    "import_rejected_rows": ("xlsx",),
}
# The modules that register them (imported above, as their callers do).
REGISTERING = (
    laktasi.reports.exporters,
    laktasi.reports.pooled.export,
    laktasi.dashboards.exports,
    laktasi.imports.exports,
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
