"""Per-program effects, their pooling, a meta-regression and the one-stage check.

Every number comes from ``laktasi.stats.pooled`` / ``laktasi.stats.onestage``; this module
only decides which programs enter, and says plainly what the numbers cannot show.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from laktasi import stats
from laktasi.reports.pooled.datasets import PooledDataset, ProgramPairs
from laktasi.reports.pooled.outcomes import PROPORTION, SCORE
from laktasi.stats.effectsizes import EffectSize
from laktasi.stats.onestage import OneStageResult, one_stage_mean_change
from laktasi.stats.pooled import (
    FEW_PROGRAMS,
    METHODS,
    TESTS,
    MetaRegressionResult,
    PooledResult,
    meta_regression,
    paired_mean_change,
    paired_risk_difference,
    proportion_logit,
    random_effects,
)

#: programs with fewer complete pairs are pooled but flagged
FEW_PAIRS = 5
MODERATORS = ("program_kind", "facility_kind", "companion_share", "session_minutes", "year")


class PoolingRefused(ValueError):
    """The selection cannot be pooled; ``code`` says why, ``details`` fill the message."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass(frozen=True)
class ProgramEffect:
    program: ProgramPairs
    n: int  #: complete pairs (``ebf_visit``: decided recalls)
    effect: EffectSize | None  #: None: the program cannot be weighted (``reason``)
    reason: str = ""  #: why ``effect`` is None: "few_pairs", "no_variance" or "no_recalls"
    weight: float | None = None  #: percent in the pooled model

    @property
    def few_pairs(self) -> bool:
        return self.n < FEW_PAIRS


@dataclass(frozen=True)
class PooledAnalysis:
    dataset: PooledDataset
    method: str
    test: str
    effects: tuple[ProgramEffect, ...]
    pooled: PooledResult
    moderator: str | None
    regression: MetaRegressionResult | None
    regression_error: str
    one_stage: OneStageResult | None
    one_stage_error: str

    @property
    def included(self) -> tuple[ProgramEffect, ...]:
        return tuple(e for e in self.effects if e.effect is not None)

    @property
    def few_programs(self) -> bool:
        return self.pooled.k < FEW_PROGRAMS


def _complete_pairs(p: ProgramPairs) -> tuple[list, list]:
    pairs = [
        (b, a) for b, a in zip(p.before, p.after, strict=True) if b is not None and a is not None
    ]
    return [b for b, _a in pairs], [a for _b, a in pairs]


def _proportion_effect(p: ProgramPairs) -> ProgramEffect:
    # one decided recall can be weighted (metafor's 1/2 correction), but is flagged
    if p.decided < 1:
        return ProgramEffect(p, 0, None, "no_recalls")
    return ProgramEffect(p, p.decided, proportion_logit(p.exclusive, p.decided))


def _effect(p: ProgramPairs, measure: str) -> ProgramEffect:
    if measure == PROPORTION:
        return _proportion_effect(p)
    before, after = _complete_pairs(p)
    n = len(before)
    if n < 2:
        return ProgramEffect(p, n, None, "few_pairs")
    try:
        if measure == SCORE:
            es = paired_mean_change(before, after)
        else:
            a = sum(b and x for b, x in zip(before, after, strict=True))
            b = sum(b and not x for b, x in zip(before, after, strict=True))
            c = sum(not b and x for b, x in zip(before, after, strict=True))
            es = paired_risk_difference(a, b, c, n - a - b - c)
    except stats.StatisticsError:
        # with two or more pairs the only refusal left is a zero variance
        return ProgramEffect(p, n, None, "no_variance")
    return ProgramEffect(p, n, es)


def _check_versions(ds: PooledDataset) -> None:
    """An outcome measured with different instrument versions is not pooled silently."""
    if ds.outcome.version:
        return
    per_version = Counter(v for p in ds.programs for v in p.versions)
    if len(per_version) > 1:
        raise PoolingRefused(
            "versions",
            versions=dict(sorted(per_version.items())),
            specs=[ds.outcome.with_version(v).spec for v in sorted(per_version)],
        )


def moderator_values(effects: tuple[ProgramEffect, ...], moderator: str) -> list:
    p = [e.program for e in effects]
    return {
        "program_kind": lambda: [x.kind for x in p],
        "facility_kind": lambda: [x.facility_kind for x in p],
        "companion_share": lambda: [x.companion_share for x in p],
        "session_minutes": lambda: [
            None if x.session_minutes is None else float(x.session_minutes) for x in p
        ],
        "year": lambda: [float(x.year) for x in p],
    }[moderator]()


def _one_stage(ds: PooledDataset, effects) -> tuple[OneStageResult | None, str]:
    if ds.outcome.measure != SCORE:
        return None, ""
    groups, diffs = [], []
    for e in effects:
        before, after = _complete_pairs(e.program)
        groups.extend([e.program.pk] * len(before))
        diffs.extend(np.asarray(after, float) - np.asarray(before, float))
    try:
        return one_stage_mean_change(groups, diffs), ""
    except stats.StatisticsError as exc:
        return None, str(exc)


def pooled_analyse(
    dataset: PooledDataset,
    *,
    method: str = "REML",
    test: str = "knha",
    moderator: str | None = None,
) -> PooledAnalysis:
    """Effects per program, pooled; raises PoolingRefused when it cannot honestly be done."""
    if method not in METHODS or test not in TESTS:
        raise PoolingRefused("method", method=method, test=test)
    if moderator and moderator not in MODERATORS:
        raise PoolingRefused("moderator", moderator=moderator)
    if not dataset.programs:
        raise PoolingRefused("no_programs")
    _check_versions(dataset)
    effects = [_effect(p, dataset.outcome.measure) for p in dataset.programs]
    usable = [e for e in effects if e.effect is not None]
    if len(usable) < 2:
        raise PoolingRefused("too_few", usable=len(usable), chosen=len(effects))
    pooled = random_effects(
        [e.effect.yi for e in usable], [e.effect.vi for e in usable], method=method, test=test
    )
    weights = iter(pooled.weights)
    effects = [
        ProgramEffect(e.program, e.n, e.effect, e.reason, next(weights) if e.effect else None)
        for e in effects
    ]
    usable_t = tuple(e for e in effects if e.effect is not None)
    regression, regression_error = None, ""
    if moderator:
        try:
            regression = meta_regression(
                [e.effect.yi for e in usable_t],
                [e.effect.vi for e in usable_t],
                moderator_values(usable_t, moderator),
                method=method,
                test=test,
            )
        except stats.StatisticsError as exc:
            regression_error = str(exc)
    one_stage, one_stage_error = _one_stage(dataset, usable_t)
    return PooledAnalysis(
        dataset=dataset,
        method=method,
        test=test,
        effects=tuple(effects),
        pooled=pooled,
        moderator=moderator,
        regression=regression,
        regression_error=regression_error,
        one_stage=one_stage,
        one_stage_error=one_stage_error,
    )
