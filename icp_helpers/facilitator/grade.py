"""Autograde a cohort's submissions of an assignment, many at once, and keep a ledger of them.

The grading is :func:`icp_helpers.grading.grade_submissions`: every notebook runs in a
fresh process forked from a warmed worker, under a wall-clock limit for the whole notebook
and a memory limit; broken or hostile work becomes an outcome with a reason, and test
cells an answer tampered with are marked for manual grading. Each submission's grades are
written in one database transaction, so the gradebook never holds half a grading, even if
the command is killed; the next run grades only what is new, changed or unfinished.

Around that, this module adds what a cohort needs: the roster (a trainee with nothing
collected is ``missing``), lateness against the cohort's schedule, the marking rubric
beside each reflection for the formgrader, and the ledger ``grading/<assignment>.json``,
one entry per trainee, which ``icp report`` reads. Outcome names are in
:mod:`icp_helpers.facilitator.outcomes`.

One grader at a time: grading holds an advisory lock (``flock``) on
``grading/<assignment>.lock`` throughout, and a second grading of the same cohort and
assignment stops at once with :class:`GradingInProgress`, changing nothing. The lock is the
operating system's and goes with the process holding it, even one killed outright, so the
file left behind never blocks the next run; it only names the last grader.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import socket
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from icp_helpers.errors import IcpError, UsageError
from icp_helpers.facilitator.cohort_folder import CohortFolder, folder_at
from icp_helpers.facilitator.marking import assignment_marks
from icp_helpers.facilitator.outcomes import LABELS, engine_outcome
from icp_helpers.facilitator.privacy import make_private, write_private_text
from icp_helpers.facilitator.roster import read_roster
from icp_helpers.facilitator.rubric import show_rubrics
from icp_helpers.grading import SubmissionResult, grade_submissions


@dataclass(frozen=True)
class Outcome:
    """How one trainee's submission fared.

    ``flagged`` lists the test cells marked for manual grading, each as a dict with
    ``notebook``, ``grade_id`` and ``reason``. ``unchanged`` is True when the submission
    was graded by an earlier run and has not changed since. ``remark`` lists the cells
    whose hand mark was cleared because the answer changed, and not yet marked again.
    """

    trainee: str
    outcome: str
    reason: str = ""
    score: float | None = None
    max_score: float | None = None
    late: bool = False
    seconds: float = 0.0
    flagged: tuple[dict[str, str], ...] = ()
    unchanged: bool = False
    remark: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The outcome in words, e.g. ``kernel died``."""
        return LABELS.get(self.outcome, self.outcome)


