"""The cohort dashboard: one self-contained HTML page for planning the next session.

Three charts (completion per assignment, score distributions, the exercises most trainees
got wrong), the assessment quality of each exercise (see :mod:`.assessment_quality`), the
test cells the grader flagged for manual grading, the marks a changed answer cleared (to
mark again), and a progress table.
Trainees appear by id unless names are passed in. Colours are the Okabe-Ito
colour-blind-safe set, and every category also has a hatch pattern and a text label, so
nothing is carried by colour alone.

>>> import pandas as pd
>>> progress = pd.DataFrame({"trainee": ["t01", "t02"], "assignment": ["00-a", "00-a"],
...     "outcome": ["graded", "missing"], "score": [8.0, None], "max_score": [10.0, None],
...     "awaiting_marking": [3.0, None], "late": [False, False], "reason": ["", ""],
...     "needs_review": ["", ""], "needs_remarking": ["", ""]})
>>> completion_counts(progress)["00-a"]["missing"]
1
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
import textwrap

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from icp_helpers.facilitator.assessment_quality import pooled_rows
from icp_helpers.facilitator.cohort import Schedule
from icp_helpers.facilitator.outcomes import GRADED, LABELS, PROBLEMS

# Okabe-Ito colours, each paired with a hatch so the chart reads in greyscale too.
CATEGORIES = {
    "graded on time": ("#009E73", ""),
    "graded late": ("#E69F00", "//"),
    "problem": ("#D55E00", "xx"),
    "missing": ("#BBBBBB", ".."),
    "not due yet": ("#FFFFFF", "\\\\"),
}


def completion_counts(progress: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Per assignment, how many trainees are graded on time, graded late, a problem, missing,
    or have nothing in yet for an assignment not due yet."""
    counts = {}
    for assignment, rows in progress.groupby("assignment", sort=False):
        graded = rows["outcome"].isin(GRADED)
        counts[assignment] = {
            "graded on time": int((graded & ~rows["late"]).sum()),
            "graded late": int((graded & rows["late"]).sum()),
            "problem": int(rows["outcome"].isin(PROBLEMS).sum()),
            "missing": int(rows["outcome"].isin(["missing", "not_graded"]).sum()),
            "not due yet": int((rows["outcome"] == "not_due").sum()),
        }
    return counts


def completion_chart(progress: pd.DataFrame, ax=None) -> plt.Axes:
    """Stacked bars: trainees per assignment by outcome."""
    ax = ax or plt.figure(figsize=(8, 3.5)).add_subplot()
    counts = completion_counts(progress)
    names = list(counts)
    left = np.zeros(len(names))
    for category, (colour, hatch) in CATEGORIES.items():
        values = np.array([counts[name][category] for name in names], dtype=float)
        bars = ax.barh(
            names, values, left=left, color=colour, hatch=hatch, edgecolor="#333333", label=category
        )
        ax.bar_label(
            bars,
            labels=[f"{v:g}" if v else "" for v in values],
            label_type="center",
            bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none"},
        )
        left += values
    ax.invert_yaxis()
    ax.set_xlabel("trainees")
    ax.set_ylabel("assignment")
    ax.set_title("Completion per assignment")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.1), ncol=5, frameon=False, fontsize=8)
    return ax


def autograded_percent(cells: pd.DataFrame) -> pd.DataFrame:
    """Each graded trainee's autograded score as a percentage of the autograded points.

    Manually graded reflections are left out, so the figure is final as soon as grading ends.
    Before anything is graded there are no rows.

    >>> cells = pd.DataFrame({"assignment": ["00-a"] * 3, "trainee": ["t01"] * 3,
    ...                       "autograded": [True, True, False], "score": [1.0, 0.0, 2.0],
    ...                       "max_score": [1.0, 1.0, 3.0]})
    >>> autograded_percent(cells).to_dict("records")
    [{'assignment': '00-a', 'trainee': 't01', 'percent': 50.0}]
    >>> len(autograded_percent(cells.iloc[:0]))
    0
    """
    auto = cells[cells["autograded"].astype(bool)]
    if auto.empty:
        return pd.DataFrame(columns=["assignment", "trainee", "percent"])
    totals = auto.groupby(["assignment", "trainee"], sort=False)[["score", "max_score"]].sum()
    return (100 * totals["score"] / totals["max_score"]).rename("percent").reset_index()


