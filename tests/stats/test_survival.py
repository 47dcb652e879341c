"""kaplan_meier and logrank against R survival 3.5-3 (R 4.2.2)."""

from __future__ import annotations

import pytest

from laktasi.stats import StatisticsError, kaplan_meier, logrank

REL = 1e-6
T = [1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8, 9, 10, 11, 12, 12, 13, 15, 16, 18]
E = [1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 0]
G = list("ABAABBABABABBAABABAB")

# R: f <- survfit(Surv(T, E) ~ 1, conf.type = "log-log")
R_TIME = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 15, 16, 18]
R_NRISK = [20, 19, 17, 16, 14, 13, 11, 10, 9, 8, 7, 6, 4, 3, 2, 1]
R_NEVENT = [1, 1, 1, 2, 0, 2, 0, 1, 0, 1, 1, 1, 0, 1, 0, 0]
R_NCENSOR = [0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 1, 1]
R_SURV = [0.94999999999999996, 0.89999999999999991, 0.84705882352941164, 0.74117647058823521,
          0.74117647058823521, 0.62714932126696821, 0.62714932126696821, 0.56443438914027144,
          0.56443438914027144, 0.49388009049773751, 0.42332579185520358, 0.35277149321266965,
          0.35277149321266965, 0.23518099547511309, 0.23518099547511309, 0.23518099547511309]  # fmt: skip
R_SE = [0.051298917604257706, 0.074535599249992979, 0.096083433243149927, 0.1347612613934816,
        0.1347612613934816, 0.179294761659052, 0.179294761659052, 0.20798490971579495,
        0.20798490971579495, 0.24721420979917444, 0.29141789467387558, 0.34388620598896863,
        0.34388620598896863, 0.5337830920291069, 0.5337830920291069, 0.5337830920291069]  # fmt: skip
R_LOWER = [0.69474319325657019, 0.65603070726156698, 0.5967951787980813, 0.4850816837245216,
           0.4850816837245216, 0.37125163950476842, 0.37125163950476842, 0.31145375678250981,
           0.31145375678250981, 0.24609531938020998, 0.1881364280550506, 0.13674368649745658,
           0.13674368649745658, 0.050693631214132603, 0.050693631214132603,
           0.050693631214132603]  # fmt: skip
R_UPPER = [0.99280222859339717, 0.97401017439577486, 0.9480246414001452, 0.88337514946809548,
           0.88337514946809548, 0.80276537170027629, 0.80276537170027629, 0.75547023063731333,
           0.75547023063731333, 0.70119621342820948, 0.64254382715769742, 0.57947166233955305,
           0.57947166233955305, 0.49532163822225234, 0.49532163822225234,
           0.49532163822225234]  # fmt: skip


def test_kaplan_meier_matches_survfit():
    f = kaplan_meier(T, E, times=[0.5, 5, 10, 20])
    assert f.time == tuple(float(t) for t in R_TIME)
    assert f.n_risk == tuple(R_NRISK)
    assert f.n_event == tuple(R_NEVENT)
    assert f.n_censor == tuple(R_NCENSOR)
    assert f.survival == pytest.approx(R_SURV, rel=REL)
    assert f.std_err == pytest.approx(R_SE, rel=REL)
    assert f.lower == pytest.approx(R_LOWER, rel=REL)
    assert f.upper == pytest.approx(R_UPPER, rel=REL)
    # R: quantile(f, 0.5) -> 10 (4, 15)
    assert f.median == 10
    assert f.median_ci == (4, 15)
    assert f.conf_type == "log-log"
    # R: summary(f, times = c(0.5, 5, 10, 20), extend = TRUE)
    at = f.at_times
    assert [a.n_risk for a in at] == [20, 14, 8, 0]
    assert [a.n_event for a in at] == [0, 5, 4, 3]
    assert [a.survival for a in at] == pytest.approx([1, R_SURV[3], R_SURV[9], R_SURV[13]])
    assert [a.lower for a in at] == pytest.approx([1, R_LOWER[3], R_LOWER[9], R_LOWER[13]])
    assert [a.upper for a in at] == pytest.approx([1, R_UPPER[3], R_UPPER[9], R_UPPER[13]])
    assert any("after the last" in w for w in f.warnings)
    assert "Median waktu 10,0 (IK 95 % 4,0 sampai 15,0)" in f.describe("id")
    assert "Median time 10.0" in f.describe("en")


