"""Rule sets that look for signals of special-cause variation, and which points broke them.

Every rule is a small frozen dataclass whose thresholds can be changed; a rule set is a tuple
of rules. Named presets:

- ``"anhoej"`` (default, as qicharts2): points outside the 3-sigma limits; Anhøj runs analysis
  (``longest_run``: the points of a run longer than allowed; ``crossings``: every useful point
  of a part with too few crossings).
- ``"ihi"`` (Perla, Provost & Murray 2011): a shift of 6, a trend of 5 (equal neighbours
  count once), and too few or too many runs.
- ``"hcdg"`` (Health Care Data Guide): outside the limits, 8 on one side, 6 increasing or
  decreasing, 2 of 3 in the outer third on one side, 15 in the inner third.
- ``"mdc"`` (NHS England Making Data Count): outside the limits, 7 on one side (a point on the
  centre line breaks the run), 7 increasing or decreasing (a tie breaks the trend), 2 of 3
  beyond two thirds of the way to a limit but not beyond it, all three on one side.

>>> rule_set("ihi", shift=7)
(Shift(length=7, on_line='skip'), Trend(length=5, ties='skip'), RunsCount(alpha=0.05))
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields, replace
from typing import Literal

import numpy as np

from icp_helpers.charts.runs import RunsAnalysis, find_runs, spans
from icp_helpers.charts.special import log_gamma


@dataclass(frozen=True)
class PartView:
    """What a rule sees of one part: plotted values, lines and the Anhøj runs analysis."""

    y: np.ndarray
    cl: np.ndarray
    lcl: np.ndarray
    ucl: np.ndarray
    include: np.ndarray
    runs: RunsAnalysis


Flags = Iterator[tuple[str, np.ndarray]]


def _run_starts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and length of each stretch of equal consecutive values."""
    if len(values) == 0:
        return np.array([], dtype=int), np.array([], dtype=int)
    starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    return starts, np.diff(np.concatenate([starts, [len(values)]]))


def outside_zone(view: PartView, fraction: float) -> np.ndarray:
    """+1/-1 where a point lies beyond ``fraction`` of the way from the CL to a limit, else 0."""
    with np.errstate(invalid="ignore"):
        above = view.y > view.cl + fraction * (view.ucl - view.cl)
        below = view.y < view.cl - fraction * (view.cl - view.lcl)
    return above.astype(int) - below.astype(int)


@dataclass(frozen=True)
class OutsideLimits:
    """A point strictly outside its 3-sigma limits (excluded points count too)."""

    def flags(self, view: PartView) -> Flags:
        yield "outside_limits", np.flatnonzero(outside_zone(view, 1.0) != 0)


@dataclass(frozen=True)
class AnhoejRuns:
    """Anhøj rules: an unusually long run, or unusually few crossings of the centre line."""

    def flags(self, view: PartView) -> Flags:
        yield "longest_run", view.runs.long_run_positions
        if view.runs.crossings_signal:
            yield "crossings", view.runs.useful_positions


@dataclass(frozen=True)
class Shift:
    """``length`` or more consecutive included points on one side of the centre line.

    ``on_line="skip"``: a point on the centre line is ignored (IHI); ``"break"`` ends the run
    (Making Data Count).
    """

    length: int = 8
    on_line: Literal["skip", "break"] = "skip"

    def flags(self, view: PartView) -> Flags:
        idx = np.flatnonzero(view.include & ~np.isnan(view.y))
        with np.errstate(invalid="ignore"):
            side = np.sign(view.y[idx] - view.cl[idx])
        if self.on_line == "skip":
            idx, side = idx[side != 0], side[side != 0]
        starts, lengths = _run_starts(side)
        keep = (lengths >= self.length) & (side[starts] != 0)
        yield "shift", idx[spans(starts, lengths, keep, len(idx))]