def score_chart(cells: pd.DataFrame, ax=None) -> plt.Axes:
    """Autograded score (% of its points) of each graded trainee, per assignment."""
    ax = ax or plt.figure(figsize=(8, 3.5)).add_subplot()
    percent = autograded_percent(cells)
    names = list(dict.fromkeys(percent["assignment"]))
    data = [percent.loc[percent["assignment"] == n, "percent"].to_numpy() for n in names]
    if data:
        ax.boxplot(
            data,
            orientation="horizontal",
            tick_labels=names,
            showfliers=False,
            widths=0.5,
            medianprops={"color": "#0072B2", "linewidth": 2},
        )
        jitter = np.random.default_rng(0)
        for row, values in enumerate(data, start=1):
            ax.scatter(
                values,
                row + jitter.uniform(-0.15, 0.15, len(values)),
                s=18,
                color="#000000",
                alpha=0.6,
                zorder=3,
            )
        ax.invert_yaxis()
    ax.set_xlim(-5, 105)
    ax.set_xlabel("autograded score (% of the points)")
    ax.set_ylabel("assignment")
    ax.set_title("Score distributions (one dot per graded trainee)")
    return ax


def hardest_exercises(cells: pd.DataFrame, top: int = 10) -> pd.DataFrame:
    """The autograded exercises most often short of full marks, with the share of trainees."""
    auto = cells[cells["autograded"]].copy()
    if auto.empty:
        return pd.DataFrame(columns=["assignment", "grade_id", "short", "graded", "percent"])
    auto["short"] = auto["score"].fillna(0) < auto["max_score"]
    table = (
        auto.groupby(["assignment", "grade_id"], sort=False)["short"]
        .agg(short="sum", graded="count")
        .reset_index()
    )
    table["percent"] = 100 * table["short"] / table["graded"]
    table = table[table["short"] > 0]
    return table.sort_values(["percent", "short"], ascending=False).head(top).reset_index(drop=True)


def hardest_chart(
    cells: pd.DataFrame, ax=None, assesses: dict[tuple[str, str], str] | None = None
) -> plt.Axes:
    """Horizontal bars: share of graded trainees short of full marks on each exercise,
    labelled with what it assesses when ``assesses`` says (shortened to fit)."""
    ax = ax or plt.figure(figsize=(8, 4)).add_subplot()
    table = hardest_exercises(cells)
    labels = [
        f"{a[:2]} {textwrap.shorten(exercise_name(a, g, assesses or {}), 45, placeholder='...')}"
        for a, g in zip(table["assignment"], table["grade_id"], strict=True)
    ]
    bars = ax.barh(labels, table["percent"], color="#56B4E9", edgecolor="#333333")
    ax.bar_label(
        bars,
        labels=[f"{s}/{n}" for s, n in zip(table["short"], table["graded"], strict=True)],
        padding=3,
    )
    ax.invert_yaxis()
    ax.set_xlim(0, 110)
    ax.set_xlabel("graded trainees short of full marks (%)")
    ax.set_ylabel("assignment and exercise")
    ax.set_title("Exercises most trainees got wrong")
    return ax


def dashboard_html(
    schedule: Schedule,
    released: list[str],
    progress: pd.DataFrame,
    cells: pd.DataFrame,
    labels: dict[str, str] | None = None,
    assesses: dict[tuple[str, str], str] | None = None,
    quality: pd.DataFrame | None = None,
) -> str:
    """The whole dashboard as one HTML page with its charts embedded.

    ``labels``: names to show for trainee ids; ``assesses``: what each (assignment,
    grade_id) assesses, to name the exercises to revisit (see
    :func:`~icp_helpers.facilitator.report.what_cells_assess`); ``quality``: the exercises'
    assessment quality (see :func:`~icp_helpers.facilitator.assessment_quality.
    assessment_quality`).
    """
    with matplotlib.rc_context({"font.size": 10}):
        charts = [
            _png(completion_chart(progress)),
            _png(score_chart(cells)),
            _png(hardest_chart(cells, assesses=assesses)),
        ]
    when = dt.datetime.now(schedule.zone)
    who = "names" if labels else "trainee ids (run `icp report --names` for names)"
    images = "\n".join(
        f'<img alt="{alt}" src="data:image/png;base64,{data}">'
        for alt, data in zip(
            ["Completion per assignment", "Score distributions", "Hardest exercises"],
            charts,
            strict=True,
        )
    )
    return _PAGE.format(
        title=html.escape(f"Cohort {schedule.cohort}: dashboard"),
        subtitle=html.escape(f"{schedule.title}. Made {when:%d %b %Y %H:%M %Z}; shows {who}."),
        summary=_summary_table(progress, cells, released),
        images=images,
        hardest=_hardest_table(cells, assesses or {}),
        quality=quality_section(quality, assesses or {}),
        review=_trainee_table(
            progress,
            "needs_review",
            "test cells and why",
            "The grader flagged nothing: no answer reached into the tests.",
            labels,
        ),
        remarking=_trainee_table(
            progress,
            "needs_remarking",
            "cells to mark again",
            "No mark was cleared by a changed answer.",
            labels,
        ),
        progress=_progress_table(progress, labels),
    )


