"""laktasi.stats: correct, reproducible, explained statistics for before/after evaluations.

A pure-Python package (numpy, scipy, statsmodels only). It never imports Django or any
other laktasi module, so reports, the API, notebooks and the command line can all use it.

Every function returns a frozen dataclass with ``to_dict()`` (JSON-safe) and
``describe(lang="id" | "en")`` (a plain-language sentence); bad input raises
:class:`StatisticsError`. Each function's docstring names the R function it matches.
"""

from laktasi.stats._signedrank import SignedRankTest
from laktasi.stats.agreement import KappaEstimate, KappaResult, cohen_kappa
from laktasi.stats.binary import PairedBinaryResult, paired_binary, paired_binary_from_counts
from laktasi.stats.bounds import (
    BinaryBounds,
    OrdinalBounds,
    PRange,
    marginal_bounds_binary,
    marginal_bounds_ordinal,
)
from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import fmt_ci, fmt_count_pct, fmt_num, fmt_p, fmt_pct
from laktasi.stats.gain import NormalizedGainResult, normalized_gain
from laktasi.stats.ordinal import (
    ChiSquareTest,
    PairedOrdinalResult,
    paired_ordinal,
    paired_ordinal_from_table,
)
from laktasi.stats.percentages import (
    FrequencyRow,
    FrequencyTable,
    PercentageCheck,
    ReportedPercentage,
    check_reported_percentages,
    frequency_table,
)
from laktasi.stats.reanalysis import ReanalysisResult, reanalyze
from laktasi.stats.scores import PairedScoresResult, Summary, paired_scores
from laktasi.stats.survival import (
    KaplanMeierResult,
    LogrankResult,
    SurvivalAt,
    kaplan_meier,
    logrank,
)

__all__ = [
    "BinaryBounds",
    "ChiSquareTest",
    "FrequencyRow",
    "FrequencyTable",
    "KappaEstimate",
    "KappaResult",
    "KaplanMeierResult",
    "LogrankResult",
    "NormalizedGainResult",
    "OrdinalBounds",
    "PRange",
    "PairedBinaryResult",
    "PairedOrdinalResult",
    "PairedScoresResult",
    "PercentageCheck",
    "ReanalysisResult",
    "ReportedPercentage",
    "SignedRankTest",
    "StatisticsError",
    "Summary",
    "SurvivalAt",
    "check_reported_percentages",
    "cohen_kappa",
    "fmt_ci",
    "fmt_count_pct",
    "fmt_num",
    "fmt_p",
    "fmt_pct",
    "frequency_table",
    "kaplan_meier",
    "logrank",
    "marginal_bounds_binary",
    "marginal_bounds_ordinal",
    "normalized_gain",
    "paired_binary",
    "paired_binary_from_counts",
    "paired_ordinal",
    "paired_ordinal_from_table",
    "paired_scores",
    "reanalyze",
]
