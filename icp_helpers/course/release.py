"""Generate the learner release from ``source/`` with nbgrader, and compare releases."""

from __future__ import annotations

import filecmp
import shutil
import tempfile
from pathlib import Path

import nbformat

from icp_helpers.course.nbgrader_runner import copy_course, nbgrader
from icp_helpers.errors import UsageError


def assignment_names(root: Path) -> list[str]:
    """The assignments of the course: folders of ``source/`` that hold notebooks, in order.

    >>> from pathlib import Path
    >>> assignment_names(Path("."))[0]
    '00-getting-started'
    """
    source = root / "source"
    return sorted(
        folder.name
        for folder in source.iterdir()
        if folder.is_dir() and not folder.name.startswith(".") and any(folder.glob("*.ipynb"))
    )


def generate_release(root: Path, destination: Path, assignments: list[str] | None = None) -> Path:
    """Generate learner versions from ``root``'s source into ``destination``.

    All assignments by default, or just those named. Works in a temporary course copy,
    so the course's own gradebook is untouched. Returns ``destination``, which
    afterwards holds one folder per assignment.
    """
    known = assignment_names(root)
    unknown = sorted(set(assignments or []) - set(known))
    if unknown:
        raise UsageError(
            f"no assignment {', '.join(unknown)} in {root / 'source'}; "
            f"the assignments are: {', '.join(known)}."
        )
    with tempfile.TemporaryDirectory(prefix="icp-release-") as tmp:
        course = copy_course(root, Path(tmp) / "course")
        for assignment in assignments or known:
            nbgrader(["generate_assignment", assignment, "--force"], course)
        if destination.exists():
            shutil.rmtree(destination)
        shutil.copytree(course / "release", destination)
    return destination


def release_differences(stored: Path, generated: Path) -> list[str]:
    """List, in plain words, every way a stored release differs from a freshly generated one.

    Notebooks are compared cell by cell (type, id, source and metadata); other files
    byte for byte. An empty list means the stored release is exactly what nbgrader makes.
    """
    problems: list[str] = []
    stored_files = _files(stored)
    generated_files = _files(generated)
    for missing in sorted(generated_files - stored_files):
        problems.append(f"release/{missing} is missing: regenerate the release.")
    for extra in sorted(stored_files - generated_files):
        problems.append(f"release/{extra} is not generated from source/: remove it.")
    for name in sorted(stored_files & generated_files):
        if name.endswith(".ipynb"):
            problems.extend(_notebook_differences(name, stored / name, generated / name))
        elif not filecmp.cmp(stored / name, generated / name, shallow=False):
            problems.append(f"release/{name} differs from source/: regenerate the release.")
    return problems


def _files(folder: Path) -> set[str]:
    if not folder.exists():
        return set()
    return {
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and ".ipynb_checkpoints" not in path.parts
    }


def _notebook_differences(name: str, stored: Path, generated: Path) -> list[str]:
    ours = nbformat.read(stored, as_version=4)
    fresh = nbformat.read(generated, as_version=4)
    if len(ours.cells) != len(fresh.cells):
        return [f"release/{name} has {len(ours.cells)} cells, source/ gives {len(fresh.cells)}."]
    problems = []
    for number, (mine, theirs) in enumerate(zip(ours.cells, fresh.cells, strict=True), start=1):
        for part in ("cell_type", "id", "source", "metadata"):
            if mine.get(part) != theirs.get(part):
                problems.append(
                    f"release/{name} cell {number}: its {part} differs from what source/ "
                    "generates (edit source/, then regenerate the release)."
                )
                break
    if ours.metadata != fresh.metadata:
        problems.append(f"release/{name}: notebook metadata differs from what source/ generates.")
    return problems