def test_median_exactly_half_and_unbounded_limits():
    # R: quantile(survfit(Surv(c(1,2,3,4), rep(1,4)) ~ 1, conf.type="log-log"), 0.5)
    #    -> 2.5, lower 1, upper NA; f$lower = 0.1279..., 0.0578..., 0.00894..., NA
    f = kaplan_meier([1, 2, 3, 4], [True] * 4)
    assert f.median == 2.5
    assert f.median_ci == (1, None)
    assert f.lower[:3] == pytest.approx(
        [0.12794691759514587, 0.057847082995144627, 0.0089478244166031722], rel=REL
    )
    assert f.lower[3] is None
    assert f.upper[3] is None
    assert f.std_err[3] is None  # R: Inf
    assert f.to_dict()["median_ci"] == [1.0, None]


def test_unreached_median_is_none():
    # R: quantile(survfit(Surv(1:6, c(1,0,0,0,0,0)) ~ 1, conf.type="log-log"), 0.5): NA (1, NA)
    f = kaplan_meier(range(1, 7), [1, 0, 0, 0, 0, 0])
    assert f.median is None
    assert f.median_ci == (1, None)
    assert "not reached" in f.describe("en")


def test_tied_event_and_censor_times():
    # R: f <- survfit(Surv(c(2,4,4,6,8,10), c(1,1,0,1,1,1)) ~ 1, conf.type="log-log")
    f = kaplan_meier([2, 4, 4, 6, 8, 10], [1, 1, 0, 1, 1, 1])
    assert f.survival == pytest.approx([5 / 6, 2 / 3, 4 / 9, 2 / 9, 0])
    assert f.lower[:4] == pytest.approx(
        [0.273122849928356, 0.19461663680623487, 0.066186753146412466, 0.0095691365390372877],
        rel=REL,
    )
    assert f.median == 6
    assert f.median_ci == (2, None)


def test_logrank_two_groups():
    # R: survdiff(Surv(T, E) ~ G)
    r = logrank(T, E, G)
    assert r.groups == ("A", "B")
    assert r.observed == (5, 7)
    assert r.expected == pytest.approx((5.6471112736592612, 6.3528887263407379), rel=REL)
    assert r.chisq == pytest.approx(0.14537213558458043, rel=REL)
    assert r.df == 1
    assert r.p_value == pytest.approx(0.70299773309482672, rel=REL)
    assert "Log-rank" in r.describe("en")
    assert "khi-kuadrat" in r.describe("id")


def test_logrank_three_groups():
    # R: survdiff(Surv(T, E) ~ rep(c("x","y","z"), length.out=20))
    r = logrank(T, E, (["x", "y", "z"] * 7)[:20])
    assert r.observed == (4, 5, 3)
    assert r.expected == pytest.approx(
        (3.8864962179203668, 4.4608310935710316, 3.6526726885086016), rel=REL
    )
    assert r.chisq == pytest.approx(0.19038934124271817, rel=REL)
    assert r.df == 2
    assert r.p_value == pytest.approx(0.90919592350400757, rel=REL)


def test_missing_values_dropped():
    f = kaplan_meier([1, 2, None, 4], [1, None, 1, 0])
    assert f.n_used == 2
    assert f.n_dropped == 2
    r = logrank(T + [3], E + [1], G + [None])
    assert r.n_dropped == 1
    assert sum(r.n) == 20


@pytest.mark.parametrize(
    "call",
    [
        lambda: kaplan_meier([1, 2], [1]),
        lambda: kaplan_meier([-1, 2], [1, 1]),
        lambda: kaplan_meier([None], [1]),
        lambda: kaplan_meier([1, 2], [1, 2]),
        lambda: kaplan_meier([1, 2], [1, 0], times=[3, 2]),
        lambda: kaplan_meier([1, 2], [1, 0], times=[]),
        lambda: logrank([1, 2], [1, 1], ["a", "a"]),
        lambda: logrank([1, 2], [1, 1], ["a"]),
    ],
)
def test_bad_input(call):
    with pytest.raises(StatisticsError):
        call()