def _png(ax: plt.Axes) -> str:
    figure = ax.get_figure(root=True)
    if figure is None:
        raise ValueError("a dashboard chart was drawn without a figure")
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _summary_table(progress: pd.DataFrame, cells: pd.DataFrame, released: list[str]) -> str:
    counts = completion_counts(progress)
    scores = autograded_percent(cells)
    columns = ["assignment", *CATEGORIES, "median autograded score"]
    head = "".join(f"<th>{c}</th>" for c in columns)
    rows = []
    for assignment in released:
        percent = scores.loc[scores["assignment"] == assignment, "percent"]
        median = f"{percent.median():.0f}%" if len(percent) else "–"
        cells = "".join(f"<td>{counts.get(assignment, {}).get(c, 0)}</td>" for c in CATEGORIES)
        rows.append(f"<tr><th>{html.escape(assignment)}</th>{cells}<td>{median}</td></tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def _html_table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain HTML table; every heading and cell is escaped."""
    head = "".join(f"<th>{html.escape(text)}</th>" for text in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(text)}</td>" for text in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def exercise_name(assignment: str, grade_id: str, assesses: dict[tuple[str, str], str]) -> str:
    """An exercise as a facilitator plans with it: what it assesses, then its test cell.

    >>> exercise_name("00-a", "ex2-check", {("00-a", "ex2-check"): "add up a list"})
    'add up a list (ex2-check)'
    >>> exercise_name("00-a", "ex9-check", {})
    'ex9-check'
    """
    what = assesses.get((assignment, grade_id))
    return f"{what} ({grade_id})" if what else grade_id


def _hardest_table(cells: pd.DataFrame, assesses: dict[tuple[str, str], str]) -> str:
    table = hardest_exercises(cells)
    if table.empty:
        return "<p>No graded exercise was short of full marks.</p>"
    return _html_table(
        ["assignment", "exercise (what it assesses)", "short of full marks"],
        [
            [
                r.assignment,
                exercise_name(r.assignment, r.grade_id, assesses),
                f"{r.short} of {r.graded} ({r.percent:.0f}%)",
            ]
            for r in table.itertuples()
        ],
    )


def quality_section(quality: pd.DataFrame | None, assesses: dict[tuple[str, str], str]) -> str:
    """The assessment quality table: all the cohorts' rows together when there are several,
    else the cohort's own (see :func:`~icp_helpers.facilitator.assessment_quality.
    assessment_quality`)."""
    if quality is None or quality.empty:
        return "<p>Nothing is graded yet, so there is nothing to measure.</p>"
    rows = pooled_rows(quality)
    widest = str(rows["cohorts"].iloc[0])
    several = "," in widest
    scope = f"{'cohorts' if several else 'cohort'} {widest} ({rows['trainees'].max()} trainees)"
    table = _html_table(
        [
            "assignment",
            "exercise (what it assesses)",
            "trainees",
            "difficulty",
            "discrimination",
            "measures nothing",
        ],
        [
            [
                r.assignment,
                exercise_name(r.assignment, r.grade_id, assesses),
                f"{r.trainees}",
                f"{r.difficulty:.0%}",
                f"{r.discrimination:.2f}"
                if r.discrimination != "n/a"
                else f"n/a: {r.why_no_discrimination}",
                r.measures_nothing,
            ]
            for r in rows.itertuples()
        ],
    )
    return f"<p>Over {html.escape(scope)}.</p>{table}"


def _trainee_table(
    progress: pd.DataFrame,
    column: str,
    heading: str,
    when_empty: str,
    labels: dict[str, str] | None,
) -> str:
    """The rows of ``progress`` whose ``column`` says something, as a table of trainee,
    assignment and that column (under ``heading``); ``when_empty`` if there are none."""
    found = progress[progress[column].fillna("") != ""]
    if found.empty:
        return f"<p>{when_empty}</p>"
    labels = labels or {}
    return _html_table(
        ["trainee", "assignment", heading],
        [[labels.get(r.trainee, r.trainee), r.assignment, r[column]] for _, r in found.iterrows()],
    )


def score_text(score: float, max_score: float, awaiting: float | None) -> str:
    """A score as the dashboard shows it, with the points still to be marked by hand.

    >>> score_text(10.0, 13.0, 3.0), score_text(12.0, 13.0, 0.0)
    ('10/13 so far, 3 awaiting marking', '12/13')
    """
    text = f"{score:g}/{max_score:g}"
    if awaiting and pd.notna(awaiting):
        text += f" so far, {awaiting:g} awaiting marking"
    return text


def _progress_table(progress: pd.DataFrame, labels: dict[str, str] | None) -> str:
    assignments = list(dict.fromkeys(progress["assignment"]))
    head = "".join(f"<th>{html.escape(a)}</th>" for a in ["trainee", *assignments])
    rows = []
    for trainee, mine in progress.groupby("trainee", sort=True):
        cells = []
        for assignment in assignments:
            row = mine[mine["assignment"] == assignment].iloc[0]
            text = LABELS.get(row["outcome"], row["outcome"])
            if pd.notna(row["score"]):
                text = score_text(row["score"], row["max_score"], row["awaiting_marking"]) + (
                    "" if row["outcome"] == "graded" else f" ({text})"
                )
            if row["late"]:
                text += " late"
            css = "problem" if row["outcome"] in PROBLEMS else ""
            cells.append(
                f'<td class="{css}" title="{html.escape(str(row["reason"]))}">'
                f"{html.escape(text)}</td>"
            )
        name = labels.get(trainee, trainee) if labels else trainee
        rows.append(f"<tr><th>{html.escape(name)}</th>{''.join(cells)}</tr>")
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: Arial, sans-serif; margin: 2em; color: #222; max-width: 1100px; }}
table {{ border-collapse: collapse; margin: 0.5em 0 1.5em; }}
th, td {{ border: 1px solid #bbb; padding: 0.3em 0.6em; text-align: left; }}
td.problem {{ font-weight: bold; text-decoration: underline dotted; }}
img {{ display: block; max-width: 100%; margin: 1em 0; }}
</style></head><body>
<h1>{title}</h1>
<p>{subtitle}</p>
<h2>Where the cohort is</h2>
{summary}
{images}
<h2>Exercises to revisit in the next session</h2>
{hardest}
<h2>Assessment quality</h2>
<p>For the course's authors: how well each autograded exercise measures. Difficulty is the
share of its marks that trainees scored; discrimination (the point-biserial correlation of
the exercise with the rest of the assignment) is how well it separates the trainees who do
well on the rest from those who do not: 0.2 or more is useful, and it is n/a for fewer
than 5 trainees or when the scores do not vary. An exercise everyone gets right, no one
gets right or that does not discriminate measures nothing: worth rewriting.
<code>icp report --with-cohorts</code> pools earlier cohorts; assessment-quality.csv has
every cohort's figures.</p>
{quality}
<h2>Flagged for manual grading</h2>
<p>Test cells the grader would not trust, because an answer reached into the testing
machinery. They score zero until you mark them in the formgrader, where the reason and the
score the checks would have given are a comment on the answer.</p>
{review}
<h2>Needs re-marking</h2>
<p>Work sent again with a different answer after you marked it: the old mark and comment
were cleared, because they judged text that is no longer there. Mark these again in the
formgrader.</p>
{remarking}
<h2>Each trainee's progress</h2>
<p>Scores are out of each assignment's total; reflections count once marked in the
formgrader, and until then their points show as awaiting marking. Hover over a cell for
the reason behind a problem. Late work is shown, not penalised, unless the cohort's late
policy says otherwise.</p>
{progress}
</body></html>
"""
