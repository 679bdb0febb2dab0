"""A cohort's report: grades CSV (as ``nbgrader export`` writes it), progress, and a dashboard.

``icp report 10`` writes to ``cohorts/10/reports/`` (owner-only):

* ``grades.csv``: every released assignment in nbgrader's export columns, so it opens
  wherever nbgrader exports are used, with one more column, ``marking`` (see
  :mod:`.grades_csv`);
* ``progress.csv``: one row per trainee and assignment: outcome, score, points awaiting
  marking, late, cells flagged for review and cells to re-mark;
* ``assessment-quality.csv``: each autograded exercise's difficulty and discrimination,
  and whether it measures nothing (see :mod:`.assessment_quality`), for this cohort and,
  with ``--with-cohorts 8 9``, for those cohorts and all of them together;
* ``dashboard.html``: a self-contained page with completion per assignment, score
  distributions, the exercises most trainees got wrong and the assessment quality (see
  :mod:`.dashboard`), showing trainee ids only; ``icp report --names`` also writes
  ``dashboard-names.html`` with names;
* ``trainees/<id>/``: each trainee's whole programme on one page, with their feedback, to
  share with that trainee alone (see :mod:`.programme_page`).

The CSVs are written for Excel (:func:`icp_helpers.files.spreadsheet_csv`): UTF-8 with a
BOM, and text that would start a formula (a name such as ``=HYPERLINK(...)``) has a leading
``'``; scores stay numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from icp_helpers.errors import UsageError
from icp_helpers.facilitator import assessment_quality
from icp_helpers.facilitator.cohort_folder import CohortFolder, open_cohort
from icp_helpers.facilitator.grade import read_ledger
from icp_helpers.facilitator.grades_csv import write_grades_csv
from icp_helpers.facilitator.marking import Marks, assignment_marks, marking_status
from icp_helpers.facilitator.outcomes import GRADED, NOTHING_YET
from icp_helpers.facilitator.privacy import make_private, private_folder, write_private_text
from icp_helpers.facilitator.roster import read_roster
from icp_helpers.files import read_yaml, spreadsheet_csv
from icp_helpers.grading.record import grade_rows
from icp_helpers.grading.report import flags_by_reason

CELL_COLUMNS = ["trainee", "assignment", "notebook", "grade_id", "autograded", "score", "max_score"]
PROGRESS_COLUMNS = [
    "trainee",
    "assignment",
    "outcome",
    "score",
    "max_score",
    "awaiting_marking",
    "late",
    "reason",
    "needs_review",
    "needs_remarking",
]


@dataclass(frozen=True)
class CohortReport:
    """Where the report's files are, and the tables they were made from (``cells``: the
    cell grades of normally graded submissions, see :func:`graded_normally`; ``quality``:
    see :func:`~icp_helpers.facilitator.assessment_quality.assessment_quality`)."""

    grades_csv: Path
    progress_csv: Path
    dashboard: Path
    quality_csv: Path
    trainee_pages: Path
    progress: pd.DataFrame
    cells: pd.DataFrame
    quality: pd.DataFrame
    named_dashboard: Path | None = None


def released_assignments(folder: CohortFolder) -> list[str]:
    """The assignments released to the cohort so far, in syllabus order."""
    names = [dates.assignment for dates in folder.schedule().assignments]
    return [name for name in names if (folder.root / "release" / name).is_dir()]


def cell_grades(folder: CohortFolder) -> pd.DataFrame:
    """Every graded cell of every graded submission (one row per trainee and cell)."""
    with folder.gradebook() as gradebook:
        rows = [
            {"trainee": row["student"], "assignment": assignment, **row}
            for assignment in released_assignments(folder)
            for row in grade_rows(gradebook, assignment)
        ]
    return pd.DataFrame(rows, columns=CELL_COLUMNS)


def graded_normally(cells: pd.DataFrame, progress: pd.DataFrame) -> pd.DataFrame:
    """The cell grades of submissions that were graded normally.

    Broken, stopped and flagged submissions score zero on cells the trainee may well know;
    they are left out of the dashboard's teaching statistics (score distributions, the
    exercises to revisit) and shown in its progress and flagged tables instead.

    >>> cells = pd.DataFrame({"trainee": ["t01", "t02"], "assignment": ["00-a", "00-a"],
    ...                       "grade_id": ["ex1", "ex1"], "score": [1.0, 0.0]})
    >>> progress = pd.DataFrame({"trainee": ["t01", "t02"], "assignment": ["00-a", "00-a"],
    ...                          "outcome": ["graded", "kernel_died"]})
    >>> graded_normally(cells, progress)["trainee"].tolist()
    ['t01']
    """
    normal = progress.loc[progress["outcome"].isin(GRADED), ["trainee", "assignment"]]
    return cells.merge(normal, on=["trainee", "assignment"], how="inner")[list(cells.columns)]


def progress_table(
    folder: CohortFolder,
    now: dt.datetime | None = None,
    marks: dict[str, dict[str, Marks]] | None = None,
) -> pd.DataFrame:
    """Each trainee's outcome on each released assignment, with their marks as they stand.

    Outcomes, lateness and flags come from the grading ledgers; scores come from the
    gradebook as it is now, so a hand mark given in the formgrader counts at once.
    ``awaiting_marking`` is the points still to be marked by hand; ``needs_remarking`` the
    cells whose mark a changed answer cleared, not yet marked again. A trainee with no
    ledger entry for an assignment that has not been graded yet is shown as
    ``not graded yet`` if they have a submission; a trainee with nothing collected is
    ``missing``, or ``not due yet`` while the assignment is not due (at ``now``).
    ``marks`` (by assignment, then trainee) are read from the gradebook unless given.
    """
    trainees = [trainee.id for trainee in read_roster(folder)]
    schedule = folder.schedule()
    now = now or dt.datetime.now(dt.UTC)
    rows = []
    for assignment in released_assignments(folder):
        ledger = read_ledger(folder, assignment)
        marked = marks[assignment] if marks is not None else assignment_marks(folder, assignment)
        due = schedule.dates_for(assignment).due
        for trainee in trainees:
            entry = ledger.get(trainee)
            if entry is None:
                submitted = (folder.root / "submitted" / trainee / assignment).is_dir()
                entry = {"outcome": "not_graded" if submitted else "missing"}
            if entry["outcome"] in NOTHING_YET:  # whether it is due may have changed since
                entry = {**entry, "outcome": "not_due" if due > now else "missing"}
            flagged = entry.get("flagged", [])
            graded = entry["outcome"] not in (*NOTHING_YET, "not_graded")
            mine = marked.get(trainee) if graded else None
            rows.append(
                {
                    "trainee": trainee,
                    "assignment": assignment,
                    "outcome": entry["outcome"],
                    "score": mine.score if mine else None,
                    "max_score": mine.max_score if mine else None,
                    "awaiting_marking": mine.awaiting if mine else None,
                    "late": bool(entry.get("late", False)),
                    "reason": entry.get("reason", ""),
                    "needs_review": "; ".join(
                        flags_by_reason((f["grade_id"], f["tampering"]) for f in flagged)
                    ),
                    "needs_remarking": ", ".join(
                        cell for cell in entry.get("remark", []) if mine and cell in mine.unmarked
                    ),
                }
            )
    return pd.DataFrame(rows, columns=PROGRESS_COLUMNS)


def what_cells_assess(syllabus_file: Path) -> dict[tuple[str, str], str]:
    """What each graded cell assesses, from the syllabus's objectives, by (assignment, grade_id).

    >>> assesses = what_cells_assess(Path("course/syllabus.yml"))
    >>> assesses[("00-getting-started", "ex2-check")]
    'keep values in a list and add them up'
    """
    syllabus = read_yaml(syllabus_file, what="the syllabus") or {}
    found = {}
    for assignment in syllabus.get("assignments") or []:
        for objective in assignment.get("objectives") or []:
            for grade_id in objective.get("assessed_by") or []:
                found[(str(assignment.get("id")), str(grade_id))] = str(objective.get("text", ""))
    return found


def normally_graded_cells(folder: CohortFolder) -> pd.DataFrame:
    """The cohort's cell grades of normally graded submissions (see :func:`graded_normally`)."""
    return graded_normally(cell_grades(folder), progress_table(folder))


