"""Every report chart has a one-sentence text summary, written from the chart's own numbers,
in the report's language, in the web page, the PDF and the DOCX (issue 23)."""

from __future__ import annotations

import io

from django.utils import translation
from docx import Document
from pypdf import PdfReader

from laktasi.reports.charts import FlowSpec
from laktasi.reports.document import Figure
from laktasi.reports.exporters import html as html_exporter
from laktasi.reports.exporters import render
from laktasi.reports.selectors import report_build
from laktasi.reports.summaries import summary_of


def figures(report) -> list[Figure]:
    return [b for s in report.sections for b in s.blocks if isinstance(b, Figure)]


def test_flow_summary_counts_better_same_and_worse_from_the_table():
    # levels best first; rows before, columns after: better 3+5+2, same 2+1+1, worse 1
    spec = FlowSpec(("Baik", "Cukup", "Kurang"), ((2, 0, 0), (3, 1, 1), (5, 2, 1)), "pre", "post")
    with translation.override("en"):
        assert summary_of(spec) == (
            "Of 15 mothers, 10 moved to a better category, 4 stayed in the same one and 1 moved "
            "to a worse one."
        )


def test_every_report_figure_has_a_summary_in_web_pdf_and_docx(demo_program):
    for lang in ("id", "en"):
        report = report_build(program=demo_program, lang=lang)
        figs = figures(report)
        assert len(figs) >= 3
        assert all(f.summary for f in figs), [f.key for f in figs if not f.summary]
        sections = html_exporter.sections_context(report, images=True)
        html = "".join(str(b.get("obj").summary) for s in sections for b in s["blocks"]
                       if b["kind"] == "figure")  # fmt: skip
        assert all(f.summary in html for f in figs)
        _name, _type, docx = render(report, fmt="docx")
        text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
        assert all(f.summary in text for f in figs)
        _name, _type, pdf = render(report, fmt="pdf")
        pdf_text = " ".join(
            " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
        )
        first = " ".join(figs[0].summary.split())[:40]
        assert first in pdf_text
    id_report = report_build(program=demo_program, lang="id")
    assert "mothers" not in figures(id_report)[0].summary.lower()
