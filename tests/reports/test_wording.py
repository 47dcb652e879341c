"""Report wording from the content review: no causal title (M14), age groups that do not
overlap (L19), and the article's numbers unchanged."""

from __future__ import annotations

from django.utils import translation

from laktasi.reports.labels import BABY_AGE_GROUPS, baby_age_group
from laktasi.reports.selectors import report_build


def _all_text(report) -> str:
    parts = []
    for table in report.tables:
        parts.append(table.caption)
        parts += [c.text for row in (*table.head, *table.body, *table.foot) for c in row]
    return "\n".join(parts)


def test_smoothness_table_says_before_and_after_the_program_not_the_massage(demo_program):
    for lang, title, before in (
        ("id", "sebelum dan sesudah program", "Sebelum program"),
        ("en", "before and after the program", "Before the program"),
    ):
        report = report_build(program=demo_program, lang=lang)
        table = next(t for t in report.tables if t.key == "smoothness")
        assert title in table.caption
        assert before in [c.text for row in table.head for c in row]
        text = _all_text(report)
        assert "sesudah pijat oksitosin" not in text
        assert "after oxytocin massage" not in text
        # the article's lancar counts stay: 6 before, 13 after, of 15
        body = [[c.text for c in row] for row in table.body]
        assert [(row[2], row[4]) for row in body] == [("6", "13"), ("9", "2")]


def test_baby_age_groups_do_not_overlap_at_three_months():
    labels = dict(BABY_AGE_GROUPS)
    with translation.override("id"):
        assert str(labels["m1_3"]) == "29 hari–< 3 bulan"
        assert str(labels["m3_6"]) == "3–< 6 bulan"
    assert baby_age_group(90) == "m1_3"
    assert baby_age_group(91) == "m3_6"
    assert baby_age_group(182) == "m3_6"
    assert baby_age_group(183) == "m6"
