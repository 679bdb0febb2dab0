"""``qic``: run charts and Shewhart control charts whose numbers agree with qicharts2.

>>> r = qic([4, 6, 5, 7, 5, 6, 4, 8, 5, 6, 5, 7], chart="i")
>>> round(float(r.points.cl[0]), 4), round(float(r.points.ucl[0]), 4)
(5.6667, 10.744)
>>> r.summary[["part", "n_useful", "longest_run", "n_crossings", "runs_signal"]]
   part  n_useful  longest_run  n_crossings  runs_signal
0     1        12            1           11        False
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from icp_helpers.charts.control_limits import CHARTS, PartData
from icp_helpers.charts.result import SIGNAL_COLUMNS, QicResult
from icp_helpers.charts.rules import PartView, Rule, apply_rules, resolve
from icp_helpers.charts.runs import anhoej
from icp_helpers.charts.subgroups import Subgroups, make_subgroups
from icp_helpers.charts.validation import (
    as_count,
    as_float_array,
    as_positions,
    check_choice,
    check_same_length,
)

#: Charts that need a denominator ``n``.
NEEDS_N = frozenset({"p", "pp", "u", "up"})
#: Charts of counts, which cannot be negative.
COUNTS = frozenset({"c", "u", "up", "p", "pp", "g"})
#: Fewer baseline points than this give trial limits.
TRIAL_LIMIT_POINTS = 12

CHART_TITLES: dict[str, str] = {
    "run": "Run chart",
    "i": "I chart (individuals)",
    "mr": "MR chart (moving ranges)",
    "xbar": "Xbar chart (subgroup means)",
    "s": "S chart (subgroup standard deviations)",
    "t": "T chart (time between events)",
    "p": "P chart (proportions)",
    "pp": "P′ chart (Laney proportions)",
    "c": "C chart (counts)",
    "u": "U chart (rates)",
    "up": "U′ chart (Laney rates)",
    "g": "G chart (opportunities between events)",
    "ip": "I′ chart (individuals, unequal subgroup sizes)",
}


def _check_values(chart: str, y: np.ndarray, n: np.ndarray | None) -> None:
    """Refuse values that make no sense for the chart (missing values are fine)."""
    if chart in NEEDS_N and n is None:
        raise ValueError(f"A {chart} chart needs the denominators n (e.g. patients or days).")
    if n is not None and np.any(n <= 0):
        raise ValueError("n must be greater than 0; found a denominator of 0 or less.")
    if chart in COUNTS and np.any(y < 0):
        raise ValueError(f"A {chart} chart counts events: y cannot be negative.")
    if chart in ("p", "pp") and np.any(y > n):
        raise ValueError("On a p chart y counts cases out of n: y cannot be greater than n.")
    if chart == "t" and np.any(y <= 0):
        raise ValueError("A t chart needs times between events greater than 0.")


def _parts(size: int, part: Sequence[int] | int | None) -> np.ndarray:
    """Part number (1, 2, ...) of each subgroup; ``part`` lists counts after which to split."""
    cuts = as_positions(part, "part", size)
    if 0 in cuts:
        raise ValueError("part values count subgroups before a new part; they must be 1 or more.")
    labels = np.ones(size, dtype=int)
    for cut in cuts:
        labels[cut:] += 1
    return labels


def _check_subgroups(chart: str, groups: Subgroups) -> None:
    if chart in ("xbar", "s") and not np.any(groups.y_len > 1):
        raise ValueError(
            f"A {chart} chart needs subgroups of two or more values; every subgroup has one. "
            "Give x so that values sharing an x form a subgroup, or use an i chart."
        )


def qic(
    y: Sequence[float],
    n: Sequence[float] | None = None,
    x: Sequence[Any] | None = None,
    chart: str = "run",
    part: Sequence[int] | int | None = None,
    freeze: int | None = None,
    exclude: Sequence[int] | int | None = None,
    screen_mr: bool = True,
    target: float | None = None,
    multiply: float = 1,
    notes: Sequence[Any] | None = None,
    rules: str | Sequence[Rule] = "anhoej",
    title: str | None = None,
    ylab: str | None = None,
    xlab: str | None = None,
) -> QicResult:
    """Compute a run chart or Shewhart control chart (numbers as qicharts2's ``qic``).

    Args:
        y: values (counts for c, u, p charts); missing values are skipped.
        n: denominators (needed for p, pp, u and up charts).
        x: subgroup keys: numbers, dates or text; values sharing an x form one subgroup.
        chart: one of run, i, mr, xbar, s, t, p, pp, c, u, up, g, ip.
        part: subgroup counts after which the chart is split into a new part (phase).
        freeze: number of baseline subgroups for the centre line and limits (ignored with
            ``part``).
        exclude: 0-based subgroup positions left out of the calculations but still plotted.
        screen_mr: drop moving ranges above 3.267 x their average before computing limits
            (on by default, as in qicharts2; ``mdc`` leaves it off by default, as NHS England's
            Making Data Count spreadsheet does, while NHSRplotthedots screens by default).
        target: a target value drawn as a line.
        multiply: multiply y and the lines, e.g. 100 for percentages.
        notes: one note per value (e.g. a PDSA cycle), shown at its subgroup.
        rules: rule set name ("anhoej", "ihi", "hcdg", "mdc") or a sequence of rules.
        title, ylab, xlab: labels for the picture.
    """
    chart = check_choice(chart, CHARTS, "chart type")
    y_values = as_float_array(y, "y")
    if len(y_values) == 0:
        raise ValueError("There is nothing to chart: y has no values.")
    n_values = None if n is None else as_float_array(n, "n")
    if n_values is not None:
        check_same_length(y_values, n_values, "y", "n")
    for name, other in (("x", x), ("notes", notes)):
        if other is not None:
            check_same_length(y_values, other, "y", name)
    if not np.isfinite(multiply) or multiply <= 0:
        raise ValueError(f"multiply must be a number greater than 0; got {multiply!r}.")
    with np.errstate(invalid="ignore"):
        _check_values(chart, y_values, n_values)
    rule_name, rule_list = resolve(rules)
    groups = make_subgroups(y_values, n_values, x, notes)
    size = len(groups)
    if size == 0:
        raise ValueError("There is nothing to chart: every x is missing.")
    _check_subgroups(chart, groups)
    parts = _parts(size, part)
    frozen = as_count(freeze, "freeze", 1, size)
    excluded = as_positions(exclude, "exclude", size)
    position = np.arange(size)
    baseline = position < frozen if frozen is not None and part is None else np.ones(size, bool)
    include = ~np.isin(position, excluded)

    columns = {k: np.full(size, np.nan) for k in ("y", "cl", "lcl", "ucl", "lcl_95", "ucl_95")}
    summaries, signals = [], []
    runs_signal = np.zeros(size, dtype=bool)
    for label in np.unique(parts):
        where = np.flatnonzero(parts == label)
        sl = slice(where[0], where[-1] + 1)
        data = PartData(
            y=groups.y[sl],
            y_sum=groups.y_sum[sl],
            y_len=groups.y_len[sl],
            y_mean=groups.y_mean[sl],
            y_sd=groups.y_sd[sl],
            n=groups.n[sl],
            base=baseline[sl] & include[sl],
            categorical=groups.categorical,
            screened=screen_mr,
        )
        lines = CHARTS[chart](data)
        for key in columns:
            values = getattr(lines, key) * multiply
            values[~np.isfinite(values)] = np.nan
            columns[key][sl] = values
        part_lines = {key: columns[key][sl] for key in columns}
        runs = anhoej(part_lines["y"], part_lines["cl"], include[sl])
        signal = runs.signal and not groups.categorical and chart != "mr"
        runs_signal[sl] = signal
        view = PartView(
            part_lines["y"], part_lines["cl"], part_lines["lcl"], part_lines["ucl"],
            include[sl], runs,
        )  # fmt: skip
        for rule, flagged in apply_rules(rule_list, view):
            if chart == "mr" and rule in ("longest_run", "crossings"):
                continue
            signals.append((rule, int(label), where[0] + flagged))
        summaries.append((label, runs, signal, part_lines, data.base))

    with np.errstate(invalid="ignore"):
        sigma_signal = (columns["y"] > columns["ucl"]) | (columns["y"] < columns["lcl"])
    signal_table = _signal_table(signals, groups.x)
    points = pd.DataFrame(
        {
            "x": groups.x,
            "y": columns["y"],
            "n": groups.n,
            **{k: columns[k] for k in ("cl", "lcl", "ucl", "lcl_95", "ucl_95")},
            "sigma_signal": sigma_signal,
            "part": parts,
            "baseline": baseline,
            "include": include,
            "runs_signal": runs_signal,
            "signal": np.isin(position, signal_table["position"].to_numpy()),
            "target": np.full(size, np.nan if target is None else float(target)),
            "notes": pd.Series(groups.notes, dtype=object),
        }
    )
    summary = _summary(summaries, sigma_signal, parts)
    return QicResult(
        points=points,
        summary=summary,
        chart=chart,
        signals=signal_table,
        title=title if title is not None else CHART_TITLES[chart],
        ylab=ylab if ylab is not None else "Value",
        xlab=xlab if xlab is not None else "Subgroup",
        trial_limits=bool(summary["trial_limits"].any()) and chart != "run",
        rules=rule_name,
    )


def _signal_table(signals: list[tuple[str, int, np.ndarray]], x: pd.Series) -> pd.DataFrame:
    if not signals:
        table = pd.DataFrame({c: pd.Series(dtype=object) for c in SIGNAL_COLUMNS})
        return table.astype({"part": int, "position": int})
    position = np.concatenate([flagged for _, _, flagged in signals]).astype(int)
    return pd.DataFrame(
        {
            "rule": np.repeat([r for r, _, _ in signals], [len(f) for _, _, f in signals]),
            "part": np.repeat([p for _, p, _ in signals], [len(f) for _, _, f in signals]),
            "position": position,
            "x": x.iloc[position].reset_index(drop=True),
        }
    )


def _summary(summaries: list[tuple], sigma_signal: np.ndarray, parts: np.ndarray) -> pd.DataFrame:
    rows = []
    for label, runs, signal, lines, base in summaries:
        usable = base & ~np.isnan(lines["y"])
        rows.append(
            {
                "part": int(label),
                "n_obs": runs.n_obs,
                "n_useful": runs.n_useful,
                "longest_run": runs.longest_run,
                "longest_run_max": runs.longest_run_max,
                "n_crossings": runs.n_crossings,
                "n_crossings_min": runs.n_crossings_min,
                "runs_signal": signal,
                **{key: _mean(lines[key]) for key in ("cl", "lcl", "ucl", "lcl_95", "ucl_95")},
                "sigma_signal": int(np.count_nonzero(sigma_signal[parts == label])),
                "trial_limits": int(np.count_nonzero(usable)) < TRIAL_LIMIT_POINTS,
            }
        )
    summary = pd.DataFrame(rows)
    for key in ("longest_run", "longest_run_max", "n_crossings", "n_crossings_min"):
        summary[key] = summary[key].astype("Int64")
    return summary


def _mean(values: np.ndarray) -> float:
    values = values[~np.isnan(values)]
    return float(values.mean()) if len(values) else np.nan
