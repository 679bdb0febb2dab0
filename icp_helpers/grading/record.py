"""Write one submission's grades to the gradebook in a single transaction, and mark it done.

Everything for a submission (the student, the submission, every grade and comment, the
late penalty) is written through nbgrader's own ``Gradebook`` API inside one database
transaction: the session is joined to an outer transaction whose commits stay pending,
so a grader killed part way leaves the gradebook exactly as it was before that
submission. Grades are updated in place (nbgrader keeps one row per cell and student),
so re-running never duplicates them. A hand mark on a cell whose answer has changed since
it was given is cleared in the same transaction (see :mod:`icp_helpers.grading.hand_marks`).

The autograded notebooks are written (atomically) before the commit, and after it, last of
all, a small "done" marker under ``<course>/.icp-grading/<assignment>/<student>.json`` holding
the submission's fingerprint. :func:`is_done` trusts a submission only when its marker
matches the current files, so an interrupted run is simply graded again.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import AssignLatePenalties
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import scoped_session, sessionmaker
from traitlets.config import Config

from icp_helpers.files import atomic_write
from icp_helpers.grading.hand_marks import answer_digests, answers_file, clear_stale_marks
from icp_helpers.grading.score import CellScore

MARKER_FOLDER = ".icp-grading"


#: How long a connection to an SQLite gradebook waits for another connection's lock before
#: giving up (SQLite's Python driver waits 5 s, which a busy grading server can exceed).
SQLITE_LOCK_WAIT_MS = 60_000


@event.listens_for(Engine, "connect")
def _wait_for_sqlite_locks(connection: object, _record: object) -> None:
    """Every SQLite gradebook connection in this process waits up to a minute for a lock."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute(f"PRAGMA busy_timeout = {SQLITE_LOCK_WAIT_MS}")


@contextlib.contextmanager
def one_transaction(
    db_url: str, course_id: str, *, gradebook: Gradebook | None = None
) -> Iterator[Gradebook]:
    """A ``Gradebook`` whose every commit stays pending until the block ends without error.

    ``gradebook``, an open one to use (a batch keeps one open, so its database engine and
    compiled SQL serve every submission); otherwise one is opened and closed here.
    """
    with contextlib.ExitStack() as stack:
        if gradebook is None:
            gradebook = stack.enter_context(Gradebook(db_url, course_id))
        own_session = gradebook.db
        own_session.remove()
        connection = gradebook.engine.connect()
        transaction = connection.begin()
        gradebook.db = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="rollback_only", autoflush=True)
        )
        try:
            yield gradebook
            gradebook.db.flush()
            transaction.commit()
        except BaseException:
            transaction.rollback()
            raise
        finally:
            gradebook.db.remove()
            connection.close()
            gradebook.db = own_session


def marker_path(course_root: Path, assignment: str, student: str) -> Path:
    return course_root / MARKER_FOLDER / assignment / f"{student}.json"


def answers_path(course_root: Path, assignment: str, student: str) -> Path:
    """Where the digests of the answers last recorded for ``student`` are kept."""
    return answers_file(course_root, MARKER_FOLDER, assignment, student)


def is_done(course_root: Path, assignment: str, student: str, fingerprint: str) -> bool:
    """True when this exact submission was graded and recorded completely before."""
    path = marker_path(course_root, assignment, student)
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("fingerprint") == fingerprint
    except (OSError, ValueError):
        return False


def forget(course_root: Path, assignment: str, student: str) -> None:
    """Remove a submission's done marker (before it is graded again)."""
    with contextlib.suppress(FileNotFoundError):
        marker_path(course_root, assignment, student).unlink()


def _comment_targets(notebook: Any, scores: list[CellScore]) -> dict[str, list[str]]:
    """For each flagged test cell, the answer cell above it that carries the reason."""
    reasons: dict[str, list[str]] = {}
    flagged = {s.grade_id: s.reason for s in scores if s.needs_manual_grade and s.reason}
    last_solution = None
    first_solution = None
    for cell in notebook.cells if notebook is not None else []:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            last_solution = meta.get("grade_id")
            first_solution = first_solution or last_solution
        grade_id = meta.get("grade_id")
        if grade_id in flagged:
            target = last_solution or first_solution
            if target:
                reasons.setdefault(target, []).append(f"{grade_id}: {flagged[grade_id]}")
    return reasons