@dataclass(frozen=True)
class Trend:
    """``length`` or more consecutive included points all going up or all going down.

    ``ties="skip"``: equal neighbours count once (IHI); ``"break"``: a tie ends the trend
    (Making Data Count).
    """

    length: int = 6
    ties: Literal["skip", "break"] = "skip"

    def flags(self, view: PartView) -> Flags:
        idx = np.flatnonzero(view.include & ~np.isnan(view.y))
        y = view.y[idx]
        if self.ties == "skip" and len(y):
            first = np.concatenate([[True], y[1:] != y[:-1]])
            group = np.cumsum(first) - 1
            kept = np.flatnonzero(first)
        else:
            group, kept = np.arange(len(y)), np.arange(len(y))
        step = np.sign(np.diff(y[kept]))
        starts, lengths = _run_starts(step)
        keep = (lengths + 1 >= self.length) & (step[starts] != 0)
        # a run of k equal steps covers k + 1 points, from kept[start] to kept[start + k]
        points = spans(starts, lengths + 1, keep, len(kept))
        yield "trend", idx[np.isin(group, points)]


@dataclass(frozen=True)
class TwoOfThree:
    """2 of 3 consecutive points beyond two thirds of the way to a limit, on the same side.

    ``beyond_limit``: whether points outside the limits count as near it (Health Care Data
    Guide) or not (Making Data Count). ``all_same_side``: whether all three points must be on
    the same side of the centre line (Making Data Count). Only the near points are flagged.
    """

    beyond_limit: bool = True
    all_same_side: bool = False

    def flags(self, view: PartView) -> Flags:
        idx = np.flatnonzero(view.include & ~np.isnan(view.y))
        zone = outside_zone(view, 2 / 3)[idx]
        if not self.beyond_limit:
            zone[outside_zone(view, 1.0)[idx] != 0] = 0
        with np.errstate(invalid="ignore"):
            side = np.sign(view.y[idx] - view.cl[idx])
        if len(idx) < 3:
            return
        flagged = np.zeros(len(idx), dtype=bool)
        windows = np.lib.stride_tricks.sliding_window_view
        for direction in (1, -1):
            near = zone == direction
            hit = windows(near, 3).sum(axis=1) >= 2
            if self.all_same_side:
                hit &= np.all(windows(side, 3) == direction, axis=1)
            for offset in range(3):
                positions = np.flatnonzero(hit) + offset
                flagged[positions] |= near[positions]
        yield "two_of_three", idx[flagged]


@dataclass(frozen=True)
class InnerThird:
    """``length`` or more consecutive points within the inner third of the limits."""

    length: int = 15

    def flags(self, view: PartView) -> Flags:
        idx = np.flatnonzero(view.include & ~np.isnan(view.y))
        with np.errstate(invalid="ignore"):
            inside = (
                (view.y[idx] <= view.cl[idx] + (view.ucl[idx] - view.cl[idx]) / 3)
                & (view.y[idx] >= view.cl[idx] - (view.cl[idx] - view.lcl[idx]) / 3)
                & np.isfinite(view.ucl[idx] - view.lcl[idx])
            )
        starts, lengths = _run_starts(inside)
        keep = (lengths >= self.length) & inside[starts]
        yield "inner_third", idx[spans(starts, lengths, keep, len(idx))]


def _log_choose(n: int, k: np.ndarray) -> np.ndarray:
    """log C(n, k), with -inf where k is outside 0..n."""
    k = np.asarray(k)
    inside = (k >= 0) & (k <= n)
    safe = np.where(inside, k, 0)
    value = log_gamma(n + 1) - log_gamma(safe + 1) - log_gamma(n - safe + 1)
    return np.where(inside, value, -np.inf)


