"""Frequency tables with exactly rounded percentages, and a check of printed percentages.

Everything is integer arithmetic on *units* of ``10**-decimals`` percent, so 2/15 is exactly
13.333... % and is never mis-rounded by binary floating point.

Two percentage columns are produced:

``rounded``
    Each percentage rounded on its own, half away from zero (12.25 -> 12.3 at one decimal;
    not Python's round-half-even). This is what a table should print. The column may add up
    to 99.9 or 100.1; the result then carries a note.
``largest_remainder``
    Forced to sum to exactly 100 by the largest-remainder (Hamilton) method: every row gets
    its percentage truncated to ``decimals``, and the units still missing go one each to the
    rows with the largest remainders; a tie goes to the larger count, then to the earlier
    label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from laktasi.stats._common import Result, count_list
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_num, tr


@dataclass(frozen=True)
class FrequencyRow:
    """One category: its count and its percentage three ways (exact, rounded, forced to 100)."""

    label: str
    count: int
    percent: float  #: exact percentage (full float precision)
    rounded: float  #: correctly rounded (half away from zero) to ``decimals``
    largest_remainder: float  #: largest-remainder percentage (column sums to exactly 100)


@dataclass(frozen=True)
class FrequencyTable(Result):
    """Result of :func:`frequency_table`."""

    rows: tuple[FrequencyRow, ...]
    total: int
    decimals: int
    rounded_sum: float  #: sum of the ``rounded`` column (may differ from 100)
    rounded_sums_to_100: bool
    method: str
    warnings: tuple[str, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(r.label for r in self.rows)

    def describe(self, lang: str = "id") -> str:
        parts = ", ".join(
            f"{r.label} {r.count} ({fmt_num(r.rounded, self.decimals, lang)}{tr(lang, ' %', '%')})"
            for r in self.rows
        )
        text = f"{parts}; {tr(lang, 'jumlah', 'total')} {self.total}."
        if not self.rounded_sums_to_100:
            lr = ", ".join(
                f"{fmt_num(r.largest_remainder, self.decimals, lang)}{tr(lang, ' %', '%')}"
                for r in self.rows
            )
            total = fmt_num(self.rounded_sum, self.decimals, lang)
            text += tr(
                lang,
                f" Persentase yang dibulatkan berjumlah {total} %, bukan 100 %, karena "
                f"pembulatan; dengan metode sisa terbesar (jumlah tepat 100 %): {lr}.",
                f" The rounded percentages add up to {total}%, not 100%, because of rounding; "
                f"by the largest-remainder method (summing to exactly 100%): {lr}.",
            )
        return text


def _units(count: int, total: int, decimals: int) -> tuple[int, int, int]:
    """(floor units, remainder, correctly rounded units) of count/total*100 in 10**-d units."""
    scaled = count * 100 * 10**decimals
    floor, rem = divmod(scaled, total)
    rounded = (2 * scaled + total) // (2 * total)  # half away from zero (counts are >= 0)
    return floor, rem, rounded


def _largest_remainder(counts: Sequence[int], total: int, decimals: int) -> list[int]:
    floors, rems = [], []
    for c in counts:
        f, r, _ = _units(c, total, decimals)
        floors.append(f)
        rems.append(r)
    missing = 100 * 10**decimals - sum(floors)
    order = sorted(range(len(counts)), key=lambda i: (-rems[i], -counts[i], i))
    out = list(floors)
    for i in order[:missing]:
        out[i] += 1
    return out


def _check_decimals(decimals: Any) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 10:
        raise StatisticsError(f"decimals must be an integer from 0 to 10, not {decimals!r}")
    return decimals


def _labels(labels: Sequence[Any] | None, k: int) -> tuple[str, ...]:
    if labels is None:
        return tuple(str(i + 1) for i in range(k))
    if isinstance(labels, str):
        raise StatisticsError("labels must be a list of names, not one string")
    out = tuple(str(x) for x in labels)
    if len(out) != k:
        raise StatisticsError(f"got {len(out)} labels for {k} counts")
    if len(set(out)) != k:
        raise StatisticsError(f"labels must be distinct: {list(out)!r}")
    return out


def _as_float(units: int, decimals: int) -> float:
    return float(Decimal(units).scaleb(-decimals))


def frequency_table(
    counts: Sequence[int], labels: Sequence[Any] | None = None, decimals: int = 1
) -> FrequencyTable:
    """Counts and percentages, correctly rounded and forced to sum to 100.

    Parameters
    ----------
    counts : sequence of int
        Non-negative counts, one per category (at least one positive).
    labels : sequence of str, optional
        Category names; default ``"1"``, ``"2"``, ...
    decimals : int
        Decimals of the printed percentages (default 1).

    Returns
    -------
    FrequencyTable

    Notes
    -----
    ``rounded`` is ``round(100 * count / total, decimals)`` with halves rounded away from
    zero: R's ``round()`` and Python's ``round()`` round half to even, so neither matches a
    printed table exactly. ``largest_remainder`` is Hamilton's method.
    Percentages are computed in integers (no floating-point error).

    Examples
    --------
    >>> t = frequency_table([8, 5, 2], ["Kurang", "Cukup", "Baik"])
    >>> [r.rounded for r in t.rows], [r.largest_remainder for r in t.rows]
    ([53.3, 33.3, 13.3], [53.4, 33.3, 13.3])
    """
    counts_t = count_list(counts, "counts")
    decimals = _check_decimals(decimals)
    names = _labels(labels, len(counts_t))
    total = sum(counts_t)
    if total == 0:
        raise StatisticsError("all counts are zero: percentages are undefined")
    lr = _largest_remainder(counts_t, total, decimals)
    rows = []
    rounded_units = 0
    for name, c, lr_units in zip(names, counts_t, lr, strict=True):
        _, _, r_units = _units(c, total, decimals)
        rounded_units += r_units
        rows.append(
            FrequencyRow(
                label=name,
                count=c,
                percent=100 * c / total,
                rounded=_as_float(r_units, decimals),
                largest_remainder=_as_float(lr_units, decimals),
            )
        )
    full = 100 * 10**decimals
    warnings: tuple[str, ...] = ()
    if rounded_units != full:
        warnings = (
            f"rounded percentages add up to {_as_float(rounded_units, decimals)}, not 100; "
            "use the largest_remainder column where a total of exactly 100 is needed",
        )
    return FrequencyTable(
        rows=tuple(rows),
        total=total,
        decimals=decimals,
        rounded_sum=_as_float(rounded_units, decimals),
        rounded_sums_to_100=rounded_units == full,
        method="percentages rounded half away from zero; largest-remainder (Hamilton) "
        "column sums to 100, ties to the larger count then the earlier label",
        warnings=warnings,
    )


@dataclass(frozen=True)
class ReportedPercentage:
    """One printed percentage compared with what its count gives."""

    label: str
    count: int
    reported: float
    exact: float  #: exact percentage
    expected: float  #: correctly rounded value
    largest_remainder: float  #: value in this table's largest-remainder column
    correct: bool  #: reported == expected
    from_rounding: bool  #: reported is the exact value rounded down or up (any rounding rule)
    matches_largest_remainder: bool  #: reported == this table's largest-remainder value


@dataclass(frozen=True)
class PercentageCheck(Result):
    """Result of :func:`check_reported_percentages`."""

    items: tuple[ReportedPercentage, ...]  #: every percentage that was reported
    total: int
    decimals: int
    n_checked: int
    n_incorrect: int  #: not the correctly rounded value
    n_impossible: int  #: not obtainable by any rounding of the count
    method: str
    warnings: tuple[str, ...]

    @property
    def discrepancies(self) -> tuple[ReportedPercentage, ...]:
        """Reported percentages that are not the correctly rounded value of their count."""
        return tuple(i for i in self.items if not i.correct)

    def describe(self, lang: str = "id") -> str:
        if not self.discrepancies:
            return tr(
                lang,
                f"Semua {self.n_checked} persentase yang dicetak sesuai dengan jumlahnya.",
                f"All {self.n_checked} printed percentages match their counts.",
            )
        pct = tr(lang, " %", "%")
        parts = []
        for it in self.discrepancies:
            rep = fmt_num(it.reported, self.decimals, lang) + pct
            exp = fmt_num(it.expected, self.decimals, lang) + pct
            frac = f"{it.count}/{self.total}"
            if it.from_rounding:
                why = tr(
                    lang,
                    "bisa berasal dari penyesuaian agar jumlahnya 100 %, misalnya metode sisa "
                    "terbesar",
                    "can come from an adjustment that makes the column add up to 100%, such "
                    "as the largest-remainder method",
                )
            else:
                why = tr(
                    lang,
                    "tidak bisa berasal dari pembulatan apa pun",
                    "cannot come from any rounding",
                )
            parts.append(
                tr(
                    lang,
                    f"{it.label}: tercetak {rep} untuk {frac}, seharusnya {exp} ({why})",
                    f"{it.label}: printed {rep} for {frac}, should be {exp} ({why})",
                )
            )
        return "; ".join(parts) + "."


def _parse_reported(value: Any, i: int) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise StatisticsError(f"reported[{i}] = {value!r} is not a percentage")
    text = str(value).strip().replace("%", "").strip()
    if isinstance(value, str):
        text = text.replace(",", ".")
    try:
        out = Decimal(text)
    except InvalidOperation as exc:
        raise StatisticsError(f"reported[{i}] = {value!r} is not a percentage") from exc
    if not out.is_finite() or out < 0 or out > 100:
        raise StatisticsError(f"reported[{i}] = {value!r} must be between 0 and 100")
    return out


def check_reported_percentages(
    counts: Sequence[int],
    reported: Sequence[Any],
    decimals: int = 1,
    labels: Sequence[Any] | None = None,
) -> PercentageCheck:
    """Compare printed percentages with the percentages their counts give.

    Parameters
    ----------
    counts : sequence of int
        The category counts of one table (their sum is the denominator).
    reported : sequence of float, str or None
        The printed percentages in the same order; strings may use a decimal comma
        (``"53,4"``); ``None`` means not printed (skipped).
    decimals : int
        Decimals the table printed. A reported value with more decimals is an error.
    labels : sequence of str, optional
        Category names for the messages.

    Returns
    -------
    PercentageCheck
        ``items`` has one entry per reported value; ``discrepancies`` lists those that are
        not correctly rounded, each with ``expected``, ``from_rounding`` (the value is the
        exact percentage rounded down or up, which a sum-to-100 adjustment such as the
        largest-remainder method can produce) and ``matches_largest_remainder``.

    Examples
    --------
    The article printed 13,5 % for 2/15 (impossible) and 53,4 % for 8/15 (an adjustment):

    >>> c = check_reported_percentages([8, 5, 2], [53.4, 33.3, 13.5])
    >>> [(i.reported, i.expected, i.from_rounding) for i in c.discrepancies]
    [(53.4, 53.3, True), (13.5, 13.3, False)]
    """
    table = frequency_table(counts, labels, decimals)
    if isinstance(reported, (str, bytes)):
        raise StatisticsError("reported must be a list of percentages, not one string")
    rep = list(reported)
    if len(rep) != len(table.rows):
        raise StatisticsError(f"got {len(rep)} reported percentages for {len(table.rows)} counts")
    scale = 10**decimals
    lr_units = _largest_remainder([r.count for r in table.rows], table.total, decimals)
    items = []
    for i, (row, value, lr) in enumerate(zip(table.rows, rep, lr_units, strict=True)):
        parsed = _parse_reported(value, i)
        if parsed is None:
            continue
        units = parsed * scale
        if units != units.to_integral_value():
            raise StatisticsError(
                f"reported[{i}] = {value!r} has more than {decimals} decimals; "
                f"pass decimals= the number of decimals the table printed"
            )
        u = int(units)
        exact = Fraction(row.count * 100 * scale, table.total)
        floor, rem, rounded = _units(row.count, table.total, decimals)
        options = {floor, floor + 1} if rem else {floor}
        items.append(
            ReportedPercentage(
                label=row.label,
                count=row.count,
                reported=float(parsed),
                exact=float(exact / scale),
                expected=_as_float(rounded, decimals),
                largest_remainder=_as_float(lr, decimals),
                correct=u == rounded,
                from_rounding=u in options,
                matches_largest_remainder=u == lr,
            )
        )
    if not items:
        raise StatisticsError("no reported percentage to check (all None)")
    n_incorrect = sum(not it.correct for it in items)
    n_impossible = sum(not it.from_rounding for it in items)
    warns = []
    if n_impossible:
        warns.append(
            f"{n_impossible} printed percentage(s) cannot come from any rounding of the counts: "
            "a misprint or a wrong count"
        )
    return PercentageCheck(
        items=tuple(items),
        total=table.total,
        decimals=decimals,
        n_checked=len(items),
        n_incorrect=n_incorrect,
        n_impossible=n_impossible,
        method="exact integer comparison with the correctly rounded (half away from zero) "
        "value, the value rounded down and up, and the largest-remainder value",
        warnings=tuple(warns),
    )
