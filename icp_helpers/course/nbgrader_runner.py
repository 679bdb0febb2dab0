"""Run nbgrader commands in a course folder and read scores from its gradebook."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import nbformat
import pandas as pd

from icp_helpers.course.nbgrader_here import run_in_this_process
from icp_helpers.errors import IcpError
from icp_helpers.grading.new_gradebook import stamp_new_gradebook


class NbgraderError(IcpError, RuntimeError):
    """An nbgrader command failed; the message holds the end of its log."""


def nbgrader(args: Sequence[str], course_root: Path) -> subprocess.CompletedProcess[str]:
    """Run ``nbgrader <args>`` for the course (or cohort) folder ``course_root``, whatever
    this process's working folder: in this process for the commonest commands (see
    :mod:`.nbgrader_here`), otherwise with :func:`nbgrader_command_line`, which runs in that
    folder. Raises :class:`NbgraderError` if nbgrader fails.
    """
    log = run_in_this_process(args, course_root)
    if log is not None:
        return subprocess.CompletedProcess([sys.executable, "-m", "nbgrader", *args], 0, log, "")
    return nbgrader_command_line(args, course_root)


def nbgrader_command_line(
    args: Sequence[str], course_root: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m nbgrader <args>`` in ``course_root``, with charts drawn off screen
    (``MPLBACKEND=Agg``), as on a grading server, and ``env`` added to this process's
    environment. Raises :class:`NbgraderError` if it fails.
    """
    env = {**os.environ, **(env or {})}
    env.setdefault("MPLBACKEND", "Agg")
    completed = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    check_nbgrader_log(
        args, course_root, completed.stdout + completed.stderr, succeeded=completed.returncode == 0
    )
    return completed


def check_nbgrader_log(
    args: Sequence[str], course_root: Path, log: str, *, succeeded: bool
) -> None:
    """Raise :class:`NbgraderError`, with an excerpt of ``log``, if ``nbgrader <args>`` did
    not succeed or logged an error (nbgrader logs some errors and still exits with 0).

    >>> check_nbgrader_log(["db", "student", "list"], Path("c"), "[INFO] 2", succeeded=True)
    >>> try:
    ...     check_nbgrader_log(["collect", "00"], Path("c"), "[ERROR] no exchange", succeeded=True)
    ... except NbgraderError as error:
    ...     print(error)
    `nbgrader collect 00` failed in c:
    [ERROR] no exchange
    """
    if not succeeded or "[ERROR]" in log or "| ERROR]" in log:
        shown = failure_excerpt(log)
        raise NbgraderError(f"`nbgrader {' '.join(args)}` failed in {course_root}:\n{shown}")


def failure_excerpt(log: str, first: int = 30, last: int = 10) -> str:
    r"""What to show of a failed nbgrader command's log: the first error with the traceback
    nbgrader logs after it (``first`` lines from there), then the last ``last`` lines, where
    nbgrader sums up; without an error line, the last 25 lines.

    >>> log = "\n".join(["[INFO] fine"] * 50 + ["[ERROR] boom", "Traceback", "KeyError: 'x'"]
    ...                   + ["[INFO] fine"] * 50 + ["[ERROR] 1 failed"])
    >>> print(failure_excerpt(log, first=3, last=1))
    [ERROR] boom
    Traceback
    KeyError: 'x'
    ...
    [ERROR] 1 failed
    """
    lines = log.strip().splitlines()
    start = next((i for i, line in enumerate(lines) if "ERROR]" in line), None)
    if start is None:
        return "\n".join(lines[-25:])
    if start + first >= len(lines) - last:
        return "\n".join(lines[start:])
    return "\n".join([*lines[start : start + first], "...", *lines[-last:]])


def copy_course(root: Path, destination: Path) -> Path:
    """Copy what nbgrader needs to generate and grade (config and ``source/``) to ``destination``,
    with a new gradebook there (see ``stamp_new_gradebook``).

    >>> import tempfile
    >>> from pathlib import Path
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     copied = copy_course(Path("."), Path(tmp) / "course")
    ...     sorted(p.name for p in copied.iterdir())
    ['gradebook.db', 'nbgrader_config.py', 'source']
    """
    destination.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / "nbgrader_config.py", destination / "nbgrader_config.py")
    shutil.copytree(root / "source", destination / "source", dirs_exist_ok=True)
    stamp_new_gradebook(f"sqlite:///{destination.resolve() / 'gradebook.db'}")
    return destination


def autograde(
    course_root: Path,
    assignment: str,
    submissions: Mapping[str, Mapping[str, nbformat.NotebookNode]],
) -> pd.DataFrame:
    """Autograde notebooks as if each student had submitted them, and return every grade.

    ``course_root`` is a course copy (see :func:`copy_course`) in which ``assignment``
    has been generated (``nbgrader generate_assignment``). ``submissions`` maps a
    student id to ``{notebook file name: notebook}``; the assignment's data files are
    submitted alongside. The result has one row per student and graded cell with the
    columns ``student, notebook, grade_id, autograded, score, max_score``
    (``autograded`` is False for manually graded cells such as reflections).
    """
    place_submissions(course_root, assignment, submissions)
    nbgrader(["autograde", assignment, "--force"], course_root)
    return read_grades(course_root, assignment)


def place_submissions(
    course_root: Path,
    assignment: str,
    submissions: Mapping[str, Mapping[str, nbformat.NotebookNode]],
) -> None:
    """Write each student's notebooks, and the assignment's data files, under ``submitted/``.

    >>> import tempfile
    >>> from nbformat.v4 import new_notebook
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     course = Path(tmp)
    ...     (course / "source" / "a1").mkdir(parents=True)
    ...     _ = (course / "source" / "a1" / "data.csv").write_text("x\\n1\\n")
    ...     place_submissions(course, "a1", {"ana": {"a1.ipynb": new_notebook()}})
    ...     sorted(p.name for p in (course / "submitted" / "ana" / "a1").iterdir())
    ['a1.ipynb', 'data.csv']
    """
    source_folder = course_root / "source" / assignment
    for student, notebooks in submissions.items():
        folder = course_root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        for item in source_folder.iterdir():
            if item.is_file() and item.suffix != ".ipynb":
                shutil.copy2(item, folder / item.name)
        for name, notebook in notebooks.items():
            nbformat.write(notebook, folder / name)


def read_grades(course_root: Path, assignment: str) -> pd.DataFrame:
    """Every grade of ``assignment`` in the course's SQLite gradebook, as a table with the
    columns ``student, notebook, grade_id, autograded, score, max_score``."""
    from icp_helpers.grading.record import read_gradebook

    columns = ["student", "notebook", "grade_id", "autograded", "score", "max_score"]
    rows = read_gradebook(f"sqlite:///{course_root / 'gradebook.db'}", "icp", assignment)
    return pd.DataFrame(rows, columns=columns)
