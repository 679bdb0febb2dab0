"""One student's submission: prepare it for running, then turn its runs into a result.

:func:`prepare` reads and sanitises each notebook, scans it for tampering, lays out the
autograded folder (as nbgrader does: the student's other files, then the course's data
files over them) and writes the cells each run needs. :func:`score` scores the runs and
writes the autograded notebooks; :func:`record_scored` records the scores in one gradebook
transaction and marks the submission done.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nbgrader import utils as nbgrader_utils
from nbgrader.api import Gradebook

from icp_helpers.grading import record
from icp_helpers.grading.course_config import GradingCourse
from icp_helpers.grading.execute import RunLog
from icp_helpers.grading.hand_marks import (
    answer_digests,
    read_answers,
    remember_graded_answers,
    write_answers,
)
from icp_helpers.grading.intake import Intake, sanitise
from icp_helpers.grading.report import FlaggedCell, SubmissionResult, most_serious
from icp_helpers.grading.safe_outputs import make_safe
from icp_helpers.grading.score import (
    CellScore,
    fill_outputs,
    post_process,
    score_notebook,
    zero_scores,
)
from icp_helpers.grading.tamper import Finding, scan_cells

ENGINE_VERSION = "icp-grading-3"


@dataclass
class NotebookPlan:
    """One notebook of a submission: its intake, findings and (if it runs) its job, the files
    its folder holds while it runs, and what the grader learnt of the run."""

    intake: Intake
    findings: list[Finding] = field(default_factory=list)
    job: dict[str, Any] | None = None
    files: list[tuple[Path, Path]] = field(default_factory=list)
    run: RunLog = field(default_factory=RunLog)
    ending: dict[str, Any] | None = None


@dataclass
class Submission:
    """Everything known about one student's submission while it is being graded."""

    student: str
    fingerprint: str
    timestamp: Any
    plans: dict[str, NotebookPlan]
    started: float = field(default_factory=time.monotonic)

    def pending_jobs(self) -> list[dict[str, Any]]:
        return [plan.job for plan in self.plans.values() if plan.job and plan.ending is None]


