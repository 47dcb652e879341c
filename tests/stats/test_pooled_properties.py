"""Property tests of the pooling (hypothesis) and the one-stage check against lme4."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from laktasi.stats import StatisticsError
from laktasi.stats.onestage import one_stage_mean_change
from laktasi.stats.pooled import meta_regression, random_effects

SCALE = int(os.environ.get("LAKTASI_HYPOTHESIS_SCALE", "1"))
FAST = settings(max_examples=60 * SCALE, deadline=None)
REFERENCE = json.loads((Path(__file__).parent / "r" / "pooled_reference.json").read_text())

effects = st.lists(
    st.tuples(
        st.floats(-3, 3, allow_nan=False),
        st.floats(1e-3, 2.0, allow_nan=False),
    ),
    min_size=2,
    max_size=12,
)
FIELDS = ("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "q", "pi_low", "pi_high")


@FAST
@given(effects, st.randoms(use_true_random=False), st.sampled_from(["REML", "DL", "FE"]),
       st.sampled_from(["knha", "z"]))  # fmt: skip
def test_permuting_programs_changes_nothing(rows, rnd, method, test):
    yi, vi = map(list, zip(*rows, strict=True))
    order = list(range(len(yi)))
    rnd.shuffle(order)
    a = random_effects(yi, vi, method=method, test=test)
    b = random_effects([yi[i] for i in order], [vi[i] for i in order], method=method, test=test)
    for field in FIELDS:
        assert getattr(b, field) == pytest.approx(getattr(a, field), rel=1e-7, abs=1e-9), field
    assert [b.weights[order.index(i)] for i in range(len(yi))] == pytest.approx(
        list(a.weights), rel=1e-7, abs=1e-9
    )


@FAST
@given(effects)
def test_duplicating_every_program_halves_the_fixed_effect_variance(rows):
    yi, vi = map(list, zip(*rows, strict=True))
    single = random_effects(yi, vi, method="FE", test="z")
    double = random_effects(yi + yi, vi + vi, method="FE", test="z")
    assert double.se**2 == pytest.approx(single.se**2 / 2, rel=1e-9)
    assert double.estimate == pytest.approx(single.estimate, rel=1e-9, abs=1e-12)


@FAST
@given(effects, st.sampled_from(["REML", "DL"]))
def test_random_effects_results_stay_in_range(rows, method):
    yi, vi = map(list, zip(*rows, strict=True))
    res = random_effects(yi, vi, method=method)
    assert res.tau2 >= 0
    assert 0 <= res.i2 < 100
    assert 0 <= res.pvalue <= 1
    assert res.ci_low <= res.estimate <= res.ci_high
    assert res.pi_low <= res.ci_low
    assert res.ci_high <= res.pi_high
    assert sum(res.weights) == pytest.approx(100)
    res.to_dict()  # never a NaN in the output


@FAST
@given(effects)
def test_meta_regression_on_programs_permuted_changes_nothing(rows):
    yi, vi = map(list, zip(*rows, strict=True))
    x = [float(i % 3) for i in range(len(yi))]
    if len(yi) < 3 or len(set(x)) < 2:
        with pytest.raises(StatisticsError):
            meta_regression(yi, vi, x)
        return
    try:
        a = meta_regression(yi, vi, x)
    except StatisticsError:
        # metafor stops too: Fisher scoring not converging, or no residual spread at all
        return
    b = meta_regression(yi[::-1], vi[::-1], x[::-1])
    assert b.tau2 == pytest.approx(a.tau2, rel=1e-7, abs=1e-9)
    assert b.coefficients[1].estimate == pytest.approx(a.coefficients[1].estimate, rel=1e-6,
                                                       abs=1e-9)  # fmt: skip


@pytest.mark.parametrize("key", ["one_stage", "one_stage_zero"])
def test_one_stage_mixed_model_matches_lme4(key):
    ref = REFERENCE[key]  # R: lmer(d ~ 1 + (1 | program), data = ..., REML = TRUE)
    res = one_stage_mean_change(ref["program"], ref["d"])
    assert res.n == len(ref["d"])
    # lme4 stops its optimiser (bobyqa) near 1e-7; the profile here is exact
    for field in ("estimate", "se", "tau2", "sigma2"):
        assert getattr(res, field) == pytest.approx(ref[field], rel=1e-6, abs=1e-9), field
    assert res.converged


def test_one_stage_at_zero_between_program_variance_says_so():
    ref = REFERENCE["one_stage_zero"]
    res = one_stage_mean_change(ref["program"], ref["d"])
    assert res.tau2 == 0
    assert res.warnings


def test_one_stage_agrees_with_statsmodels_mixedlm():
    from statsmodels.regression.mixed_linear_model import MixedLM  # noqa: PLC0415

    ref = REFERENCE["one_stage"]
    res = one_stage_mean_change(ref["program"], ref["d"])
    d = np.asarray(ref["d"], float)
    fit = MixedLM(d, np.ones((d.size, 1)), np.asarray(ref["program"])).fit(reml=True)
    assert res.estimate == pytest.approx(float(fit.fe_params[0]), rel=1e-5)
    assert res.tau2 == pytest.approx(float(np.asarray(fit.cov_re)[0, 0]), rel=1e-4)
    assert res.sigma2 == pytest.approx(float(fit.scale), rel=1e-5)


def test_one_stage_and_two_stage_agree_on_the_pengabmas_scores():
    ref = REFERENCE["one_stage"]
    two = REFERENCE["pooled"]["scores/REML/z"]  # R: rma(yi, vi, method = "REML")
    one = one_stage_mean_change(ref["program"], ref["d"])
    assert abs(one.estimate - two["estimate"]) < 0.5 * two["se"]


def test_one_stage_needs_two_programs():
    with pytest.raises(StatisticsError, match="at least two"):
        one_stage_mean_change(["a", "a", "a"], [1.0, 2.0, 3.0])
    with pytest.raises(StatisticsError, match="no variation within"):
        one_stage_mean_change(["a", "a", "b", "b"], [1.0, 1.0, 3.0, 3.0])


def test_one_stage_leaves_out_missing_differences():
    d = np.array([1.0, 2.0, np.nan, 4.0, 3.0, 5.0, 6.0])
    res = one_stage_mean_change(["a", "a", "a", "b", "b", "b", "b"], d)
    assert res.n == 6
