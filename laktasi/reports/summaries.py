"""One-sentence text summaries of report charts, shown under each figure (web, PDF, DOCX) so
that what a chart shows can be read without seeing it (issue 23: every chart has its table
and a text summary). Written from the chart's own spec, in the language active when the
report is built; the numbers are the chart's own labels, never recomputed."""

from __future__ import annotations

from django.utils.translation import gettext as _

from laktasi.reports.charts import BarsSpec, FlowSpec, ForestSpec, HBarsSpec


def summary_of(chart) -> str:
    """The summary sentence of a chart spec ('' for a kind without one)."""
    for kind, summarise in _SUMMARIES:
        if isinstance(chart, kind):
            return summarise(chart)
    return ""


def _bars(spec: BarsSpec) -> str:
    parts = []
    for series in spec.series:
        if not series.values:
            continue
        top = max(range(len(series.values)), key=lambda i: series.values[i])
        parts.append(
            _("%(series)s: highest “%(category)s” (%(value)s)")
            % {"series": series.name, "category": spec.categories[top],
               "value": series.labels[top]}
        )  # fmt: skip
    return "; ".join(parts) + "." if parts else ""


def _flow(spec: FlowSpec) -> str:
    # Levels are best first: a column left of the row's own is a better category after.
    table = spec.table
    size = len(table)
    better = sum(table[i][j] for i in range(size) for j in range(i))
    same = sum(table[i][i] for i in range(size))
    worse = sum(table[i][j] for i in range(size) for j in range(i + 1, size))
    return _(
        "Of %(n)s mothers, %(better)s moved to a better category, %(same)s stayed in the same "
        "one and %(worse)s moved to a worse one."
    ) % {"n": better + same + worse, "better": better, "same": same, "worse": worse}


def _hbars(spec: HBarsSpec) -> str:
    if not spec.values:
        return ""
    best = max(range(len(spec.values)), key=lambda i: spec.values[i])
    worst = min(range(len(spec.values)), key=lambda i: spec.values[i])
    return _(
        "Most often: %(best)s (%(best_value)s); least often: %(worst)s (%(worst_value)s)."
    ) % {"best": spec.labels[best], "best_value": spec.value_labels[best],
         "worst": spec.labels[worst], "worst_value": spec.value_labels[worst]}  # fmt: skip


def _forest(spec: ForestSpec) -> str:
    return _("%(k)s programs; %(label)s: %(pooled)s.") % {
        "k": len(spec.rows),
        "label": spec.pooled_label,
        "pooled": spec.pooled_text,
    }


_SUMMARIES = ((BarsSpec, _bars), (FlowSpec, _flow), (HBarsSpec, _hbars), (ForestSpec, _forest))
