"""A cohort's own course folder: its nbgrader configuration, gradebook and working folders.

``icp cohort create 10`` makes ``cohorts/10/`` (at the repository root, ignored by git)::

    cohorts/10/
      cohort.json          settings: course id, gradebook address, exchange, time zone
                           (owner-only)
      nbgrader_config.py   loads the course's nbgrader_config.py, then the settings above
      source -> ../../source   the course's notebooks (the only thing cohorts share)
      release/ submitted/ autograded/ feedback/   nbgrader's standard folders
      roster.csv           the trainees (owner-only)
      gradebook.db         the cohort's own gradebook (SQLite by default)

Nothing is created unless the cohort's schedule is valid.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from icp_helpers.course.nbgrader_runner import nbgrader
from icp_helpers.errors import IcpError
from icp_helpers.facilitator.cohort import Schedule, load_schedule
from icp_helpers.facilitator.gradebook import gradebook_url, open_gradebook, prepare_database
from icp_helpers.facilitator.privacy import (
    masked_url,
    private_folder,
    private_umask,
    write_private_text,
)

SETTINGS_FILE = "cohort.json"
NBGRADER_FOLDERS = ("release", "submitted", "autograded", "feedback")
COHORTS_VARIABLE = "ICP_COHORTS_DIR"

_CONFIG = '''"""nbgrader configuration for {course_id}, written by `icp cohort create`.

