"""How well each autograded exercise measures: its difficulty and its discrimination.

Per exercise (an autograded test cell, named by what it assesses in the syllabus), over the
trainees whose work was graded normally (see :func:`.report.graded_normally`):

* **difficulty**: the share of the exercise's available marks that trainees scored (1.0:
  everyone had full marks; 0.0: no one scored);
* **discrimination**: the point-biserial correlation (Pearson's r) between a trainee's score
  on the exercise and on the rest of the assignment (their autograded total less this
  exercise). Near 1, the trainees who do well elsewhere do well here; near 0 or below, the
  exercise does not separate stronger trainees from weaker ones. It is undefined (``n/a``,
  with the reason) for fewer than :data:`MIN_TRAINEES` trainees, or when the scores on the
  exercise, or on the rest, do not vary.

With at least :data:`MIN_TRAINEES` trainees, an exercise *measures nothing* when everyone
scored full marks, no one scored, everyone scored the same, or its discrimination is below
:data:`LOW_DISCRIMINATION`. Reflections, marked by hand, are left out.

A worked example: six trainees score 1, 1, 1, 0, 0, 0 on a one-mark exercise and 5, 4, 3, 3,
2, 1 on the rest. The difficulty is 3/6 = 0.5. Those who scored average 4 on the rest, those
who did not 2; the rest's standard deviation is sqrt(10/6); so r = (4 - 2) / sqrt(10/6) x
sqrt(1/2 x 1/2) = sqrt(0.6):

>>> difficulty([1, 1, 1, 0, 0, 0], [1] * 6)
0.5
>>> discrimination([1, 1, 1, 0, 0, 0], [5, 4, 3, 3, 2, 1]).text()
'0.77'
>>> discrimination([1, 1, 0], [2, 1, 0]).text()
'n/a: fewer than 5 trainees (3)'
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

#: Fewer trainees than this give no discrimination and no verdict on an exercise.
MIN_TRAINEES = 5
#: An exercise whose discrimination is below this does not separate trainees.
LOW_DISCRIMINATION = 0.2

COLUMNS = [
    "cohorts",
    "assignment",
    "grade_id",
    "assesses",
    "trainees",
    "max_score",
    "difficulty",
    "discrimination",
    "why_no_discrimination",
    "measures_nothing",
]
NUMERIC = ["trainees", "max_score", "difficulty", "discrimination"]


@dataclass(frozen=True)
class Discrimination:
    """An exercise's discrimination: ``value``, or None and ``why_not``."""

    value: float | None
    why_not: str = ""

    def text(self) -> str:
        """The value to two decimals, or ``n/a: <why>``."""
        return f"{self.value:.2f}" if self.value is not None else f"n/a: {self.why_not}"


def difficulty(scores: Sequence[float], max_scores: Sequence[float]) -> float:
    """The share of the available marks scored.

    >>> difficulty([2, 1, 0, 2], [2, 2, 2, 2])
    0.625
    """
    return float(sum(scores)) / float(sum(max_scores))


def discrimination(scores: Sequence[float], rest: Sequence[float]) -> Discrimination:
    """The point-biserial correlation of ``scores`` on an exercise with ``rest``, each
    trainee's score on the rest of the assignment (Pearson's r, which is the point-biserial
    correlation when the exercise is all or nothing).

    >>> discrimination([1, 1, 1, 1, 1], [4, 3, 2, 1, 0]).why_not
    'everyone scored the same on it'
    """
    x, y = np.asarray(scores, dtype=float), np.asarray(rest, dtype=float)
    if len(x) < MIN_TRAINEES:
        return Discrimination(None, f"fewer than {MIN_TRAINEES} trainees ({len(x)})")
    if np.ptp(x) == 0:
        return Discrimination(None, "everyone scored the same on it")
    if np.ptp(y) == 0:
        return Discrimination(None, "everyone scored the same on the rest of the assignment")
    dx, dy = x - x.mean(), y - y.mean()
    return Discrimination(float((dx * dy).sum() / math.sqrt((dx * dx).sum() * (dy * dy).sum())))


