"""Shared plumbing: the result base class and vectorised input checking.

Inputs may be Python lists (``None`` = missing) or numpy arrays (``NaN`` = missing in float
arrays). Conversion is vectorised: a million pairs never go through a Python loop.
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

import numpy as np

from laktasi.stats.errors import StatisticsError
from laktasi.stats.formatting import check_lang

#: Two-sided 95 % normal quantile, qnorm(0.975) in R.
Z95 = 1.959963984540054


class Result:
    """Base for the frozen result dataclasses: ``to_dict()`` and ``describe(lang)``."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict: floats at full precision, tuples as lists, nested results as dicts.

        A non-finite float never reaches the output: results store ``None`` for a value that
        is undefined or unbounded (each field's docstring says which), and a NaN or infinity
        found here is a bug, reported as :class:`StatisticsError`.
        """
        return cast(dict[str, Any], _jsonable(self, type(self).__name__))

    def describe(self, lang: str = "id") -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def __str__(self) -> str:
        return self.describe("en")


def _jsonable(value: Any, where: str) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: _jsonable(getattr(value, f.name), f"{where}.{f.name}")
            for f in dataclasses.fields(value)
        }
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.generic):
        return _jsonable(value.item(), where)
    if isinstance(value, int):
        return value
    if isinstance(value, (float, Fraction, Decimal)):
        out = float(value)
        if not math.isfinite(out):
            raise StatisticsError(f"internal error: non-finite value {out} in {where}")
        return out
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, f"{where}[{k!r}]") for k, v in value.items()}
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist(), where)
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise StatisticsError(f"internal error: cannot serialise {type(value).__name__} in {where}")


def clip_p(p: float) -> float:
    """Clamp a p-value into [0, 1] (guards against 1.0000000000000002 from summing tails)."""
    p = float(p)
    if math.isnan(p):
        raise StatisticsError("internal error: a p-value came out as NaN")
    return min(1.0, max(0.0, p))


def to_tuple2(a: np.ndarray) -> tuple[tuple[int, ...], ...]:
    """A 2-D integer array as a tuple of tuples of Python ints."""
    return tuple(tuple(int(v) for v in row) for row in np.asarray(a))


def plural_dropped(n_dropped: int, lang: str) -> str | None:
    if n_dropped == 0:
        return None
    if check_lang(lang) == "id":
        return f"{n_dropped} pasangan dengan data hilang tidak dihitung."
    return f"{n_dropped} pair{'s' if n_dropped != 1 else ''} with a missing value left out."


# --------------------------------------------------------------------------- input checking


def as_1d(values: Any, name: str) -> np.ndarray:
    """Convert a sequence or array to a 1-D numpy array (object dtype if it holds None)."""
    if isinstance(values, (str, bytes)) or values is None:
        raise StatisticsError(f"{name} must be a sequence of values, not {type(values).__name__}")
    if isinstance(values, np.ndarray):
        arr = values
    else:
        if not isinstance(values, Sequence) and not hasattr(values, "__array__"):
            values = list(values)
        try:
            arr = np.asarray(values)
        except (ValueError, TypeError) as exc:
            raise StatisticsError(f"{name} could not be read as a list of values: {exc}") from exc
    if arr.ndim != 1:
        raise StatisticsError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise StatisticsError(f"{name} is empty")
    return arr


def check_same_length(
    before: np.ndarray, after: np.ndarray, names: tuple[str, str] = ("before", "after")
) -> None:
    if before.shape[0] != after.shape[0]:
        raise StatisticsError(
            f"{names[0]} and {names[1]} must have the same length "
            f"(one entry per person), got {before.shape[0]} and {after.shape[0]}"
        )


def _none_mask(arr: np.ndarray) -> np.ndarray:
    """Missing values: None in object arrays, NaN in float arrays."""
    if arr.dtype == object:
        # None, and float NaN inside an object array (NaN != NaN), are missing
        return np.asarray(np.equal(arr, None) | np.not_equal(arr, arr), dtype=bool)  # type: ignore[call-overload]
    if arr.dtype.kind == "f":
        return cast(np.ndarray, np.isnan(arr))
    return np.zeros(arr.shape[0], dtype=bool)


def first_bad(arr: np.ndarray, bad: np.ndarray) -> tuple[int, Any]:
    i = int(np.flatnonzero(bad)[0])
    return i, arr[i]


def binary_values(arr: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (values as bool, missing mask) for a yes/no sequence.

    Accepted: booleans, 0/1, and ``None`` (object arrays) or ``NaN`` (float arrays) for missing.
    """
    if arr.dtype == bool:
        return arr, np.zeros(arr.shape[0], dtype=bool)
    if arr.dtype.kind in "iu":
        bad = (arr != 0) & (arr != 1)
        if bad.any():
            i, v = first_bad(arr, bad)
            raise StatisticsError(f"{name}[{i}] = {v!r}: use True/False (or 1/0), None if missing")
        return arr.astype(bool), np.zeros(arr.shape[0], dtype=bool)
    if arr.dtype.kind in "fO":
        miss = _none_mask(arr)
        vals = np.zeros(arr.shape[0], dtype=bool)
        present = arr[~miss]
        is_true = np.asarray(present == 1, dtype=bool)
        is_false = np.asarray(present == 0, dtype=bool)
        # strings are rejected naturally: "1" == 1 is False in Python
        bad = ~(is_true | is_false)
        if bad.any():
            idx = np.flatnonzero(~miss)
            i = int(idx[np.flatnonzero(bad)[0]])
            raise StatisticsError(
                f"{name}[{i}] = {arr[i]!r}: use True/False (or 1/0), None if missing"
            )
        vals[~miss] = is_true
        return vals, miss
    raise StatisticsError(f"{name} must hold True/False values (got dtype {arr.dtype})")


def level_codes(arr: np.ndarray, levels: Sequence[Any], name: str) -> tuple[np.ndarray, np.ndarray]:
    """Map labels to codes 0..K-1 in the order of ``levels``; return (codes, missing mask).

    Codes of missing entries are -1. A label not in ``levels`` raises StatisticsError.
    """
    n = arr.shape[0]
    codes = np.full(n, -1, dtype=np.int64)
    for i, level in enumerate(levels):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                eq = arr == level
            except (TypeError, ValueError):
                eq = False
        eq = np.asarray(eq, dtype=bool)
        if eq.shape != (n,):
            continue  # incomparable dtypes: nothing matches
        codes[eq & (codes < 0)] = i
    miss = _none_mask(arr) if arr.dtype.kind in "fO" else np.zeros(n, dtype=bool)
    unknown = (codes < 0) & ~miss
    if unknown.any():
        i, v = first_bad(arr, unknown)
        raise StatisticsError(
            f"{name}[{i}] = {v!r} is not one of the levels {list(levels)!r} (None if missing)"
        )
    return codes, miss


def _not_a_number(v: Any) -> bool:
    return isinstance(v, (bool, np.bool_, str, bytes))


def numeric_values(arr: np.ndarray, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return (float values, missing mask); None (object) or NaN (float) is missing."""
    if arr.dtype == bool:
        raise StatisticsError(f"{name} must hold numbers, not True/False")
    if arr.dtype.kind in "iuf":
        vals = arr.astype(np.float64, copy=False)
        miss = np.isnan(vals)
    elif arr.dtype == object:
        miss = np.asarray(np.equal(arr, None), dtype=bool)  # type: ignore[call-overload]
        present = arr[~miss]
        not_number = np.frompyfunc(_not_a_number, 1, 1)(present).astype(bool)
        if not_number.any():
            i = int(np.flatnonzero(~miss)[np.flatnonzero(not_number)[0]])
            raise StatisticsError(f"{name}[{i}] = {arr[i]!r} is not a number")
        vals = np.full(arr.shape[0], np.nan)
        try:
            vals[~miss] = present.astype(np.float64)
        except (TypeError, ValueError) as exc:
            raise StatisticsError(f"{name} holds a value that is not a number: {exc}") from exc
        miss = np.isnan(vals)
    elif arr.dtype.kind in "US":
        raise StatisticsError(f"{name} must hold numbers, not text such as {arr[0]!r}")
    else:
        raise StatisticsError(f"{name} must hold numbers (got dtype {arr.dtype})")
    inf = np.isinf(vals)
    if inf.any():
        i, v = first_bad(arr, inf)
        raise StatisticsError(f"{name}[{i}] = {v!r} is not a finite number")
    return vals, miss


def complete_pairs(miss_before: np.ndarray, miss_after: np.ndarray) -> tuple[np.ndarray, int]:
    """Mask of complete pairs and the number dropped; raises when fewer than two remain."""
    missing = miss_before | miss_after
    n_dropped = int(np.count_nonzero(missing))
    n_used = missing.shape[0] - n_dropped
    keep = ~missing
    if n_used == 0:
        raise StatisticsError("every pair has a missing value: nothing to analyse")
    if n_used == 1:
        raise StatisticsError("only one complete pair: at least two are needed")
    return keep, n_dropped


def count_value(x: Any, name: str) -> int:
    """A non-negative integer count (ints, or integral floats such as 6.0)."""
    if isinstance(x, (bool, np.bool_)):
        raise StatisticsError(f"{name} must be a count, not {x!r}")
    integral = isinstance(x, (int, np.integer)) or (
        isinstance(x, (float, np.floating)) and math.isfinite(x) and float(x).is_integer()
    )
    if not integral:
        raise StatisticsError(f"{name} must be a whole number, not {x!r}")
    value = int(x)
    if value < 0:
        raise StatisticsError(f"{name} must not be negative, got {value}")
    return value


def count_list(values: Any, name: str) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or values is None:
        raise StatisticsError(f"{name} must be a list of counts")
    try:
        items = list(values)
    except TypeError as exc:
        raise StatisticsError(f"{name} must be a list of counts") from exc
    if not items:
        raise StatisticsError(f"{name} is empty")
    return tuple(count_value(v, f"{name}[{i}]") for i, v in enumerate(items))
