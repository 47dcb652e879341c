"""Number formatting for plain-language results, in Indonesian (``"id"``) or English (``"en"``).

Reports reuse these helpers so that a number reads the same everywhere:

* Indonesian uses the decimal comma (``40,0 %``), English the decimal point (``40.0%``).
* Rounding is *half away from zero* on the shortest decimal form of the number
  (``fmt_num(0.125, 2) == "0,13"``), as printed tables do; Python's ``round`` and
  ``format`` round half to even on the binary value instead (``f"{0.125:.2f}" == "0.12"``).
* Exact inputs (``int``, :class:`fractions.Fraction`, :class:`decimal.Decimal`) are rounded
  exactly, so ``fmt_pct(Fraction(2, 15))`` is ``"13,3 %"`` with no floating-point doubt.

No function here ever prints ``nan``: a non-finite number raises
:class:`~laktasi.stats.errors.StatisticsError`.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from laktasi.stats.errors import StatisticsError

LANGS = ("id", "en")


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language code, else raise StatisticsError."""
    if lang not in LANGS:
        raise StatisticsError(f"lang must be 'id' or 'en', not {lang!r}")
    return lang


def tr(lang: str, id_text: str, en_text: str) -> str:
    """Pick the Indonesian or the English text."""
    return id_text if check_lang(lang) == "id" else en_text


def _to_decimal(x: object) -> Decimal:
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise StatisticsError(f"cannot format the non-finite number {x}")
        return x
    if isinstance(x, bool):
        raise StatisticsError("cannot format a boolean as a number")
    if isinstance(x, numbers.Integral):
        return Decimal(int(x))
    if isinstance(x, Fraction):
        return Decimal(x.numerator) / Decimal(x.denominator)
    if isinstance(x, numbers.Real):
        value = float(x)
        if not math.isfinite(value):
            raise StatisticsError(f"cannot format the non-finite number {value}")
        # repr gives the shortest decimal that round-trips: 0.145 stays 0.145, not 0.14499...
        return Decimal(repr(value))
    raise StatisticsError(f"cannot format {x!r} as a number")


def _round_decimal(x: object, decimals: int) -> Decimal:
    if isinstance(x, Fraction):
        # exact: scale, round half away from zero in integers, scale back
        scaled = x * 10**decimals
        sign = -1 if scaled < 0 else 1
        units = (abs(scaled.numerator) * 2 + scaled.denominator) // (2 * scaled.denominator)
        return Decimal(sign * units).scaleb(-decimals)
    quantum = Decimal(1).scaleb(-decimals)
    return _to_decimal(x).quantize(quantum, rounding=ROUND_HALF_UP)


def fmt_num(x: object, decimals: int = 1, lang: str = "id", *, grouping: bool = False) -> str:
    """Format a number with a fixed number of decimals, rounded half away from zero.

    Parameters
    ----------
    x : int, float, Fraction or Decimal
        The number.
    decimals : int
        Digits after the decimal separator (0 gives an integer).
    lang : {"id", "en"}
        ``"id"`` uses the decimal comma and ``.`` as thousands separator, ``"en"`` the
        decimal point and ``,``.
    grouping : bool
        Insert thousands separators.

    Examples
    --------
    >>> fmt_num(46.666, 1)
    '46,7'
    >>> fmt_num(1234.5, 1, "en", grouping=True)
    '1,234.5'
    """
    check_lang(lang)
    if not isinstance(decimals, int) or decimals < 0:
        raise StatisticsError(f"decimals must be a non-negative integer, not {decimals!r}")
    value = _round_decimal(x, decimals)
    if value == 0:
        value = abs(value)  # never print "-0,0"
    text = f"{value:,.{decimals}f}" if grouping else f"{value:.{decimals}f}"
    if lang == "id":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_pct(proportion: object, decimals: int = 1, lang: str = "id") -> str:
    """Format a proportion (0..1) as a percentage: ``0.4 -> "40,0 %"`` (id) / ``"40.0%"`` (en).

    Pass a :class:`~fractions.Fraction` (``Fraction(count, total)``) for exact rounding.
    """
    if isinstance(proportion, Fraction):
        value: object = proportion * 100
    elif isinstance(proportion, numbers.Integral) and not isinstance(proportion, bool):
        value = int(proportion) * 100
    else:
        value = _to_decimal(proportion) * 100
    return fmt_points(value, decimals, lang) + tr(lang, " %", "%")


def fmt_points(value: object, decimals: int = 1, lang: str = "id") -> str:
    """Format a value already on the percent scale (no sign added), e.g. percentage points."""
    return fmt_num(value, decimals, lang)


def fmt_count_pct(count: int, total: int, decimals: int = 1, lang: str = "id") -> str:
    """``"40,0 % (6/15)"``: a count as an exactly rounded percentage of its total."""
    if total <= 0:
        raise StatisticsError("total must be positive to format a percentage")
    return f"{fmt_pct(Fraction(int(count), int(total)), decimals, lang)} ({count}/{total})"


def fmt_p(p: float, lang: str = "id", decimals: int = 3) -> str:
    """Format a p-value as ``"p = 0,016"`` or ``"p < 0,001"``.

    Three decimals by default (APA style). When rounding would move a p-value across 0.05
    (0.0496 would print as 0.050), one more decimal is shown so the text never contradicts
    the decision.
    """
    check_lang(lang)
    value = float(p)
    if not math.isfinite(value) or value < 0 or value > 1:
        raise StatisticsError(f"a p-value must be between 0 and 1, not {p!r}")
    floor = 10.0**-decimals
    if value < floor:
        return f"p < {fmt_num(Decimal(1).scaleb(-decimals), decimals, lang)}"
    shown = decimals
    rounded = float(_round_decimal(value, shown))
    if (value < 0.05) != (rounded < 0.05):
        shown += 1
    return f"p = {fmt_num(value, shown, lang)}"


def fmt_ci(
    lower: float | None,
    upper: float | None,
    decimals: int = 1,
    lang: str = "id",
    *,
    percent: bool = False,
    level: int = 95,
) -> str:
    """Format a confidence interval: ``"IK 95 % 18,4 sampai 64,6"`` / ``"95% CI 18.4 to 64.6"``.

    ``None`` for a limit means unbounded (printed as ``∞``/``-∞``) or not estimable.
    With ``percent=True`` the limits are proportions shown on the percent scale.
    """

    def one(x: float | None, infinite: str) -> str:
        if x is None:
            return infinite
        return fmt_num(_to_decimal(x) * 100 if percent else x, decimals, lang)

    head = tr(lang, f"IK {level} %", f"{level}% CI")
    return f"{head} {one(lower, '-∞')} {tr(lang, 'sampai', 'to')} {one(upper, '∞')}"
