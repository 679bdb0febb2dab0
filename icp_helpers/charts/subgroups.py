"""Group raw values into subgroups: values that share an x form one plotted point.

Numbers and dates are put in order; text keys keep the order they first appear in, and a
pandas Categorical keeps its category order. Rows whose x is missing are dropped; missing
y values are skipped (a subgroup with no values has y NaN).

>>> g = make_subgroups(np.array([1.0, 3.0, 5.0]), None, ["b", "a", "b"])
>>> list(g.x), g.y.tolist(), g.y_len.tolist()
(['b', 'a'], [3.0, 3.0], [2.0, 1.0])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Subgroups:
    """One entry per subgroup: its x, value, raw-value summaries, denominator and notes."""

    x: pd.Series
    y: np.ndarray
    y_sum: np.ndarray
    y_len: np.ndarray
    y_mean: np.ndarray
    y_sd: np.ndarray
    n: np.ndarray
    notes: list[str | None]
    categorical: bool
    got_n: bool

    def __len__(self) -> int:
        return len(self.y)


def _codes(x: pd.Series) -> tuple[np.ndarray, pd.Series, bool]:
    """Subgroup code of every row, the subgroup keys in order, and whether x is categorical."""
    if isinstance(x.dtype, pd.CategoricalDtype):
        x = x.cat.remove_unused_categories()
        return x.cat.codes.to_numpy(), pd.Series(x.cat.categories, dtype=x.dtype), True
    ordered = pd.api.types.is_numeric_dtype(x.dtype) or pd.api.types.is_datetime64_any_dtype(
        x.dtype
    )
    codes, keys = pd.factorize(x, sort=ordered)
    return codes, pd.Series(keys), not ordered


def _join_notes(notes: Sequence[Any], codes: np.ndarray, size: int) -> list[str | None]:
    joined: list[list[str]] = [[] for _ in range(size)]
    for code, note in zip(codes, notes, strict=True):
        if note is not None and not pd.isna(note) and str(note) and str(note) not in joined[code]:
            joined[code].append(str(note))
    return [" | ".join(parts) if parts else None for parts in joined]


def _one_per_subgroup(
    y: np.ndarray, n: np.ndarray | None, notes: Sequence[Any] | None
) -> Subgroups:
    """Every value its own subgroup, numbered from 1 (no grouping needed)."""
    count = (~np.isnan(y)).astype(float)
    return Subgroups(
        x=pd.Series(np.arange(1, len(y) + 1)),
        y=y if n is None else y / n,
        y_sum=y,
        y_len=count,
        y_mean=y,
        y_sd=np.full(len(y), np.nan),
        n=count if n is None else n,
        notes=[None] * len(y) if notes is None else _join_notes(notes, np.arange(len(y)), len(y)),
        categorical=False,
        got_n=n is not None,
    )


def make_subgroups(
    y: np.ndarray,
    n: np.ndarray | None,
    x: Any = None,
    notes: Sequence[Any] | None = None,
) -> Subgroups:
    """Aggregate ``y`` (and ``n``) by ``x``; without ``x`` every value is its own subgroup."""
    if n is not None:
        incomplete = np.isnan(y) | np.isnan(n)
        y, n = np.where(incomplete, np.nan, y), np.where(incomplete, np.nan, n)
    if x is None:
        return _one_per_subgroup(y, n, notes)
    series = pd.Series(x).reset_index(drop=True)
    keep = series.notna().to_numpy()
    if not keep.all():
        y, series = y[keep], series[keep]
        n = n[keep] if n is not None else None
        notes = None if notes is None else [v for v, k in zip(notes, keep, strict=True) if k]
    codes, keys, categorical = _codes(series.reset_index(drop=True))
    size = len(keys)
    valid = ~np.isnan(y)
    filled = np.where(valid, y, 0.0)
    y_len = np.bincount(codes, weights=valid.astype(float), minlength=size)
    y_sum = np.bincount(codes, weights=filled, minlength=size)
    with np.errstate(invalid="ignore", divide="ignore"):
        y_mean = y_sum / y_len
        deviations = np.where(valid, y - y_mean[codes], 0.0)
        y_sd = np.sqrt(np.bincount(codes, weights=deviations**2, minlength=size) / (y_len - 1))
        y_sd[y_len < 2] = np.nan
        y_sum[y_len == 0] = np.nan
        if n is not None:
            n_sum = np.bincount(codes, weights=np.where(valid, n, 0.0), minlength=size)
            n_sum[y_len == 0] = np.nan
            value = y_sum / n_sum
        else:
            n_sum = y_len.copy()
            value = y_mean
    return Subgroups(
        x=keys.reset_index(drop=True),
        y=value,
        y_sum=y_sum,
        y_len=y_len,
        y_mean=y_mean,
        y_sd=y_sd,
        n=n_sum,
        notes=_join_notes(notes, codes, size) if notes is not None else [None] * size,
        categorical=categorical,
        got_n=n is not None,
    )
