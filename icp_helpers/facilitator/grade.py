"""Autograde every submission of an assignment; one bad submission never stops the batch.

Each submission is graded by its own ``nbgrader autograde <assignment> --student <id>``
process, up to ``jobs`` at once, each with a wall-clock time limit. The outcome of each
(graded, timed out, kernel died, corrupt, failed, missing) is reported with a reason, and
each graded notebook gets the marking rubric beside its reflections for the formgrader.

How the gradebook is kept whole: nbgrader writes one submission at a time, but a submission
that fails (or is stopped) leaves a row of zero grades behind. So a ledger,
``grading/<assignment>.json``, records each submission as ``running`` before its grader
starts and its outcome when it ends; a submission that did not end graded is removed from
the gradebook (with its ``autograded/`` folder). On Ctrl-C the running graders are stopped
and their submissions removed; if the command is killed outright, the next run finds them
still ``running`` in the ledger (or with no ``autograded/`` folder) and removes them before
grading again. The gradebook therefore only ever holds complete gradings.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from icp_helpers.facilitator.cohort_folder import CohortFolder, folder_at
from icp_helpers.facilitator.privacy import make_private, write_private_text
from icp_helpers.facilitator.roster import read_roster
from icp_helpers.facilitator.rubric import show_rubrics

OUTCOMES = {
    "graded": "graded",
    "timed_out": "timed out",
    "kernel_died": "kernel died",
    "corrupt": "corrupt notebook",
    "failed": "grading failed",
    "missing": "no submission",
}


@dataclass(frozen=True)
class Outcome:
    """How one trainee's submission fared."""

    trainee: str
    outcome: str
    reason: str = ""
    score: float | None = None
    max_score: float | None = None
    late: bool = False
    seconds: float = 0.0
    in_gradebook: bool = False  # True when nbgrader's grades for it are kept


@dataclass
class GradingReport:
    """The outcome of every trainee on the roster (and every submission) for one assignment."""

    assignment: str
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many trainees had each outcome, in the order of :data:`OUTCOMES`."""
        found = [o.outcome for o in self.outcomes]
        return {name: found.count(name) for name in OUTCOMES if name in found}


def grade_cohort(
    cohort_root: Path,
    assignment: str,
    *,
    jobs: int = 1,
    progress: Callable[[int, int, Outcome], None] | None = None,
    timeout: float = 600.0,
) -> GradingReport:
    """Autograde every submission of ``assignment`` in the cohort folder ``cohort_root``.

    ``progress(done, total, outcome)`` is called as each submission finishes. ``timeout``
    is the wall-clock limit (seconds) for one submission, kernel start-up included.
    """
    if jobs < 1:
        raise ValueError(f"--jobs is {jobs}; give 1 or more.")
    folder = folder_at(cohort_root)
    due = folder.schedule().dates_for(assignment).due
    ledger = _Ledger(folder.working_folder("grading") / f"{assignment}.json")
    _repair(folder, assignment, ledger)
    submitted = sorted(p.parent.name for p in (folder.root / "submitted").glob(f"*/{assignment}"))
    roster = [trainee.id for trainee in read_roster(folder)]
    report = GradingReport(assignment)
    to_grade = []
    for trainee in submitted:
        broken = _corrupt_notebooks(folder.root / "submitted" / trainee / assignment)
        if broken:
            report.outcomes.append(Outcome(trainee, "corrupt", broken))
            ledger.finish(report.outcomes[-1])
            if progress:
                progress(len(report.outcomes), len(submitted), report.outcomes[-1])
        else:
            to_grade.append(trainee)
    done = len(report.outcomes)
    total = len(submitted)
    running: dict[str, subprocess.Popen] = {}
    lock = threading.Lock()
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        futures = {
            pool.submit(_autograde, folder, assignment, t, timeout, running, lock, ledger): t
            for t in to_grade
        }
        for future in as_completed(futures):
            outcome = future.result()
            if outcome.in_gradebook:
                show_rubrics(folder.root, folder.course_root, assignment, outcome.trainee)
            else:
                _remove_submission(folder, assignment, outcome.trainee)
            ledger.finish(outcome)
            report.outcomes.append(outcome)
            done += 1
            if progress:
                progress(done, total, outcome)
    except BaseException:
        with lock:
            for process in running.values():
                _stop(process)
        pool.shutdown(wait=True, cancel_futures=True)
        _repair(folder, assignment, ledger)
        raise
    pool.shutdown(wait=True)
    _add_scores(folder, assignment, report, due)
    report.outcomes += [
        Outcome(t, "missing", "nothing collected") for t in roster if t not in submitted
    ]
    report.outcomes.sort(key=lambda o: o.trainee)
    ledger.finish_all(report.outcomes)
    make_private(folder.root / "autograded")
    return report


def _autograde(folder, assignment, trainee, timeout, running, lock, ledger) -> Outcome:
    ledger.start(trainee)
    command = [sys.executable, "-m", "nbgrader", "autograde", assignment, "--student", trainee]
    env = dict(os.environ, MPLBACKEND="Agg")
    started = time.monotonic()
    with lock:
        process = subprocess.Popen(
            [*command, "--force"],
            cwd=folder.root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group, so a time-out stops its kernel too
            umask=0o077,
        )
        running[trainee] = process
    try:
        log, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _stop(process)
        reason = f"still running after {timeout:g} s, so it was stopped; not graded"
        return Outcome(trainee, "timed_out", reason, seconds=time.monotonic() - started)
    finally:
        with lock:
            running.pop(trainee, None)
    seconds = time.monotonic() - started
    return _classify(trainee, process.returncode, log, seconds)


def _classify(trainee: str, returncode: int, log: str, seconds: float) -> Outcome:
    """Turn an nbgrader log into an outcome.

    >>> _classify("t01", 0, "[AutogradeApp | INFO] Writing ...", 5.0).outcome
    'graded'
    >>> _classify("t02", 1, "DeadKernelError: Kernel died\\n[AutogradeApp | ERROR] ...", 3).reason
    'its kernel died (the notebook crashed Python, e.g. os._exit or running out of memory)'
    """
    failed = returncode != 0 or "There was an error processing assignment" in log
    if "DeadKernelError" in log or "Kernel died" in log:
        reason = (
            "its kernel died (the notebook crashed Python, e.g. os._exit or running out of memory)"
        )
        return Outcome(trainee, "kernel_died", reason, seconds=seconds)
    if "NotJSONError" in log or "does not appear to be JSON" in log or "NotebookValidation" in log:
        return Outcome(trainee, "corrupt", "the notebook file is damaged", seconds=seconds)
    if failed and "Timeout waiting for execute reply" in log:
        reason = "a cell never finished, even when interrupted at the time limit; not graded"
        return Outcome(trainee, "timed_out", reason, seconds=seconds)
    if failed:
        errors = [line for line in log.splitlines() if "Error" in line or "ERROR" in line]
        return Outcome(
            trainee, "failed", (errors[-1] if errors else log[-200:]).strip(), seconds=seconds
        )
    if "Timeout waiting for execute reply" in log:
        reason = "a cell ran past the time limit and was stopped; the other cells were graded"
        return Outcome(trainee, "timed_out", reason, seconds=seconds, in_gradebook=True)
    return Outcome(trainee, "graded", seconds=seconds, in_gradebook=True)


def _stop(process: subprocess.Popen) -> None:
    """Stop a grader and everything it started (its kernel is in its process group)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


