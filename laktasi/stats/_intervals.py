"""Confidence intervals for proportions (Wilson, Clopper-Pearson, Newcombe paired method 10).

References
----------
Wilson EB (1927). Probable inference, the law of succession, and statistical inference.
JASA 22:209-212.
Clopper CJ, Pearson ES (1934). The use of confidence or fiducial limits illustrated in the
case of the binomial. Biometrika 26:404-413.
Newcombe RG (1998). Improved confidence intervals for the difference between binomial
proportions based on paired data. Statistics in Medicine 17:2635-2650 (method 10).
Fagerland MW, Lydersen S, Laake P (2014). Recommended tests and confidence intervals for
paired binomial proportions. Statistics in Medicine 33:2850-2875.
"""

from __future__ import annotations

import math

from scipy import stats

from laktasi.stats._common import Z95


def wilson_ci(x: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval without continuity correction.

    Matches R ``prop.test(x, n, correct = FALSE)$conf.int``:
    ``(x + z^2/2 ± z sqrt(x (n - x) / n + z^2 / 4)) / (n + z^2)``.
    """
    z2 = z * z
    centre = (x + z2 / 2) / (n + z2)
    half = z * math.sqrt(x * (n - x) / n + z2 / 4) / (n + z2)
    return max(0.0, centre - half), min(1.0, centre + half)


def clopper_pearson(x: int, n: int, level: float = 0.95) -> tuple[float, float]:
    """Exact binomial interval, as R ``binom.test(x, n)$conf.int``."""
    alpha = 1 - level
    lower = 0.0 if x == 0 else float(stats.beta.ppf(alpha / 2, x, n - x + 1))
    upper = 1.0 if x == n else float(stats.beta.ppf(1 - alpha / 2, x + 1, n - x))
    return lower, upper


def newcombe_paired_ci(a: int, b: int, c: int, d: int, z: float = Z95) -> tuple[float, float]:
    """Newcombe (1998) method 10 interval for ``p_after - p_before`` in a paired 2x2 table.

    Table (rows before yes/no, columns after yes/no)::

        a  b
        c  d

    so ``p_before = (a + b) / n``, ``p_after = (a + c) / n`` and the difference is
    ``(c - b) / n``. With Wilson limits ``(l1, u1)`` for ``p_after`` and ``(l2, u2)`` for
    ``p_before`` (no continuity correction)::

        L = D - sqrt((p1 - l1)^2 - 2 phi (p1 - l1)(u2 - p2) + (u2 - p2)^2)
        U = D + sqrt((p2 - l2)^2 - 2 phi (p2 - l2)(u1 - p1) + (u1 - p1)^2)

    where ``phi`` is the correlation of the two margins with Newcombe's correction:
    ``A = ad - bc``; ``phi = (A - n/2)/sqrt(efgh)`` if ``A > n/2``, 0 if ``0 <= A <= n/2``,
    ``A/sqrt(efgh)`` if ``A < 0``, and 0 if a margin is empty.

    Matches R ``contingencytables::Newcombe_square_and_add_CI_paired_2x2`` (Fagerland et
    al. 2014) applied to the transposed table (that function reports before - after).
    """
    n = a + b + c + d
    p1 = (a + c) / n  # after
    p2 = (a + b) / n  # before
    l1, u1 = wilson_ci(a + c, n, z)
    l2, u2 = wilson_ci(a + b, n, z)
    margins = (a + b) * (c + d) * (a + c) * (b + d)
    if margins == 0:
        phi = 0.0
    else:
        cross = a * d - b * c
        if cross > n / 2:
            phi = (cross - n / 2) / math.sqrt(margins)
        elif cross >= 0:
            phi = 0.0
        else:
            phi = cross / math.sqrt(margins)
    diff = p1 - p2
    dl1, du1, dl2, du2 = p1 - l1, u1 - p1, p2 - l2, u2 - p2
    lower = diff - math.sqrt(max(0.0, dl1 * dl1 - 2 * phi * dl1 * du2 + du2 * du2))
    upper = diff + math.sqrt(max(0.0, dl2 * dl2 - 2 * phi * dl2 * du1 + du1 * du1))
    return max(-1.0, lower), min(1.0, upper)