def runs_distribution(above: int, below: int) -> np.ndarray:
    """Probability of each number of runs (index = runs) for a random order of two kinds.

    >>> runs_distribution(2, 2).round(4).tolist()
    [0.0, 0.0, 0.3333, 0.3333, 0.3333]
    """
    total = above + below
    probability = np.zeros(total + 1)
    if above == 0 or below == 0:
        probability[min(total, 1)] = 1.0
        return probability
    log_all = _log_choose(total, np.array(above))
    k = np.arange(1, min(above, below) + 1)
    even = np.log(2) + _log_choose(above - 1, k - 1) + _log_choose(below - 1, k - 1)
    probability[2 * k] = np.exp(even - log_all)
    odd = np.logaddexp(
        _log_choose(above - 1, k) + _log_choose(below - 1, k - 1),
        _log_choose(above - 1, k - 1) + _log_choose(below - 1, k),
    )
    fits = 2 * k + 1 <= total
    probability[2 * k[fits] + 1] = np.exp(odd[fits] - log_all)
    return probability


@dataclass(frozen=True)
class RunsCount:
    """Too few or too many runs (two-sided exact runs test at ``alpha``), as in IHI run charts.

    Every useful point of the part is flagged (``too_few_runs`` or ``too_many_runs``).
    """

    alpha: float = 0.05

    def flags(self, view: PartView) -> Flags:
        runs = find_runs(view.y, view.cl, view.include)
        if runs.n_useful < 2:
            return
        above = int(np.count_nonzero(runs.side > 0))
        probability = runs_distribution(above, runs.n_useful - above)
        observed = len(runs.starts)
        if probability[: observed + 1].sum() < self.alpha / 2:
            yield "too_few_runs", runs.positions
        elif probability[observed:].sum() < self.alpha / 2:
            yield "too_many_runs", runs.positions


Rule = OutsideLimits | AnhoejRuns | Shift | Trend | TwoOfThree | InnerThird | RunsCount

#: Named rule sets.
RULE_SETS: dict[str, tuple[Rule, ...]] = {
    "anhoej": (OutsideLimits(), AnhoejRuns()),
    "ihi": (Shift(6), Trend(5), RunsCount()),
    "hcdg": (OutsideLimits(), Shift(8), Trend(6), TwoOfThree(), InnerThird(15)),
    "mdc": (
        OutsideLimits(),
        Shift(7, on_line="break"),
        Trend(7, ties="break"),
        TwoOfThree(beyond_limit=False, all_same_side=True),
    ),
}

_THRESHOLDS = {"shift": Shift, "trend": Trend, "inner_third": InnerThird, "alpha": RunsCount}


def rule_set(name: str, **thresholds: int | float) -> tuple[Rule, ...]:
    """A named rule set with some thresholds changed: ``shift``, ``trend``, ``inner_third``
    (numbers of points) or ``alpha`` (runs test)."""
    if name not in RULE_SETS:
        raise ValueError(f"Unknown rule set {name!r}; choose one of: {', '.join(RULE_SETS)}.")
    rules = list(RULE_SETS[name])
    for key, value in thresholds.items():
        if key not in _THRESHOLDS:
            raise ValueError(f"Unknown threshold {key!r}; choose one of: {', '.join(_THRESHOLDS)}.")
        kind = _THRESHOLDS[key]
        matches = [i for i, rule in enumerate(rules) if isinstance(rule, kind)]
        if not matches:
            raise ValueError(f"Rule set {name!r} has no {key} rule to change.")
        field = fields(kind)[0].name
        for i in matches:
            # mypy cannot match a field chosen at run time across the union of rule types
            rules[i] = replace(rules[i], **{field: value})  # type: ignore[arg-type]
    return tuple(rules)


def resolve(rules: str | Sequence[Rule]) -> tuple[str, tuple[Rule, ...]]:
    """Name and rules of a rule set given by name or as a sequence of rules."""
    if isinstance(rules, str):
        return rules, rule_set(rules)
    rules = tuple(rules)
    if not rules or not all(hasattr(rule, "flags") for rule in rules):
        raise ValueError("rules must be a rule set name or a sequence of rules (e.g. Shift(7)).")
    return "custom", rules


def apply_rules(rules: tuple[Rule, ...], view: PartView) -> list[tuple[str, np.ndarray]]:
    """Every (rule name, flagged positions) pair for one part, empty flags left out."""
    return [(name, pos) for rule in rules for name, pos in rule.flags(view) if len(pos)]
