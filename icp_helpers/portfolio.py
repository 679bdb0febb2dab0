"""A directorate portfolio: many projects' progress scores over time, moving or stuck.

>>> import pandas as pd
>>> history = pd.DataFrame({
...     "project": ["Willow ward violence"] * 4 + ["Cedar ward falls"] * 4,
...     "month": ["2024-01", "2024-02", "2024-03", "2024-04"] * 2,
...     "score": [2.0, 2.5, 2.5, 3.0, 2.5, 2.5, 2.5, 2.5]})
>>> portfolio_table(history)[["project", "latest_score", "change", "status"]]
                project  latest_score  change  status
0  Willow ward violence           3.0     1.0  moving
1      Cedar ward falls           2.5     0.0   stuck
"""

from __future__ import annotations

import io
import numbers
from importlib import resources

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D

from icp_helpers.fields import FieldError
from icp_helpers.progress import LEVELS, PROGRESS_SCALE, months_at_latest_level, read_score_history

__all__ = ["STATUSES", "directorate_scores", "plot_portfolio", "portfolio_table"]

#: Status -> (meaning, marker, Okabe-Ito colour). Marker and text carry the meaning, not colour.
STATUSES: dict[str, tuple[str, str, str]] = {
    "moving": ("score rose over the window", "^", "#009E73"),
    "sustaining": ("holding at 4.5 or above", "D", "#0072B2"),
    "new": ("scored for less than the window", "o", "#999999"),
    "slipping": ("score fell over the window", "v", "#E69F00"),
    "stuck": ("at one level for the window, or back where it was", "s", "#D55E00"),
}
SUSTAINING_FROM = 4.5


def directorate_scores() -> pd.DataFrame:
    """The course's directorate: monthly progress scores of its ten projects, January 2024 to
    March 2025, as ``project, month (YYYY-MM text), score``.

    This is the one score history of the course's teams: the notebooks load it rather than
    type scores again. The scores of the three teams with a course data set agree with their
    charts, which the course's tests check:

    * Willow ward, ``violence``;
    * the North CMHT, ``did_not_attend``;
    * Cedar ward, ``falls``.

    >>> scores = directorate_scores()
    >>> scores[(scores["project"] == "Cedar ward: fewer falls")
    ...        & (scores["month"] == "2024-12")]["score"].tolist()
    [3.5]
    """
    text = resources.files("icp_helpers").joinpath("directorate_scores.csv").read_text("utf-8")
    return pd.read_csv(io.StringIO(text), dtype={"project": str, "month": str, "score": float})


def _window(months: object) -> int:
    if isinstance(months, bool) or not isinstance(months, numbers.Integral) or months < 1:
        raise FieldError(f"months must be a whole number of 1 or more, not {months!r}")
    return int(months)


def _status(span: int, held: int, change: float, latest: float, window: int) -> str:
    if span < window:
        return "new"
    if held < window and change != 0:
        return "moving" if change > 0 else "slipping"
    return "sustaining" if latest >= SUSTAINING_FROM else "stuck"


def _project_row(name: str, group: pd.DataFrame, window: int) -> dict[str, object]:
    latest_month = group["month"].iloc[-1]
    latest = float(group["score"].iloc[-1])
    earlier = group[group["month"] <= latest_month - window]
    previous = float(earlier["score"].iloc[-1]) if len(earlier) else float(group["score"].iloc[0])
    held = months_at_latest_level(group["month"], group["score"])
    span = (latest_month - group["month"].iloc[0]).n + 1
    return {
        "project": name,
        "latest_month": latest_month,
        "latest_score": latest,
        "level": PROGRESS_SCALE[LEVELS.index(latest)].label,
        "previous_score": previous,
        "change": latest - previous,
        "months_at_level": held,
        "status": _status(span, held, latest - previous, latest, window),
    }


