"""laktasi.stats.pooled against metafor 3.8-1 (R 4.2.2): escalc, rma, predict, mods.

Every expected value comes from tests/stats/r/pooled_reference.json, written by
tests/stats/r/pooled_reference.R (the R call is stored beside each value set as ``call``).
The tests do not need R.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from laktasi.stats import StatisticsError
from laktasi.stats.pooled import (
    meta_regression,
    paired_log_odds_ratio,
    paired_mean_change,
    paired_risk_difference,
    random_effects,
)

REL = 1e-6
#: absolute floor for values that are 0 in R (tau2 at the boundary, a zero CI width)
ABS = 1e-12
REFERENCE = json.loads((Path(__file__).parent / "r" / "pooled_reference.json").read_text())
POOLED = REFERENCE["pooled"]
REGRESSION = REFERENCE["regression"]
EFFECTS = REFERENCE["effects"]


def close(value, expected):
    return value == pytest.approx(expected, rel=REL, abs=ABS)


@pytest.mark.parametrize("key", sorted(POOLED))
def test_random_effects_matches_metafor_rma_and_predict(key):
    ref = POOLED[key]  # R: predict(rma(yi, vi, method = ..., test = ...))
    res = random_effects(ref["yi"], ref["vi"], method=ref["method"], test=ref["test"])
    assert res.k == ref["k"]
    for field in ("estimate", "se", "ci_low", "ci_high", "tau2", "i2", "h2", "q"):
        assert close(getattr(res, field), ref[field]), (field, getattr(res, field), ref[field])
    for field in ("pvalue", "q_pvalue"):
        assert close(getattr(res, field), ref[field]), (field, getattr(res, field), ref[field])
    if ref["method"] == "FE":  # predict() gives no prediction interval: tau2 = 0, so the CI
        assert (ref["pi_low"], ref["pi_high"]) == (None, None)
        assert (res.pi_low, res.pi_high) == (res.ci_low, res.ci_high)
    else:
        assert close(res.pi_low, ref["pi_low"])
        assert close(res.pi_high, ref["pi_high"])
    assert close(list(res.weights), ref["weights"])
    if ref["se"] > 0:
        assert close(res.statistic, ref["statistic"])


@pytest.mark.parametrize("key", sorted(REGRESSION))
def test_meta_regression_matches_metafor_rma_with_mods(key):
    ref = REGRESSION[key]  # R: rma(yi, vi, mods = ~ x, method = ..., test = ...)
    res = meta_regression(ref["yi"], ref["vi"], ref["x"], method=ref["method"], test=ref["test"])
    assert len(res.coefficients) == len(ref["coef_names"])
    for i, coef in enumerate(res.coefficients):
        for field in ("estimate", "se", "ci_low", "ci_high", "pvalue"):
            assert close(getattr(coef, field), ref[field][i]), (coef.name, field)
    assert close(res.qm, ref["qm"])
    assert res.qm_df == ref["qm_df"]
    assert close(res.qm_pvalue, ref["qm_pvalue"])
    for field in ("tau2", "i2", "h2", "qe", "qe_pvalue"):
        assert close(getattr(res, field), ref[field]), (field, getattr(res, field), ref[field])
    assert close(res.r2, ref["r2"])


def test_categorical_moderator_uses_alphabetical_reference_level_as_r_factor():
    ref = REGRESSION["bcg_alloc/REML/knha"]
    res = meta_regression(ref["yi"], ref["vi"], ref["x"])
    assert res.levels[0] == "alternate"
    # R: rownames(res$beta) = intrcpt, xrandom, xsystematic
    assert [c.name for c in res.coefficients] == ["intercept", "xrandom", "xsystematic"]
    assert ref["coef_names"] == ["intrcpt", "xrandom", "xsystematic"]


@pytest.mark.parametrize("key", sorted(k for k in EFFECTS if k.startswith("scores_")))
def test_paired_mean_change_matches_escalc_mc(key):
    ref = EFFECTS[key]  # R: escalc("MC", ..., ri = cor(after, before))
    es = paired_mean_change(ref["before"], ref["after"])
    assert close(es.yi, ref["yi"])
    assert close(es.vi, ref["vi"])
    assert es.n == len(ref["before"])
    assert es.measure == "MC"


@pytest.mark.parametrize("key", sorted(k for k in EFFECTS if k.startswith("table_")))
def test_paired_tables_match_escalc_mprd_and_mporc(key):
    ref = EFFECTS[key]
    a, b, c, d = ref["table"]
    if "rd_yi" in ref:
        rd = paired_risk_difference(a, b, c, d)  # R: escalc("MPRD", ai=a, bi=c, ci=b, di=d, add=0)
        assert close(rd.yi, ref["rd_yi"])
        assert close(rd.vi, ref["rd_vi"])
    lor = paired_log_odds_ratio(a, b, c, d)  # R: escalc("MPORC", ai=a, bi=c, ci=b, di=d)
    assert close(lor.yi, ref["or_yi"])
    assert close(lor.vi, ref["or_vi"])


def test_mporc_adds_half_when_a_concordant_cell_is_zero_as_metafor():
    # table_3 = (2, 0, 5, 2): b = 0, so metafor adds 1/2 to all cells: log(5.5 / 0.5)
    ref = EFFECTS["table_3"]
    lor = paired_log_odds_ratio(*ref["table"])
    assert lor.warnings
    assert close(lor.yi, ref["or_yi"])


def test_edge_cases_are_in_the_reference_set():
    names = {ref["name"] for ref in POOLED.values()}
    assert {"k2", "k2_far", "tau2_zero", "huge_variance", "identical", "bcg"} <= names
    # tau2 really is at the boundary in R for REML, and the same here
    assert POOLED["tau2_zero/REML/knha"]["tau2"] == 0
    assert random_effects(**_args("tau2_zero/REML/knha")).tau2 == 0


def _args(key):
    ref = POOLED[key]
    return {"yi": ref["yi"], "vi": ref["vi"], "method": ref["method"], "test": ref["test"]}


def test_identical_effects_give_zero_knha_se_with_a_warning():
    res = random_effects(**_args("identical/REML/knha"))
    assert res.se == 0
    assert res.statistic is None
    assert any("same effect" in w for w in res.warnings)
    assert res.to_dict()["statistic"] is None


# ----------------------------------------------------------------------------- refusals


def test_one_program_is_refused_not_pooled():
    with pytest.raises(StatisticsError, match="at least two programs"):
        random_effects([0.3], [0.01])


def test_meta_regression_with_one_program_is_refused():
    with pytest.raises(StatisticsError, match="at least two programs"):
        meta_regression([0.3], [0.01], [1.0])


def test_meta_regression_needs_more_programs_than_coefficients():
    with pytest.raises(StatisticsError, match="at least 3 are needed"):
        meta_regression([0.3, 0.4], [0.01, 0.02], [1.0, 2.0])


def test_missing_moderator_value_is_refused():
    with pytest.raises(StatisticsError, match="program 2 has no value"):
        meta_regression([0.3, 0.4, 0.5], [0.01, 0.02, 0.03], [1.0, None, 2.0])


def test_constant_moderator_is_refused():
    with pytest.raises(StatisticsError, match="same value in every program"):
        meta_regression([0.3, 0.4, 0.5], [0.01, 0.02, 0.03], [2.0, 2.0, 2.0])
    with pytest.raises(StatisticsError, match="one category only"):
        meta_regression([0.3, 0.4, 0.5], [0.01, 0.02, 0.03], ["a", "a", "a"])


def test_mixed_moderator_is_refused():
    with pytest.raises(StatisticsError, match="not a mix"):
        meta_regression([0.3, 0.4, 0.5], [0.01, 0.02, 0.03], ["a", 1, "b"])


@pytest.mark.parametrize("vi", [[0.01, 0.0], [0.01, -1.0]])
def test_non_positive_variance_is_refused(vi):
    with pytest.raises(StatisticsError, match="greater than 0"):
        random_effects([0.1, 0.2], vi)


def test_unknown_method_and_test_are_refused():
    with pytest.raises(StatisticsError, match="method must be"):
        random_effects([0.1, 0.2], [0.01, 0.02], method="PM")
    with pytest.raises(StatisticsError, match="test must be"):
        random_effects([0.1, 0.2], [0.01, 0.02], test="t")


def test_program_where_everyone_changed_equally_cannot_be_weighted():
    with pytest.raises(StatisticsError, match="same amount"):
        paired_mean_change([50, 60, 70], [60, 70, 80])


def test_paired_risk_difference_refuses_a_table_where_nobody_changed():
    with pytest.raises(StatisticsError, match="nobody changed"):
        paired_risk_difference(6, 0, 0, 4)


def test_paired_log_odds_ratio_where_nobody_changed_is_metafors_zero_and_four():
    ref = EFFECTS["table_nobody_changed"]  # R: escalc("MPORC", ai=6, bi=0, ci=0, di=4)
    lor = paired_log_odds_ratio(*ref["table"])
    assert (lor.yi, lor.vi) == (ref["or_yi"], ref["or_vi"]) == (0.0, 4.0)


def test_describe_speaks_indonesian_first_and_english():
    res = random_effects(**_args("bcg/REML/knha"))
    assert "Efek gabungan dari 13 program" in res.describe()
    assert "interval prediksi 95 %" in res.describe("id")
    assert "Pooled effect of 13 programs" in res.describe("en")
    reg = meta_regression(**_args("bcg/REML/knha"), x=REGRESSION["bcg_ablat/REML/knha"]["x"])
    assert "Uji moderator F" in reg.describe("id")


def test_oscillating_fisher_scoring_is_rerun_with_half_steps_as_metafor_advises():
    # R: rma(yi, vi) stops ("did not converge"); with control = list(stepadj = 0.5) it fits
    res = random_effects(**_args("oscillating/REML/knha"))
    assert any("stepadj = 0.5" in w for w in res.warnings)
    assert close(res.tau2, POOLED["oscillating/REML/knha"]["tau2"])