def _corrupt_notebooks(submission: Path) -> str:
    """Why the submission's notebooks cannot be read ("" if they all can)."""
    for path in sorted(submission.glob("*.ipynb")):
        try:
            nbformat.validate(nbformat.read(path, as_version=4))
        except Exception as error:  # noqa: BLE001 - any failure to read is a corrupt file
            first = str(error).strip().splitlines()[0][:120] if str(error).strip() else "unreadable"
            return f"{path.name} cannot be read as a notebook ({first})"
    return ""


def _remove_submission(folder: CohortFolder, assignment: str, trainee: str) -> None:
    from nbgrader.api import MissingEntry

    with folder.gradebook() as gradebook:
        try:
            gradebook.remove_submission(assignment, trainee)
        except MissingEntry:
            pass
    shutil.rmtree(folder.root / "autograded" / trainee / assignment, ignore_errors=True)


def _repair(folder: CohortFolder, assignment: str, ledger: _Ledger) -> None:
    """Remove every submission whose grading did not finish, so it is graded afresh."""
    unfinished = set(ledger.running())
    with folder.gradebook() as gradebook:
        try:
            submissions = gradebook.assignment_submissions(assignment)
        except Exception:  # noqa: BLE001 - no such assignment yet: nothing to repair
            submissions = []
        for submission in submissions:
            graded = folder.root / "autograded" / submission.student.id / assignment
            if not graded.is_dir():
                unfinished.add(submission.student.id)
    for trainee in sorted(unfinished):
        _remove_submission(folder, assignment, trainee)
        ledger.forget(trainee)


def _add_scores(folder: CohortFolder, assignment: str, report: GradingReport, due) -> None:
    """Fill in scores from the gradebook, and lateness from each submission's time stamp."""
    from nbgrader.utils import parse_utc

    with folder.gradebook() as gradebook:
        for number, outcome in enumerate(report.outcomes):
            stamp = folder.root / "submitted" / outcome.trainee / assignment / "timestamp.txt"
            late = stamp.is_file() and parse_utc(stamp.read_text().strip()) > parse_utc(due)
            score = max_score = None
            if outcome.in_gradebook:
                submission = gradebook.find_submission(assignment, outcome.trainee)
                penalty = float(submission.late_submission_penalty or 0)  # late_policy: zero
                score = float(submission.score) - penalty
                max_score = float(submission.max_score)
            report.outcomes[number] = Outcome(
                outcome.trainee,
                outcome.outcome,
                outcome.reason,
                score=score,
                max_score=max_score,
                late=late,
                seconds=outcome.seconds,
                in_gradebook=outcome.in_gradebook,
            )


class _Ledger:
    """Which submissions are being graded and how each ended, kept safely on disk."""

    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()
        self.entries: dict[str, dict] = (
            json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        )

    def start(self, trainee: str) -> None:
        self._set(trainee, {"outcome": "running"})

    def finish(self, outcome: Outcome) -> None:
        self._set(outcome.trainee, asdict(outcome))

    def finish_all(self, outcomes: list[Outcome]) -> None:
        with self.lock:
            self.entries.update({o.trainee: asdict(o) for o in outcomes})
            self._save()

    def forget(self, trainee: str) -> None:
        with self.lock:
            self.entries.pop(trainee, None)
            self._save()

    def running(self) -> list[str]:
        return [t for t, entry in self.entries.items() if entry.get("outcome") == "running"]

    def _set(self, trainee: str, entry: dict) -> None:
        with self.lock:
            self.entries[trainee] = entry
            self._save()

    def _save(self) -> None:
        write_private_text(self.path, json.dumps(self.entries, indent=2, sort_keys=True) + "\n")
