"""One rule for spreadsheet-safe cells, used by every CSV/XLSX laktasi writes."""

import pytest

from laktasi.core.spreadsheet import neutralise, safe_text
from laktasi.dashboards import exports as dashboard_exports
from laktasi.imports import exports as import_exports
from laktasi.reports.exporters import base as report_exporters


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62 812", "'+62 812"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Siti", "Siti"),
        ("", ""),
        (-1, -1),
        (2.5, 2.5),
        (None, None),
    ],
)
def test_text_that_a_spreadsheet_would_run_gets_an_apostrophe_and_numbers_pass(value, expected):
    assert neutralise(value) == expected


def test_safe_text_turns_any_value_into_safe_text():
    assert safe_text(-3) == "'-3"
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text(12) == "12"


def test_every_download_uses_the_one_rule():
    assert dashboard_exports.neutralise is neutralise
    assert report_exporters.safe_text is safe_text
    assert import_exports.neutralise("=1") == "'=1"
