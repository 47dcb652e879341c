"""paired_binary against R (values from R 4.2.2; the R call is beside each number).

Table convention: x <- matrix(c(a, c, b, d), 2) is rows before yes/no x columns after yes/no.
``newc`` is contingencytables::Newcombe_square_and_add_CI_paired_2x2 (Fagerland et al.)
applied to t(x), so that it reports after - before.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from laktasi.stats import StatisticsError, paired_binary, paired_binary_from_counts

REL = 1e-6


def expand(a: int, b: int, c: int, d: int) -> tuple[list[bool], list[bool]]:
    before = [True] * (a + b) + [False] * (c + d)
    after = [True] * a + [False] * b + [True] * c + [False] * d
    return before, after


# (a, b, c, d): exact p, OR CI, chi2, p, chi2 cc, p cc, Wilson before, Wilson after, Newcombe
R_REFS = {
    (6, 0, 7, 2): {
        "exact": 0.015625000000000007,  # R: binom.test(0, 7)$p.value
        "or_ci": (1.441308518835239, None),  # R: ci <- binom.test(7, 7)$conf.int; ci/(1-ci)
        "chi2": (7, 0.0081509715935027018),  # R: mcnemar.test(x, correct=FALSE)
        "chi2_cc": (5.1428571428571432, 0.023342202012890875),  # R: mcnemar.test(x)
        "before": (0.19824496141341583, 0.64253169879375394),  # R: prop.test(6, 15, correct=FALSE)
        "after": (0.62118017167677642, 0.96263874089693469),  # R: prop.test(13, 15, correct=FALSE)
        "newcombe": (0.14296214482244024, 0.67942222735397395),  # R: newc(t(x))
    },
    (4, 2, 9, 0): {
        "exact": 0.065429687500000042,  # R: binom.test(2, 11)$p.value
        "or_ci": (0.93141225819376772, 42.799715935267798),  # R: binom.test(9, 11)$conf.int
        "chi2": (4.4545454545454541, 0.034808478811867077),
        "chi2_cc": (3.2727272727272729, 0.070440429272088212),
        "before": (0.19824496141341583, 0.64253169879375394),
        "after": (0.62118017167677642, 0.96263874089693469),
        "newcombe": (0.046800317858583129, 0.72842792950398727),
    },
    (30, 12, 30, 28): {
        "exact": 0.0079158973348967352,  # R: binom.test(12, 42)$p.value
        "or_ci": (1.2429631350621515, 5.3616684835077661),
        "chi2": (7.7142857142857144, 0.0054785532425473699),
        "chi2_cc": (6.8809523809523814, 0.0087119129623795828),
        "before": (0.32798382674354731, 0.51793513296957028),  # R: prop.test(42, 100, correct=F)
        "after": (0.5020025867910618, 0.69059871356754099),
        "newcombe": (0.054376654163317495, 0.29708969178510281),
    },
    (1, 1, 7, 12): {  # Bentur et al. 2009, Fagerland et al. 2014
        "exact": 0.070312500000000028,
        "or_ci": (0.89930034587535657, 315.48338536877736),
        "chi2": (4.5, 0.033894853524689267),
        "chi2_cc": (3.125, 0.077099871743541964),
        "before": (0.02651876743807452, 0.28914139073918249),
        "after": (0.20751011368564493, 0.59121346224884241),
        "newcombe": (0.025559124164859837, 0.5069202266861409),
    },
    (59, 6, 16, 80): {  # Cavo et al. 2012, Fagerland et al. 2014
        "exact": 0.05247879028320316,
        "or_ci": (0.99115449024952273, 8.3205984307735879),
        "chi2": (4.5454545454545459, 0.033006257661232441),
        "chi2_cc": (3.6818181818181817, 0.055008833629265723),
        "before": (0.33103675483709316, 0.48090375926791606),
        "after": (0.39048063197041799, 0.54278858271200459),
        "newcombe": (0.004625113933050061, 0.1186211956387099),
    },
}


def close(x, y):
    return x == pytest.approx(y, rel=REL, abs=1e-12)


@pytest.mark.parametrize("cells", list(R_REFS))
def test_matches_r(cells):
    ref = R_REFS[cells]
    before, after = expand(*cells)
    r = paired_binary(before, after)
    a, b, c, d = cells
    assert r.table == ((a, b), (c, d))
    assert r.n_used == a + b + c + d
    assert r.n_dropped == 0
    assert close(r.p_exact, ref["exact"])
    lo, hi = r.odds_ratio_ci
    assert close(lo, ref["or_ci"][0])
    assert hi is None if ref["or_ci"][1] is None else close(hi, ref["or_ci"][1])
    assert close(r.chi2, ref["chi2"][0])
    assert close(r.p_asymptotic, ref["chi2"][1])
    assert close(r.chi2_cc, ref["chi2_cc"][0])
    assert close(r.p_asymptotic_cc, ref["chi2_cc"][1])
    assert all(close(x, y) for x, y in zip(r.p_before_ci, ref["before"], strict=True))
    assert all(close(x, y) for x, y in zip(r.p_after_ci, ref["after"], strict=True))
    assert all(close(x, y) for x, y in zip(r.difference_ci, ref["newcombe"], strict=True))
    assert close(r.difference, (c - b) / (a + b + c + d))


def test_article_style_describe():
    before, after = expand(6, 0, 7, 2)
    r = paired_binary(before, after, label="ibu dengan ASI lancar")
    assert r.quoted_test == "exact"
    assert r.p_quoted == r.p_exact
    text = r.describe("id")
    assert text.startswith(
        "Proporsi ibu dengan ASI lancar naik dari 40,0 % (6/15) menjadi 86,7 % (13/15); "
        "selisih 46,7 poin persentase (IK 95 % 14,3 sampai 67,9); uji McNemar eksak p = 0,016."
    )
    assert "rose from 40.0% (6/15) to 86.7% (13/15)" in r.describe("en")
    assert r.odds_ratio is None  # no pair went yes -> no
    assert any("infinite" in w for w in r.warnings)


def test_midp():
    # mid-p = 2 * (P(X <= 2) - P(X = 2) / 2), X ~ Bin(11, 1/2)
    # R: 2 * (pbinom(2, 11, 0.5) - dbinom(2, 11, 0.5) / 2)  = 0.03857421875
    r = paired_binary_from_counts(4, 2, 9, 0)
    assert close(r.p_midp, 0.03857421875)
    assert r.odds_ratio == 4.5


def test_large_discordant_quotes_corrected_chi_square():
    r = paired_binary_from_counts(30, 12, 30, 28)
    assert r.quoted_test == "asymptotic_cc"
    assert r.p_quoted == r.p_asymptotic_cc
    assert "continuity" in r.describe("en")


def test_no_discordant_pairs_gives_p_one_not_zero():
    before, after = expand(5, 0, 0, 5)
    r = paired_binary(before, after)
    assert (r.p_exact, r.p_midp, r.p_asymptotic, r.p_asymptotic_cc) == (1.0, 1.0, 1.0, 1.0)
    assert r.odds_ratio is None
    assert r.odds_ratio_ci is None
    assert any("no discordant" in w for w in r.warnings)
    assert "p = 1" in r.describe("en")
    # Newcombe CI R: newc(t(matrix(c(5,0,0,5),2)))
    assert close(r.difference_ci[0], -0.16659315708122255)
    assert close(r.difference_ci[1], 0.16659315708122255)


def test_missing_pairs_dropped_and_counted():
    before = [True, None, False, True, False, True]
    after = [True, True, None, False, True, True]
    r = paired_binary(before, after)
    assert r.n_dropped == 2
    assert r.n_used == 4
    assert r.table == ((2, 1), (1, 0))
    assert "2 pasangan" in r.describe("id")
    assert "left out" in r.describe("en")


def test_numpy_inputs():
    rng = np.random.default_rng(1)
    b = rng.random(500) < 0.4
    a = rng.random(500) < 0.6
    r1 = paired_binary(b, a)
    r2 = paired_binary(b.astype(int), a.astype(int))
    r3 = paired_binary(list(b), list(a))
    fb = b.astype(float)
    fb[0] = np.nan
    r4 = paired_binary(fb, a)
    assert r1.table == r2.table == r3.table
    assert r4.n_dropped == 1
    assert r4.n_used == 499


def test_to_dict_is_json():
    before, after = expand(6, 0, 7, 2)
    d = paired_binary(before, after).to_dict()
    text = json.dumps(d, allow_nan=False)
    assert json.loads(text)["table"] == [[6, 0], [7, 2]]
    assert d["odds_ratio_ci"][1] is None
    assert isinstance(d["warnings"], list)


def test_swap_mirrors():
    r = paired_binary_from_counts(4, 2, 9, 0)
    s = paired_binary_from_counts(4, 9, 2, 0)
    assert s.difference == -r.difference
    assert s.difference_ci == pytest.approx((-r.difference_ci[1], -r.difference_ci[0]))
    assert s.p_exact == r.p_exact
    assert s.p_asymptotic_cc == r.p_asymptotic_cc


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [
        ([True, False], [True], "same length"),
        ([], [], "empty"),
        ([None, None], [True, False], "every pair"),
        ([True, None], [True, False], "only one"),
        ([True, "yes"], [True, False], "True/False"),
        ([True, 2], [True, False], "True/False"),
        (np.array([0.5, 1.0]), [True, False], "True/False"),
        ("TF", "FT", "sequence"),
        (np.array(["a", "b"]), [True, False], "True/False"),
        ([[True, False]], [[True, False]], "one-dimensional"),
    ],
)
def test_bad_input(before, after, message):
    with pytest.raises(StatisticsError, match=message):
        paired_binary(before, after)
