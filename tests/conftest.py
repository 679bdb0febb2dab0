"""Expensive course set-ups, built once per test session and shared by every test worker.

Generating an assignment takes seconds and grading hundreds of notebooks takes minutes, so
the suite does each once:

* ``course_copy(destination, assignment)`` copies a course in which ``assignment`` was
  generated once per session (instead of running ``nbgrader generate_assignment`` per test);
* ``trial_grading(assignment)`` is every honest and look-alike submission of an assignment
  graded once by the grading engine and once by stock ``nbgrader autograde`` (its kernels
  forked from one warm process: tests/forked_kernels.py), the wrong answers packed a few to a
  notebook for both; the course gates, the equivalence tests and the look-alike tests all
  read it.

Under pytest-xdist the workers share one folder next to their own temporary folders; a file
lock makes the first worker build and the others wait for it. Shared folders are read-only
by convention: a test that changes a course works on its own ``course_copy``.

Grading runs in the bubblewrap sandbox, as it does for facilitators. On a machine without
bubblewrap (``.ci/run`` installs it) the tests grade without it, the containment tests are
skipped, and the header of the test run says so.
"""

from __future__ import annotations

import fcntl
import inspect
import json
import os
import pickle
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import nbformat
import pandas as pd
import pytest
import yaml

from icp_helpers.course.nbgrader_runner import (
    NbgraderError,
    copy_course,
    nbgrader,
    nbgrader_command_line,
    place_submissions,
    read_grades,
)
from icp_helpers.course.wrong_answers import (
    load_wrong_answers,
    pack_wrong_answers,
    packed_submissions,
    wrong_answer_submissions,
)
from icp_helpers.grading.sandbox import WITHOUT_SANDBOX_VARIABLE, sandbox_problem
from tests.forked_kernels import KernelServer

ROOT = Path(__file__).resolve().parents[1]
SANDBOX_PROBLEM = sandbox_problem()
if SANDBOX_PROBLEM is not None:
    os.environ[WITHOUT_SANDBOX_VARIABLE] = "1"


def pytest_report_header() -> str:
    if SANDBOX_PROBLEM is None:
        return "grading sandbox: bubblewrap (every graded notebook runs in it)"
    return f"grading sandbox: NOT AVAILABLE ({SANDBOX_PROBLEM}); containment tests skipped"


FIXTURES = ROOT / "tests" / "fixtures"
LOOK_ALIKES = FIXTURES / "grading" / "look_alikes.yml"
#: This xdist worker ("gw0", "gw1", ...), or "master" without xdist (``-p no:xdist`` too).
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "master")


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class BuildFailed(RuntimeError):
    """A shared set-up that failed earlier this session (the first failure's message)."""


def build_once(folder: Path, build: Callable[[Path], None]) -> Path:
    """``folder``, built by ``build(folder)`` unless a worker already built it this session.

    A build that fails is not tried again: every later caller, on any worker, gets
    :class:`BuildFailed` with the first failure's message at once, so that one broken set-up
    fails the tests that use it (quickly) and no others.
    """
    with _locked(folder.with_name(folder.name + ".lock")):
        failed = folder.with_name(folder.name + ".failed")
        if failed.exists():
            raise BuildFailed(failed.read_text(encoding="utf-8"))
        if not (folder / ".built").exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            try:
                build(folder)
            except BaseException as error:
                failed.write_text(
                    f"building {folder.name} failed earlier this session: "
                    f"{type(error).__name__}: {error}",
                    encoding="utf-8",
                )
                raise
            (folder / ".built").touch()
    return folder


@pytest.fixture(scope="session")
def shared_folder(tmp_path_factory) -> Path:
    """One folder for the whole session, the same for every xdist worker."""
    base = tmp_path_factory.getbasetemp()
    return (base.parent if WORKER.startswith("gw") else base) / "shared"


@pytest.fixture(scope="session")
def course_copy(shared_folder) -> Callable[[Path, str], Path]:
    """Copy a course (config, ``source/``, gradebook) with ``assignment`` already generated."""

    def generated(folder: Path, assignment: str) -> None:
        copy_course(ROOT, folder)
        nbgrader(["generate_assignment", assignment, "--force"], folder)

    def copy(destination: Path, assignment: str) -> Path:
        template = build_once(
            shared_folder / "generated" / assignment, lambda f: generated(f, assignment)
        )
        shutil.copytree(template, destination, ignore=shutil.ignore_patterns(".built"))
        return destination

    return copy


