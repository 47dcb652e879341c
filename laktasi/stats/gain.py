"""Hake's normalised gain (N-gain) for pre/post test scores.

``g = (post - pre) / (max - pre)``: the share of the possible improvement that was achieved.
Bands (Hake 1998): high ``g >= 0.7``, medium ``0.3 <= g < 0.7``, low ``g < 0.3``.

Two group summaries are reported because the literature uses both:

``gain_of_means``
    Hake's original class gain ``<g> = (mean post - mean pre) / (max - mean pre)``, over
    all complete pairs (Hake 1998).
``mean_individual_gain``
    The mean of the individual gains over people who could still improve (Marx & Cummings
    2007 call the single-student version ``g``; Bao 2006 discusses the difference).

A person whose pretest is already the maximum has no defined gain (division by zero); they
are counted in ``n_at_max`` and listed in ``at_max_indices``, never divided by zero.

References
----------
Hake RR (1998). Interactive-engagement versus traditional methods: a six-thousand-student
survey of mechanics test data for introductory physics courses. Am J Phys 66:64-74.
Bao L (2006). Theoretical comparisons of average normalized gain calculations.
Am J Phys 74:917-922.
Marx JD, Cummings K (2007). Normalized change. Am J Phys 75:87-91.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from laktasi.stats._common import (
    Result,
    as_1d,
    check_same_length,
    complete_pairs,
    numeric_values,
    plural_dropped,
)
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_num, tr

BANDS = ("high", "medium", "low")
_BAND_ID = {"high": "tinggi", "medium": "sedang", "low": "rendah"}


def gain_band(gain: float) -> str:
    """Hake's band of a gain: "high" (>= 0.7), "medium" (0.3 to < 0.7) or "low" (< 0.3)."""
    if gain >= 0.7:
        return "high"
    if gain >= 0.3:
        return "medium"
    return "low"


def _bands_exact(gain_num: np.ndarray, gain_den: np.ndarray) -> np.ndarray:
    """Bands by cross-multiplication (no 0.7 rounding trouble): 0 high, 1 medium, 2 low."""
    high = 10 * gain_num >= 7 * gain_den
    medium = ~high & (10 * gain_num >= 3 * gain_den)
    return np.where(high, 0, np.where(medium, 1, 2))


@dataclass(frozen=True)
class NormalizedGainResult(Result):
    """Result of :func:`normalized_gain`."""

    max_score: float
    gains: tuple[float | None, ...]  #: per input position; None if missing or pre = max
    bands: tuple[str | None, ...]  #: per input position: "high" / "medium" / "low" / None
    n_used: int  #: complete pairs
    n_dropped: int  #: pairs with a missing value
    n_at_max: int  #: complete pairs whose pretest was already the maximum
    at_max_indices: tuple[int, ...]
    n_high: int
    n_medium: int
    n_low: int
    mean_individual_gain: float | None  #: None if everyone was at the maximum
    mean_individual_band: str | None
    gain_of_means: float | None  #: Hake's <g>; None if the mean pretest is the maximum
    gain_of_means_band: str | None
    mean_pre: float
    mean_post: float
    method: str
    warnings: tuple[str, ...]

    def describe(self, lang: str = "id") -> str:
        def band(b: str | None) -> str:
            return tr(lang, _BAND_ID[b], b) if b else "-"

        parts = []
        if self.gain_of_means is not None:
            parts.append(
                tr(
                    lang,
                    f"N-gain kelompok (dari rata-rata, Hake) = "
                    f"{fmt_num(self.gain_of_means, 2, lang)} ({band(self.gain_of_means_band)})",
                    f"Group N-gain (of the means, Hake) = {fmt_num(self.gain_of_means, 2, lang)}"
                    f" ({band(self.gain_of_means_band)})",
                )
            )
        if self.mean_individual_gain is not None:
            parts.append(
                tr(
                    lang,
                    f"rata-rata N-gain individu = {fmt_num(self.mean_individual_gain, 2, lang)} "
                    f"({band(self.mean_individual_band)})",
                    f"mean individual N-gain = {fmt_num(self.mean_individual_gain, 2, lang)} "
                    f"({band(self.mean_individual_band)})",
                )
            )
        text = (
            "; ".join(parts)
            if parts
            else tr(lang, "N-gain tidak dapat dihitung", "N-gain cannot be computed")
        )
        text += tr(
            lang,
            f". Individu: {self.n_high} tinggi, {self.n_medium} sedang, {self.n_low} rendah.",
            f". Individuals: {self.n_high} high, {self.n_medium} medium, {self.n_low} low.",
        )
        if self.n_at_max:
            text += tr(
                lang,
                f" {self.n_at_max} orang sudah mendapat nilai maksimum pada pretest sehingga "
                "N-gain-nya tidak dapat dihitung.",
                f" {self.n_at_max} already had the maximum score on the pretest, so their "
                "N-gain is undefined.",
            )
        dropped = plural_dropped(self.n_dropped, lang)
        return f"{text} {dropped}" if dropped else text


