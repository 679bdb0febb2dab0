"""Input checks for the chart calculations: every problem becomes a clear ``ValueError``.

Missing values (None, NaN, NaT) are allowed everywhere and are skipped by the calculations;
anything that is not a number is refused with a message naming the argument and the fix.

>>> as_float_array([1, None, 3.5], "y")
array([1. , nan, 3.5])
>>> as_float_array(["a", 2], "y")
Traceback (most recent call last):
...
ValueError: y must hold numbers only (missing values are allowed); found 'a' at position 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence, Sized
from typing import Any

import numpy as np
import pandas as pd


def as_float_array(values: Any, name: str) -> np.ndarray:
    """Return ``values`` as a 1-D float array, with missing values as NaN."""
    if isinstance(values, (str, bytes)) or np.ndim(values) == 0:
        raise ValueError(f"{name} must be a sequence of numbers, not a single value {values!r}.")
    series = values if isinstance(values, pd.Series) else pd.Series(values)
    if isinstance(series.dtype, pd.CategoricalDtype):
        series = series.astype(object)
    if pd.api.types.is_bool_dtype(series.dtype) or (
        series.dtype == object and series.map(type).isin([bool, np.bool_]).any()
    ):
        raise ValueError(f"{name} must hold numbers, not True/False values.")
    if pd.api.types.is_numeric_dtype(series.dtype):
        values = series.to_numpy(dtype=float, na_value=np.nan)
    else:
        numbers = pd.to_numeric(series, errors="coerce")
        bad = numbers.isna() & ~series.isna()
        if bad.any():
            position = int(np.flatnonzero(bad.to_numpy())[0])
            raise ValueError(
                f"{name} must hold numbers only (missing values are allowed); "
                f"found {series.iloc[position]!r} at position {position}."
            )
        values = numbers.to_numpy(dtype=float, na_value=np.nan)
    if np.isinf(values).any():
        position = int(np.flatnonzero(np.isinf(values))[0])
        raise ValueError(f"{name} must hold finite numbers; found infinity at position {position}.")
    return values


def check_same_length(a: Sized, b: Sized, name_a: str, name_b: str) -> None:
    """Refuse two sequences of different lengths."""
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same length; got {len(a)} and {len(b)} values."
        )


def check_choice(value: str, valid: Iterable[str], name: str) -> str:
    """Refuse a value that is not one of ``valid``, listing the valid ones."""
    valid = list(valid)
    if value not in valid:
        raise ValueError(f"Unknown {name} {value!r}; choose one of: {', '.join(valid)}.")
    return value


def as_positions(values: int | Sequence[int] | None, name: str, upper: int) -> list[int]:
    """Return whole numbers in ``0 <= value < upper`` as a sorted list without repeats."""
    if values is None:
        return []
    items: list[Any] = [values] if isinstance(values, int) or np.ndim(values) == 0 else list(values)
    out = []
    for item in items:
        if isinstance(item, bool) or not float(item).is_integer():
            raise ValueError(f"{name} must hold whole numbers; got {item!r}.")
        if not 0 <= int(item) < upper:
            raise ValueError(
                f"{name} value {item} is out of range: it must be between 0 and {upper - 1} "
                f"for a chart of {upper} subgroups."
            )
        out.append(int(item))
    return sorted(set(out))


def as_count(value: int | None, name: str, low: int, high: int) -> int | None:
    """Return a whole number in ``low <= value <= high`` (or None)."""
    if value is None:
        return None
    if isinstance(value, bool) or np.ndim(value) != 0 or not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number; got {value!r}.")
    if not low <= int(value) <= high:
        raise ValueError(
            f"{name} = {value} is out of range: it must be between {low} and {high} "
            f"for a chart of {high} subgroups."
        )
    return int(value)
