"""Re-analysis of a published margins-only before/after table (the ``reanalyze`` command).

Given the counts an article printed (and optionally the percentages it printed), this
recomputes the percentages correctly, flags printed percentages that do not match their
counts, and bounds every paired test over all tables consistent with the counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from laktasi.stats._common import Result, count_list, count_value
from laktasi.stats.bounds import (
    BinaryBounds,
    OrdinalBounds,
    PRange,
    marginal_bounds_binary,
    marginal_bounds_ordinal,
)
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import check_lang, fmt_num, fmt_p, tr
from laktasi.stats.percentages import (
    FrequencyTable,
    PercentageCheck,
    check_reported_percentages,
    frequency_table,
)


@dataclass(frozen=True)
class ReanalysisResult(Result):
    """Result of :func:`reanalyze`."""

    kind: str  #: "binary" or "ordinal"
    labels: tuple[str, ...]  #: binary: (yes label, no label); ordinal: lowest first
    before: FrequencyTable
    after: FrequencyTable
    before_check: PercentageCheck | None
    after_check: PercentageCheck | None
    bounds: BinaryBounds | OrdinalBounds
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        text = self.bounds.describe(lang)
        for check in (self.before_check, self.after_check):
            if check is not None and check.discrepancies:
                text += " " + check.describe(lang)
        return text

    def report(self, lang: str = "id") -> str:
        """A multi-line plain-text report: tables, percentage checks, bounds, explanation."""
        check_lang(lang)
        out: list[str] = []
        title = tr(
            lang, "Analisis ulang tabel sebelum/sesudah", "Re-analysis of a before/after table"
        )
        out += [title, "=" * len(title), ""]
        for name, table, check in (
            (tr(lang, "Sebelum", "Before"), self.before, self.before_check),
            (tr(lang, "Sesudah", "After"), self.after, self.after_check),
        ):
            out += _table_lines(name, table, check, lang, self._display_labels(lang))
            out.append("")
        out.append(
            tr(
                lang,
                "Batas nilai p dari semua tabel berpasangan yang mungkin",
                "p-value bounds over every possible paired table",
            )
        )
        out.append(
            tr(
                lang,
                f"Jumlah tabel yang sesuai: {self.bounds.n_tables}",
                f"Number of consistent tables: {self.bounds.n_tables}",
            )
        )
        if isinstance(self.bounds, BinaryBounds):
            ranges = [self.bounds.exact, self.bounds.midp, self.bounds.asymptotic_cc]
        else:
            ranges = [self.bounds.stuart_maxwell, self.bounds.bowker, self.bounds.wilcoxon]
        width = max(len(r.test) for r in ranges)
        for r in ranges:
            out.append(f"  {r.test:<{width}}  {_range_line(r, lang)}")
        out.append("")
        out.append(self.bounds.describe(lang))
        out.append("")
        out.append(_can_cannot(lang))
        notes = self._notes(lang)
        if notes:
            out.append("")
            out += [tr(lang, "Catatan: ", "Note: ") + note for note in notes]
        return "\n".join(out)

    def _notes(self, lang: str) -> list[str]:
        notes = []
        n = self.bounds.n
        if n < 20:
            notes.append(
                tr(
                    lang,
                    f"sampel kecil (n = {n}); nilai p uji asimtotik hanya perkiraan.",
                    f"small sample (n = {n}); p-values of asymptotic tests are approximate.",
                )
            )
        if self.kind == "ordinal" and self.labels == tuple(
            str(i + 1) for i in range(len(self.labels))
        ):
            notes.append(
                tr(
                    lang,
                    "kategori diberi nomor 1..K, dari terendah.",
                    "categories are numbered 1..K, lowest first.",
                )
            )
        return notes

    def _display_labels(self, lang: str) -> tuple[str, ...]:
        if self.kind == "binary" and self.labels == ("yes", "no"):
            return (tr(lang, "ya", "yes"), tr(lang, "tidak", "no"))
        return self.labels


def _range_line(r: PRange, lang: str) -> str:
    verdict = {
        "always": tr(lang, "selalu bermakna", "always significant"),
        "never": tr(lang, "tidak pernah bermakna", "never significant"),
        "depends": tr(lang, "tergantung pasangan", "depends on the pairing"),
    }[r.verdict]
    return (
        f"min {fmt_p(r.p_min, lang)}, max {fmt_p(r.p_max, lang)}; "
        f"p < 0{tr(lang, ',', '.')}05 {tr(lang, 'pada', 'in')} {r.n_significant}/{r.n_tables} "
        f"({verdict})"
    )


def _table_lines(
    name: str,
    table: FrequencyTable,
    check: PercentageCheck | None,
    lang: str,
    labels: tuple[str, ...],
) -> list[str]:
    d = table.decimals
    pct = tr(lang, "%", "%")
    header = [
        tr(lang, "Kategori", "Category"),
        "n",
        f"{pct} " + tr(lang, "dibulatkan", "rounded"),
        f"{pct} " + tr(lang, "sisa terbesar", "largest remainder"),
    ]
    printed: dict[str, Any] = {}
    if check is not None:
        header.append(tr(lang, f"{pct} tercetak", f"{pct} printed"))
        printed = {it.label: it for it in check.items}
    rows = []
    for r, shown in zip(table.rows, labels, strict=True):
        row = [
            shown,
            str(r.count),
            fmt_num(r.rounded, d, lang),
            fmt_num(r.largest_remainder, d, lang),
        ]
        if check is not None:
            it = printed.get(r.label)
            if it is None:
                row.append("-")
            else:
                mark = "" if it.correct else (" *" if it.from_rounding else " !")
                row.append(fmt_num(it.reported, d, lang) + mark)
        rows.append(row)
    total = [
        tr(lang, "Jumlah", "Total"),
        str(table.total),
        fmt_num(table.rounded_sum, d, lang),
        fmt_num(100, d, lang),
    ]
    if check is not None:
        total.append("")
    rows.append(total)
    widths = [max(len(x[i]) for x in [header, *rows]) for i in range(len(header))]
    lines = [f"{name}:"]
    for row in [header, *rows]:
        lines.append(
            "  "
            + "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    if not table.rounded_sums_to_100:
        lines.append(
            "  "
            + tr(
                lang,
                f"Persentase dibulatkan berjumlah {fmt_num(table.rounded_sum, d, lang)}, bukan 100.",
                f"Rounded percentages add up to {fmt_num(table.rounded_sum, d, lang)}, not 100.",
            )
        )
    if check is not None and check.discrepancies:
        lines.append(
            "  "
            + tr(
                lang,
                "* bukan pembulatan yang benar, tetapi bisa berasal dari metode sisa terbesar; "
                "! tidak bisa berasal dari pembulatan apa pun",
                "* not correctly rounded but possible from a largest-remainder adjustment; "
                "! cannot come from any rounding",
            )
        )
        lines.append("  " + check.describe(lang))
    return lines


def _can_cannot(lang: str) -> str:
    return tr(
        lang,
        "Yang dapat ditunjukkan tabel marginal: berapa banyak orang di tiap kategori sebelum "
        "dan sesudah, dan besar perubahan proporsinya. Yang tidak dapat ditunjukkan: siapa "
        "yang berubah dan ke mana, sehingga uji berpasangan (McNemar, Stuart-Maxwell, Bowker, "
        "Wilcoxon) tidak dapat dihitung tepat; hanya rentang nilai p di atas yang pasti. "
        "Uji untuk kelompok independen (misalnya khi-kuadrat biasa) tidak tepat karena orang "
        "yang sama diukur dua kali.",
        "What a margins-only table can show: how many people were in each category before "
        "and after, and how much the proportions changed. What it cannot show: who changed "
        "and to what, so the paired tests (McNemar, Stuart-Maxwell, Bowker, Wilcoxon) cannot "
        "be computed exactly; only the p-value ranges above are certain. Tests for independent "
        "groups (such as an ordinary chi-square) are wrong here because the same people were "
        "measured twice.",
    )


def reanalyze(
    *,
    labels: Sequence[str] | None = None,
    before: Sequence[int] | None = None,
    after: Sequence[int] | None = None,
    n: int | None = None,
    before_yes: int | None = None,
    after_yes: int | None = None,
    reported_before: Sequence[Any] | None = None,
    reported_after: Sequence[Any] | None = None,
    decimals: int = 1,
) -> ReanalysisResult:
    """Re-analyse a published before/after table given only its margins.

    Either an ordinal table (``labels`` lowest first, ``before`` and ``after`` counts in
    that order) or a yes/no table (``n``, ``before_yes``, ``after_yes``; ``labels`` may
    name the yes and the no category). ``reported_before`` / ``reported_after`` are the
    percentages as printed, in the same order (for yes/no: yes then no), and are checked
    against the counts when given.

    Returns
    -------
    ReanalysisResult
        Percentage tables (correctly rounded and largest remainder), checks of the printed
        percentages, and the p-value bounds (:func:`marginal_bounds_binary` or
        :func:`marginal_bounds_ordinal`).
    """
    binary = n is not None or before_yes is not None or after_yes is not None
    ordinal = before is not None or after is not None
    if binary and ordinal:
        raise StatisticsError("give either n/before_yes/after_yes or before/after counts, not both")
    warnings: list[str] = []
    if binary:
        if n is None or before_yes is None or after_yes is None:
            raise StatisticsError("a yes/no table needs n, before_yes and after_yes")
        yes_no = marginal_bounds_binary(n, before_yes, after_yes)
        bounds: BinaryBounds | OrdinalBounds = yes_no
        names = tuple(labels) if labels is not None else ("yes", "no")
        if len(names) != 2:
            raise StatisticsError("a yes/no table takes two labels: the yes and the no category")
        nn = count_value(n, "n")
        b_counts = [yes_no.before_yes, nn - yes_no.before_yes]
        a_counts = [yes_no.after_yes, nn - yes_no.after_yes]
        kind = "binary"
    elif ordinal:
        if before is None or after is None:
            raise StatisticsError("an ordinal table needs both before and after counts")
        b_counts = list(count_list(before, "before"))
        a_counts = list(count_list(after, "after"))
        names = (
            tuple(str(x) for x in labels)
            if labels is not None
            else tuple(str(i + 1) for i in range(len(b_counts)))
        )
        if labels is None:
            warnings.append("no labels given: categories numbered 1..K, lowest first")
        bounds = marginal_bounds_ordinal(b_counts, a_counts, names)
        kind = "ordinal"
    else:
        raise StatisticsError(
            "nothing to analyse: give before/after counts or n/before_yes/after_yes"
        )
    before_table = frequency_table(b_counts, names, decimals)
    after_table = frequency_table(a_counts, names, decimals)
    before_check = (
        check_reported_percentages(b_counts, reported_before, decimals, names)
        if reported_before is not None
        else None
    )
    after_check = (
        check_reported_percentages(a_counts, reported_after, decimals, names)
        if reported_after is not None
        else None
    )
    for check in (before_check, after_check):
        if check is not None:
            warnings.extend(check.warnings)
    warnings.extend(bounds.warnings)
    return ReanalysisResult(
        kind=kind,
        labels=names,
        before=before_table,
        after=after_table,
        before_check=before_check,
        after_check=after_check,
        bounds=bounds,
        warnings=tuple(warnings),
    )
