"""Grade a folder of submissions: every notebook in its own fresh process, many at once.

:func:`grade_submissions` is the engine behind ``icp grade --jobs N``. It works on any
nbgrader course folder (``nbgrader_config.py``, ``source/``,
``submitted/<student>/<assignment>/`` and a gradebook the assignment has been generated
into) and always finishes: a submission that is broken, hostile or runaway becomes a
result with a reason, never an exception or a hung batch. Re-running after an
interruption grades only what was not recorded completely (see
:mod:`icp_helpers.grading.record`).
"""

from __future__ import annotations

import ast
import json
import multiprocessing
import os
import select
import shutil
import signal
import sys
import tempfile
import threading
from collections import deque
from collections.abc import Callable
from concurrent import futures
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from queue import Queue
from typing import Any

from nbgrader.api import Gradebook, MissingEntry

from icp_helpers.grading import record
from icp_helpers.grading.course_config import GradingCourse, load_course
from icp_helpers.grading.limits import Limits
from icp_helpers.grading.pool import Slot, WorkerError, WorkerSilent
from icp_helpers.grading.report import FlaggedCell, GradingReport, SubmissionResult
from icp_helpers.grading.sandbox import use_sandbox
from icp_helpers.grading.submission import (
    Scored,
    Submission,
    fingerprint,
    prepare,
    record_scored,
    score,
)
from icp_helpers.grading.worker import DEFAULT_PRELOAD

Progress = Callable[[SubmissionResult, int, int], None]


def _assignment_layout(course: GradingCourse, assignment: str) -> dict[str, list]:
    """Notebook name -> [(graded cell name, max score)], from the gradebook."""
    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(
                f"{assignment} is not in the gradebook {course.db_url}; run "
                f"`nbgrader generate_assignment {assignment}` in {course.root} first."
            ) from None
        layout = {}
        for notebook in found.notebooks:
            cells = [(c.name, float(c.max_score)) for c in notebook.grade_cells]
            cells += [(c.name, float(c.max_score)) for c in notebook.task_cells]
            layout[notebook.name] = cells
    if not layout:
        raise ValueError(f"{assignment} has no notebooks in the gradebook; generate it first.")
    return layout


def _modules_imported(course: GradingCourse, assignment: str) -> list[str]:
    """Top-level modules the assignment's source notebooks import (to preload them)."""
    return modules_to_preload(sorted(course.source_folder(assignment).glob("*.ipynb")))


