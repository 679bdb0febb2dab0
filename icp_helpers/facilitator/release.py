"""Release assignments to a cohort with its own due dates: by nbgrader exchange, or as a zip.

On a shared machine or JupyterHub (a cohort created with ``--exchange``) the assignment goes
to nbgrader's exchange, where trainees fetch it. Elsewhere it becomes a zip in the cohort's
``outbox/`` to attach to an e-mail, with a note of the due date and how to send it back.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

from icp_helpers.course.release import assignment_names
from icp_helpers.errors import UsageError
from icp_helpers.facilitator.cohort import AssignmentDates, release_warning
from icp_helpers.facilitator.cohort_folder import CohortFolder, record_due_dates

_NOTE = """{title} ({assignment})
Improvement Coaching Programme, cohort {cohort}

Due: {due:%A %d %B %Y at %H:%M} ({zone}), before {due_before}.

1. Unzip this folder and open the notebook(s) in JupyterLab: {notebooks}
2. Work through it, running each self-check as you go.
3. Save, then e-mail the notebook(s) back to your facilitator. Keep your trainee id in the
   file name, e.g. t01-{first_notebook}, so your work is matched to you.
"""


@dataclass(frozen=True)
class Released:
    """One released assignment: where it went, when it is due, and any warning about its
    timing (see :func:`~icp_helpers.facilitator.cohort.release_warning`)."""

    assignment: str
    due: dt.datetime
    destination: str
    warning: str = ""


def assignments_to_release(
    folder: CohortFolder, assignment: str | None, when: dt.datetime | None = None
) -> list[AssignmentDates]:
    """The named assignment, or every assignment whose release time has come by ``when``."""
    schedule = folder.schedule()
    if assignment is not None:
        chosen = [schedule.dates_for(assignment)]
    else:
        chosen = schedule.released_by(when or dt.datetime.now(dt.UTC))
    available = set(assignment_names(folder.course_root))
    for dates in chosen:
        if dates.assignment not in available:
            raise UsageError(
                f"assignment {dates.assignment} is in the syllabus but has no notebooks in "
                f"{folder.course_root / 'source'}; add them or release another assignment."
            )
    return chosen


def release(
    folder: CohortFolder, assignment: str | None = None, *, when: dt.datetime | None = None
) -> list[Released]:
    """Generate and release ``assignment`` (or all due for release by ``when``) to the cohort."""
    schedule = folder.schedule()
    record_due_dates(folder, schedule)
    released = []
    for dates in assignments_to_release(folder, assignment, when):
        folder.nbgrader("generate_assignment", dates.assignment, "--force")
        if folder.exchange is not None:
            folder.exchange.mkdir(parents=True, exist_ok=True)
            folder.nbgrader("release_assignment", dates.assignment, "--force")
            destination = f"exchange {folder.exchange}"
        else:
            destination = str(_zip_release(folder, dates, schedule.zone.key))
        warning = release_warning(dates, dt.datetime.now(dt.UTC))
        released.append(Released(dates.assignment, dates.due, destination, warning))
    return released


def _zip_release(folder: CohortFolder, dates: AssignmentDates, zone: str) -> Path:
    source = folder.root / "release" / dates.assignment
    notebooks = sorted(path.name for path in source.glob("*.ipynb"))
    outbox = folder.working_folder("outbox")
    target = outbox / f"{folder.course_id}-{dates.assignment}.zip"
    partial = outbox / f".{target.name}.partial"
    note = _NOTE.format(
        title=dates.title,
        assignment=dates.assignment,
        cohort=folder.cohort,
        due=dates.due,
        zone=zone,
        due_before=dates.due_before,
        notebooks=", ".join(notebooks),
        first_notebook=notebooks[0],
    )
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{dates.assignment}/README.txt", note)
        for path in sorted(source.rglob("*")):
            if path.is_file() and ".ipynb_checkpoints" not in path.parts:
                archive.write(path, f"{dates.assignment}/{path.relative_to(source)}")
    partial.replace(target)
    return target
