"""PDF: the HTML document printed by WeasyPrint on A4, with page numbers and embedded fonts."""

from __future__ import annotations

import logging

from weasyprint import HTML

from laktasi.reports.document import Report
from laktasi.reports.exporters.base import filename
from laktasi.reports.exporters.html import document, stylesheet

# WeasyPrint and fontTools log every font subset at INFO; keep the server log readable.
for _name in ("weasyprint", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_css(report: Report) -> str:
    labels = report.labels
    footer = _css_string(f"{labels['page']} ")
    of = _css_string(f" {labels['of']} ")
    running = _css_string(report.subtitle[:90] + ("…" if len(report.subtitle) > 90 else ""))
    return f"""
@page {{
  size: A4; margin: 20mm 18mm 20mm 18mm;
  @top-left {{ content: {running}; font: 7.5pt "DejaVu Sans"; color: #444; }}
  @bottom-left {{ content: {_css_string(labels["deidentified"])}; font: 7.5pt "DejaVu Sans"; color: #444; }}
  @bottom-right {{ content: {footer} counter(page) {of} counter(pages); font: 7.5pt "DejaVu Sans"; }}
}}
@page :first {{ @top-left {{ content: none; }} }}
"""


def render(report: Report, *, lang: str) -> tuple[str, str, bytes]:
    html = document(report, css=stylesheet() + page_css(report), print_mode=True)
    pdf = HTML(string=html).write_pdf(
        pdf_identifier=f"laktasi-report-{report.program_pk}-{report.lang}".encode(),
        uncompressed_pdf=False,
    )
    return filename(report, "pdf"), "application/pdf", pdf
