"""The cohort's ``grades.csv``: nbgrader's export columns, written safely for Excel.

The columns and values are those of ``nbgrader export`` (one row per trainee and released
assignment; a trainee who submitted nothing scores 0), so the file opens wherever nbgrader
exports are used, with one column more, ``marking``: ``marked``, ``3 marks awaiting
marking`` or ``no submission`` (nbgrader's ``score`` counts a cell not yet marked as 0). It
is written here rather than by ``nbgrader export`` because that command joins values with
bare commas: a name holding a comma or a quote shifts the columns, and a name such as
``=HYPERLINK(...)`` runs as a formula in Excel. Here every value is quoted as CSV needs and
formula-like text gets a leading ``'`` (:func:`icp_helpers.files.spreadsheet_csv`); scores
stay numbers. Its times (``duedate``, ``timestamp``) are in the cohort's time zone, with
the zone's abbreviation (``2024-09-27 17:00:00 BST``; nbgrader's export gives them in UTC
without saying so).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.facilitator.privacy import write_private_text
from icp_helpers.files import spreadsheet_csv

COLUMNS = (
    "assignment",
    "duedate",
    "timestamp",
    "student_id",
    "last_name",
    "first_name",
    "email",
    "raw_score",
    "late_submission_penalty",
    "score",
    "max_score",
    "marking",
)
NUMERIC = ("raw_score", "late_submission_penalty", "score", "max_score")


def grade_table(
    gradebook,
    assignments: Sequence[str],
    marking: Mapping[tuple[str, str], str],
    zone: ZoneInfo,
) -> list[list[Any]]:
    """One row (in :data:`COLUMNS` order) per assignment named and trainee in the gradebook;
    ``marking`` gives each (assignment, trainee) submission's marking status; times are
    given in ``zone``."""
    from nbgrader.api import MissingEntry

    rows = []
    for name in assignments:
        assignment = gradebook.find_assignment(name)
        for student in gradebook.students:
            try:
                submission = gradebook.find_submission(name, student.id)
            except MissingEntry:
                timestamp, raw, penalty = None, 0.0, 0.0
            else:
                timestamp, raw = submission.timestamp, submission.score
                penalty = submission.late_submission_penalty or 0.0
            rows.append(
                [
                    name,
                    local_time(assignment.duedate, zone),
                    local_time(timestamp, zone),
                    student.id,
                    student.last_name,
                    student.first_name,
                    student.email,
                    raw,
                    penalty,
                    max(0.0, raw - penalty),
                    assignment.max_score,
                    marking.get((name, student.id), "no submission"),
                ]
            )
    return rows


def local_time(utc: dt.datetime | None, zone: ZoneInfo) -> str | None:
    """A time from the gradebook (UTC, without a zone) in ``zone``, with its abbreviation.

    >>> london = ZoneInfo("Europe/London")
    >>> local_time(dt.datetime(2024, 9, 27, 16, 0), london)
    '2024-09-27 17:00:00 BST'
    >>> local_time(dt.datetime(2024, 10, 31, 17, 0, 0, 250), london)
    '2024-10-31 17:00:00 GMT'
    """
    if utc is None:
        return None
    return f"{utc.replace(tzinfo=dt.UTC).astimezone(zone):%Y-%m-%d %H:%M:%S %Z}"


def write_grades_csv(
    folder: CohortFolder,
    assignments: Sequence[str],
    target: Path,
    marking: Mapping[tuple[str, str], str],
) -> None:
    """Write ``target`` (owner-only) with the grades of ``assignments`` for every trainee;
    ``marking`` as in :func:`grade_table`."""
    with folder.gradebook() as gradebook:
        rows = grade_table(gradebook, assignments, marking, folder.schedule().zone)
    write_private_text(target, spreadsheet_csv(COLUMNS, rows, numeric=NUMERIC))