def measures_nothing(
    scores: Sequence[float], max_scores: Sequence[float], found: Discrimination
) -> str:
    """Why an exercise measures nothing, or ``""`` (also with too few trainees to judge).

    >>> measures_nothing([1] * 5, [1] * 5, Discrimination(None, "everyone scored the same on it"))
    'everyone scored full marks'
    """
    if len(scores) < MIN_TRAINEES:
        return ""
    if all(score >= top for score, top in zip(scores, max_scores, strict=True)):
        return "everyone scored full marks"
    if not any(scores):
        return "no one scored"
    if len(set(scores)) == 1:
        return "everyone scored the same"
    if found.value is not None and found.value < LOW_DISCRIMINATION:
        return (
            f"discrimination {found.value:.2f} is below {LOW_DISCRIMINATION}: it does not "
            "separate the trainees who do well on the rest from those who do not"
        )
    return ""


def exercise_table(
    cells: pd.DataFrame, assesses: Mapping[tuple[str, str], str], scope: str
) -> pd.DataFrame:
    """One row (:data:`COLUMNS`) per autograded exercise in ``cells`` (columns ``cohort,
    trainee, assignment, grade_id, autograded, score, max_score``), ``scope`` naming the
    cohorts they come from."""
    auto = cells[cells["autograded"].astype(bool)]
    who = ["cohort", "trainee", "assignment"]
    totals = auto.groupby(who, sort=False)["score"].sum()
    rows = []
    for (assignment, grade_id), group in auto.groupby(["assignment", "grade_id"], sort=False):
        scores = group["score"].astype(float).tolist()
        tops = group["max_score"].astype(float).tolist()
        keys = list(zip(group["cohort"], group["trainee"], group["assignment"], strict=True))
        rest = [float(totals[key]) - score for key, score in zip(keys, scores, strict=True)]
        found = discrimination(scores, rest)
        rows.append(
            [
                scope,
                assignment,
                grade_id,
                assesses.get((assignment, grade_id), ""),
                len(scores),
                max(tops),
                round(difficulty(scores, tops), 3),
                "n/a" if found.value is None else round(found.value, 3),
                found.why_not,
                measures_nothing(scores, tops, found),
            ]
        )
    return pd.DataFrame(rows, columns=COLUMNS)


def cohort_order(cohort: str) -> tuple[int, int, str]:
    """Cohorts in order: numbered ones by number, then the others by name.

    >>> sorted(["10", "9", "pilot"], key=cohort_order)
    ['9', '10', 'pilot']
    """
    return (0, int(cohort), "") if cohort.isdigit() else (1, 0, cohort)


def assessment_quality(
    cells_by_cohort: Mapping[str, pd.DataFrame], assesses: Mapping[tuple[str, str], str]
) -> pd.DataFrame:
    """The exercises' quality in each cohort and, with more than one, across them all.

    ``cells_by_cohort``: each cohort's normally graded cells (see :func:`exercise_table`;
    a ``cohort`` column is added if missing); ``assesses``: what each (assignment, grade_id)
    assesses. Rows are grouped by exercise: each cohort's (in :func:`cohort_order`), then
    all cohorts' together (``cohorts`` is then e.g. ``9, 10``).
    """
    cohorts = sorted(cells_by_cohort, key=cohort_order)
    tables, everyone = [], []
    for cohort in cohorts:
        cells = cells_by_cohort[cohort].assign(cohort=cohort)
        everyone.append(cells)
        tables.append(exercise_table(cells, assesses, cohort))
    if len(cohorts) > 1:
        tables.append(exercise_table(pd.concat(everyone), assesses, ", ".join(cohorts)))
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=COLUMNS)
    keys = list(zip(table["assignment"], table["grade_id"], strict=True))
    order = {key: n for n, key in enumerate(dict.fromkeys(keys))}
    place = [order[key] for key in keys]
    return table.iloc[np.argsort(place, kind="stable")].reset_index(drop=True)


def pooled_rows(quality: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`assessment_quality` over the most cohorts: all cohorts together
    when there are several, else the one cohort's.

    >>> table = pd.DataFrame({"cohorts": ["9", "10", "9, 10"], "grade_id": ["a", "a", "a"]})
    >>> pooled_rows(table)["cohorts"].tolist()
    ['9, 10']
    """
    if quality.empty:
        return quality
    widest = quality["cohorts"].str.count(",")
    return quality[widest == widest.max()]
