"""Shared pieces of the report builder: cell helpers and the builder's bookkeeping."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from laktasi import stats
from laktasi.instruments import registry
from laktasi.reports.datasets import ProgramDataset, ResponseRow
from laktasi.reports.document import (
    Cell,
)

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


class BuilderBase:
    """Indexes the dataset's responses and answers the questions every section asks."""

    def __init__(self, dataset: ProgramDataset, lang: str, include_quotes: bool):
        self.ds = dataset
        self.lang = lang
        self.include_quotes = include_quotes
        self.numbers: dict[str, Any] = {"n_mothers": len(dataset.mothers)}
        self.summary: list[str] = []
        self.methods: list[str] = []
        self.missing_rows: list[tuple[Instrument, list[str], list[str], int]] = []
        self.table_no = 0
        self.figure_no = 0
        self.by_instrument: dict[str, list[ResponseRow]] = defaultdict(list)
        for r in dataset.responses:
            self.by_instrument[r.instrument_id].append(r)
        self.instruments = self._instruments()

    # -- bookkeeping

    def _instruments(self) -> list[Instrument]:
        out = []
        for iid, rows in self.by_instrument.items():
            versions = tuple(
                sorted({r.version for r in rows}, key=lambda v: tuple(int(p) for p in v.split(".")))
            )
            try:
                definition = registry.get(iid, versions[-1])
            except registry.UnknownInstrumentError:
                continue
            out.append(
                Instrument(iid, definition.kind, definition.title(self.lang), versions, definition)
            )
        out.sort(key=lambda i: (KIND_ORDER.index(i.kind) if i.kind in KIND_ORDER else 9, i.id))
        return out

    def of_kind(self, kind: str) -> list[Instrument]:
        return [i for i in self.instruments if i.kind == kind]

    def caption_table(self, text: str) -> str:
        self.table_no += 1
        return _("Table %(n)s. %(caption)s") % {"n": self.table_no, "caption": text}

    def caption_figure(self, text: str) -> str:
        self.figure_no += 1
        return _("Figure %(n)s. %(caption)s") % {"n": self.figure_no, "caption": text}

    def responses(
        self, iid: str, timepoint: str, observer: str = "primary"
    ) -> dict[str, ResponseRow]:
        return timepoint_rows(self.by_instrument.get(iid, ()), timepoint, observer)

    def categories(self, inst: Instrument) -> list[tuple[str, str]]:
        """(code, label) best first."""
        scoring = inst.definition.scoring
        if inst.kind == "knowledge":
            return [(b.code, b.label.get(self.lang)) for b in scoring["bands"]]
        return [(code, text.get(self.lang)) for code, text in scoring.get("categories", {}).items()]

    def pair_lists(self, iid: str, value) -> tuple[list, list, list[str], list[str], int]:
        """Aligned before/after values (None = missing) over mothers with either, plus the
        identifiers with pre only and post only, and the number with neither."""
        pre, post = self.responses(iid, PRE), self.responses(iid, POST)
        before, after, pre_only, post_only = pair_values(pre, post, value)
        enrolled = {m.identifier for m in self.ds.mothers}
        neither = len(enrolled - set(pre) - set(post))
        return before, after, pre_only, post_only, neither

    # -- build
