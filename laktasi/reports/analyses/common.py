"""Shared pieces of the report builder: cell helpers, the read-only context every section
builder receives, and what a section builder hands back (its ``Part``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from laktasi import stats
from laktasi.instruments import registry
from laktasi.reports.datasets import ProgramDataset, ResponseRow
from laktasi.reports.document import Block, Cell, Figure, Section, Table

PRE, POST = "pre", "post"
MAX_LISTED = 40  # identifiers listed by name in the missing-data section
MAX_QUOTES = 6
KIND_ORDER = ("knowledge", "smoothness", "checklist", "likert", "interview")


# ---------------------------------------------------------------------------- pairing
# The one pairing rule of every report (a program's own and the pooled evaluation across
# programs): a mother's primary observer's response at the program's pre and post
# timepoints (not a follow-up), paired by her identifier; complete pairs are analysed.


def timepoint_rows(
    rows: Iterable[ResponseRow], timepoint: str, observer: str = "primary"
) -> dict[str, ResponseRow]:
    """One instrument's responses at ``timepoint`` by the primary (or given) observer, keyed
    by the mother's identifier (follow-up responses are not pre/post)."""
    return {
        r.identifier: r
        for r in rows
        if r.timepoint == timepoint and r.observer == observer and r.followup_number == 0
    }


def pair_values(
    pre: dict[str, ResponseRow], post: dict[str, ResponseRow], value
) -> tuple[list, list, list[str], list[str]]:
    """Aligned before/after ``value(row)`` (None = missing) over mothers measured at either
    timepoint, in identifier order, and the identifiers with pre only and with post only."""
    ids = sorted(set(pre) | set(post))
    before = [value(pre[i]) if i in pre else None for i in ids]
    after = [value(post[i]) if i in post else None for i in ids]
    pre_only = [i for i in ids if i in pre and i not in post]
    post_only = [i for i in ids if i in post and i not in pre]
    return before, after, pre_only, post_only


# ---------------------------------------------------------------------------- small helpers


def pct_sign(lang: str) -> str:
    return " %" if lang == "id" else "%"


def pct_text(value: float, lang: str) -> str:
    return stats.fmt_num(value, 1, lang) + pct_sign(lang)


def n_cell(n: int, strong: bool = False) -> Cell:
    return Cell(str(n), value=n, number_format="0", align="right", strong=strong)


def pct_cell(value: float, lang: str, strong: bool = False) -> Cell:
    return Cell(
        pct_text(value, lang), value=value, number_format="0.0", align="right", strong=strong
    )


def count_pct_cells(count: int, total: int, lang: str) -> tuple[Cell, Cell]:
    """n and its exactly rounded percentage of ``total`` (frequency_table does the rounding)."""
    if total <= 0:
        return n_cell(count), Cell("–", align="right")
    row = stats.frequency_table([count, total - count], ["x", "rest"]).rows[0]
    return n_cell(count), pct_cell(row.rounded, lang)


def head(*labels: str | Cell) -> tuple[Cell, ...]:
    return tuple(x if isinstance(x, Cell) else Cell(x, strong=True) for x in labels)


def long_date(d) -> str:
    return formats.date_format(d, "j F Y")


@dataclass(frozen=True)
class Instrument:
    id: str
    kind: str
    title: str
    versions: tuple[str, ...]
    definition: Any  #: the latest version used


