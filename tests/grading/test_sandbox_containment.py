"""Hostile notebooks are contained by the grading sandbox, and honest classmates never notice.

One course copy holds two honest trainees (with a secret file of their own), a roster with a
secret name, and every hostile submission of tests/fixtures/grading/hostile.yml, each told
where the course, the submissions and the gradebook are. After one ``grade_submissions``
run (two slots, so hostile and honest notebooks share slots): the honest trainees score full
marks unflagged; no hostile notebook earns a mark it should not without a flag; the course's
source, the installed packages and the gradebook are unchanged (the gradebook still a few
seconds after grading ends); nothing a hostile notebook started is still running; and no
output or feedback page holds the roster, a classmate's files, a hidden test, a script or
an event handler.
"""

from __future__ import annotations

import hashlib
import html
import pickle
import re
import site
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
import yaml

import icp_helpers
from icp_helpers.grading import grade_submissions
from icp_helpers.grading.course_config import load_course
from icp_helpers.grading.feedback import hidden_lines, write_feedback
from icp_helpers.grading.record import read_gradebook

from ..conftest import SANDBOX_PROBLEM, build_once
from .conftest import ASSIGNMENT, NOTEBOOK, ROOT, corpus_files, submit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SANDBOX_PROBLEM is not None, reason=f"no sandbox: {SANDBOX_PROBLEM}"),
]

HOSTILE = yaml.safe_load((ROOT / "tests/fixtures/grading/hostile.yml").read_text("utf-8"))
HONEST = ["honest-1", "honest-2"]
ROSTER_SECRET = "Zebedee-Quartermaine-7731"
CLASSMATE_SECRET = "classmate-private-note-4410"
SURVIVOR = "icp-hostile-survivor"


