"""The report builder is composed of section functions over one read-only context: each
returns its part (section, key numbers, summary, methods, missing rows) and shares no state."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.utils import translation

from laktasi.reports.analyses import build_report, outcome_parts, report_context
from laktasi.reports.analyses.common import MissingRow, captions_numbered, numbers_merge
from laktasi.reports.analyses.context import section_methods, section_missing
from laktasi.reports.analyses.outcomes import section_knowledge
from laktasi.reports.datasets import program_dataset
from laktasi.reports.document import Figure, Section, Table


@pytest.fixture
def ctx(demo_program):
    return report_context(program_dataset(program=demo_program), lang="en", include_quotes=False)


def test_context_is_read_only(ctx):
    with pytest.raises(dataclasses.FrozenInstanceError):
        ctx.lang = "id"
    with pytest.raises(TypeError):
        ctx.by_instrument["knowledge_test"] = ()  # a mapping proxy: no item assignment
    assert all(isinstance(rows, tuple) for rows in ctx.by_instrument.values())


def test_a_section_built_twice_from_one_context_is_the_same(ctx):
    """No counters or lists accumulate between calls: the second call sees what the first did."""
    [inst] = ctx.of_kind("knowledge")
    first, second = section_knowledge(ctx, inst), section_knowledge(ctx, inst)
    assert first.section == second.section
    assert first.numbers == second.numbers
    assert first.summary == second.summary
    assert first.methods == second.methods
    assert [m.instrument.id for m in first.missing] == ["knowledge_test"]
    # captions are numbered only when the report is assembled
    table = next(b for b in first.section.blocks if isinstance(b, Table))
    assert not table.caption.startswith("Table")


def test_missing_and_methods_sections_get_what_the_outcome_sections_found(ctx):
    parts = outcome_parts(ctx)
    missing = [row for part in parts for row in part.missing]
    assert {row.instrument.kind for row in missing} >= {"knowledge", "smoothness"}
    part = section_missing(ctx, missing)
    assert set(part.numbers["missing"]) == {row.instrument.id for row in missing}
    assert section_missing(ctx, []).numbers == {}  # nothing paired: no missing numbers
    methods = [text for part in parts for text in part.methods]
    listed = section_methods(ctx, methods + methods).section.blocks[1].items
    assert list(listed) == list(dict.fromkeys(methods))  # each method once, in order


def test_tables_and_figures_are_numbered_in_reading_order(demo_program):
    report = build_report(program_dataset(program=demo_program), lang="en")
    tables = [b.caption for s in report.sections for b in s.blocks if isinstance(b, Table)]
    figures = [b.caption for s in report.sections for b in s.blocks if isinstance(b, Figure)]
    assert [int(re.match(r"Table (\d+)\. ", c)[1]) for c in tables] == list(
        range(1, len(tables) + 1)
    )
    assert [int(re.match(r"Figure (\d+)\. ", c)[1]) for c in figures] == list(
        range(1, len(figures) + 1)
    )
    assert len(tables) > 5
    assert len(figures) > 3


def test_captions_numbered_counts_tables_and_figures_apart():
    table = Table("t", "Counts", ((),), ())
    sections = (
        Section("a", "A", (table,)),
        Section("b", "B", (Figure("f", "Flow", chart=None, summary="s"), table)),
    )
    with translation.override("en"):
        numbered = captions_numbered(sections)
    assert [b.caption for s in numbered for b in s.blocks] == [
        "Table 1. Counts",
        "Figure 1. Flow",
        "Table 2. Counts",
    ]
    assert sections[0].blocks[0].caption == "Counts"  # the input is left as it was


def test_numbers_merge_joins_per_instrument_tables_and_replaces_the_rest():
    numbers = {"n_mothers": 3, "published_checks": {"k:pre": 1}}
    numbers_merge(numbers, {"published_checks": {"s:post": 2}, "knowledge": {"pre": 1}})
    numbers_merge(numbers, {"knowledge": {"post": 2}})
    assert numbers == {
        "n_mothers": 3,
        "published_checks": {"k:pre": 1, "s:post": 2},
        "knowledge": {"post": 2},
    }


def test_missing_row_is_immutable(ctx):
    [inst] = ctx.of_kind("knowledge")
    row = MissingRow(inst, ["LK-1"], [], 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.neither = 2
