"""Package-wide contracts: isolation from Django, JSON-safe results, both languages, doctests."""

from __future__ import annotations

import dataclasses
import doctest
import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import laktasi.stats as stats_pkg
from laktasi import stats

LEVELS = ["Kurang", "Cukup", "Baik"]


def test_imports_no_django_or_other_laktasi_module():
    code = (
        "import sys, laktasi.stats, laktasi.stats.reanalysis\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.') or "
        "(m.startswith('laktasi.') and not m.startswith('laktasi.stats')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == ""


def all_results():
    b = [True, False, True, True, None, False, True, False]
    a = [True, True, True, False, True, True, True, True]
    return [
        stats.frequency_table([8, 5, 2], LEVELS),
        stats.check_reported_percentages([8, 5, 2], [53.4, 33.3, 13.5], labels=LEVELS),
        stats.paired_binary(b, a),
        stats.paired_ordinal(
            ["Kurang", "Cukup", "Baik"] * 3, ["Cukup", "Baik", "Baik"] * 3, LEVELS
        ),
        stats.paired_scores([1, 5, 3, 4, 8], [2, 6, 6, 4, 9]),
        stats.normalized_gain([40, 100, 60], [80, 100, 70]),
        stats.cohen_kappa([1, 2, 3, 3], [1, 2, 3, 2]),
        stats.marginal_bounds_binary(15, 6, 13),
        stats.marginal_bounds_ordinal([8, 5, 2], [1, 4, 10], LEVELS),
        stats.kaplan_meier([1, 2, 3, 4], [1, 0, 1, 1], times=[2]),
        stats.logrank([1, 2, 3, 4], [1, 0, 1, 1], ["a", "b", "a", "b"]),
        stats.reanalyze(n=15, before_yes=6, after_yes=13),
    ]


@pytest.mark.parametrize("result", all_results(), ids=lambda r: type(r).__name__)
def test_results_are_frozen_json_safe_and_described(result):
    assert dataclasses.is_dataclass(result)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.warnings = ()
    d = result.to_dict()
    json.dumps(d, allow_nan=False)
    assert isinstance(d["warnings"], list)
    for lang in ("id", "en"):
        text = result.describe(lang)
        assert text
        assert "nan" not in text.lower()
        assert "inf" not in text.lower()
    assert str(result) == result.describe("en")
    with pytest.raises(stats.StatisticsError):
        result.describe("fr")


def test_indonesian_uses_decimal_comma():
    r = stats.paired_binary([True] * 6 + [False] * 9, [True] * 4 + [False] * 2 + [True] * 9)
    assert "40,0 %" in r.describe("id")
    assert "40.0%" in r.describe("en")


def test_every_p_value_in_results_is_a_probability():
    def walk(x, key=""):
        if isinstance(x, dict):
            for k, v in x.items():
                yield from walk(v, k)
        elif isinstance(x, list):
            for v in x:
                yield from walk(v, key)
        elif key.startswith("p_") and key not in ("p_before", "p_after") and x is not None:
            yield key, x

    for result in all_results():
        for key, value in walk(result.to_dict()):
            if isinstance(value, float):
                assert 0.0 <= value <= 1.0, key


def test_public_api():
    for name in stats.__all__:
        assert hasattr(stats, name)
    assert issubclass(stats.StatisticsError, ValueError)


def test_docstring_examples():
    failures = 0
    for mod in pkgutil.iter_modules(stats_pkg.__path__):
        module = importlib.import_module(f"laktasi.stats.{mod.name}")
        failures += doctest.testmod(module, verbose=False).failed
    assert failures == 0
