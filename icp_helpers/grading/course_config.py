"""An nbgrader course folder as the grader sees it: its config, folders and gradebook address.

Works for any course folder: ``nbgrader_config.py`` (optional), ``source/``,
``submitted/<student>/<assignment>/`` and a gradebook (SQLite, or any SQLAlchemy address
nbgrader supports). A relative SQLite path is taken relative to the course root, as
nbgrader does when run from there.

>>> absolute_db_url("sqlite:///gradebook.db", Path("/srv/course"))
'sqlite:////srv/course/gradebook.db'
>>> absolute_db_url("postgresql://coach@db/icp", Path("/srv/course"))
'postgresql://coach@db/icp'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.engine import make_url
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


def absolute_db_url(db_url: str, course_root: Path) -> str:
    """Make a relative SQLite gradebook path absolute (relative to ``course_root``)."""
    url = make_url(db_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return db_url
    path = Path(url.database)
    if path.is_absolute():
        return db_url
    return url.set(database=str((course_root / path).resolve())).render_as_string(
        hide_password=False
    )


@dataclass(frozen=True)
class GradingCourse:
    """The parts of a course's nbgrader configuration the grader needs."""

    root: Path
    config: Config
    coursedir: CourseDirectory
    db_url: str
    course_id: str
    cell_timeout: float | None

    def source_folder(self, assignment: str) -> Path:
        return Path(self.coursedir.format_path(self.coursedir.source_directory, ".", assignment))

    def released_notebook(self, assignment: str, name: str) -> NotebookNode | None:
        """The notebook ``name`` (without ``.ipynb``) as released, or None if not generated."""
        folder = self.coursedir.format_path(self.coursedir.release_directory, ".", assignment)
        path = Path(folder) / f"{name}.ipynb"
        return nbformat.read(path, as_version=4) if path.is_file() else None

    def submitted_folder(self, student: str, assignment: str) -> Path:
        return Path(
            self.coursedir.format_path(self.coursedir.submitted_directory, student, assignment)
        )

    def autograded_folder(self, student: str, assignment: str) -> Path:
        return Path(
            self.coursedir.format_path(self.coursedir.autograded_directory, student, assignment)
        )

    def feedback_folder(self, student: str, assignment: str) -> Path:
        return Path(
            self.coursedir.format_path(self.coursedir.feedback_directory, student, assignment)
        )

    def students_with_submissions(self, assignment: str) -> list[str]:
        """Every student folder under ``submitted/`` that holds this assignment, sorted."""
        submitted = self.root / self.coursedir.submitted_directory
        if not submitted.is_dir():
            return []
        return sorted(
            folder.name
            for folder in submitted.iterdir()
            if folder.is_dir() and (folder / assignment).is_dir()
        )


def load_course(course_root: Path, db_url: str | None = None) -> GradingCourse:
    """Read ``course_root/nbgrader_config.py`` (if any) as nbgrader would.

    Raises ``ValueError`` when the folder does not exist.
    """
    root = Path(course_root).resolve()
    if not root.is_dir():
        raise ValueError(f"{course_root} is not a folder; pass the course root (with source/).")
    config = Config()
    if (root / "nbgrader_config.py").is_file():
        config = PyFileConfigLoader("nbgrader_config.py", path=str(root)).load_config()
    coursedir = CourseDirectory(config=config, root=str(root))
    url = absolute_db_url(db_url or coursedir.db_url, root)
    timeout = None
    if "ExecutePreprocessor" in config and "timeout" in config.ExecutePreprocessor:
        timeout = config.ExecutePreprocessor.timeout
    elif "Execute" in config and "timeout" in config.Execute:
        timeout = config.Execute.timeout
    else:
        timeout = 30  # nbgrader's own default for its Execute preprocessor
    return GradingCourse(
        root=root,
        config=config,
        coursedir=coursedir,
        db_url=url,
        course_id=coursedir.course_id,
        cell_timeout=None if timeout is None else float(timeout),
    )
