"""The report pages (a program's, the evaluation across programs) show the report through the
one exporter interface (``laktasi.core.exporting.export``, kind "report", format "html"), as
every download does: the page embeds exactly what the HTML exporter renders for it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from laktasi.accounts.models import User
from laktasi.core import exporting
from laktasi.reports import exporters
from laktasi.reports.selectors import report_build, report_program
from tests.conftest import PASSWORD
from tests.pooled.conftest import PLANS, make_program


@pytest.fixture
def pooled_programs(world):
    """The synthetic programs of tests/pooled, for the pooled page."""
    return [make_program(world, plan, i, world.users["bidan"]) for i, plan in enumerate(PLANS)]


@pytest.fixture
def export_spy(monkeypatch):
    """Records every call of the one exporter interface the report pages go through."""
    calls: list[dict] = []
    real = exporting.export

    def spy(kind, subject, *, fmt, lang=None, **options):
        rendered = real(kind, subject, fmt=fmt, lang=lang, **options)
        calls.append({"kind": kind, "subject": subject, "fmt": fmt, "lang": lang,
                      "options": options, "body": rendered[2].decode("utf-8")})  # fmt: skip
        return rendered

    monkeypatch.setattr(exporters, "export", spy)
    return calls


def test_program_report_page_is_rendered_by_the_html_exporter(client, demo_program, export_spy):
    admin = User.objects.create_user(username="admin-page", password=PASSWORD, role="admin")
    client.force_login(admin)
    url = reverse("reports:program", args=[demo_program.pk])
    page = client.get(url, {"format": "web", "lang": "en"})
    assert page.status_code == 200
    [call] = export_spy
    assert (call["kind"], call["fmt"], call["lang"], call["options"]) == (
        "report", "html", "en", {"part": "page"},
    )  # fmt: skip
    assert call["subject"].program_pk == demo_program.pk
    html = page.content.decode()
    assert f'<div class="card">{call["body"]}</div>' in html
    # the body is the report: its sections, tables and figures (as <img>, for the page's CSP)
    assert call["body"].startswith('<article class="lk-report" lang="en">')
    assert 'id="t-knowledge"' in call["body"]
    assert '<img src="data:image/svg+xml;base64,' in call["body"]
    assert "<svg" not in call["body"]


def test_report_page_body_equals_the_exporters_page_part(client, demo_program, export_spy):
    """What the page shows is what ``render(report, fmt="html", part="page")`` makes of the
    same report, built for the same user (a viewer: aggregates only)."""
    viewer = User.objects.create_user(username="viewer-page", password=PASSWORD, role="viewer")
    client.force_login(viewer)
    page = client.get(reverse("reports:program", args=[demo_program.pk]),
                      {"format": "web", "lang": "id"})  # fmt: skip
    report = report_build(program=report_program(user=viewer, pk=demo_program.pk), lang="id",
                          user=viewer)  # fmt: skip
    _name, content_type, body = exporters.render(report, fmt="html", part="page")
    assert content_type == "text/html; charset=utf-8"
    assert body.decode("utf-8") in page.content.decode()
    assert export_spy[0]["body"] == body.decode("utf-8")


def test_form_page_without_a_report_calls_no_exporter(client, demo_program, export_spy):
    admin = User.objects.create_user(username="admin-form", password=PASSWORD, role="admin")
    client.force_login(admin)
    page = client.get(reverse("reports:program", args=[demo_program.pk]))
    assert page.status_code == 200
    assert 'class="lk-report"' not in page.content.decode()
    assert export_spy == []


def test_html_download_stays_the_self_contained_document(demo_program):
    report = report_build(program=demo_program, lang="en")
    _name, _type, document = exporters.render(report, fmt="html")
    _name, _type, body = exporters.render(report, fmt="html", part="page")
    text = document.decode("utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert "<style>" in text
    assert "<svg" in text  # charts inline in the downloaded file
    assert not body.decode("utf-8").startswith("<!DOCTYPE html>")


def test_unknown_part_of_an_html_report_is_refused(demo_program):
    report = report_build(program=demo_program, lang="en")
    with pytest.raises(ValueError, match="unknown part"):
        exporters.render(report, fmt="html", part="sidebar")


def test_pooled_page_is_rendered_by_the_html_exporter(client, world, pooled_programs, export_spy):
    assert client.login(username=world.users["coordinator"].username, password=PASSWORD)
    page = client.get("/laporan/gabungan/", {"outcome": "knowledge_test:score", "method": "REML",
                                             "test": "knha", "format": "web", "lang": "en"})  # fmt: skip
    assert page.status_code == 200
    [call] = export_spy
    assert (call["kind"], call["fmt"], call["options"]) == ("report", "html", {"part": "page"})
    assert f'<div class="card">{call["body"]}</div>' in page.content.decode()
    assert "data:image/svg+xml;base64," in call["body"]  # the forest plot