def modules_to_preload(notebooks: list[Path]) -> list[str]:
    """The worker's usual modules and every module ``notebooks`` import, for a slot that
    will run them (a slot imports them once, not once per notebook)."""
    modules: list[str] = []
    for path in notebooks:
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            continue
        for cell in cells:
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else source
            try:
                tree = ast.parse(source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules.extend(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.append(node.module)
    return list(dict.fromkeys([*DEFAULT_PRELOAD, *modules]))


def _skipped(course: GradingCourse, assignment: str, student: str) -> SubmissionResult:
    """The result recorded when this unchanged submission was graded before."""
    summary = json.loads(record.marker_path(course.root, assignment, student).read_text())
    return SubmissionResult(
        student=student,
        outcome="skipped",
        reason=str(summary.get("reason", "")),
        problems=list(summary.get("problems", [])),
        score=float(summary.get("score", 0.0)),
        max_score=float(summary.get("max_score", 0.0)),
        flagged=[FlaggedCell(**flag) for flag in summary.get("flagged", [])],
        earlier=str(summary.get("outcome", "graded")),
        remark=list(summary.get("remark", [])),
    )


def grade_submissions(
    course_root: Path,
    assignment: str,
    students: list[str] | None = None,
    *,
    jobs: int = 1,
    timeout: float = 120,
    memory_mb: int = 1024,
    progress: Progress | None = None,
    force: bool = False,
    db_url: str | None = None,
    sandbox: bool | None = None,
) -> GradingReport:
    """Autograde every submission of ``assignment`` (or just ``students``) into the gradebook.

    Each notebook runs in a fresh process forked from a warmed worker, at most ``jobs`` at a
    time, under a wall-clock limit of ``timeout`` seconds for the whole notebook and a
    memory limit of ``memory_mb`` megabytes above the warmed worker's own use. Already
    graded, unchanged submissions are skipped unless ``force``. ``progress`` is called as
    ``progress(result, done, total)`` after each submission. ``db_url`` overrides the
    course's gradebook address.

    Every notebook runs in an operating-system sandbox (see
    :mod:`icp_helpers.grading.sandbox`); ``sandbox=False`` (or ``$ICP_GRADE_WITHOUT_SANDBOX``
    set to 1) runs them without one, for trusted work on a machine that has none.
    """
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}.")
    sandbox = use_sandbox(sandbox)
    course = load_course(Path(course_root), db_url)
    limits = Limits(timeout=timeout, cell_timeout=course.cell_timeout, memory_mb=memory_mb)
    layout = _assignment_layout(course, assignment)
    wanted = course.students_with_submissions(assignment)
    if students is not None:
        missing = sorted(set(students) - set(wanted))
        if missing:
            raise ValueError(
                f"no submission of {assignment} for {', '.join(missing)} under "
                f"{course.root / course.coursedir.submitted_directory}; check the student ids."
            )
        wanted = [student for student in wanted if student in set(students)]
    report = GradingReport(assignment)

    def done(result: SubmissionResult) -> None:
        report.results.append(result)
        if progress is not None:
            progress(result, len(report.results), len(wanted))

    queue: deque[str] = deque()
    for student in wanted:
        folder = course.submitted_folder(student, assignment)
        if not force and record.is_done(course.root, assignment, student, fingerprint(folder)):
            done(_skipped(course, assignment, student))
        else:
            queue.append(student)
    if not queue:
        return report
    job_limits = {
        "timeout": limits.timeout,
        "cell_timeout": limits.cell_alarm_seconds(),
        "memory_mb": limits.memory_mb,
    }
    # no more slots than notebooks to run: each slot's worker costs seconds to start
    jobs = min(jobs, len(queue) * len(layout))
    scratch = Path(tempfile.mkdtemp(prefix="icp-grading-"))
    try:
        _run_queue(course, assignment, layout, queue, jobs, job_limits, scratch, sandbox, done)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return report


_HELPING: dict[str, Any] = {}  # what forked helpers need, set before they are forked


def _die_with_grader(grader: int) -> None:
    """In a helper: be killed when the grader dies (even by SIGKILL), so that nothing it
    forked outlives it, holds its files open or keeps its grading lock."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != grader:  # it died before we asked
        os._exit(0)


def _prepare(student: str) -> Submission:
    """Prepare one submission in a helper process (see :func:`_run_queue`)."""
    context = _HELPING
    return prepare(
        context["course"],
        context["assignment"],
        student,
        list(context["layout"]),
        context["limits"],
    )


def _score(submission: Submission) -> Scored:
    """Score one finished submission in a helper process (see :func:`_run_queue`)."""
    context = _HELPING
    return score(
        context["course"],
        context["assignment"],
        submission,
        context["layout"],
        context["limits"]["timeout"],
    )


def _run_queue(
    course: GradingCourse,
    assignment: str,
    layout: dict[str, list],
    queue: deque,
    jobs: int,
    job_limits: dict[str, Any],
    scratch: Path,
    sandbox: bool,
    done: Callable[[SubmissionResult], None],
) -> None:
    """Run every notebook of the queued submissions in ``jobs`` slots; finish each submission
    when all its notebooks ran.

    This process's own work overlaps the notebooks' instead of adding to it: ``jobs`` helper
    processes prepare submissions (read, sanitise, scan; the first ones while the slots'
    workers are still importing) and score finished ones (and write their autograded
    notebooks); this process's main thread hands out notebooks and takes in what the
    workers report, and its recorder thread records each scored submission (the gradebook
    has one writer).
    """
    waiting: deque[dict[str, Any]] = deque()
    busy: dict[Slot, tuple[Submission, str]] = {}
    open_submissions: dict[str, Submission] = {}
    preparing: deque[Future[Submission]] = deque()
    preload = _modules_imported(course, assignment)
    _HELPING.update(course=course, assignment=assignment, layout=layout, limits=job_limits)
    # forked before the slots start (and the recorder's thread), so no helper holds a slot's
    # pipes open
    helpers = ProcessPoolExecutor(
        jobs,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_die_with_grader,
        initargs=(os.getpid(),),
    )
    recorder = _Recorder(course, assignment, done)

    def keep_preparing() -> None:
        while queue and len(preparing) < jobs + 1:
            preparing.append(helpers.submit(_prepare, queue.popleft()))

    def take_prepared() -> None:
        while preparing and preparing[0].done():
            submission = preparing.popleft().result()
            if submission.pending_jobs():
                open_submissions[submission.student] = submission
                waiting.extend(submission.pending_jobs())
            else:
                recorder.record(helpers.submit(_score, submission))

    slots = [Slot(scratch / f"slot-{n}", preload, sandboxed=sandbox) for n in range(jobs)]
    try:
        keep_preparing()
        for slot in slots:
            slot.launch()
        recorder.start()
        for slot in slots:
            slot.wait_until_ready()
        while (queue or preparing or waiting or busy or open_submissions) and recorder.ok():
            keep_preparing()
            take_prepared()
            for slot in slots:
                if slot not in busy and waiting:
                    job = waiting.popleft()
                    student, name = job["id"].split("/", 1)
                    submission = open_submissions[student]
                    slot.fill(submission.plans[name].files)
                    slot.submit(job)
                    busy[slot] = (submission, name)
            for student in [s for s, sub in open_submissions.items() if _complete(sub)]:
                recorder.record(helpers.submit(_score, open_submissions.pop(student)))
            if busy:
                _take_reports(busy, 0.02 if preparing else None)
            elif preparing:
                futures.wait(list(preparing), return_when=futures.FIRST_COMPLETED)
        recorder.finish()
    finally:
        recorder.stop()
        helpers.shutdown(wait=True, cancel_futures=True)
        _HELPING.clear()
        for slot in slots:
            slot.close()


class _Recorder(threading.Thread):
    """The batch's one gradebook writer: records scored submissions, in the order they were
    handed to it, while the grader's main thread keeps the slots busy.

    :meth:`finish` waits for everything handed over and raises the first error met;
    :meth:`stop` abandons whatever is left (after an error or an interruption).
    """

    def __init__(
        self, course: GradingCourse, assignment: str, done: Callable[[SubmissionResult], None]
    ) -> None:
        super().__init__(name="gradebook-recorder", daemon=True)
        self.course, self.assignment, self.done = course, assignment, done
        self.inbox: Queue[Future[Scored] | None] = Queue()
        self.error: BaseException | None = None
        self.abandon = threading.Event()

    def record(self, scored: Future[Scored]) -> None:
        self.inbox.put(scored)

    def ok(self) -> bool:
        return self.error is None

    def run(self) -> None:
        # one gradebook for the batch (see record), opened in the thread that uses it
        try:
            with Gradebook(self.course.db_url, self.course.course_id) as gradebook:
                while (scored := self.inbox.get()) is not None and not self.abandon.is_set():
                    result = record_scored(self.course, self.assignment, scored.result(), gradebook)
                    self.done(result)
        except BaseException as error:  # noqa: BLE001 - handed to the main thread
            self.error = error

    def finish(self) -> None:
        self.inbox.put(None)
        self.join()
        if self.error is not None:
            raise self.error

    def stop(self) -> None:
        if self.is_alive():
            self.abandon.set()
            self.inbox.put(None)
            self.join()


def _take_reports(busy: dict[Slot, tuple[Submission, str]], timeout: float | None) -> None:
    """Wait (at most ``timeout`` seconds, if given, and never past a slot's time limit and
    grace) for the busy slots' workers to report, and take in what they say. A slot whose
    worker died or fell silent is started afresh; its notebook counts as killed, or as timed
    out."""
    ready = [slot for slot in busy if slot.has_report()]
    if not ready:
        soonest = max(0.0, min(slot.seconds_left() for slot in busy))
        wait = soonest if timeout is None else min(timeout, soonest)
        readable, _, _ = select.select([slot.fileno() for slot in busy], [], [], wait)
        ready = [slot for slot in busy if slot.fileno() in readable or slot.seconds_left() <= 0]
    for slot in ready:
        submission, name = busy[slot]
        plan = submission.plans[name]
        try:
            report = slot.read()
        except WorkerError as error:
            if isinstance(error, WorkerSilent):  # frozen: stopped at its time limit
                plan.ending = {"status": "killed", "signal": "SIGKILL", "timed_out": True}
            else:  # the worker itself died: the notebook counts as died
                plan.ending = {"status": "killed", "signal": "worker stopped"}
            del busy[slot]
            slot.close()
            slot.start()
            continue
        if "ending" in report:
            plan.ending = report["ending"]
            plan.run.add(report["ending"])
            del busy[slot]
        else:
            plan.run.add(report)


def _complete(submission: Submission) -> bool:
    return all(plan.job is None or plan.ending is not None for plan in submission.plans.values())