The course's own settings (header, solution stubs, time limits) come from the course's
nbgrader_config.py; this cohort's (course id, gradebook, exchange, late policy, time zone)
from cohort.json.
"""

import json
import pathlib

here = pathlib.Path(__file__).resolve().parent
settings = json.loads((here / "cohort.json").read_text(encoding="utf-8"))
load_subconfig(settings["course_config"])  # noqa: F821 - provided by nbgrader
c = get_config()  # noqa: F821 - provided by nbgrader
c.CourseDirectory.root = str(here)
c.CourseDirectory.course_id = settings["course_id"]
c.CourseDirectory.db_url = settings["db_url"]
c.IncludeHeaderFooter.header = str(here / "source" / "header.ipynb")
c.LateSubmissionPlugin.penalty_method = {{"flag": "none", "zero": "zero"}}[settings["late_policy"]]
if settings.get("exchange"):
    c.Exchange.root = settings["exchange"]
if settings.get("timezone"):  # times in the cohort's zone (GMT or BST for Europe/London)
    c.NbGraderAPI.timezone = settings["timezone"]  # what the formgrader shows
    c.NbGraderAPI.timestamp_format = "%Y-%m-%d %H:%M:%S %Z"
    c.Exchange.timezone = settings["timezone"]  # the timestamps the exchange writes
    # a numeric offset: nbgrader reads "BST" as no zone at all (an hour out in summer)
    c.Exchange.timestamp_format = "%Y-%m-%d %H:%M:%S.%f%z"
'''


class CohortFolderError(IcpError, ValueError):
    """A cohort folder is missing, or cannot be made as asked."""


@dataclass(frozen=True)
class CohortFolder:
    """A cohort's course folder and its settings."""

    root: Path
    cohort: str
    course_id: str
    course_root: Path
    schedule_file: Path
    db_url: str
    exchange: Path | None

    @property
    def roster_file(self) -> Path:
        """The cohort's roster (trainee id, names, email, directorate)."""
        return self.root / "roster.csv"

    def schedule(self) -> Schedule:
        """The cohort's schedule, checked against the course's syllabus."""
        return load_schedule(self.schedule_file, self.course_root / "course" / "syllabus.yml")

    def nbgrader(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``nbgrader <args>`` in the cohort folder, creating files owner-only."""
        with private_umask():
            return nbgrader(list(args), self.root)

    def gradebook(self):
        """Open the cohort's gradebook (a context manager giving ``nbgrader.api.Gradebook``)."""
        return open_gradebook(self.db_url, self.course_id)

    def working_folder(self, *parts: str) -> Path:
        """A private folder inside the cohort folder, created if needed."""
        folder = self.root
        for part in parts:
            folder = private_folder(folder / part)
        return folder


def cohorts_dir(course_root: Path, chosen: Path | None = None) -> Path:
    """Where cohort folders live: ``chosen``, else ``$ICP_COHORTS_DIR``, else ``course/cohorts``."""
    if chosen is not None:
        return Path(chosen).resolve()
    if os.environ.get(COHORTS_VARIABLE):
        return Path(os.environ[COHORTS_VARIABLE]).resolve()
    return course_root.resolve() / "cohorts"


def schedule_path(course_root: Path, cohort: str) -> Path:
    """The cohort's schedule in the course: ``course/cohorts/<cohort>.yml``."""
    return course_root.resolve() / "course" / "cohorts" / f"{cohort}.yml"


def create_cohort(
    course_root: Path,
    cohort: str,
    *,
    where: Path | None = None,
    schedule_file: Path | None = None,
    db_url: str | None = None,
    exchange: Path | None = None,
) -> tuple[CohortFolder, Schedule]:
    """Set up (or bring up to date) the cohort's course folder and gradebook.

    Running it again keeps the roster, submissions and grades, and refreshes the due dates
    from the schedule. Returns the folder and its checked schedule.
    """
    course_root = course_root.resolve()
    schedule_file = (schedule_file or schedule_path(course_root, cohort)).resolve()
    schedule = load_schedule(schedule_file, course_root / "course" / "syllabus.yml")
    if schedule.cohort != str(cohort):
        raise CohortFolderError(
            f"{schedule_file} is the schedule of cohort {schedule.cohort}, not {cohort}; "
            "check the file or the cohort number."
        )
    root = cohorts_dir(course_root, where) / str(cohort)
    url = gradebook_url(root, cohort, db_url)
    if (root / SETTINGS_FILE).is_file():
        existing = open_cohort(course_root, cohort, where=where)
        if db_url and existing.db_url != url:
            raise CohortFolderError(
                f"cohort {cohort} already keeps its gradebook at {masked_url(existing.db_url)}; "
                "it cannot move (its grades would be left behind). Use another cohort "
                "folder (--cohorts-dir) for a new gradebook."
            )
        url = existing.db_url
        exchange = exchange or existing.exchange
    prepare_database(url)
    private_folder(root)
    settings = {
        "cohort": str(cohort),
        "course_id": f"icp-cohort-{cohort}",
        "course_root": str(course_root),
        "course_config": str(course_root / "nbgrader_config.py"),
        "schedule": str(schedule_file),
        "db_url": url,
        "exchange": str(Path(exchange).resolve()) if exchange else None,
        "late_policy": schedule.late_policy,
        "timezone": schedule.zone.key,
    }
    write_private_text(root / SETTINGS_FILE, json.dumps(settings, indent=2) + "\n")
    write_private_text(root / "nbgrader_config.py", _CONFIG.format(course_id=settings["course_id"]))
    source = root / "source"
    if not source.is_symlink() and not source.exists():
        source.symlink_to(course_root / "source", target_is_directory=True)
    for name in NBGRADER_FOLDERS:
        private_folder(root / name)
    folder = open_cohort(course_root, cohort, where=where)
    record_due_dates(folder, schedule)
    if url.startswith("sqlite:"):
        (root / "gradebook.db").chmod(0o600)
    return folder, schedule


def open_cohort(course_root: Path, cohort: str, *, where: Path | None = None) -> CohortFolder:
    """The cohort's folder as made by :func:`create_cohort`, or a message saying how to make it."""
    root = cohorts_dir(course_root, where) / str(cohort)
    if not (root / SETTINGS_FILE).is_file():
        raise CohortFolderError(
            f"there is no cohort {cohort} in {root.parent}; run `icp cohort create {cohort}` "
            "first (or pass --cohorts-dir if it lives elsewhere)."
        )
    return folder_at(root)


def folder_at(root: Path) -> CohortFolder:
    """The cohort folder at ``root`` (a folder made by :func:`create_cohort`)."""
    settings_file = Path(root) / SETTINGS_FILE
    if not settings_file.is_file():
        raise CohortFolderError(
            f"{root} is not a cohort folder (it has no {SETTINGS_FILE}); "
            "make one with `icp cohort create`."
        )
    root = Path(root).resolve()
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    return CohortFolder(
        root=root,
        cohort=settings["cohort"],
        course_id=settings["course_id"],
        course_root=Path(settings["course_root"]),
        schedule_file=Path(settings["schedule"]),
        db_url=settings["db_url"],
        exchange=Path(settings["exchange"]) if settings.get("exchange") else None,
    )


def record_due_dates(folder: CohortFolder, schedule: Schedule) -> None:
    """Give every assignment in the gradebook its due date from the schedule (stored in UTC)."""
    with folder.gradebook() as gradebook:
        for dates in schedule.assignments:
            due = dates.due.astimezone(dt.UTC).replace(tzinfo=None)
            gradebook.update_or_create_assignment(dates.assignment, duedate=due)
