"""The gates every assignment passes: clean storage, a clean run, and honest autograding.

Each function returns a list of problems in plain words (empty when the gate passes)
or a table of grades, so that ``icp check`` and the tests share one implementation.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from icp_helpers.course.nbgrader_runner import autograde, copy_course, nbgrader

_ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


def notebooks_in(root: Path, folders: tuple[str, ...] = ("source", "release")) -> list[Path]:
    """Every notebook under the given folders of ``root``, skipping checkpoints."""
    found = []
    for folder in folders:
        for path in sorted((root / folder).rglob("*.ipynb")):
            if ".ipynb_checkpoints" not in path.parts:
                found.append(path)
    return found


def stored_outputs(paths: list[Path]) -> list[str]:
    """Name every notebook stored with outputs or execution counts.

    >>> import nbformat, tempfile
    >>> from pathlib import Path
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    >>> nb.cells[0].execution_count = 3
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "run.ipynb"
    ...     nbformat.write(nb, path)
    ...     stored_outputs([path])[0].endswith("cell 1 has an execution count; clear outputs "
    ...                                         "before committing.")
    True
    """
    problems = []
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        for number, cell in enumerate(notebook.cells, start=1):
            if cell.cell_type != "code":
                continue
            if cell.get("outputs"):
                problems.append(
                    f"{path}: cell {number} has stored outputs; clear outputs before committing."
                )
                break
            if cell.get("execution_count") is not None:
                problems.append(
                    f"{path}: cell {number} has an execution count; clear outputs "
                    "before committing."
                )
                break
    return problems


def run_problems(notebook_path: Path, timeout: int = 60) -> list[str]:
    """Run a notebook top to bottom in a scratch copy of its folder; report the first error."""
    with tempfile.TemporaryDirectory(prefix="icp-run-") as tmp:
        folder = Path(tmp) / notebook_path.parent.name
        shutil.copytree(notebook_path.parent, folder)
        notebook = nbformat.read(folder / notebook_path.name, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=timeout,
            kernel_name="python3",
            resources={"metadata": {"path": folder}},
        )
        try:
            client.execute()
        except CellExecutionError as error:
            text = _ANSI_COLOUR.sub("", str(error)).strip()
            first_line = text.splitlines()[-1] if text else "error"
            return [f"{notebook_path}: a cell stopped with an error: {first_line}"]
    return []


def autograde_trial(root: Path, assignment: str) -> pd.DataFrame:
    """Autograde the source notebooks (student ``solution``) and the unedited release (``blank``).

    Runs real ``nbgrader generate_assignment`` and ``autograde`` in a temporary course copy.
    """
    with tempfile.TemporaryDirectory(prefix="icp-trial-") as tmp:
        course = copy_course(root, Path(tmp) / "course")
        nbgrader(["generate_assignment", assignment, "--force"], course)
        release = course / "release" / assignment
        submissions = {
            "solution": _notebooks(course / "source" / assignment),
            "blank": _notebooks(release),
        }
        return autograde(course, assignment, submissions)


def trial_problems(grades: pd.DataFrame) -> list[str]:
    """Check a trial: the solution earns every autograded point and the blank release none."""
    problems = []
    auto = grades[grades["autograded"]]
    if auto.empty:
        return ["no autograded cells were found: every assignment needs autograded exercises."]
    for row in auto.itertuples():
        if row.student == "solution" and row.score < row.max_score:
            problems.append(
                f"{row.notebook} {row.grade_id}: the solution scores {row.score:g} of "
                f"{row.max_score:g}; fix the solution or its test."
            )
        if row.student == "blank" and row.score > 0:
            problems.append(
                f"{row.notebook} {row.grade_id}: the unedited release scores "
                f"{row.score:g}; a test passes without an answer."
            )
    return problems


def _notebooks(folder: Path) -> dict[str, nbformat.NotebookNode]:
    return {path.name: nbformat.read(path, as_version=4) for path in sorted(folder.glob("*.ipynb"))}
