"""Word: real, editable tables (python-docx), charts as PNG, A4 with page numbers."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from laktasi.reports import charts
from laktasi.reports.document import BulletList, Cell, Figure, Paragraph, Report, Table
from laktasi.reports.exporters.base import filename

ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}
FONT = "DejaVu Sans"


def _field(run, instruction: str) -> None:
    """Insert a Word field (PAGE, NUMPAGES) into a run."""
    begin, text, end = (
        OxmlElement("w:fldChar"),
        OxmlElement("w:instrText"),
        OxmlElement("w:fldChar"),
    )
    begin.set(qn("w:fldCharType"), "begin")
    text.set(qn("xml:space"), "preserve")
    text.text = instruction
    end.set(qn("w:fldCharType"), "end")
    run._r.append(begin)
    run._r.append(text)
    run._r.append(end)


def _setup(doc, report: Report) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(1.8))
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(9.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    for name in ("Heading 1", "Heading 2", "Heading 3", "Title"):
        doc.styles[name].font.name = FONT
        doc.styles[name].font.color.rgb = RGBColor(0, 0, 0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = footer.add_run(f"{report.labels['deidentified']}    {report.labels['page']} ")
    run.font.size = Pt(7.5)
    _field(footer.add_run(), "PAGE")
    footer.add_run(f" {report.labels['of']} ").font.size = Pt(7.5)
    _field(footer.add_run(), "NUMPAGES")


def _shade(cell, fill: str) -> None:
    props = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    props.append(shd)


def _write_cell(cell, spec: Cell, *, bold: bool = False) -> None:
    par = cell.paragraphs[0]
    par.alignment = ALIGN.get(spec.align, WD_ALIGN_PARAGRAPH.LEFT)
    run = par.add_run(spec.text)
    run.bold = bold or spec.strong
    run.font.size = Pt(8.5)


def _table(doc, t: Table) -> None:
    cap = doc.add_paragraph()
    cap.add_run(t.caption).bold = True
    cap.paragraph_format.keep_with_next = True
    rows = [*t.head, *t.body, *t.foot]
    ncols = sum(c.colspan for c in t.head[0]) if t.head else len(rows[0])
    table = doc.add_table(rows=len(rows), cols=ncols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    occupied: set[tuple[int, int]] = set()
    for r, row in enumerate(rows):
        c = 0
        is_head = r < len(t.head)
        for spec in row:
            while (r, c) in occupied:
                c += 1
            cell = table.cell(r, c)
            if spec.colspan > 1 or spec.rowspan > 1:
                cell = cell.merge(table.cell(r + spec.rowspan - 1, c + spec.colspan - 1))
                for dr in range(spec.rowspan):
                    for dc in range(spec.colspan):
                        occupied.add((r + dr, c + dc))
            _write_cell(cell, spec, bold=is_head)
            if is_head:
                _shade(cell, "E8E8E8")
            c += spec.colspan
    for row in table.rows[: len(t.head)]:
        tr_pr = row._tr.get_or_add_trPr()
        header = OxmlElement("w:tblHeader")
        header.set(qn("w:val"), "true")
        tr_pr.append(header)
    for note in t.notes:
        p = doc.add_paragraph(note)
        p.runs[0].font.size = Pt(8)
    doc.add_paragraph()


def _paragraph(doc, block: Paragraph) -> None:
    if block.style == "heading":
        doc.add_heading(block.text, level=3)
        return
    p = doc.add_paragraph(block.text)
    if block.style == "lead":
        p.runs[0].bold = True
    elif block.style == "note":
        p.runs[0].font.size = Pt(8)
    elif block.style == "quote":
        p.runs[0].italic = True
        p.paragraph_format.left_indent = Cm(1)


def _figure(doc, block: Figure) -> None:
    picture = doc.add_picture(io.BytesIO(charts.png(block.chart)))
    if picture.width > Cm(16.5):
        picture.height = int(picture.height * Cm(16.5) / picture.width)
        picture.width = Cm(16.5)
    doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap = doc.add_paragraph()
    cap.add_run(block.caption).bold = True
    cap.runs[0].font.size = Pt(8.5)
    if block.summary:
        summary = doc.add_paragraph(block.summary)
        summary.runs[0].font.size = Pt(8.5)


def _block(doc, block) -> None:
    """One block of a report section, by its kind."""
    if isinstance(block, Paragraph):
        _paragraph(doc, block)
    elif isinstance(block, BulletList):
        for item in block.items:
            doc.add_paragraph(item, style="List Bullet")
    elif isinstance(block, Table):
        _table(doc, block)
    elif isinstance(block, Figure):
        _figure(doc, block)


def render(report: Report, *, lang: str) -> tuple[str, str, bytes]:
    doc = Document()
    _setup(doc, report)
    doc.core_properties.title = f"{report.title}: {report.subtitle}"
    doc.core_properties.language = report.lang
    doc.core_properties.author = "laktasi"
    kicker = doc.add_paragraph()
    kicker.add_run(report.title.upper()).font.size = Pt(9)
    doc.add_heading(report.subtitle, level=1)
    meta = doc.add_paragraph(f"{report.generated_on_text} · {report.labels['deidentified']}")
    meta.runs[0].font.size = Pt(8.5)
    for number, section in enumerate(report.sections, start=1):
        doc.add_heading(f"{number}. {section.title}", level=2)
        for block in section.blocks:
            _block(doc, block)
    buf = io.BytesIO()
    doc.save(buf)
    return (
        filename(report, "docx"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        buf.getvalue(),
    )
