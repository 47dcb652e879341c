"""Pooled proportions ("EBF at a visit") against metafor 3.8-1 (R 4.2.2):
``escalc(measure = "PLO")``, ``rma`` and ``predict(..., transf = transf.ilogit)``.

Every expected value comes from tests/stats/r/proportion_reference.json, written by
tests/stats/r/proportion_reference.R. The tests do not need R.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from laktasi.stats import StatisticsError
from laktasi.stats.pooled import back_transform, ilogit, proportion_logit, random_effects

REL = 1e-6
ABS = 1e-12
REFERENCE = json.loads((Path(__file__).parent / "r" / "proportion_reference.json").read_text())
POOLED = REFERENCE["pooled"]


def close(value, expected):
    return value == pytest.approx(expected, rel=REL, abs=ABS)


def test_proportion_logit_matches_escalc_plo_with_its_default_correction():
    ref = REFERENCE["effects"]  # R: escalc(measure = "PLO", xi = x, ni = n)
    for x, n, yi, vi in zip(ref["x"], ref["n"], ref["yi"], ref["vi"], strict=True):
        es = proportion_logit(x, n)
        assert (es.measure, es.n) == ("PLO", n)
        assert close(es.yi, yi), (x, n, es.yi, yi)
        assert close(es.vi, vi), (x, n, es.vi, vi)
        # metafor adds 1/2 only when the proportion is 0 or 1 (to = "only0")
        assert bool(es.warnings) == (x in (0, n))


@pytest.mark.parametrize("key", sorted(POOLED))
def test_pooled_proportion_matches_metafor_rma_and_ilogit_predict(key):
    ref = POOLED[key]
    effects = [proportion_logit(x, n) for x, n in zip(ref["x"], ref["n"], strict=True)]
    res = random_effects(
        [e.yi for e in effects], [e.vi for e in effects], method=ref["method"], test=ref["test"]
    )
    assert res.k == ref["k"]
    for field in ("estimate", "se", "ci_low", "ci_high", "tau2", "i2"):
        assert close(getattr(res, field), ref[field]), (field, getattr(res, field), ref[field])
    back = back_transform(res)
    assert close(back.estimate, ref["pred"])
    assert close(back.ci_low, ref["pred_ci_low"])
    assert close(back.ci_high, ref["pred_ci_high"])
    if ref["method"] == "FE":
        assert (back.pi_low, back.pi_high) == (None, None) == (ref["pred_pi_low"], None)
    else:
        assert close(back.pi_low, ref["pred_pi_low"])
        assert close(back.pi_high, ref["pred_pi_high"])


def test_ilogit_is_the_inverse_of_the_logit_without_overflow():
    assert ilogit(0.0) == 0.5
    assert close(ilogit(math.log(3.0)), 0.75)
    assert ilogit(-800.0) == 0.0
    assert ilogit(800.0) == 1.0


@pytest.mark.parametrize(("x", "n"), [(0, 0), (5, 4), (-1, 3), (1.5, 3)])
def test_impossible_proportions_are_refused(x, n):
    with pytest.raises(StatisticsError):
        proportion_logit(x, n)
