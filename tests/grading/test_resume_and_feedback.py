"""Killing the grader midway leaves a consistent gradebook; feedback hides the hidden tests."""

from __future__ import annotations

import html
import re

import nbformat
import pytest

from icp_helpers.grading import grade_submissions
from icp_helpers.grading.course_config import load_course
from icp_helpers.grading.feedback import hidden_lines, write_feedback
from icp_helpers.grading.record import one_transaction, read_gradebook

from .conftest import ASSIGNMENT, ROOT, corpus_entries, corpus_files, submit

pytestmark = pytest.mark.slow

STUDENTS = [
    "always-true-eq",
    "dead-kernel",
    "harmless-warning",
    "invalid-json",
    "memory-bomb",
    "duplicate-cell-ids",
]


def _course(generated_course, tmp_path, name):
    course = generated_course(tmp_path / name)
    entries = {entry["name"]: entry for entry in corpus_entries()}
    for student in STUDENTS:
        submit(course, student, corpus_files(entries[student]))
    return course


def _grades(course_root):
    course = load_course(course_root)
    rows = read_gradebook(course.db_url, course.course_id, ASSIGNMENT)
    return sorted((r["student"], r["grade_id"], r["score"], r["needs_manual_grade"]) for r in rows)


class Interrupted(Exception):
    pass


def test_killed_midway_then_rerun_gives_the_same_gradebook_as_one_clean_run(
    tmp_path, generated_course
):
    interrupted = _course(generated_course, tmp_path, "interrupted")

    def stop_after_two(result, done, total):
        if done == 2:
            raise Interrupted

    with pytest.raises(Interrupted):
        grade_submissions(interrupted, ASSIGNMENT, jobs=2, memory_mb=512, progress=stop_after_two)
    again = grade_submissions(interrupted, ASSIGNMENT, jobs=2, memory_mb=512)
    assert sum(r.outcome == "skipped" for r in again.results) == 2
    clean = _course(generated_course, tmp_path, "clean")
    grade_submissions(clean, ASSIGNMENT, jobs=2, memory_mb=512)
    resumed = _grades(interrupted)
    assert len(resumed) == len(set((s, g) for s, g, _, _ in resumed))  # no duplicates
    assert resumed == _grades(clean)


def test_a_failed_record_leaves_the_gradebook_untouched(tmp_path, generated_course):
    course_root = generated_course(tmp_path / "course")
    submit(course_root, "ana", corpus_files(corpus_entries()[0]))
    grade_submissions(course_root, ASSIGNMENT)
    before = _grades(course_root)
    course = load_course(course_root)
    with pytest.raises(Interrupted), one_transaction(course.db_url, course.course_id) as gb:
        grade = gb.find_grade("ex1-check", "getting-started", ASSIGNMENT, "ana")
        grade.auto_score = 99.0
        gb.update_or_create_student("bo")
        raise Interrupted
    assert _grades(course_root) == before


def test_feedback_never_contains_hidden_test_code(tmp_path, generated_course):
    course_root = generated_course(tmp_path / "course")
    wrong = nbformat.read(ROOT / "source" / ASSIGNMENT / "getting-started.ipynb", as_version=4)
    for cell in wrong.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            cell.source = "x = 1"
    submit(course_root, "wrong", {"getting-started.ipynb": nbformat.writes(wrong)})
    entries = {entry["name"]: entry for entry in corpus_entries()}
    submit(course_root, "solution", corpus_files(entries["harmless-warning"]))
    grade_submissions(course_root, ASSIGNMENT)
    source = nbformat.read(ROOT / "source" / ASSIGNMENT / "getting-started.ipynb", as_version=4)
    release = course_root / "release" / ASSIGNMENT / "getting-started.ipynb"
    released = nbformat.read(release, as_version=4)
    visible = {line.strip() for cell in released.cells for line in cell.source.splitlines()}
    secret = {line for line in hidden_lines(source) if line not in visible}
    assert secret
    for student in ("wrong", "solution"):
        (page,) = write_feedback(course_root, ASSIGNMENT, student)
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        assert [line for line in secret if line in text] == []
        assert "Exercise 1" in text