@dataclass
class Contained:
    course: Path
    results: dict
    grades: dict
    grades_later: dict
    digests_before: dict
    digests_after: dict
    pages: dict


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(
        p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return digest.hexdigest()


def _digests(course: Path) -> dict:
    packages = Path(site.getsitepackages()[0])
    return {
        "source": _digest(course / "source"),
        "icp_helpers": _digest(Path(icp_helpers.__file__).parent),
        "site-packages": sorted(p.name for p in packages.iterdir()),
    }


def _placed(entry: dict, course: Path) -> dict:
    """The entry with the course's real paths in its code."""
    text = yaml.safe_dump(entry)
    for mark, value in {
        "@COURSE@": str(course),
        "@SUBMITTED@": str(course / "submitted"),
        "@GRADEBOOK@": str(course / "gradebook.db"),
    }.items():
        text = text.replace(mark, value)
    return yaml.safe_load(text)


def _grades(course: Path) -> dict:
    loaded = load_course(course)
    rows = read_gradebook(loaded.db_url, loaded.course_id, ASSIGNMENT)
    return {(r["student"], r["grade_id"]): r for r in rows}


@pytest.fixture(scope="session")
def contained(shared_folder, generated_course) -> Contained:
    """The hostile and honest submissions graded once per session, by whichever test worker
    gets here first (see ``build_once``)."""

    def build(folder: Path) -> None:
        course = generated_course(folder / "course")
        roster = f"id,name\nhonest-1,{ROSTER_SECRET}\n"
        (course / "roster.csv").write_text(roster, encoding="utf-8")
        for student in HONEST:
            submit(course, student, corpus_files({"name": student}))
        submit(course, "honest-1", {"notes.txt": CLASSMATE_SECRET})
        for entry in HOSTILE:
            submit(course, entry["name"], corpus_files(_placed(entry, course)))
        before = _digests(course)
        # the fork bomb runs until the time limit: 12 s is ample for the others (1-4 s each)
        report = grade_submissions(course, ASSIGNMENT, jobs=2, timeout=12, memory_mb=512)
        grades = _grades(course)
        time.sleep(5)  # a process that outlived grading would rewrite the gradebook by now
        pages = {
            student: write_feedback(course, ASSIGNMENT, student)[0].read_text(encoding="utf-8")
            for student in [*HONEST, *(entry["name"] for entry in HOSTILE)]
        }
        found = Contained(
            course, report.by_student(), grades, _grades(course), before, _digests(course), pages
        )
        (folder / "contained.pickle").write_bytes(pickle.dumps(found))

    folder = build_once(shared_folder / "containment", build)
    return pickle.loads((folder / "contained.pickle").read_bytes())


def test_honest_classmates_score_full_marks_unflagged(contained):
    for student in HONEST:
        result = contained.results[student]
        assert result.outcome == "graded" and not result.flagged, result.problems
        tests = {g: row for (s, g), row in contained.grades.items() if s == student}
        assert len(tests) > 1 and "reflection" in tests  # marked by hand later
        assert all(
            row["score"] == row["max_score"] for g, row in tests.items() if g != "reflection"
        )


@pytest.mark.parametrize("entry", HOSTILE, ids=lambda entry: entry["name"])
def test_no_unearned_mark_without_a_flag(contained, entry):
    for grade_id in entry.get("unearned", []):
        row = contained.grades[(entry["name"], grade_id)]
        assert row["score"] == 0 or row["needs_manual_grade"], (grade_id, row)
    for grade_id in entry.get("earned", []):
        row = contained.grades[(entry["name"], grade_id)]
        assert row["score"] == row["max_score"] and not row["needs_manual_grade"], (grade_id, row)


def test_a_notebook_that_freezes_its_worker_is_stopped_at_the_time_limit(contained):
    """The grader does not wait for ever on a worker the notebook froze: past the time limit
    (and a grace for the worker to report) it kills the slot and records a time-out."""
    result = contained.results["freezes-its-grader"]
    stopped = "timed_out: the notebook was stopped after 12 s, while running ex2-answer"
    assert stopped in result.problems, result.problems  # (the scan flags it as well)


def test_nothing_outside_the_submission_changed(contained):
    assert contained.digests_after == contained.digests_before
    assert contained.grades_later == contained.grades


def test_nothing_a_notebook_started_is_still_running(contained):
    running = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if SURVIVOR.encode() in cmdline.read_bytes():
                running.append(cmdline.parent.name)
        except OSError:
            continue
    assert running == []


def _output_text(notebook: nbformat.NotebookNode) -> str:
    parts = []
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and not cell.metadata.get("nbgrader", {}).get("locked"):
            parts.append(cell.source)
        for output in cell.get("outputs", []):
            parts.append(str(output.get("text", "")))
            parts.extend(str(value) for value in output.get("data", {}).values())
            parts.extend(output.get("traceback", []))
    return "\n".join(parts)


def test_no_secret_reaches_any_output_or_feedback(contained):
    """No output holds the roster or a classmate's files; no feedback page a hidden test.

    (The formgrader's graded copy is the facilitator's: it holds the hidden tests anyway, and
    a failing hidden test's traceback quotes them.)"""
    source = nbformat.read(ROOT / "source" / ASSIGNMENT / NOTEBOOK, as_version=4)
    release = nbformat.read(contained.course / "release" / ASSIGNMENT / NOTEBOOK, as_version=4)
    visible = {line.strip() for cell in release.cells for line in cell.source.splitlines()}
    private = [ROSTER_SECRET, CLASSMATE_SECRET]
    hidden = [line for line in hidden_lines(source) if line not in visible and len(line) > 12]
    assert hidden
    for student, page in contained.pages.items():
        graded = contained.course / "autograded" / student / ASSIGNMENT / NOTEBOOK
        outputs = _output_text(nbformat.read(graded, as_version=4))
        text = html.unescape(re.sub(r"<[^>]+>", "", page))
        for secret in private:
            assert secret not in outputs, (student, secret)
        for secret in private + hidden:
            assert secret not in text, (student, secret)


LIVE_MARKUP = [  # markup a browser would act on (the learner's code, shown as text, is fine)
    re.compile(r"<script[^>]*>[^<]*icp-hostile", re.IGNORECASE),
    re.compile(r"<[a-z]+\b[^>]*\sonerror\s*=", re.IGNORECASE),
    re.compile(r"<(img|iframe)\b[^>]*example\.org", re.IGNORECASE),
]


def test_no_script_handler_or_remote_load_in_outputs_or_feedback(contained):
    student = "script-in-output"
    graded = contained.course / "autograded" / student / ASSIGNMENT / NOTEBOOK
    outputs = _output_text(nbformat.read(graded, as_version=4))
    assert "<b>hello</b>" in outputs  # the harmless part is kept
    for bad in ("icp-hostile", "onerror", "example.org", "<iframe"):
        assert bad not in outputs, bad
    for pattern in LIVE_MARKUP:
        assert not pattern.search(contained.pages[student]), pattern.pattern
        assert pattern.search(_UNSAFE_EXAMPLE), pattern.pattern  # the check can fail


_UNSAFE_EXAMPLE = (
    '<script>alert("icp-hostile")</script><img src=x onerror="x()">'
    '<iframe src="https://example.org">'
)


def test_a_deleted_set_up_cell_is_put_back(contained):
    problems = contained.results["deletes-setup-cell"].problems
    assert any("read-only cell setup was deleted; put back" in p for p in problems), problems