def _learner_preload() -> list[str]:
    """The modules a learner's run preloads: every module the course's notebooks import."""
    from icp_helpers.grading.batch import modules_to_preload

    return modules_to_preload(sorted((ROOT / "source").glob("*/*.ipynb")))


def _data_files(assignment: str) -> list[tuple[Path, Path]]:
    """The release's files besides notebooks, as (file, path inside the learner's folder)."""
    folder = ROOT / "release" / assignment
    return [
        (path, path.relative_to(folder))
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.suffix != ".ipynb"
    ]


@pytest.fixture(scope="session")
def learner_slot(tmp_path_factory):
    """A warmed grading slot (one per test worker) to run notebooks as a learner would."""
    from icp_helpers.grading.pool import Slot

    work = tmp_path_factory.mktemp("learner") / "slot"
    slot = Slot(work, _learner_preload(), sandboxed=SANDBOX_PROBLEM is None)
    slot.start()
    yield slot
    slot.close()


def comparable(outputs: object) -> object:
    """Cell outputs (any JSON-able value) with what differs between any two runs made equal:
    widgets' model ids (new random ids each run) and objects' addresses in their reprs
    (``<... at 0x7f...>``).

    >>> comparable({"model_id": "9f3a", "text/plain": "<Figure at 0x7f01>"})
    {'model_id': '-', 'text/plain': '<Figure at 0x->'}
    """
    text = re.sub(r'"model_id": "[0-9a-f]+"', '"model_id": "-"', json.dumps(outputs))
    return json.loads(re.sub(r" at 0x[0-9a-f]+", " at 0x-", text))


def run_as_learner(slot, assignment: str, notebook: nbformat.NotebookNode) -> tuple[dict, str]:
    """Run ``notebook`` in ``slot`` as a learner's JupyterLab would (``NBGRADER_EXECUTION``
    unset; the sandbox sets it for grading), with the assignment's data files beside it.

    Returns each code cell's outputs by cell index, and how the run ended.
    """
    from icp_helpers.grading.submission import code_cells

    slot.fill(_data_files(assignment))
    job = {"id": "learner/nb", "cells": code_cells(notebook.cells)}
    limits = {"timeout": 180, "cell_timeout": 60, "memory_mb": 2048}
    slot.submit({**job, "env": {"NBGRADER_EXECUTION": ""}, **limits})
    outputs, ending = {}, ""
    for report in slot.reports_until_ending():
        if "cell" in report:
            outputs[report["cell"]] = report.get("outputs", [])
        elif "ending" in report:
            ending = str(report["ending"])
    return outputs, ending