@dataclass(frozen=True)
class ReportContext:
    """What every section builder reads: the dataset, indexed once, and the report's
    language. Read-only: a section returns what it found in its :class:`Part`."""

    ds: ProgramDataset
    lang: str
    include_quotes: bool
    by_instrument: Mapping[str, tuple[ResponseRow, ...]]
    instruments: tuple[Instrument, ...]

    def of_kind(self, kind: str) -> list[Instrument]:
        return [i for i in self.instruments if i.kind == kind]

    def rows(self, iid: str) -> tuple[ResponseRow, ...]:
        """Every response to instrument ``iid`` (any timepoint, any observer)."""
        return self.by_instrument.get(iid, ())

    def responses(
        self, iid: str, timepoint: str, observer: str = "primary"
    ) -> dict[str, ResponseRow]:
        return timepoint_rows(self.rows(iid), timepoint, observer)

    def categories(self, inst: Instrument) -> list[tuple[str, str]]:
        """(code, label) best first."""
        scoring = inst.definition.scoring
        if inst.kind == "knowledge":
            return [(b.code, b.label.get(self.lang)) for b in scoring["bands"]]
        return [(code, text.get(self.lang)) for code, text in scoring.get("categories", {}).items()]

    def pair_lists(
        self, iid: str, value: Callable[[ResponseRow], Any]
    ) -> tuple[list, list, list[str], list[str], int]:
        """Aligned before/after values (None = missing) over mothers with either, plus the
        identifiers with pre only and post only, and the number with neither."""
        pre, post = self.responses(iid, PRE), self.responses(iid, POST)
        before, after, pre_only, post_only = pair_values(pre, post, value)
        enrolled = {m.identifier for m in self.ds.mothers}
        neither = len(enrolled - set(pre) - set(post))
        return before, after, pre_only, post_only, neither


def report_context(dataset: ProgramDataset, *, lang: str, include_quotes: bool) -> ReportContext:
    """Index ``dataset``'s responses by instrument and find the instruments' definitions."""
    grouped: dict[str, list[ResponseRow]] = {}
    for r in dataset.responses:
        grouped.setdefault(r.instrument_id, []).append(r)
    by_instrument = MappingProxyType({iid: tuple(rows) for iid, rows in grouped.items()})
    return ReportContext(
        dataset, lang, include_quotes, by_instrument, _instruments(by_instrument, lang)
    )


def _instruments(
    by_instrument: Mapping[str, tuple[ResponseRow, ...]], lang: str
) -> tuple[Instrument, ...]:
    out = []
    for iid, rows in by_instrument.items():
        versions = tuple(
            sorted({r.version for r in rows}, key=lambda v: tuple(int(p) for p in v.split(".")))
        )
        try:
            definition = registry.get(iid, versions[-1])
        except registry.UnknownInstrumentError:
            continue
        out.append(Instrument(iid, definition.kind, definition.title(lang), versions, definition))
    out.sort(key=lambda i: (KIND_ORDER.index(i.kind) if i.kind in KIND_ORDER else 9, i.id))
    return tuple(out)


# ---------------------------------------------------------------------------- section parts


@dataclass(frozen=True)
class MissingRow:
    """One paired instrument's mothers measured before only, after only, or at neither time."""

    instrument: Instrument
    pre_only: list[str]
    post_only: list[str]
    neither: int


@dataclass(frozen=True, eq=False)
class Part:
    """What a section builder hands back: its section and what it adds to the report's key
    numbers, summary, methods and missing-data table (merged in section order)."""

    section: Section
    numbers: dict[str, Any] = field(default_factory=dict)
    summary: tuple[str, ...] = ()
    methods: tuple[str, ...] = ()
    missing: tuple[MissingRow, ...] = ()


#: key numbers that several sections fill, one entry per instrument (or instrument:timepoint)
MERGED_NUMBERS = frozenset({"published_checks", "skills", "agreement", "likert", "missing"})


def numbers_merge(into: dict[str, Any], part: Mapping[str, Any]) -> None:
    """Add a section's key numbers to the report's: per-instrument tables are merged, the
    rest replaced (a later instrument of the same kind wins, as the sections are ordered)."""
    for key, value in part.items():
        if key in MERGED_NUMBERS:
            into.setdefault(key, {}).update(value)
        else:
            into[key] = value


def captions_numbered(sections: Iterable[Section]) -> tuple[Section, ...]:
    """Number the tables and the figures in reading order ("Table 3. ...", "Figure 2. ...");
    section builders write their captions without a number."""
    tables = figures = 0
    out = []
    for section in sections:
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, Table):
                tables += 1
                caption = _("Table %(n)s. %(caption)s") % {"n": tables, "caption": block.caption}
                block = replace(block, caption=caption)
            elif isinstance(block, Figure):
                figures += 1
                caption = _("Figure %(n)s. %(caption)s") % {"n": figures, "caption": block.caption}
                block = replace(block, caption=caption)
            blocks.append(block)
        out.append(replace(section, blocks=tuple(blocks)))
    return tuple(out)
