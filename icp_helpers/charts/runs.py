"""Runs analysis: the Anhøj rules for unusually long runs and unusually few crossings.

Points exactly on the centre line are neither counted nor break a run. A part has a runs
signal when its longest run is longer than ``round(log2(n_useful)) + 3`` or when the centre
line is crossed fewer times than the 5th percentile of a binomial(n_useful - 1, 0.5).

>>> import numpy as np
>>> y = np.array([1, 2, 3, 3, 3, 4, 5, 3, 2, 1, 3, 6, 7, 8, 3], dtype=float)
>>> r = anhoej(y, np.full(15, 3.0), np.ones(15, dtype=bool))
>>> (r.n_obs, r.n_useful, r.longest_run, r.n_crossings, r.signal)
(15, 9, 3, 3, False)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from icp_helpers.charts.special import binomial_half_quantile


def anhoej_limits(n_useful: int | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longest run allowed and fewest crossings expected for ``n_useful`` observations.

    >>> longest, crossings = anhoej_limits(np.array([10, 24, 100]))
    >>> longest.tolist(), crossings.tolist()
    ([6, 8, 10], [2, 8, 41])
    """
    n = np.asarray(n_useful, dtype=float)
    longest = np.round(np.log2(n)) + 3
    trials = np.maximum(n - 1, 0).astype(int)
    crossings = [binomial_half_quantile(int(m), 0.05) for m in trials.ravel()]
    return longest.astype(int), np.array(crossings, dtype=int).reshape(trials.shape)


@dataclass(frozen=True)
class Runs:
    """The runs of useful points (off the centre line) in one part.

    ``positions`` are the indices (into the arrays given) of the useful points, ``side`` is
    +1 above and -1 below the centre line, ``starts`` and ``lengths`` describe each run.
    """

    positions: np.ndarray
    side: np.ndarray
    starts: np.ndarray
    lengths: np.ndarray

    @property
    def n_useful(self) -> int:
        return len(self.positions)

    @property
    def n_crossings(self) -> int:
        return max(len(self.starts) - 1, 0)


def spans(starts: np.ndarray, lengths: np.ndarray, keep: np.ndarray, size: int) -> np.ndarray:
    """Indices covered by the spans ``[start, start + length)`` where ``keep`` is True.

    >>> spans(np.array([0, 2, 5]), np.array([2, 3, 1]), np.array([True, False, True]), 6)
    array([0, 1, 5])
    """
    edges = np.zeros(size + 1, dtype=int)
    np.add.at(edges, starts[keep], 1)
    np.add.at(edges, starts[keep] + lengths[keep], -1)
    return np.flatnonzero(np.cumsum(edges[:-1]) > 0)


def find_runs(y: np.ndarray, cl: np.ndarray, include: np.ndarray) -> Runs:
    """Split the included points that are off the centre line into runs on one side."""
    candidates = np.flatnonzero(include)
    with np.errstate(invalid="ignore"):
        side = np.sign(y[candidates] - cl[candidates])
    useful = (side != 0) & ~np.isnan(side)
    positions, side = candidates[useful], side[useful]
    changes = np.concatenate([[True], side[1:] != side[:-1]])
    starts = np.flatnonzero(changes) if len(side) else np.zeros(0, dtype=int)
    lengths = np.diff(np.concatenate([starts, [len(side)]])).astype(int)
    return Runs(positions, side, starts, lengths)


@dataclass(frozen=True)
class RunsAnalysis:
    """Result of the Anhøj rules for one part (counts are None when no point is useful)."""

    n_obs: int
    n_useful: int
    longest_run: int | None
    longest_run_max: int | None
    n_crossings: int | None
    n_crossings_min: int | None
    long_run_signal: bool
    crossings_signal: bool
    long_run_positions: np.ndarray
    useful_positions: np.ndarray

    @property
    def signal(self) -> bool:
        return self.long_run_signal or self.crossings_signal


def anhoej(y: np.ndarray, cl: np.ndarray, include: np.ndarray) -> RunsAnalysis:
    """Anhøj runs analysis of the included points of one part.

    ``long_run_positions`` are the points of every run longer than allowed.
    """
    runs = find_runs(y, cl, include)
    n_obs = int(np.count_nonzero(include))
    if runs.n_useful == 0:
        empty = np.array([], dtype=int)
        return RunsAnalysis(n_obs, 0, None, None, None, None, False, False, empty, empty)
    longest_max, crossings_min = (int(v) for v in anhoej_limits(runs.n_useful))
    longest = int(runs.lengths.max())
    long_positions = runs.positions[
        spans(runs.starts, runs.lengths, runs.lengths > longest_max, runs.n_useful)
    ]
    return RunsAnalysis(
        n_obs=n_obs,
        n_useful=runs.n_useful,
        longest_run=longest,
        longest_run_max=longest_max,
        n_crossings=runs.n_crossings,
        n_crossings_min=crossings_min,
        long_run_signal=longest > longest_max,
        crossings_signal=runs.n_crossings < crossings_min,
        long_run_positions=long_positions,
        useful_positions=runs.positions,
    )