def normalized_gain(
    before: Sequence[Any] | np.ndarray,
    after: Sequence[Any] | np.ndarray,
    max_score: float = 100,
) -> NormalizedGainResult:
    """Hake's normalised gain per person and for the group.

    No R function computes this; the formulas are Hake (1998) (see module docs).

    Parameters
    ----------
    before, after : sequence of numbers or None
        Pretest and posttest scores, same length, each between 0 and ``max_score``.
        ``None`` (or NaN) is missing and the pair is dropped.
    max_score : float
        The highest possible score (default 100).

    Returns
    -------
    NormalizedGainResult
        ``gains`` and ``bands`` keep the input positions (None where undefined).

    Raises
    ------
    StatisticsError
        Unequal lengths, scores outside 0..max_score, max_score <= 0, fewer than two
        complete pairs.
    """
    try:
        max_f = float(max_score)
    except (TypeError, ValueError) as exc:
        raise StatisticsError(f"max_score must be a number, not {max_score!r}") from exc
    if not np.isfinite(max_f) or max_f <= 0:
        raise StatisticsError(f"max_score must be a positive number, not {max_score!r}")
    b_arr = as_1d(before, "before")
    a_arr = as_1d(after, "after")
    check_same_length(b_arr, a_arr)
    bv, bm = numeric_values(b_arr, "before")
    av, am = numeric_values(a_arr, "after")
    for name, v, m in (("before", bv, bm), ("after", av, am)):
        out = ~m & ((v < 0) | (v > max_f))
        if out.any():
            i = int(np.flatnonzero(out)[0])
            raise StatisticsError(
                f"{name}[{i}] = {v[i]!r} is outside 0..{max_score} (is max_score right?)"
            )
    keep, n_dropped = complete_pairs(bm, am)
    at_max = keep & (bv == max_f)
    ok = keep & ~at_max
    num = av[ok] - bv[ok]
    den = max_f - bv[ok]
    g = num / den
    band_codes = _bands_exact(num, den)
    gains = np.full(bv.shape[0], None, dtype=object)
    gains[ok] = g.tolist()
    bands = np.full(bv.shape[0], None, dtype=object)
    bands[ok] = np.asarray(BANDS, dtype=object)[band_codes]
    counts = np.bincount(band_codes, minlength=3)

    mean_pre = float(np.mean(bv[keep]))
    mean_post = float(np.mean(av[keep]))
    gom = gom_band = None
    if mean_pre < max_f:
        gom = (mean_post - mean_pre) / (max_f - mean_pre)
        code = _bands_exact(np.array([mean_post - mean_pre]), np.array([max_f - mean_pre]))
        gom_band = BANDS[int(code[0])]
    mig = mig_band = None
    if g.size:
        mig = float(np.mean(g))
        mig_band = gain_band(mig)
    warnings = []
    n_at_max = int(at_max.sum())
    if n_at_max:
        warnings.append(
            f"{n_at_max} person(s) already at the maximum on the pretest: gain undefined, "
            "left out of the individual gains (kept in the gain of means)"
        )
    if n_dropped:
        warnings.append(f"{n_dropped} pair(s) with a missing value dropped")
    return NormalizedGainResult(
        max_score=max_f,
        gains=tuple(gains.tolist()),
        bands=tuple(bands.tolist()),
        n_used=int(keep.sum()),
        n_dropped=n_dropped,
        n_at_max=n_at_max,
        at_max_indices=tuple(int(i) for i in np.flatnonzero(at_max)),
        n_high=int(counts[0]),
        n_medium=int(counts[1]),
        n_low=int(counts[2]),
        mean_individual_gain=mig,
        mean_individual_band=mig_band,
        gain_of_means=gom,
        gain_of_means_band=gom_band,
        mean_pre=mean_pre,
        mean_post=mean_post,
        method=(
            "Hake N-gain g = (post - pre)/(max - pre); group: gain of the means (Hake 1998) "
            "and mean of individual gains; bands high >= 0.7, medium 0.3-<0.7, low < 0.3"
        ),
        warnings=tuple(warnings),
    )
