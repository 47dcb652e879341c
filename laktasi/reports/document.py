"""The report model: a frozen tree of sections and blocks that every exporter renders.

``analyses.build_report`` fills it with text already in the report's language and numbers
already formatted (``Cell.text``), keeping the raw number beside the text (``Cell.value``)
for spreadsheets. Exporters never compute anything: they only lay it out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Cell:
    text: str
    value: int | float | None = None  #: the number behind the text (spreadsheets)
    number_format: str = ""  #: Excel number format for ``value``, e.g. "0.0"
    colspan: int = 1
    rowspan: int = 1
    align: str = "left"  #: "left", "right" or "center"
    strong: bool = False


@dataclass(frozen=True)
class Table:
    key: str  #: short name (sheet name in XLSX), unique in the report
    caption: str
    head: tuple[tuple[Cell, ...], ...]
    body: tuple[tuple[Cell, ...], ...]
    foot: tuple[tuple[Cell, ...], ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = "normal"  #: "normal", "lead", "note", "quote" or "heading"


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Figure:
    key: str
    caption: str
    chart: Any  #: a hashable chart spec from ``laktasi.reports.charts``
    alt: str = ""
    #: one sentence saying what the chart shows (default: written from the chart's spec)
    summary: str = ""

    def __post_init__(self) -> None:
        if not self.summary:
            from laktasi.reports.summaries import summary_of  # charts load matplotlib

            object.__setattr__(self, "summary", summary_of(self.chart))


Block = Paragraph | BulletList | Table | Figure


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    kind: str  #: "string", "int" or "float"
    value_labels: tuple[tuple[Any, str], ...] = ()


@dataclass(frozen=True)
class RawData:
    """De-identified tidy data: one row per mother and timepoint."""

    variables: tuple[Variable, ...]
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Report:
    lang: str
    title: str
    subtitle: str
    program_title: str
    program_pk: int
    generated_on: date
    generated_on_text: str
    sections: tuple[Section, ...]
    data: RawData
    labels: dict[str, str] = field(hash=False, compare=False)  #: page/footer words
    numbers: dict[str, Any] = field(hash=False, compare=False)  #: key results, JSON-safe

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Table))

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Figure))
