"""The nbgrader commands used most, run in this process instead of a new Python.

``python -m nbgrader generate_assignment ...`` spends about one and a half CPU-seconds
importing nbgrader and reading its settings before it does anything, and ``icp release``,
``icp collect``, ``icp feedback`` and every course build run such commands for each assignment.
:func:`run_in_this_process` runs four of them the way nbgrader's own formgrader does
(``nbgrader.apps.api``): the same converter and exchange classes, configured from the same
``nbgrader_config.py`` files (Jupyter's configuration folders, then the course or cohort
folder's), with nbgrader's log captured. The course root, and an SQLite gradebook named by a
relative path, are made absolute against that folder (nbgrader's command line reads them
relative to its working folder), so this process's working folder does not matter. Any other
command gives None, and the caller runs ``python -m nbgrader``.

>>> run_in_this_process(["db", "student", "list"], Path("cohorts/10")) is None
True
>>> config = Config({"CourseDirectory": {"db_url": "sqlite:///gradebook.db"}})
>>> config = _absolute_paths(config, Path("/srv/course"))
>>> config.CourseDirectory.root, config.CourseDirectory.db_url
('/srv/course', 'sqlite:////srv/course/gradebook.db')
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from traitlets.config import Config

#: command -> the options this module understands for it (as on nbgrader's command line)
SUPPORTED = {
    "generate_assignment": {"--force"},
    "release_assignment": {"--force"},
    "collect": {"--update"},
    "release_feedback": set(),
}


def run_in_this_process(args: Sequence[str], course_root: Path) -> str | None:
    """Run ``nbgrader <args>`` for the course or cohort folder ``course_root`` in this process
    and return nbgrader's log; None if the command is not one of :data:`SUPPORTED` (with only
    the options listed there and one assignment). Raises :class:`NbgraderError`, with the
    log's excerpt, when nbgrader fails or logs an error, as a ``python -m nbgrader`` would.
    """
    if len(args) < 2 or args[0] not in SUPPORTED or args[1].startswith("-"):
        return None
    command, assignment, options = args[0], args[1], set(args[2:])
    if not options <= SUPPORTED[command]:
        return None
    from icp_helpers.course.nbgrader_runner import check_nbgrader_log

    result = _start(command, assignment, options, _folder_config(course_root))
    if "KeyboardInterrupt" in result.get("error", ""):
        raise KeyboardInterrupt  # nbgrader's log capture catches everything, Ctrl-C too
    log = result.get("log", "") + result.get("error", "")
    check_nbgrader_log(args, course_root, log, succeeded=bool(result.get("success")))
    return log


def _folder_config(course_root: Path) -> Config:
    """nbgrader's settings as ``nbgrader`` run in ``course_root`` would read them."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    config = Config()
    path = os.environ.get("PATH")  # the course's settings put this Python's folder on it
    try:
        for folder in [*reversed(jupyter_config_path()), str(course_root)]:
            try:
                loaded = PyFileConfigLoader("nbgrader_config.py", path=folder).load_config()
            except ConfigFileNotFound:
                continue
            config.merge(loaded)
    finally:
        if path is None:
            os.environ.pop("PATH", None)
        else:
            os.environ["PATH"] = path
    return _absolute_paths(config, course_root)


def _absolute_paths(config: Config, course_root: Path) -> Config:
    """``config`` with the course root and an SQLite gradebook's path, which nbgrader reads
    relative to its working folder, made absolute against ``course_root``. (The header and
    footer notebooks need nothing: nbgrader converts notebooks in the course root.)"""
    root = course_root / config.CourseDirectory.get("root", ".")
    config.CourseDirectory.root = str(root)
    db_url = config.CourseDirectory.get("db_url")
    if isinstance(db_url, str) and db_url.startswith("sqlite:///"):
        database = Path(db_url.removeprefix("sqlite:///"))
        if not database.is_absolute() and str(database) != ":memory:":
            config.CourseDirectory.db_url = f"sqlite:///{root / database}"
    return config


def _start(command: str, assignment: str, options: set[str], config: Config) -> dict[str, Any]:
    from nbgrader.auth import Authenticator
    from nbgrader.converters import GenerateAssignment
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange import ExchangeFactory
    from nbgrader.utils import capture_log

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    exchange = ExchangeFactory(config=config)
    authenticator = Authenticator(config=config)

    def exchange_app(kind: Callable[..., Any]) -> Any:
        return kind(coursedir=coursedir, authenticator=authenticator, config=config)

    app: Any
    if command == "generate_assignment":
        app = GenerateAssignment(coursedir=coursedir, config=config)
        app.force = "--force" in options
    elif command == "release_assignment":
        app = exchange_app(exchange.ReleaseAssignment)
        app.force = "--force" in options
    elif command == "collect":
        app = exchange_app(exchange.Collect)
        app.update = "--update" in options
    else:
        app = exchange_app(exchange.ReleaseFeedback)
    return capture_log(app)