def portfolio_table(history: pd.DataFrame, months: int = 3) -> pd.DataFrame:
    """One row per project: latest score, change over the last ``months`` months, status.

    Columns: ``project, latest_month, latest_score, level, previous_score, change,
    months_at_level, status``. ``previous_score`` is the last score ``months`` or more months
    before the latest (the first score for a young project). The status is

    * ``new``: scored for fewer than ``months`` months;
    * ``stuck``: at one level for ``months`` months or more, or back where it was, below
      4.5 (so it includes the projects :func:`~icp_helpers.progress.find_stuck_projects`
      finds);
    * ``sustaining``: the same, at 4.5 or above;
    * ``moving`` or ``slipping``: the score rose or fell over the window.

    Rows are ranked by latest score, highest first, then by name.
    """
    window = _window(months)
    table = read_score_history(history)
    if table.empty:
        raise FieldError("history has no rows; add one row per project and month")
    rows = [_project_row(name, group, window) for name, group in table.groupby("project")]
    return (
        pd.DataFrame(rows)
        .sort_values(["latest_score", "project"], ascending=[False, True], kind="stable")
        .reset_index(drop=True)
    )


def plot_portfolio(
    history: pd.DataFrame, months: int = 3, ax: Axes | None = None, title: str | None = None
) -> Axes:
    """Draw each project's score now and ``months`` months ago, with its status.

    One row per project (highest score at the top): a hollow circle for the earlier score, an
    arrow to the latest score, a marker whose shape shows the status, and the status written
    at the right, so the chart reads without colour. Returns the Axes.

    >>> history = pd.DataFrame({"project": ["Crisis team carers"] * 4,
    ...                         "month": ["2024-01", "2024-02", "2024-03", "2024-04"],
    ...                         "score": [1.0, 1.5, 2.0, 2.5]})
    >>> ax = plot_portfolio(history)
    >>> ax.get_title()
    'Directorate portfolio: progress scores, last 3 months'
    >>> plt.close(ax.figure)
    """
    table = portfolio_table(history, months)
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 2.2 + 0.45 * len(table)), layout="constrained")
    rows = np.arange(len(table))[::-1]
    for y, (_, row) in zip(rows, table.iterrows(), strict=True):
        _draw_project(ax, y, row)
    ax.set_yticks(rows, table["project"].tolist())
    ax.set_xticks(LEVELS, [f"{level:.1f}" for level in LEVELS])
    ax.set_xlim(0.3, 5.2)
    ax.set_ylim(-0.7, len(table) - 0.3)
    ax.axvline(2.5, color="#bbbbbb", linestyle=":", linewidth=1, zorder=1)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_xlabel("Progress score (0.5 intent to participate, 5.0 outstanding sustainable results)")
    ax.set_ylabel("Project")
    ax.set_title(title or f"Directorate portfolio: progress scores, last {_window(months)} months")
    ax.legend(
        handles=_legend_handles(set(table["status"]), months),
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncols=2,
        fontsize=8,
        frameon=False,
    )
    return ax


def _draw_project(ax: Axes, y: float, row: pd.Series) -> None:
    _, marker, colour = STATUSES[row["status"]]
    if row["status"] != "new":
        ax.plot(
            row["previous_score"],
            y,
            marker="o",
            markersize=7,
            mfc="white",
            mec="#555555",
            linestyle="none",
            zorder=3,
        )
    if row["status"] != "new" and row["change"] != 0:
        ax.annotate(
            "",
            xy=(row["latest_score"], y),
            xytext=(row["previous_score"], y),
            arrowprops={"arrowstyle": "->", "color": "#555555", "lw": 1.2},
            zorder=2,
        )
    ax.plot(
        row["latest_score"],
        y,
        marker=marker,
        markersize=9,
        color=colour,
        mec="black",
        linestyle="none",
        zorder=4,
    )
    held = int(row["months_at_level"])
    label = f"{row['status']}: {held} month{'s' * (held != 1)} at {row['latest_score']:.1f}"
    ax.text(5.3, y, label, va="center", fontsize=8, color="black")


def _legend_handles(statuses: set[str], months: int) -> list[Line2D]:
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            mfc="white",
            mec="#555555",
            linestyle="none",
            label=f"score {months} months before the latest",
        )
    ]
    handles += [
        Line2D(
            [],
            [],
            marker=marker,
            color=colour,
            mec="black",
            linestyle="none",
            label=f"{status}: {meaning}",
        )
        for status, (meaning, marker, colour) in STATUSES.items()
        if status in statuses
    ]
    return handles