@dataclass
class CohortGradingReport:
    """The outcome of every trainee on the roster (and every submission) for one assignment.

    The cohort's view of the grading engine's :class:`icp_helpers.grading.GradingReport`:
    trainees with nothing collected are here too, and scores include manual marks and
    late penalties.
    """

    assignment: str
    outcomes: list[Outcome] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many trainees had each outcome, in the order of :data:`LABELS`."""
        found = [o.outcome for o in self.outcomes]
        return {name: found.count(name) for name in LABELS if name in found}


def grade_cohort(
    cohort_root: Path,
    assignment: str,
    *,
    jobs: int = 1,
    progress: Callable[[Outcome, int, int], None] | None = None,
    timeout: float = 600.0,
    memory_mb: int = 1024,
    force: bool = False,
    sandbox: bool | None = None,
) -> CohortGradingReport:
    """Autograde every submission of ``assignment`` in the cohort folder ``cohort_root``.

    Up to ``jobs`` notebooks run at once. ``timeout`` is the wall-clock limit in seconds
    for one whole notebook and ``memory_mb`` its memory limit. Submissions graded before
    and unchanged since are not run again unless ``force``. ``progress(outcome,
    done, total)`` is called as each submission finishes (the grading engine's order).
    """
    if jobs < 1:
        raise UsageError(f"--jobs is {jobs}; give 1 or more.")
    folder = folder_at(cohort_root)
    lock = folder.working_folder("grading") / f"{assignment}.lock"
    with one_grader(lock, f"{assignment} of cohort {folder.cohort}"):
        due = folder.schedule().dates_for(assignment).due
        _require_released(folder, assignment)
        ledger = _Ledger(folder.working_folder("grading") / f"{assignment}.json")
        earlier_remark = {
            trainee: list(entry.get("remark", [])) for trainee, entry in ledger.entries.items()
        }

        def finished(result: SubmissionResult, done: int, total: int) -> None:
            if not result.earlier:
                show_rubrics(folder.root, folder.course_root, assignment, result.student)
            outcome = _outcome(result)
            ledger.record(outcome)
            if progress:
                progress(outcome, done, total)

        graded = grade_submissions(
            folder.root,
            assignment,
            jobs=jobs,
            timeout=timeout,
            memory_mb=memory_mb,
            progress=finished,
            force=force,
            db_url=folder.db_url,
            sandbox=sandbox,
        )
        report = CohortGradingReport(
            assignment, _with_scores(folder, assignment, graded.results, due, earlier_remark)
        )
        submitted = {outcome.trainee for outcome in report.outcomes}
        nothing = (
            Outcome("", "missing", "nothing collected")
            if due <= dt.datetime.now(dt.UTC)
            else Outcome("", "not_due", f"not due until {due:%a %d %b %Y %H:%M %Z}")
        )
        report.outcomes += [
            replace(nothing, trainee=trainee.id)
            for trainee in read_roster(folder)
            if trainee.id not in submitted
        ]
        report.outcomes.sort(key=lambda o: o.trainee)
        ledger.record_all(report.outcomes)
        make_private(folder.root / "autograded")
        return report


def _take_lock(descriptor: int, patience: float = 2.0) -> None:
    """Take the lock, giving a grader that has just been killed a moment to release it (its
    helper processes die with it, but not in the same instant)."""
    deadline = time.monotonic() + patience
    while True:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class GradingInProgress(IcpError, ValueError):
    """Another grader holds the lock on the same cohort and assignment."""


@contextlib.contextmanager
def one_grader(lock_file: Path, what: str) -> Iterator[None]:
    """Hold the lock on ``lock_file`` throughout, or stop at once if another process has it.

    The file names the holder (process, machine, start time) for the message a second
    grader gives; it stays behind, but only the lock, never the file, keeps others out.

    >>> import tempfile
    >>> lock = Path(tempfile.mkdtemp()) / "00-getting-started.lock"
    >>> with one_grader(lock, "00 of cohort 10"):
    ...     with one_grader(lock, "00 of cohort 10"):
    ...         pass
    Traceback (most recent call last):
    icp_helpers.facilitator.grade.GradingInProgress: 00 of cohort 10 is already being graded by ...
    >>> with one_grader(lock, "00 of cohort 10"):
    ...     print("graded")
    graded
    """
    descriptor = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            _take_lock(descriptor)
        except BlockingIOError:
            holder = os.pread(descriptor, 1000, 0).decode(errors="replace").strip()
            raise GradingInProgress(
                f"{what} is already being graded by {holder or 'another process'}. Wait for "
                "it to finish, or stop it (Ctrl-C where it runs), then run icp grade again; "
                "nothing was changed."
            ) from None
        started = f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC"
        holder = f"process {os.getpid()} on {socket.gethostname()}, started {started}"
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, holder.encode() + b"\n", 0)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def _require_released(folder: CohortFolder, assignment: str) -> None:
    from nbgrader.api import MissingEntry

    with folder.gradebook() as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise UsageError(
                f"{assignment} has not been released to cohort {folder.cohort}; run "
                f"`icp release {folder.cohort} {assignment}` first."
            ) from None


def _outcome(result: SubmissionResult) -> Outcome:
    """A grading-engine result in the cohort's terms (scores are filled in later)."""
    return Outcome(
        trainee=result.student,
        outcome=engine_outcome(result.earlier or result.outcome),
        reason=result.reason,
        score=result.score,
        max_score=result.max_score,
        seconds=result.seconds,
        flagged=tuple(asdict(flag) for flag in result.flagged),
        unchanged=bool(result.earlier),
        remark=tuple(result.remark),
    )


def _with_scores(
    folder: CohortFolder,
    assignment: str,
    results: list[SubmissionResult],
    due,
    earlier_remark: dict[str, list[str]],
) -> list[Outcome]:
    """Each result with its score from the gradebook (manual marks and late penalty
    included), lateness from its time stamp, and the cells still to re-mark: those whose
    hand mark this grading or an earlier one cleared, and not yet marked again."""
    from nbgrader.utils import parse_utc

    marks = assignment_marks(folder, assignment)
    outcomes = []
    for result in results:
        outcome = _outcome(result)
        mine = marks[result.student]
        stamp = folder.root / "submitted" / result.student / assignment / "timestamp.txt"
        late = stamp.is_file() and parse_utc(stamp.read_text().strip()) > parse_utc(due)
        cleared = [*earlier_remark.get(result.student, []), *outcome.remark]
        remark = tuple(cell for cell in dict.fromkeys(cleared) if cell in mine.unmarked)
        outcomes.append(
            replace(outcome, score=mine.score, max_score=mine.max_score, late=late, remark=remark)
        )
    return outcomes


def read_ledger(folder: CohortFolder, assignment: str) -> dict[str, dict]:
    """Each trainee's latest outcome of ``assignment`` as grading recorded it (by trainee id;
    the fields of :class:`Outcome`), or nothing if it has not been graded."""
    return _Ledger(folder.root / "grading" / f"{assignment}.json").entries


class _Ledger:
    """Each trainee's latest outcome for one assignment, kept on disk for ``icp report``."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, dict] = (
            json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        )

    def record(self, outcome: Outcome) -> None:
        self.entries[outcome.trainee] = asdict(outcome)
        self._save()

    def record_all(self, outcomes: list[Outcome]) -> None:
        self.entries.update({outcome.trainee: asdict(outcome) for outcome in outcomes})
        self._save()

    def _save(self) -> None:
        write_private_text(self.path, json.dumps(self.entries, indent=2, sort_keys=True) + "\n")