def write_report(
    folder: CohortFolder, *, names: bool = False, with_cohorts: Sequence[str] = ()
) -> CohortReport:
    """Write the grades CSV, progress CSV, assessment quality CSV, the ids-only dashboard and
    each trainee's programme page; with ``names``, also ``dashboard-names.html``, the
    dashboard with trainees' names (never over the ids-only one). ``with_cohorts``: other
    cohorts (in the same cohorts folder) whose gradebooks the assessment quality also reads.
    """
    from icp_helpers.facilitator.dashboard import dashboard_html
    from icp_helpers.facilitator.programme_page import write_programme_pages

    others = {
        str(cohort): open_cohort(folder.course_root, str(cohort), where=folder.root.parent)
        for cohort in with_cohorts
        if str(cohort) != folder.cohort
    }

    released = released_assignments(folder)
    if not released:
        raise UsageError(
            f"cohort {folder.cohort} has no released assignments yet; run "
            f"`icp release {folder.cohort}` first."
        )
    out = private_folder(folder.root / "reports")
    grades_csv = out / "grades.csv"
    marks = {assignment: assignment_marks(folder, assignment) for assignment in released}
    marking = {
        (assignment, trainee): marking_status(found)
        for assignment, found_by_trainee in marks.items()
        for trainee, found in found_by_trainee.items()
    }
    write_grades_csv(folder, released, grades_csv, marking)
    progress = progress_table(folder, marks=marks)
    cells = graded_normally(cell_grades(folder), progress)
    progress_csv = out / "progress.csv"
    write_private_text(progress_csv, spreadsheet_csv(list(progress), progress.values.tolist()))
    assesses = what_cells_assess(folder.course_root / "course" / "syllabus.yml")
    by_cohort = {folder.cohort: cells} | {
        cohort: normally_graded_cells(other) for cohort, other in others.items()
    }
    quality = assessment_quality.assessment_quality(by_cohort, assesses)
    quality_csv = out / "assessment-quality.csv"
    write_private_text(
        quality_csv,
        spreadsheet_csv(
            assessment_quality.COLUMNS,
            quality.values.tolist(),
            numeric=assessment_quality.NUMERIC,
        ),
    )
    dashboard = out / "dashboard.html"
    html = dashboard_html(
        folder.schedule(), released, progress, cells, assesses=assesses, quality=quality
    )
    write_private_text(dashboard, html)
    named_dashboard = None
    if names:
        labels = {t.id: f"{t.first_name} {t.last_name}".strip() for t in read_roster(folder)}
        named_dashboard = out / "dashboard-names.html"
        html = dashboard_html(
            folder.schedule(),
            released,
            progress,
            cells,
            labels=labels,
            assesses=assesses,
            quality=quality,
        )
        write_private_text(named_dashboard, html)
    trainee_pages = write_programme_pages(folder, progress, out / "trainees")
    make_private(out)
    return CohortReport(
        grades_csv,
        progress_csv,
        dashboard,
        quality_csv,
        trainee_pages,
        progress,
        cells,
        quality,
        named_dashboard,
    )