def fingerprint(folder: Path) -> str:
    """A hash of every file a student submitted (names and contents) and of this engine."""
    digest = hashlib.sha256(ENGINE_VERSION.encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _lay_out_folder(course: GradingCourse, assignment: str, student: str) -> Path:
    """Fill ``autograded/<student>/<assignment>`` as nbgrader's autograde does."""
    submitted = course.submitted_folder(student, assignment)
    destination = course.autograded_folder(student, assignment)
    destination.mkdir(parents=True, exist_ok=True)
    for old in destination.glob("*.ipynb"):
        old.unlink()
    ignore = list(course.coursedir.ignore) + ["*.ipynb"]
    for base in (submitted, course.source_folder(assignment)):
        for filename in nbgrader_utils.find_all_files(str(base), ignore):
            target = destination / Path(filename).relative_to(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                target.unlink()
            shutil.copy(filename, target)
    return destination


def _read_text(path: Path) -> tuple[str | None, str]:
    if not path.is_file():
        return None, ""
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return "\x00", "the notebook file is not UTF-8 text."


def _folder_files(workdir: Path) -> list[tuple[Path, Path]]:
    """The files a notebook's folder holds while it runs: all but the notebooks themselves."""
    return [
        (path, path.relative_to(workdir))
        for path in sorted(workdir.rglob("*"))
        if path.is_file() and path.suffix != ".ipynb"
    ]


def code_cells(cells: list[Any]) -> list[dict[str, Any]]:
    """The cells a run asks for, in order: every code cell with something in it.

    >>> code_cells([{"cell_type": "markdown", "source": "# Hi"},
    ...             {"cell_type": "code", "source": "  "},
    ...             {"cell_type": "code", "source": "x = 1"}])
    [{'index': 2, 'source': 'x = 1'}]
    """
    return [
        {"index": index, "source": str(cell.get("source", ""))}
        for index, cell in enumerate(cells)
        if cell.get("cell_type") == "code" and str(cell.get("source", "")).strip()
    ]


def prepare(
    course: GradingCourse,
    assignment: str,
    student: str,
    notebook_names: list[str],
    limits: dict[str, Any],
) -> Submission:
    """Read, sanitise and scan one submission and lay out its folder; build its run jobs."""
    submitted = course.submitted_folder(student, assignment)
    record.forget(course.root, assignment, student)
    remember_graded_answers(
        record.answers_path(course.root, assignment, student),
        course.autograded_folder(student, assignment),
    )
    workdir = _lay_out_folder(course, assignment, student)
    files = _folder_files(workdir)
    others = sorted(p.name for p in submitted.glob("*.ipynb"))
    plans = {}
    for name in notebook_names:
        text, problem = _read_text(submitted / f"{name}.ipynb")
        if text is None:
            intake = Intake(name=name, outcome="missing")
            strays = [o for o in others if o[: -len(".ipynb")] not in notebook_names]
            intake.reason = f"{name}.ipynb was not submitted" + (
                f"; the folder holds {', '.join(strays)}, which may be from another assignment."
                if strays
                else "."
            )
            if strays:
                intake.outcome = "wrong_assignment"
        elif problem:
            intake = Intake(name=name, outcome="corrupt", reason=problem)
        else:
            intake = sanitise(
                text,
                name,
                assignment,
                student,
                course.db_url,
                course.config,
                release=course.released_notebook(assignment, name),
            )
        plan = NotebookPlan(intake=intake, files=files)
        if intake.notebook is not None:
            plan.findings = scan_cells(intake.notebook.cells)
            plan.job = {
                "id": f"{student}/{name}",
                "cells": code_cells(intake.notebook.cells),
                "env": {"NBGRADER_EXECUTION": "autograde"},
                **limits,
            }
        plans[name] = plan
    timestamp = course.coursedir.get_existing_timestamp(str(submitted))
    return Submission(student, fingerprint(submitted), timestamp, plans)


def _cell_label(cells: list[Any], index: int | None) -> str:
    if index is None or index >= len(cells):
        return "an unknown cell"
    meta = cells[index].metadata.get("nbgrader", {})
    return meta.get("grade_id") or f"cell {index + 1}"


def _forging(cells: list[Any], run: RunLog) -> list[Finding]:
    """A forged run puts every test cell in doubt: one finding that affects them all."""
    if not run.forged:
        return []
    tests = tuple(
        cell.metadata["nbgrader"]["grade_id"]
        for cell in cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("grade")
    )
    return [Finding(_cell_label(cells, run.running), 0, run.forged, tests)]


def _run_problems(plan: NotebookPlan, run: RunLog, timeout: float) -> tuple[list, str | None]:
    """What went wrong while the notebook ran: ([(kind, reason)], why unreached cells stopped)."""
    ending = plan.ending or {}
    assert plan.intake.notebook is not None  # only notebooks that ran have run problems
    cells = plan.intake.notebook.cells
    problems = []
    stopped = None
    running = _cell_label(cells, run.running)
    if run.forged:
        stopped = f"grading stopped while running {running}: {run.forged}"
        problems.append(("tampered", stopped))
    elif ending.get("timed_out"):
        stopped = f"the notebook was stopped after {timeout:g} s, while running {running}"
        problems.append(("timed_out", stopped))
    elif run.exited:
        stopped = "the notebook asked Python to quit (exit()) and the cells after it did not run"
        problems.append(("kernel_died", stopped))
    elif not run.finished:
        how = ending.get("signal") or f"exit code {ending.get('code')}"
        stopped = f"the notebook's Python process stopped ({how}) while running {running}"
        problems.append(("kernel_died", stopped))
    for index in run.timed_out_cells:
        problems.append(("timed_out", f"{_cell_label(cells, index)} ran past its time limit"))
    for index in run.memory_error_cells:
        problems.append(("out_of_memory", f"{_cell_label(cells, index)} ran out of memory"))
    return problems, stopped


@dataclass
class Scored:
    """A finished submission, scored and its autograded notebooks written, ready to record.

    ``notebooks`` maps each notebook name to (its executed notebook or None, its cell
    scores); ``note`` goes on the first answer cell's comment of an unusable notebook."""

    student: str
    fingerprint: str
    timestamp: Any
    notebooks: dict[str, tuple[Any, list[CellScore]]]
    note: str
    result: SubmissionResult


def score(
    course: GradingCourse,
    assignment: str,
    submission: Submission,
    graded_cells: dict[str, list[tuple[str, float]]],
    timeout: float,
) -> Scored:
    """Score every notebook of a finished submission and write its autograded notebooks.

    Nothing here touches the gradebook, so a batch scores in helper processes while its
    own process records (see :func:`record_scored`)."""
    kinds: list[tuple[str, str]] = []
    notebooks: dict[str, tuple[Any, list[CellScore]]] = {}
    note = ""
    for name, plan in submission.plans.items():
        intake = plan.intake
        if intake.notebook is None:
            kinds.append((intake.outcome or "corrupt", intake.reason))
            note = note or intake.reason
            notebooks[name] = (None, zero_scores(name, graded_cells[name], intake.reason))
            continue
        kinds.extend(intake.notes)
        run = plan.run
        problems, stopped = _run_problems(plan, run, timeout)
        kinds.extend(problems)
        resources = {"nbgrader": {"notebook": name, "assignment": assignment}}
        executed = make_safe(
            post_process(fill_outputs(intake.notebook, run, stopped), course.config, resources)
        )
        findings = plan.findings + _forging(intake.notebook.cells, run)
        scores = score_notebook(name, executed, run, findings)
        kinds.extend(("tampered", f"{f.cell}: {f.reason}") for f in plan.findings)
        executed.metadata["icp_grading"] = {
            "engine": ENGINE_VERSION,
            "problems": [reason for _, reason in kinds],
        }
        notebooks[name] = (executed, scores)
    outcome = most_serious([kind for kind, _ in kinds])
    all_scores = [s for _, scores in notebooks.values() for s in scores]
    result = SubmissionResult(
        student=submission.student,
        outcome=outcome,
        reason=next((text for kind, text in kinds if kind == outcome), ""),
        problems=[f"{kind}: {text}" for kind, text in kinds],
        score=sum(s.auto_score or 0.0 for s in all_scores),
        max_score=sum(s.max_score for s in all_scores),
        flagged=[
            FlaggedCell(s.notebook, s.grade_id, s.reason, s.tampering)
            for s in all_scores
            if s.needs_manual_grade and s.reason
        ],
        seconds=time.monotonic() - submission.started,
    )
    record.write_notebooks(
        course.autograded_folder(submission.student, assignment),
        {name: executed for name, (executed, _) in notebooks.items()},
    )
    return Scored(
        submission.student, submission.fingerprint, submission.timestamp, notebooks, note, result
    )


def record_scored(
    course: GradingCourse, assignment: str, scored: Scored, gradebook: Gradebook | None = None
) -> SubmissionResult:
    """Record a scored submission in one gradebook transaction, then mark it done.

    Hand marks on answers that changed since they were given are cleared (see
    :mod:`icp_helpers.grading.hand_marks`) and listed in the result's ``remark``.
    ``gradebook``: an open gradebook to record through (a batch keeps one open)."""
    answers = record.answers_path(course.root, assignment, scored.student)
    cleared = record.record_submission(
        course.db_url,
        course.course_id,
        assignment,
        scored.student,
        scored.notebooks,
        timestamp=scored.timestamp,
        config=course.config,
        note=scored.note,
        gradebook=gradebook,
        answers_before=read_answers(answers),
    )
    digests: dict[str, str] = {}
    for name, (notebook, _) in scored.notebooks.items():
        digests.update(answer_digests(name, notebook))
    write_answers(answers, digests)
    result = replace(scored.result, remark=cleared)
    record.mark_done(
        course.root,
        assignment,
        scored.student,
        {
            "fingerprint": scored.fingerprint,
            "outcome": result.outcome,
            "reason": result.reason,
            "problems": result.problems,
            "score": result.score,
            "max_score": result.max_score,
            "flagged": [vars(flag) for flag in result.flagged],
            "remark": result.remark,
        },
    )
    return result