def record_submission(
    db_url: str,
    course_id: str,
    assignment: str,
    student: str,
    notebooks: dict[str, tuple[Any, list[CellScore]]],
    *,
    timestamp: Any,
    config: Config,
    note: str = "",
    gradebook: Gradebook | None = None,
    answers_before: dict[str, str],
) -> list[str]:
    """Write every grade and comment of one submission in one transaction.

    ``notebooks`` maps a notebook name to ``(executed notebook or None, its cell scores)``.
    ``note`` (an unusable notebook's reason, say) goes on the first answer cell's comment.
    ``gradebook``: an open gradebook to write through (see :func:`one_transaction`).
    ``answers_before``: the digests of the answers last graded
    (:func:`~icp_helpers.grading.hand_marks.answer_digests`); a hand mark on a cell whose
    answer has changed since is cleared. Returns the grade ids whose mark was cleared.
    """
    cleared: list[str] = []
    with one_transaction(db_url, course_id, gradebook=gradebook) as gradebook:
        gradebook.update_or_create_student(student)
        with gradebook.db.no_autoflush:  # nbgrader links the new rows before adding them
            if timestamp:
                gradebook.update_or_create_submission(assignment, student, timestamp=timestamp)
            else:
                gradebook.update_or_create_submission(assignment, student)
        for name, (notebook, scores) in notebooks.items():
            cleared += clear_stale_marks(
                gradebook,
                name,
                assignment,
                student,
                [score.grade_id for score in scores],
                answers_before,
                answer_digests(name, notebook),
            )
            for score in scores:
                grade = gradebook.find_grade(score.grade_id, name, assignment, student)
                grade.auto_score = score.auto_score
                if score.auto_score is None:  # a person marks it: done once they have
                    grade.needs_manual_grade = grade.manual_score is None
                else:  # flagged for review stays flagged until the grader trusts it again
                    grade.needs_manual_grade = score.needs_manual_grade
            _record_comments(gradebook, name, assignment, student, notebook, scores, note)
            _late_penalty(gradebook, name, assignment, student, config)
    return cleared


def _record_comments(gradebook, name, assignment, student, notebook, scores, note) -> None:
    reasons = _comment_targets(notebook, scores)
    cells = {}
    if notebook is not None:
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("solution") or meta.get("task"):
                cells[meta["grade_id"]] = cell
    source = gradebook.find_notebook(name, assignment)
    names = [c.name for c in source.solution_cells] + [c.name for c in source.task_cells]
    for index, cell_name in enumerate(names):
        try:
            comment = gradebook.find_comment(cell_name, name, assignment, student)
        except MissingEntry:
            continue
        cell = cells.get(cell_name)
        parts = []
        if cell is not None and not utils.is_task(cell):
            if cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell):
                parts.append("No response.")
        if cell is None and note and index == 0:
            parts.append(note)
        parts.extend(reasons.get(cell_name, []))
        comment.auto_comment = " ".join(parts) or None


def _late_penalty(gradebook, name, assignment, student, config) -> None:
    """nbgrader's late-penalty plugin, applied inside the same transaction."""
    submission = gradebook.find_submission(assignment, student)
    notebook = gradebook.find_submission_notebook(name, assignment, student)
    gradebook.db.flush()
    notebook.late_submission_penalty = None
    if submission.total_seconds_late > 0:
        assigner = AssignLatePenalties(config=config)
        assigner.init_plugin()
        penalty = assigner.plugin_inst.late_submission_penalty(
            student, notebook.score, submission.total_seconds_late
        )
        if penalty is not None:
            notebook.late_submission_penalty = max(0, min(penalty, notebook.score))


def write_notebooks(autograded_folder: Path, notebooks: dict[str, Any]) -> None:
    """Write the autograded notebooks (each atomically; ``None`` for one that did not run)."""
    for name, notebook in notebooks.items():
        if notebook is not None:
            autograded_folder.mkdir(parents=True, exist_ok=True)
            atomic_write(autograded_folder / f"{name}.ipynb", nbformat.writes(notebook))


def mark_done(course_root: Path, assignment: str, student: str, summary: dict[str, Any]) -> None:
    """Write the done marker: last of all, after the gradebook commit, so it proves the rest."""
    marker = marker_path(course_root, assignment, student)
    marker.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(marker, json.dumps(summary, indent=1))


def grade_rows(gradebook: Gradebook, assignment: str) -> Iterator[dict[str, Any]]:
    """Every grade of ``assignment`` in an open gradebook: one dict per student and cell.

    Keys: ``student, notebook, grade_id, autograded, auto_score, score, max_score,
    needs_manual_grade`` (``autograded`` is False for manually graded cells such as
    reflections). nbgrader's ``score`` is never empty: it is the manual score, else the
    automatic one, else 0.
    """
    for submission in gradebook.assignment_submissions(assignment):
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                yield {
                    "student": submission.student.id,
                    "notebook": notebook.name,
                    "grade_id": grade.name,
                    "autograded": grade.cell.cell_type == "code",
                    "auto_score": grade.auto_score,
                    "score": float(grade.score),
                    "max_score": float(grade.max_score),
                    "needs_manual_grade": bool(grade.needs_manual_grade),
                }


def read_gradebook(db_url: str, course_id: str, assignment: str) -> list[dict[str, Any]]:
    """Every grade of ``assignment`` in the gradebook at ``db_url`` (see :func:`grade_rows`)."""
    with Gradebook(db_url, course_id) as gradebook:
        return list(grade_rows(gradebook, assignment))
