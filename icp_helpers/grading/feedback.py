"""Feedback HTML for a trainee, with the hidden tests taken out.

Stock ``nbgrader generate_feedback`` renders the autograded notebook as it ran, hidden
tests included. Here the autograded notebook first goes through nbgrader's own
``ClearHiddenTests`` (on the test cells' source), then every error in a test cell keeps
only its last line (the hint the check raised; tracebacks quote the hidden code), and any
remaining text that repeats a line of hidden test code is removed. The HTML itself comes
from nbgrader's ``GetGrades`` and its feedback template, as ``generate_feedback`` makes it,
except that a cell waiting for a hand mark reads "awaiting marking" instead of a score of 0.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Collection
from pathlib import Path

import nbformat
from nbconvert.exporters import HTMLExporter
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.converters import GenerateFeedback
from nbgrader.preprocessors import ClearHiddenTests, GetGrades

from icp_helpers.errors import UsageError
from icp_helpers.files import atomic_write
from icp_helpers.grading.course_config import load_course


def hidden_lines(notebook: NotebookNode) -> set[str]:
    """Every non-trivial line of hidden test code in a notebook's test cells.

    >>> cell = nbformat.v4.new_code_cell("x = 1\\n### BEGIN HIDDEN TESTS\\nassert x == 1\\n"
    ...                                   "### END HIDDEN TESTS")
    >>> sorted(hidden_lines(nbformat.v4.new_notebook(cells=[cell])))
    ['assert x == 1']
    """
    lines = set()
    for cell in notebook.cells:
        inside = False
        for line in cell.get("source", "").splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 3:
                lines.add(line.strip())
    return lines


def strip_hidden_tests(notebook: NotebookNode) -> NotebookNode:
    """A copy of an autograded notebook that shows no hidden test code anywhere."""
    secret = hidden_lines(notebook)
    cleaned = copy.deepcopy(notebook)
    clear = ClearHiddenTests(enforce_metadata=False)
    for cell in cleaned.cells:
        clear._remove_hidden_test_region(cell)
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.output_type == "error" and utils.is_grade(cell):
                output.traceback = [f"{output.ename}: {output.evalue}"]
            _scrub(output, secret)
    return cleaned


def _scrub(output: NotebookNode, secret: set[str]) -> None:
    def clean(text: str) -> str:
        return "\n".join(line for line in text.split("\n") if not any(s in line for s in secret))

    if output.output_type == "stream":
        output.text = clean(output.text)
    elif output.output_type == "error":
        output.traceback = [clean(line) for line in output.traceback]
        output.evalue = clean(output.evalue)
    elif "data" in output:
        for mime, value in list(output.data.items()):
            if isinstance(value, str) and mime.startswith("text/"):
                output.data[mime] = clean(value)


def marks_in_words(value: float) -> str:
    """``value`` marks in words.

    >>> marks_in_words(1.0), marks_in_words(3.0), marks_in_words(1.5)
    ('1 mark', '3 marks', '1.5 marks')
    """
    return f"{value:g} mark" + ("" if value == 1 else "s")


def awaiting_marking(gradebook, notebook: str, assignment: str, student: str) -> dict[str, float]:
    """The cells of a graded notebook waiting for a person (a hand mark is needed and none has
    been given), with their points, by ``grade_id``."""
    submitted = gradebook.find_submission_notebook(notebook, assignment, student)
    return {
        grade.name: float(grade.max_score)
        for grade in submitted.grades
        if grade.needs_manual_grade and grade.manual_score is None
    }


def show_awaiting(page: str, awaiting: dict[str, float], score: float, max_score: float) -> str:
    """A feedback page that says "awaiting marking" where nbgrader's template shows a zero.

    nbgrader's feedback template scores a cell not yet marked as 0; this rewrites the
    notebook's total, the contents line and the heading of each cell in ``awaiting``.

    >>> page = ('<h4>nb (Score: 10.0 / 13.0)</h4><li><a href="#reflection">Written response'
    ...         '</a> (Score: 0.0 / 3.0)</li><a name="reflection"></a><div class="panel-heading">'
    ...         '<span class="pull-right">Score: 0.0 / 3.0 <a href="#top">(Top)</a></span>')
    >>> shown = show_awaiting(page, {"reflection": 3.0}, 10.0, 13.0)
    >>> print(shown)  # doctest: +NORMALIZE_WHITESPACE
    <h4>nb (Score: 10 / 13 so far, 3 marks awaiting marking)</h4><li><a href="#reflection">Written
    response</a> (awaiting marking, 3 marks)</li><a name="reflection"></a><div
    class="panel-heading"><span class="pull-right">Awaiting marking (3 marks) <a
    href="#top">(Top)</a></span>
    """
    if not awaiting:
        return page
    total = (
        f"(Score: {score:g} / {max_score:g} so far, "
        f"{marks_in_words(sum(awaiting.values()))} awaiting marking)</h4>"
    )
    page = re.sub(r"\(Score: [-0-9.]+ / [-0-9.]+\)</h4>", lambda _: total, page, count=1)
    for grade_id, points in awaiting.items():
        cell = re.escape(grade_id)
        words = marks_in_words(points)
        page = re.sub(
            rf'(<a href="#{cell}">[^<]*</a>)\s*\(Score: [-0-9.]+ / [-0-9.]+\)',
            rf"\g<1> (awaiting marking, {words})",
            page,
        )
        page = re.sub(
            rf'(<a name="{cell}"></a>\s*<div class="panel-heading">(?:(?!</div>).)*?)'
            rf"Score: [-0-9.]+ / [-0-9.]+(\s*<a href=\"#top\">)",
            rf"\g<1>Awaiting marking ({words})\g<2>",
            page,
            count=1,
            flags=re.DOTALL,
        )
    return page


def write_feedback(
    course_root: Path, assignment: str, student: str, *, leave_out_tags: Collection[str] = ()
) -> list[Path]:
    """Write ``feedback/<student>/<assignment>/<notebook>.html`` without hidden tests.

    The student's submission must have been graded (it reads the autograded notebooks and
    the gradebook, and never changes them). Cells tagged with any of ``leave_out_tags``
    are left out of the pages. The graded folder's other files (``timestamp.txt``, the
    submission secret) are copied beside the pages, as ``generate_feedback`` does and
    ``release_feedback`` expects. Every file is written whole or not at all
    (:func:`icp_helpers.files.atomic_write`). Returns the pages written.
    """
    course = load_course(Path(course_root))
    folder = course.autograded_folder(student, assignment)
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise UsageError(
            f"no autograded notebooks for {student} in {folder}; grade the submission first."
        )
    feedback_config = GenerateFeedback(config=course.config).config
    written = []
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        notebook.cells = [
            cell
            for cell in notebook.cells
            if not set(cell.metadata.get("tags", [])) & set(leave_out_tags)
        ]
        resources = {
            "nbgrader": {
                "student": student,
                "assignment": assignment,
                "notebook": path.stem,
                "db_url": course.db_url,
            }
        }
        notebook, resources = GetGrades(config=feedback_config)(notebook, resources)
        exporter = HTMLExporter(config=feedback_config)
        html, _ = exporter.from_notebook_node(strip_hidden_tests(notebook), resources=resources)
        with Gradebook(course.db_url, course.course_id) as gradebook:
            awaiting = awaiting_marking(gradebook, path.stem, assignment, student)
        grades = resources["nbgrader"]
        html = show_awaiting(html, awaiting, grades["score"], grades["max_score"])
        target = course.feedback_folder(student, assignment) / f"{path.stem}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, html)
        written.append(target)
    destination = course.feedback_folder(student, assignment)
    for filename in utils.find_all_files(str(folder), [*course.coursedir.ignore, "*.ipynb"]):
        target = destination / Path(filename).relative_to(folder)
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, Path(filename).read_bytes())
    return written
