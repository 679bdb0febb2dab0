"""``mdc``: NHS England's Making Data Count XmR chart, with its four rules and icons.

Limits are mean +/- 2.66 x average moving range, per period (``rebase`` starts a new one);
``fix_after`` fixes the mean and limits after that many points of each period.

Large moving ranges are screened out only when asked (``screen_mr=True``). By default the
limits match NHS England's Making Data Count spreadsheet, which does not screen. The R package
NHSRplotthedots screens by default (``screen_outliers = TRUE``): its default numbers are
``mdc(..., screen_mr=True)``, and ``mdc``'s default numbers are its ``screen_outliers = FALSE``.

>>> r = mdc([5, 6, 5, 7, 6, 5, 6, 7, 9, 10, 11, 12, 13, 14], improvement="increase", target=8)
>>> r.variation_icon, r.assurance_icon
('special_cause_improvement', 'inconsistent')
>>> r.points.loc[7:, "trend"].tolist()
[True, True, True, True, True, True, True]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from icp_helpers.charts.control_limits import MR_LIMIT
from icp_helpers.charts.mdc_rules import (
    part_of_seven,
    part_of_two_in_three,
    seven_on_one_side,
    seven_point_trend,
    trend_direction,
    two_in_three,
)
from icp_helpers.charts.result import MdcResult
from icp_helpers.charts.validation import as_count, as_float_array, check_same_length

#: Process limits are mean +/- LIMIT x average moving range.
LIMIT = 2.66
#: Fewer points than this in a period give trial limits.
TRIAL_LIMIT_POINTS = 12
POINT_TYPES = (
    "common_cause",
    "special_cause_improvement",
    "special_cause_concern",
    "special_cause_neutral_high",
    "special_cause_neutral_low",
)
_DIRECTIONS = {None: 0, "neutral": 0, "increase": 1, "decrease": -1}


def _order(y: np.ndarray, x: Any) -> tuple[np.ndarray, pd.Series]:
    if x is None:
        return y, pd.Series(np.arange(1, len(y) + 1))
    check_same_length(y, x, "y", "x")
    keys = pd.Series(x).reset_index(drop=True)
    if keys.isna().any():
        raise ValueError("x has missing values; every value needs its date or period.")
    if keys.duplicated().any():
        raise ValueError(
            f"x has repeated values (e.g. {keys[keys.duplicated()].iloc[0]!r}); "
            "a Making Data Count chart takes one value per period."
        )
    if not (
        pd.api.types.is_numeric_dtype(keys.dtype)
        or pd.api.types.is_datetime64_any_dtype(keys.dtype)
    ):
        return y, keys  # text periods keep the order given
    order = np.argsort(keys.to_numpy(), kind="stable")
    return y[order], keys.iloc[order].reset_index(drop=True)


def _periods(x: pd.Series, rebase: Sequence[Any] | None) -> np.ndarray:
    if rebase is None:
        return np.zeros(len(x), dtype=int)
    starts = pd.Series(list(rebase) if np.ndim(rebase) else [rebase])
    if pd.api.types.is_datetime64_any_dtype(x.dtype):
        starts = pd.to_datetime(starts)
    missing = starts[~starts.isin(x)]
    if len(missing):
        raise ValueError(
            f"rebase value {missing.iloc[0]!r} is not one of the x values; "
            "give the x (date) of the first point of each new period."
        )
    return np.cumsum(x.isin(starts).to_numpy()).astype(int)


def _limits(y: np.ndarray, fix_after: int | None, screen: bool) -> tuple[float, float]:
    """Mean and average moving range of one period (from its first ``fix_after`` points)."""
    fixed = y if fix_after is None else y[:fix_after]
    observed = fixed[~np.isnan(fixed)]
    mean = float(observed.mean()) if len(observed) else np.nan
    ranges = np.abs(np.diff(fixed))
    ranges = ranges[~np.isnan(ranges)]
    average = float(ranges.mean()) if len(ranges) else np.nan
    if screen and len(ranges):
        kept = ranges[ranges < MR_LIMIT * average]
        average = float(kept.mean()) if len(kept) else np.nan
    return mean, average


def _rules(y: np.ndarray, mean: float, average: float) -> dict[str, np.ndarray]:
    """The four rules on the observed points of one period."""
    outside = (y > mean + LIMIT * average) | (y < mean - LIMIT * average)
    side = np.sign(y - mean).astype(int)
    near = 2 / 3 * LIMIT * average
    close = ~outside & ((y < mean - near) | (y > mean + near))
    trend = part_of_seven(seven_point_trend(y)) == 1
    direction = np.where(side > 0, 1, -1)
    direction = np.where(trend & ~outside, trend_direction(y, trend), direction)
    return {
        "outside_limits": outside,
        "relative_to_mean": side,
        "close_to_limits": close,
        "shift": part_of_seven(seven_on_one_side(side)) == 1,
        "trend": trend,
        "two_of_three": part_of_two_in_three(two_in_three(close, side), close) == 1,
        "direction": direction,
    }


#: Special-cause labels (NHSRplotthedots' wording); code 0 is common cause.
CAUSE_TYPES = (
    "Common Cause",
    "Above UCL",
    "Below LCL",
    "7 Point Trend (Increasing)",
    "7 Point Trend (Decreasing)",
    "2 in 3 Above CL",
    "2 in 3 Below CL",
    "7 Points Above CL",
    "7 Points Below CL",
)


def _cause_code(r: dict[str, np.ndarray]) -> np.ndarray:
    """Index into CAUSE_TYPES of each point, by precedence: limits, trend, 2 in 3, 7 in a row."""
    below = (r["relative_to_mean"] <= 0).astype(int)
    return np.select(
        [r["outside_limits"], r["trend"], r["two_of_three"], r["shift"]],
        [1 + (r["relative_to_mean"] != 1), 3 + (r["direction"] != 1), 5 + below, 7 + below],
        default=0,
    )


def _point_code(cause: np.ndarray, direction: np.ndarray, improvement: int) -> np.ndarray:
    """Index into POINT_TYPES of each point."""
    if improvement == 0:
        special = np.where(direction > 0, 3, 4)
    else:
        special = np.where(direction * improvement > 0, 1, 2)
    return np.where(cause != 0, special, 0)


def mdc(
    y: Sequence[float],
    x: Sequence[Any] | None = None,
    improvement: str | None = None,
    target: float | None = None,
    screen_mr: bool = False,
    fix_after: int | None = None,
    rebase: Sequence[Any] | None = None,
    title: str | None = None,
    ylab: str | None = None,
    xlab: str | None = None,
) -> MdcResult:
    """Making Data Count XmR chart (numbers as NHSRplotthedots' ``ptd_spc``).

    Args:
        y: one value per period; missing values are skipped.
        x: the periods (dates, numbers or text); dates and numbers are put in order, text
            keeps the order given.
        improvement: "increase" or "decrease" when higher or lower is better; None (or
            "neutral") otherwise.
        target: the target value, for the assurance icon.
        screen_mr: drop moving ranges above 3.267 x their average before computing limits
            (NHSRplotthedots' ``screen_outliers``, on by default there; off by default here, as
            in NHS England's Making Data Count spreadsheet).
        fix_after: fix the mean and limits after this many points of each period.
        rebase: x values at which a new period (with new limits) starts.
        title, ylab, xlab: labels for the picture.
    """
    if improvement not in _DIRECTIONS:
        raise ValueError(
            f"Unknown improvement direction {improvement!r}; "
            "choose 'increase', 'decrease' or None (neutral)."
        )
    values, keys = _order(as_float_array(y, "y"), x)
    if len(values) == 0:
        raise ValueError("There is nothing to chart: y has no values.")
    fixed = as_count(fix_after, "fix_after", 1, len(values))
    if target is not None and not np.isfinite(as_float_array([target], "target")[0]):
        raise ValueError(f"target must be a number; got {target!r}.")
    period = _periods(keys, rebase)
    direction = _DIRECTIONS[improvement]
    frames = [
        _period_frame(values[period == p], fixed, screen_mr, direction) for p in np.unique(period)
    ]
    points = pd.concat(frames, ignore_index=True)
    points.insert(0, "x", keys)
    points.insert(1, "y", values)
    points.insert(7, "period", period)
    points["target"] = np.nan if target is None else float(target)
    summary = _summary(points)
    last = points.dropna(subset=["y"]).iloc[-1]
    return MdcResult(
        points=points,
        summary=summary,
        variation_icon=last["point_type"],
        assurance_icon=_assurance(points.iloc[-1], target, direction),
        improvement=None if direction == 0 else improvement,
        target=None if target is None else float(target),
        title=title if title is not None else "Making Data Count XmR chart",
        ylab=ylab if ylab is not None else "Value",
        xlab=xlab if xlab is not None else "Period",
        trial_limits=bool(points["trial_limits"].iloc[-1]),
    )


def _period_frame(
    y: np.ndarray, fix_after: int | None, screen: bool, direction: int
) -> pd.DataFrame:
    """Limits, rule flags and point types of one period (missing values flag nothing)."""
    mean, average = _limits(y, fix_after, screen)
    seen = ~np.isnan(y)
    r = _rules(y[seen], mean, average)
    cause = _cause_code(r)
    r["special_cause"] = cause != 0
    codes = {
        "special_cause_type": (cause, CAUSE_TYPES),
        "point_type": (_point_code(cause, r["direction"], direction), POINT_TYPES),
    }
    frame = pd.DataFrame(
        {
            "mean": np.full(len(y), mean),
            "lpl": mean - LIMIT * average,
            "upl": mean + LIMIT * average,
            "nlpl": mean - 2 / 3 * LIMIT * average,
            "nupl": mean + 2 / 3 * LIMIT * average,
        }
    )
    for name in ("outside_limits", "relative_to_mean", "close_to_limits"):
        frame[name] = _spread(r[name], seen)
    for name, (code, labels) in codes.items():
        frame[name] = np.array([*labels, None], dtype=object)[_spread(code, seen, -1)]
    for name in ("shift", "trend", "two_of_three", "special_cause"):
        frame[name] = _spread(r[name], seen)
    used = seen if fix_after is None else seen & (np.arange(len(y)) < fix_after)
    frame["trial_limits"] = int(np.count_nonzero(used)) < TRIAL_LIMIT_POINTS
    return frame


def _spread(values: np.ndarray, seen: np.ndarray, blank: int = 0) -> np.ndarray:
    """Values of the observed points placed back among all rows (``blank`` where missing)."""
    out = np.full(len(seen), blank, dtype=values.dtype)
    out[seen] = values
    return out


def _summary(points: pd.DataFrame) -> pd.DataFrame:
    """One row per period: limits, counts of each kind of point, the last point's type."""
    rows = []
    for period, group in points.groupby("period", sort=True):
        seen = group.dropna(subset=["y"])
        rows.append(
            {
                "period": int(period),
                "mean": group["mean"].iloc[0],
                "lpl": group["lpl"].iloc[0],
                "upl": group["upl"].iloc[0],
                "n": len(group),
                "common_cause": int((seen["point_type"] == POINT_TYPES[0]).sum()),
                "special_cause_improvement": int((seen["point_type"] == POINT_TYPES[1]).sum()),
                "special_cause_concern": int((seen["point_type"] == POINT_TYPES[2]).sum()),
                "variation_type": seen["point_type"].iloc[-1] if len(seen) else None,
            }
        )
    return pd.DataFrame(rows)


def _assurance(last: pd.Series, target: float | None, direction: int) -> str | None:
    """Whether the latest limits say the target will be met: pass, fail or hit and miss."""
    if target is None or direction == 0:
        return None
    if target > last["upl"]:
        return "consistent_fail" if direction > 0 else "consistent_pass"
    if target < last["lpl"]:
        return "consistent_pass" if direction > 0 else "consistent_fail"
    return "inconsistent"
