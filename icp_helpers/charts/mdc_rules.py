"""The four Making Data Count rules, vectorised, with the same results as NHSRplotthedots.

Each helper takes the values of one period in time order (no missing values) and returns a
0/1 (or -1/0/1) array of the same length:

- :func:`seven_on_one_side` marks the 7th and later point of a run on one side of the mean
  (``side`` is sign(y - mean); a point on the mean breaks the run);
- :func:`seven_point_trend` marks the 7th and later point of a run of 7 strictly increasing
  (+1) or decreasing (-1) points (a tie breaks the trend);
- :func:`part_of_seven` spreads a mark back over the 6 points before it, so every point of
  the run or trend is marked;
- :func:`two_in_three` marks every point of a window of 3 with 2 or more points close to a
  limit and all 3 on the same side of the mean; :func:`part_of_two_in_three` keeps only
  the close points.

>>> seven_point_trend(np.array([1, 2, 3, 4, 5, 6, 7, 3.0])).tolist()
[0, 0, 0, 0, 0, 0, 1, 0]
>>> part_of_seven(np.array([0, 0, 0, 0, 0, 0, 0, 1, 0])).tolist()
[0, 1, 1, 1, 1, 1, 1, 1, 0]
"""

from __future__ import annotations

import numpy as np

RUN = 7


def _streak(values: np.ndarray) -> np.ndarray:
    """Length of the stretch of equal values ending at each position (1 for a new value)."""
    if len(values) == 0:
        return np.array([], dtype=int)
    new = np.concatenate([[True], values[1:] != values[:-1]])
    starts = np.maximum.accumulate(np.where(new, np.arange(len(values)), 0))
    return np.arange(len(values)) - starts + 1


def seven_on_one_side(side: np.ndarray) -> np.ndarray:
    """1 where a point is the 7th or later of consecutive points on the same side, else 0.

    >>> seven_on_one_side(np.array([1, 1, 1, 1, 1, 1, 1, 1, -1])).tolist()
    [0, 0, 0, 0, 0, 0, 1, 1, 0]
    """
    side = np.asarray(side)
    return ((_streak(side) >= RUN) & (side != 0)).astype(int)


def seven_point_trend(y: np.ndarray) -> np.ndarray:
    """+1/-1 where a point ends 7 strictly increasing/decreasing points, else 0."""
    y = np.asarray(y, dtype=float)
    out = np.zeros(len(y), dtype=int)
    if len(y) < RUN:
        return out
    step = np.sign(np.diff(y)).astype(int)
    trending = (_streak(step) >= RUN - 1) & (step != 0)
    out[1:][trending] = step[trending]
    return out


def part_of_seven(marks: np.ndarray) -> np.ndarray:
    """1 where a point is marked or one of the 6 points after it is marked, else 0."""
    marked = np.abs(np.asarray(marks)) == 1
    if len(marked) == 0:
        return np.array([], dtype=int)
    padded = np.concatenate([marked, np.zeros(RUN - 1, dtype=bool)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, RUN)
    return windows.any(axis=1).astype(int)


def two_in_three(close: np.ndarray, side: np.ndarray) -> np.ndarray:
    """1 for every point of a window of 3 with >= 2 close points, all 3 on one side."""
    close, side = np.asarray(close, dtype=int), np.asarray(side, dtype=int)
    if len(close) == 0:
        return np.array([], dtype=int)
    close_p = np.concatenate([[0, 0], close, [0, 0]])
    side_p = np.concatenate([[0, 0], side, [0, 0]])
    windows = np.lib.stride_tricks.sliding_window_view
    hit = (windows(close_p, 3).sum(axis=1) >= 2) & (np.abs(windows(side_p, 3).sum(axis=1)) == 3)
    # window k covers padded positions k..k+2, i.e. points k-2..k: a point i is in k = i..i+2
    return windows(hit, 3).any(axis=1).astype(int)


def part_of_two_in_three(flags: np.ndarray, close: np.ndarray) -> np.ndarray:
    """Keep only the close-to-limit points of a flagged 2-in-3 window.

    >>> part_of_two_in_three(np.array([1, 1, 1]), np.array([1, 0, 1])).tolist()
    [1, 0, 1]
    """
    return ((np.asarray(flags) == 1) & (np.abs(np.asarray(close)) == 1)).astype(int)


def trend_direction(y: np.ndarray, in_trend: np.ndarray) -> np.ndarray:
    """Direction (+1/-1) of the trend each point belongs to.

    A point whose right-hand neighbour is in the trend too takes the direction of the step to
    its right; otherwise (the last point of a trend) the step from its left. As in
    NHSRplotthedots a flat step counts as decreasing.
    """
    step = np.sign(np.diff(np.asarray(y, dtype=float)))
    in_trend = np.asarray(in_trend) != 0
    right = np.concatenate([step, step[-1:]]) if len(step) else np.zeros(len(y))
    left = np.concatenate([[0.0], step])
    next_in = np.concatenate([in_trend[1:], [False]])
    chosen = np.where(next_in & in_trend, right, left)
    return np.where(chosen == 1, 1, -1)
