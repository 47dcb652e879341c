"""Number formatting: decimal comma, half-away-from-zero rounding, p-values, CIs."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from laktasi.stats import StatisticsError, fmt_ci, fmt_count_pct, fmt_num, fmt_p, fmt_pct


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "expected"),
    [
        (46.666, 1, "id", "46,7"),
        (46.666, 1, "en", "46.7"),
        (0.125, 2, "id", "0,13"),  # f"{0.125:.2f}" == "0.12" (half to even)
        (2.5, 0, "en", "3"),  # round(2.5) == 2 in Python
        (-2.5, 0, "en", "-3"),  # half away from zero
        (0.145, 2, "en", "0.15"),  # the binary value is 0.14499..., the decimal one 0.145
        (-0.01, 1, "id", "0,0"),  # no "-0,0"
        (Fraction(2, 15) * 100, 1, "id", "13,3"),
        (Decimal("12.25"), 1, "en", "12.3"),
        (7, 0, "id", "7"),
    ],
)
def test_fmt_num(value, decimals, lang, expected):
    assert fmt_num(value, decimals, lang) == expected


def test_fmt_num_grouping():
    assert fmt_num(1234567.891, 2, "id", grouping=True) == "1.234.567,89"
    assert fmt_num(1234567.891, 2, "en", grouping=True) == "1,234,567.89"


def test_fmt_pct_exact_fraction():
    assert fmt_pct(Fraction(2, 15)) == "13,3 %"
    assert fmt_pct(Fraction(8, 15), lang="en") == "53.3%"
    assert fmt_pct(0.4) == "40,0 %"
    assert fmt_pct(1) == "100,0 %"
    assert fmt_count_pct(6, 15) == "40,0 % (6/15)"
    assert fmt_count_pct(13, 15, lang="en") == "86.7% (13/15)"


@pytest.mark.parametrize(
    ("p", "lang", "expected"),
    [
        (0.015625, "id", "p = 0,016"),
        (0.015625, "en", "p = 0.016"),
        (0.0004, "id", "p < 0,001"),
        (1.0, "en", "p = 1.000"),
        (0.0496, "en", "p = 0.0496"),  # 0.050 would contradict p < 0.05
        (0.0504, "en", "p = 0.050"),
    ],
)
def test_fmt_p(p, lang, expected):
    assert fmt_p(p, lang) == expected


def test_fmt_ci():
    assert fmt_ci(0.143, 0.679, 1, "id", percent=True) == "IK 95 % 14,3 sampai 67,9"
    assert fmt_ci(1.44, None, 2, "en") == "95% CI 1.44 to ∞"


@pytest.mark.parametrize(
    "call",
    [
        lambda: fmt_num(float("nan")),
        lambda: fmt_num(float("inf")),
        lambda: fmt_num(1.0, -1),
        lambda: fmt_num(1.0, 1, "de"),
        lambda: fmt_p(1.5),
        lambda: fmt_p(float("nan")),
        lambda: fmt_num("1.0"),
        lambda: fmt_count_pct(1, 0),
    ],
)
def test_fmt_rejects(call):
    with pytest.raises(StatisticsError):
        call()