def learner_variant_runs(shared_folder: Path, assignment: str, notebook: str) -> dict:
    """Every wrong-answer fixture of ``notebook`` run as a learner would run it, sharing one
    run of the solution up to each changed cell (see tests/learner_variants.py). Built once
    per session for every test worker.

    Maps ``wrong-N`` (N: the fixture's place in the assignment's wrong-answer
    file, from 0) to ``(outputs by cell index, how the run ended)``, as
    :func:`run_as_learner` gives them.
    """
    from icp_helpers.course.answers import filled_release
    from icp_helpers.grading.submission import code_cells

    source = nbformat.read(ROOT / "source" / assignment / notebook, as_version=4)
    release = nbformat.read(ROOT / "release" / assignment / notebook, as_version=4)
    base = code_cells(filled_release(release, source).cells)

    def run(folder: Path) -> None:
        work = folder / "work"
        work.mkdir()
        for path, relative in _data_files(assignment):
            (work / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, work / relative)
        variants = {}
        for number, answer in enumerate(wrong_answers(assignment)):
            if answer.notebook != notebook:
                continue
            replace = {answer.cell: answer.code}
            cells = code_cells(filled_release(release, source, replace=replace).cells)
            changed = [i for i, (a, b) in enumerate(zip(base, cells, strict=True)) if a != b]
            assert len(changed) == 1, f"{answer.why}: changes cells {changed}, not one"
            variants[f"wrong-{number}"] = {"at": changed[0], "source": cells[changed[0]]["source"]}
        batch = {
            "workdir": str(work),
            "preload": _learner_preload(),
            "cells": base,
            "variants": variants,
        }
        (folder / "batch.json").write_text(json.dumps(batch), encoding="utf-8")
        done = subprocess.run(
            [
                sys.executable,
                str(ROOT / "tests" / "learner_variants.py"),
                str(folder / "batch.json"),
                str(folder / "results.json"),
            ],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        assert done.returncode == 0, done.stderr[-3000:]

    name = f"{assignment}-{Path(notebook).stem}"
    folder = build_once(shared_folder / "learner-variants" / name, run)
    results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    return {
        key: ({int(index): shown for index, shown in run["outputs"].items()}, str(run["ending"]))
        for key, run in results.items()
    }


@contextmanager
def _standard_streams_into(out: BinaryIO, err: BinaryIO) -> Iterator[None]:
    """While inside, everything written to standard output and standard error goes to
    ``out`` and ``err``: by Python (``sys.stdout``, ``sys.stderr``), by C code and by child
    processes (file descriptors 1 and 2) alike, in the order written, as a pipe to a child
    process would catch it. Both are put back afterwards.

    >>> with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
    ...     with _standard_streams_into(out, err):
    ...         print("from Python")
    ...         _ = subprocess.run(["sh", "-c", "echo from a child; echo oops >&2"])
    ...     _ = out.seek(0), err.seek(0)
    ...     out.read(), err.read()
    (b'from Python\\nfrom a child\\n', b'oops\\n')
    """
    sys.stdout.flush()
    sys.stderr.flush()
    saved_fds = os.dup(1), os.dup(2)
    saved_streams = sys.stdout, sys.stderr
    try:
        os.dup2(out.fileno(), 1)
        os.dup2(err.fileno(), 2)
        sys.stdout = open(1, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", buffering=1, closefd=False)  # noqa: SIM115
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        sys.stdout, sys.stderr = saved_streams
        for fd, saved in zip((1, 2), saved_fds, strict=True):
            os.dup2(saved, fd)
            os.close(saved)


def run_icp(*args: str) -> subprocess.CompletedProcess[str]:
    """``icp ARGS``, run in this test process and returned as a finished process would be.

    ``icp_helpers.cli.main`` parses the arguments, runs the command (which starts nbgrader,
    the sandboxed graders and the rest as it always does) and turns errors into messages and
    exit codes exactly as the ``icp`` console script does. Everything written to standard
    output and error meanwhile, by this process or any it starts, is caught as a pipe would
    catch it. A new Python per command would spend about two CPU-seconds importing, more
    than a hundred times in the suite. The tests about the process itself (the console
    script, Ctrl-C, a kill, two graders at once, commands run as another account) still
    start one.

    >>> done = run_icp("--version")
    >>> done.returncode, done.stdout.startswith("icp ")
    (0, True)
    """
    from icp_helpers.cli import main

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        with _standard_streams_into(out, err):
            try:
                code = main(list(args))
            except SystemExit as stop:  # argparse's usage errors, --help and --version
                code = stop.code if isinstance(stop.code, int) else int(stop.code is not None)
        said = []
        for caught in (out, err):
            caught.seek(0)
            said.append(caught.read().decode("utf-8", errors="replace"))
    return subprocess.CompletedProcess(["icp", *args], code, *said)


def look_alike_answers(assignment: str) -> list:
    """The look-alike fixtures (tests/fixtures/grading/look_alikes.yml) of one assignment."""
    documents = yaml.safe_load(LOOK_ALIKES.read_text(encoding="utf-8"))
    notebooks = {doc["notebook"] for doc in documents if doc["assignment"] == assignment}
    return [a for a in load_wrong_answers(LOOK_ALIKES) if a.notebook in notebooks]


def _notebooks(folder: Path) -> dict[str, nbformat.NotebookNode]:
    return {p.name: nbformat.read(p, as_version=4) for p in sorted(folder.glob("*.ipynb"))}


def trial_submissions(course: Path, assignment: str) -> dict[str, dict]:
    """The submissions of a trial besides the packed wrong answers: ``solution``, ``blank``
    and ``look-NN`` (one per look-alike fixture)."""
    source = ROOT / "source" / assignment
    release = course / "release" / assignment
    submissions = {"solution": _notebooks(source), "blank": _notebooks(release)}
    looks = wrong_answer_submissions(source, look_alike_answers(assignment))
    submissions.update({key.replace("wrong-", "look-"): value for key, value in looks.items()})
    return submissions


def wrong_answers(assignment: str) -> list:
    """The wrong-answer fixtures of one assignment (none if it has no fixture file)."""
    fixture = FIXTURES / assignment / "wrong_answers.yml"
    return load_wrong_answers(fixture) if fixture.exists() else []


def packed_wrong_answers(assignment: str) -> tuple[dict[str, dict], list[list[int]]]:
    """A trial's wrong answers handed in a few to a notebook: the ``pack-NN`` submissions
    and each pack's members (places in the wrong-answer fixture file, from 0). Answers are
    packed by the test cells their fixtures declare they lose, so a pack's lost cells name
    the answers that lost them (see ``pack_wrong_answers``)."""
    answers = wrong_answers(assignment)
    groups = pack_wrong_answers(answers, [set(answer.loses) for answer in answers])
    return packed_submissions(ROOT / "source" / assignment, answers, groups), groups


@dataclass(frozen=True)
class TrialGrading:
    """One assignment's trial submissions graded by the grading engine and stock nbgrader.

    The engine and stock nbgrader both grade every submission of :func:`trial_submissions`
    and ``pack-NN``: the wrong answers packed a few to a notebook, no two in a pack
    declaring the same test cell (``packs`` maps each pack to its members' places in the
    assignment's wrong-answer fixture file, from 0; see ``pack_wrong_answers``). That each
    wrong answer also fails alone is shown by its visible self-checks, which the learner's
    run tests one answer at a time (tests/test_visible_checks.py): a failed visible check is
    the very check that makes a graded test cell score zero.

    ``stock`` has a row per student and graded cell (see ``nbgrader_runner.read_grades``);
    ``engine`` maps (student, notebook without ``.ipynb``, grade_id) to the engine's
    gradebook row; ``results`` maps a student to the engine's ``SubmissionResult``;
    ``stock_course`` is the course in which stock nbgrader graded the solution (its
    ``autograded/`` holds the notebooks as nbgrader ran them).
    """

    stock: pd.DataFrame
    engine: dict[tuple[str, str, str], dict]
    results: dict
    packs: dict[str, list[int]]
    stock_course: Path

    def engine_lost(self, student: str) -> set[str]:
        """The autograded test cells the engine scored below full in ``student``'s
        submission; cells marked by hand (reflections) are left out."""
        return {
            grade_id
            for (who, _, grade_id), row in self.engine.items()
            if who == student and row["autograded"] and row["score"] < row["max_score"]
        }

    def stock_lost(self, student: str) -> set[str]:
        """The same as :meth:`engine_lost`, as stock nbgrader graded it."""
        rows = self.stock[self.stock["student"] == student]
        return set(rows[rows["autograded"] & (rows["score"] < rows["max_score"])]["grade_id"])


@pytest.fixture(scope="session")
def stock_kernels() -> Iterator[Callable[[], KernelServer]]:
    """The kernel server (see tests/forked_kernels.py) of this worker's stock gradings,
    started when first asked for, with every module the course's notebooks import."""
    servers: list[KernelServer] = []

    def server() -> KernelServer:
        if not servers:
            servers.append(KernelServer(_learner_preload()))
        return servers[0]

    yield server
    for started in servers:
        started.close()


@pytest.fixture(scope="session")
def trial_grading(shared_folder, course_copy, stock_kernels) -> Callable[[str], TrialGrading]:
    """The :class:`TrialGrading` of an assignment, graded once per session."""
    from icp_helpers.grading import grade_submissions
    from icp_helpers.grading.course_config import load_course
    from icp_helpers.grading.record import read_gradebook

    def stock(folder: Path, assignment: str, submissions: dict) -> pd.DataFrame:
        course = course_copy(folder, assignment)
        place_submissions(course, assignment, submissions)
        # Stock nbgrader, its kernels forked from one warm process (tests/forked_kernels.py)
        # instead of each a new Python importing ipykernel, pandas and matplotlib.
        forked = stock_kernels().env()
        try:
            nbgrader_command_line(["autograde", assignment, "--force"], course, forked)
        except NbgraderError:
            # Once in about five runs of the suite, with a dozen kernels starting at once on
            # two CPUs, stock nbgrader failed one packed submission that graded cleanly when
            # run again. nbgrader removes what it failed to grade and, without --force, keeps
            # what it graded: grade the rest once more. A real failure fails again, and its
            # message now carries nbgrader's traceback (see ``failure_excerpt``).
            nbgrader_command_line(["autograde", assignment], course, forked)
        return read_grades(course, assignment)

    def grade(folder: Path, assignment: str) -> None:
        submissions = trial_submissions(course_copy(folder / "template", assignment), assignment)
        engine_course = course_copy(folder / "engine", assignment)
        course = load_course(engine_course)
        packed, groups = packed_wrong_answers(assignment)
        place_submissions(engine_course, assignment, {**submissions, **packed})
        # One grading slot and one stock nbgrader process per trial: the test workers already
        # keep every CPU busy, so a second of either side by side only adds its start-up.
        results = grade_submissions(engine_course, assignment).by_student()
        engine = {
            (row["student"], row["notebook"], row["grade_id"]): row
            for row in read_gradebook(course.db_url, course.course_id, assignment)
        }
        packs = dict(zip(packed, groups, strict=True))
        stock_grades = stock(folder / "stock", assignment, {**submissions, **packed})
        saved = (stock_grades, engine, results, packs)
        (folder / "trial.pickle").write_bytes(pickle.dumps(saved))

    def trial(assignment: str) -> TrialGrading:
        folder = build_once(shared_folder / "trials" / assignment, lambda f: grade(f, assignment))
        saved = pickle.loads((folder / "trial.pickle").read_bytes())
        return TrialGrading(*saved, stock_course=folder / "stock")

    return trial


def _trial_cost(assignment: str) -> int:
    """About what building an assignment's trial costs, in notebooks run by stock nbgrader
    (a packed submission holds about one wrong answer per answer cell); every submission
    hands in every notebook of the assignment."""
    answers = wrong_answers(assignment)
    per_cell = Counter((answer.notebook, answer.cell) for answer in answers)
    packs = max(per_cell.values(), default=0)
    notebooks = len(list((ROOT / "source" / assignment).glob("*.ipynb")))
    return (packs + len(look_alike_answers(assignment)) + 2) * notebooks + len(answers) // 4


def _asks_for_a_trial(item: pytest.Item) -> bool:
    """Whether a test function itself takes ``trial_grading`` (every test depends on it
    through the fixture below, so the fixture closure cannot tell)."""
    function = getattr(item, "function", None)
    return function is not None and "trial_grading" in inspect.signature(function).parameters


@pytest.fixture(scope="session", autouse=True)
def _build_my_share_of_the_trials(request, trial_grading) -> None:
    """Each xdist worker builds its share of the trials first, so that the workers grade
    different assignments side by side instead of waiting for each other's.

    Shares are dealt largest first to the worker with the least so far; a worker that then
    needs another worker's trial waits for it (see :func:`build_once`). Nothing is built
    when no collected test asks for a trial (``make test-fast``). A trial that fails to build
    fails the tests that use it, not every test of this worker.
    """
    wanted = sorted(
        {
            item.callspec.params["assignment"]
            for item in request.session.items
            if _asks_for_a_trial(item)
            and "assignment" in getattr(getattr(item, "callspec", None), "params", {})
        }
    )
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    me = int(WORKER.removeprefix("gw")) if WORKER.startswith("gw") else 0
    loads = [0] * workers
    mine = []
    for assignment in sorted(wanted, key=_trial_cost, reverse=True):
        chosen = loads.index(min(loads))
        loads[chosen] += _trial_cost(assignment)
        if chosen == me:
            mine.append(assignment)
    for assignment in mine:
        try:
            trial_grading(assignment)
        except Exception:  # noqa: BLE001 - only the tests that use this trial should fail
            continue
