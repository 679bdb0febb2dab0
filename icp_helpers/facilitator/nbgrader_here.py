"""The nbgrader commands a cohort uses most, run in this process instead of a new Python.

``python -m nbgrader generate_assignment ...`` spends about one and a half CPU-seconds
importing nbgrader and reading its settings before it does anything, and ``icp release``,
``icp collect`` and ``icp feedback`` run such commands for every assignment.
:func:`run_in_this_process` runs four of them the way nbgrader's own formgrader does
(``nbgrader.apps.api``): the same converter and exchange classes, configured from the same
``nbgrader_config.py`` files (Jupyter's configuration folders, then the cohort folder's),
with nbgrader's log captured. It works for cohort folders only: their configuration names the
course root, the gradebook and the header by absolute paths, so nothing depends on the
working folder. Any other command gives None, and the caller runs ``python -m nbgrader``.

>>> run_in_this_process(["db", "student", "list"], Path("cohorts/10")) is None
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from icp_helpers.course.nbgrader_runner import check_nbgrader_log

#: command -> the options this module understands for it (as on nbgrader's command line)
SUPPORTED = {
    "generate_assignment": {"--force"},
    "release_assignment": {"--force"},
    "collect": {"--update"},
    "release_feedback": set(),
}


def run_in_this_process(args: Sequence[str], cohort_root: Path) -> str | None:
    """Run ``nbgrader <args>`` for the cohort folder ``cohort_root`` in this process and
    return nbgrader's log; None if the command is not one of :data:`SUPPORTED` (with only
    the options listed there and one assignment). Raises :class:`NbgraderError`, with the
    log's excerpt, when nbgrader fails or logs an error, as a ``python -m nbgrader`` would.
    """
    if len(args) < 2 or args[0] not in SUPPORTED or args[1].startswith("-"):
        return None
    command, assignment, options = args[0], args[1], set(args[2:])
    if not options <= SUPPORTED[command]:
        return None
    result = _start(command, assignment, options, _cohort_config(cohort_root))
    if "KeyboardInterrupt" in result.get("error", ""):
        raise KeyboardInterrupt  # nbgrader's log capture catches everything, Ctrl-C too
    log = result.get("log", "") + result.get("error", "")
    check_nbgrader_log(args, cohort_root, log, succeeded=bool(result.get("success")))
    return log


def _cohort_config(cohort_root: Path) -> Any:
    """nbgrader's settings as ``nbgrader`` run in ``cohort_root`` would read them."""
    from jupyter_core.paths import jupyter_config_path
    from traitlets.config import Config
    from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

    config = Config()
    path = os.environ.get("PATH")  # the course's settings put this Python's folder on it
    try:
        for folder in [*reversed(jupyter_config_path()), str(cohort_root)]:
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
    return config


def _start(command: str, assignment: str, options: set[str], config: Any) -> dict[str, Any]:
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
