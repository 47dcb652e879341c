"""Benchmark laktasi.stats on 1,000,000 pairs against the bare numpy/scipy calls it wraps.

Run with ``python bench/bench_stats.py``. For each of paired_binary, paired_ordinal and
paired_scores it prints the best of several runs of the laktasi function and of a minimal
"bare" computation of the same core numbers, and their ratio. Targets on the project's
2-core machine: under 1 s each and a ratio under 3. Exits 1 when a target is missed.

Inputs are numpy arrays (bool, str labels, float). Python lists with ``None`` are timed
too, for information (their conversion is not part of the bare baseline).
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np
from scipy import stats
from statsmodels.stats.contingency_tables import SquareTable

from laktasi.stats import paired_binary, paired_ordinal, paired_scores

N = 1_000_000
SEED = 20240601
REPEATS = 5
TARGET_SECONDS = 1.0
TARGET_RATIO = 3.0
LEVELS = ["Kurang", "Cukup", "Baik"]


def best_time(fn, repeats: int = REPEATS) -> float:
    fn()  # warm up (imports, caches)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bare_binary(before: np.ndarray, after: np.ndarray) -> None:
    cells = np.bincount(before.view(np.uint8) * 2 + after.view(np.uint8), minlength=4)
    b, c = int(cells[2]), int(cells[1])
    stats.binomtest(b, b + c)


def bare_ordinal(before: np.ndarray, after: np.ndarray) -> None:
    bc = np.full(before.shape[0], -1)
    ac = np.full(after.shape[0], -1)
    for i, level in enumerate(LEVELS):
        bc[before == level] = i
        ac[after == level] = i
    table = np.bincount(bc * 3 + ac, minlength=9).reshape(3, 3)
    square = SquareTable(table.copy(), shift_zeros=False)
    square.homogeneity()
    square.symmetry()
    d = ac - bc
    stats.wilcoxon(d[d != 0], correction=True, method="approx")


def bare_scores(before: np.ndarray, after: np.ndarray) -> None:
    d = after - before
    for x in (before, after, d):
        np.mean(x)
        np.std(x, ddof=1)
    stats.ttest_rel(after, before)
    stats.wilcoxon(after, before, correction=True, method="approx")


def main() -> int:
    rng = np.random.default_rng(SEED)
    before_bool = rng.random(N) < 0.4
    after_bool = np.where(rng.random(N) < 0.7, before_bool, rng.random(N) < 0.8)
    codes_before = rng.integers(0, 3, N)
    codes_after = np.clip(codes_before + rng.integers(-1, 2, N), 0, 2)
    labels = np.array(LEVELS)
    before_lab, after_lab = labels[codes_before], labels[codes_after]
    before_score = np.round(rng.normal(60, 12, N), 1)
    after_score = np.round(before_score + rng.normal(5, 8, N), 1)

    cases = [
        ("paired_binary", paired_binary, bare_binary, before_bool, after_bool),
        ("paired_ordinal", lambda b, a: paired_ordinal(b, a, LEVELS), bare_ordinal,
         before_lab, after_lab),
        ("paired_scores", paired_scores, bare_scores, before_score, after_score),
    ]  # fmt: skip
    print(f"laktasi.stats benchmark: {N:,} pairs, seed {SEED}, best of {REPEATS}")
    print(
        f"{'function':<16}{'laktasi s':>11}{'bare s':>9}{'ratio':>8}  target (<{TARGET_SECONDS:g} s, <{TARGET_RATIO:g}x)"
    )
    ok = True
    for name, ours, bare, b, a in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # statsmodels/scipy chatter in the baseline
            t_ours = best_time(lambda ours=ours, b=b, a=a: ours(b, a))
            t_bare = best_time(lambda bare=bare, b=b, a=a: bare(b, a))
        ratio = t_ours / t_bare
        met = t_ours < TARGET_SECONDS and ratio < TARGET_RATIO
        ok &= met
        print(f"{name:<16}{t_ours:>11.3f}{t_bare:>9.3f}{ratio:>8.2f}  {'ok' if met else 'MISSED'}")

    # for information: Python lists with None (missing) values, converted by laktasi
    list_b = before_bool.tolist()
    list_a = after_bool.tolist()
    list_b[::1000] = [None] * len(list_b[::1000])
    t_list = best_time(lambda: paired_binary(list_b, list_a), repeats=2)
    lab_b = before_lab.tolist()
    lab_b[::1000] = [None] * len(lab_b[::1000])
    lab_a = after_lab.tolist()
    t_lab = best_time(lambda: paired_ordinal(lab_b, lab_a, LEVELS), repeats=2)
    print(f"(lists with None: paired_binary {t_list:.3f} s, paired_ordinal {t_lab:.3f} s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
