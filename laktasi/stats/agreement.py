"""Cohen's kappa for two observers rating the same people, unweighted and linearly weighted.

Matches R ``vcd::Kappa(table, weights = "Equal-Spacing")`` (estimates and ASE) and its
``confint`` (estimate ± 1.96 ASE, clipped to [-1, 1]). The unweighted kappa, SE and CI are
also those of ``psych::cohen.kappa``. (psych's *weighted* default uses quadratic weights and
a different variance formula; irr::kappa2 gives only a test under kappa = 0, no CI.)

Formulas, with cell proportions ``p_ij``, margins ``p_i.`` (rater 1) and ``p_.j`` (rater 2)
and agreement weights ``w_ij`` (identity for unweighted; linear ``1 - |i - j| / (K - 1)``)::

    po = sum w_ij p_ij      pe = sum w_ij p_i. p_.j      kappa = (po - pe) / (1 - pe)
    var = [sum p_ij (w_ij - (wbar_i + wbar_j)(1 - kappa))^2 - (kappa - pe (1 - kappa))^2]
          / (n (1 - pe)^2),
    wbar_i = sum_j w_ij p_.j,   wbar_j = sum_i w_ij p_i.

the large-sample variance of Fleiss, Cohen & Everitt (1969), not the variance under the
null hypothesis.

References
----------
Cohen J (1960). A coefficient of agreement for nominal scales. Educ Psychol Meas 20:37-46.
Cohen J (1968). Weighted kappa. Psychol Bull 70:213-220.
Fleiss JL, Cohen J, Everitt BS (1969). Large sample standard errors of kappa and weighted
kappa. Psychol Bull 72:323-327.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from laktasi.stats._common import (
    Z95,
    Result,
    as_1d,
    check_same_length,
    complete_pairs,
    level_codes,
    plural_dropped,
    to_tuple2,
)
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_ci, fmt_num, tr


@dataclass(frozen=True)
class KappaEstimate:
    """One kappa with its asymptotic SE (FCE 1969) and 95 % CI clipped to [-1, 1]."""

    kappa: float | None  #: None when undefined (chance agreement is 1)
    se: float | None
    ci: tuple[float, float] | None
    observed_agreement: float
    expected_agreement: float


@dataclass(frozen=True)
class KappaResult(Result):
    """Result of :func:`cohen_kappa`. ``table[i][j]``: rater 1 category i, rater 2 j."""

    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    n_used: int
    n_dropped: int
    unweighted: KappaEstimate
    weighted: KappaEstimate | None  #: linear weights; None for unordered categories
    method: str
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        u = self.unweighted
        agree = fmt_num(u.observed_agreement * 100, 1, lang) + tr(lang, " %", "%")
        text = tr(
            lang,
            f"Kedua pengamat sepakat pada {agree} dari {self.n_used} penilaian",
            f"The two observers agreed on {agree} of {self.n_used} ratings",
        )
        if u.kappa is None:
            text += tr(
                lang,
                "; kappa tidak dapat dihitung karena hanya satu kategori yang dipakai.",
                "; kappa is undefined because only one category was used.",
            )
        else:
            text += tr(lang, "; kappa Cohen = ", "; Cohen's kappa = ") + fmt_num(u.kappa, 2, lang)
            if u.ci is not None:
                text += f" ({fmt_ci(*u.ci, 2, lang)})"
            text += f", {interpret(u.kappa, lang)}"
            w = self.weighted
            if w is not None and w.kappa is not None:
                text += tr(lang, "; kappa berbobot linear = ", "; linearly weighted kappa = ")
                text += fmt_num(w.kappa, 2, lang)
                if w.ci is not None:
                    text += f" ({fmt_ci(*w.ci, 2, lang)})"
            text += "."
        dropped = plural_dropped(self.n_dropped, lang)
        return f"{text} {dropped}" if dropped else text


def interpret(kappa: float, lang: str = "id") -> str:
    """Landis & Koch (1977) wording for a kappa value."""
    bands = [
        (0.0, "buruk", "poor agreement"),
        (0.2, "kesepakatan ringan", "slight agreement"),
        (0.4, "kesepakatan cukup", "fair agreement"),
        (0.6, "kesepakatan sedang", "moderate agreement"),
        (0.8, "kesepakatan kuat", "substantial agreement"),
        (math.inf, "kesepakatan hampir sempurna", "almost perfect agreement"),
    ]
    for upper, id_text, en_text in bands:
        if kappa < upper or (upper == math.inf):
            return tr(lang, id_text, en_text)
    return ""  # pragma: no cover


def _estimate(p: np.ndarray, w: np.ndarray, n: int) -> KappaEstimate:
    rows = p.sum(axis=1)  # rater 1
    cols = p.sum(axis=0)  # rater 2
    po = float(np.sum(w * p))
    pe = float(np.sum(w * np.outer(rows, cols)))
    if pe >= 1 - 1e-12:
        return KappaEstimate(None, None, None, po, pe)
    kappa = (po - pe) / (1 - pe)
    wbar_i = w @ cols
    wbar_j = w.T @ rows
    inner = w - (wbar_i[:, None] + wbar_j[None, :]) * (1 - kappa)
    var = (np.sum(p * inner**2) - (kappa - pe * (1 - kappa)) ** 2) / (n * (1 - pe) ** 2)
    if not np.isfinite(var) or var < 0:
        return KappaEstimate(kappa, None, None, po, pe)
    se = math.sqrt(var)
    ci = (max(-1.0, kappa - Z95 * se), min(1.0, kappa + Z95 * se))
    return KappaEstimate(kappa, se, ci, po, pe)


def _categories(
    r1: np.ndarray, r2: np.ndarray, levels: Sequence[Any] | None
) -> tuple[tuple[Any, ...], bool]:
    """(the categories, lowest first; whether they are ordered for the weighted kappa)."""
    ordered = True
    if levels is None:
        seen = [v for v in set(r1.tolist()) | set(r2.tolist()) if v is not None and v == v]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in seen)
        try:
            cats = tuple(sorted(seen))
        except TypeError as exc:
            raise StatisticsError("ratings mix types that cannot be ordered; pass levels") from exc
        ordered = numeric
    else:
        if isinstance(levels, (str, bytes)):
            raise StatisticsError("levels must be a list of categories")
        cats = tuple(levels)
        if len(set(cats)) != len(cats):
            raise StatisticsError(f"levels must be distinct: {list(cats)!r}")
    if not cats:
        raise StatisticsError("no ratings: every value is missing")
    return cats, ordered


def cohen_kappa(
    rater1: Sequence[Any] | np.ndarray,
    rater2: Sequence[Any] | np.ndarray,
    levels: Sequence[Any] | None = None,
) -> KappaResult:
    """Agreement of two observers: Cohen's kappa and linearly weighted kappa with 95 % CIs.

    Matches R ``vcd::Kappa(table(factor(r1, levels), factor(r2, levels)))`` and
    ``confint()`` of it; the unweighted part also ``psych::cohen.kappa(cbind(r1, r2))``.

    Parameters
    ----------
    rater1, rater2 : sequence
        The two observers' ratings of the same people (same length); ``None`` missing.
    levels : sequence, optional
        All categories, lowest first for ordinal scores. Needed for the weighted kappa of
        labelled categories; without it the categories are the sorted values seen, and the
        weighted kappa is computed only when they are numbers.

    Returns
    -------
    KappaResult

    Notes
    -----
    SE: Fleiss, Cohen & Everitt (1969) large-sample formula (see module docs); CI
    ``kappa ± 1.96 SE`` clipped to [-1, 1]. Kappa is undefined (None, with a warning) when
    the chance agreement is 1, i.e. both observers used one and the same category.
    Missing data: complete pairs only.
    """
    r1 = as_1d(rater1, "rater1")
    r2 = as_1d(rater2, "rater2")
    check_same_length(r1, r2, ("rater1", "rater2"))
    cats, ordered = _categories(r1, r2, levels)
    c1, m1 = level_codes(r1, cats, "rater1")
    c2, m2 = level_codes(r2, cats, "rater2")
    keep, n_dropped = complete_pairs(m1, m2)
    k = len(cats)
    table = np.bincount(c1[keep] * k + c2[keep], minlength=k * k).reshape(k, k)
    n = int(table.sum())
    p = table / n
    warnings = []
    unweighted = _estimate(p, np.eye(k), n)
    if unweighted.kappa is None:
        warnings.append("both observers used only one and the same category: kappa undefined")
    weighted = None
    if ordered and k >= 2:
        idx = np.arange(k)
        w = 1 - np.abs(idx[:, None] - idx[None, :]) / (k - 1)
        weighted = _estimate(p, w, n)
    elif not ordered:
        warnings.append("categories are not ordered (pass levels): no weighted kappa")
    if n < 30:
        warnings.append(f"small sample (n = {n}): the asymptotic CI is approximate")
    if n_dropped:
        warnings.append(f"{n_dropped} pair(s) with a missing value dropped")
    return KappaResult(
        categories=tuple(str(c) for c in cats),
        table=to_tuple2(table),
        n_used=n,
        n_dropped=n_dropped,
        unweighted=unweighted,
        weighted=weighted,
        method=(
            "Cohen's kappa and linearly weighted kappa (weights 1 - |i-j|/(K-1)), "
            "Fleiss-Cohen-Everitt (1969) asymptotic SE, CI kappa +/- 1.96 SE clipped to "
            "[-1, 1], as R vcd::Kappa"
        ),
        warnings=tuple(warnings),
    )
