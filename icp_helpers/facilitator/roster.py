"""A cohort's roster: trainee id, names, e-mail and directorate, checked line by line.

A roster CSV has the columns ``id, first_name, last_name, email, directorate`` (in any
order; headings are matched without regard to case or spaces, and "Trainee ID", "Surname",
"E-mail" and the like are understood). Importing it checks every
line first and changes nothing if any line is wrong; otherwise each trainee is added to the
cohort's gradebook and roster, or updated if already there. Nobody is removed: trainees
missing from a new file are kept and counted.

The cohort's ``roster.csv`` is written for Excel (:func:`icp_helpers.files.spreadsheet_csv`):
a value that would start a formula, such as ``=HYPERLINK(...)`` or ``+1``, is stored with a
leading ``'``, which :func:`read_roster` takes off again, so icp always works with the
values as imported.

>>> rows = parse_roster("id,first_name,last_name,email,directorate\\n"
...                     "t01,Asha,Patel,asha.patel@example.org,Community\\n", "roster.csv")
>>> rows[0].email, rows[0].directorate
('asha.patel@example.org', 'Community')
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import astuple, dataclass
from pathlib import Path

from icp_helpers.errors import IcpError
from icp_helpers.facilitator.cohort_folder import CohortFolder
from icp_helpers.facilitator.privacy import write_private_text
from icp_helpers.files import read_text, spreadsheet_csv, spreadsheet_value

COLUMNS = ("id", "first_name", "last_name", "email", "directorate")
_ALIASES = {
    "trainee_id": "id",
    "student_id": "id",
    "forename": "first_name",
    "surname": "last_name",
    "e_mail": "email",
    "email_address": "email",
}
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s,;<>]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class RosterError(IcpError, ValueError):
    """A roster file has problems; ``problems`` lists each with its line. Nothing was imported."""

    def __init__(self, source: str, problems: list[str]):
        self.problems = problems
        listed = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(
            f"{source}: nothing imported; fix these {len(problems)} problem(s) and import "
            f"again:\n{listed}"
        )


@dataclass(frozen=True)
class Trainee:
    """One trainee on the roster."""

    id: str
    first_name: str
    last_name: str
    email: str
    directorate: str


@dataclass(frozen=True)
class ImportSummary:
    """What an import did: ids added, updated, unchanged, and kept though not in the file."""

    added: list[str]
    updated: list[str]
    unchanged: list[str]
    kept: list[str]


def parse_roster(text: str, source: str, *, stored: bool = False) -> list[Trainee]:
    """Check a roster CSV's text; return its trainees or raise RosterError naming each bad line.

    ``stored`` is for the cohort's own ``roster.csv``: each value's spreadsheet quoting
    (:func:`icp_helpers.files.spreadsheet_value`) is taken off.
    """
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise RosterError(source, ["line 1: the file is empty; the first line names the columns."])
    names = [re.sub(r"[\s-]+", "_", name.strip().lower()) for name in header]
    names = [_ALIASES.get(name, name) for name in names]
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        raise RosterError(
            source,
            [
                f"line 1: the column(s) {', '.join(missing)} are missing; the first line must "
                f"name {', '.join(COLUMNS)}."
            ],
        )
    where = {column: names.index(column) for column in COLUMNS}
    problems: list[str] = []
    trainees: list[Trainee] = []
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        values = {c: row[i].strip() if i < len(row) else "" for c, i in where.items()}
        if stored:
            values = {column: spreadsheet_value(value) for column, value in values.items()}
        trainee_id = values["id"]
        if not trainee_id:
            problems.append(f"line {line}: the trainee id is missing; give every trainee an id.")
        elif not _ID.match(trainee_id):
            problems.append(
                f"line {line}: id {trainee_id!r} may hold only letters, digits, '.', '-' and "
                "'_' (it names folders); change it."
            )
        elif trainee_id.lower() in first_line:
            problems.append(
                f"line {line}: id {trainee_id!r} is already used on line "
                f"{first_line[trainee_id.lower()]}; give each trainee one line and their own id."
            )
        else:
            first_line[trainee_id.lower()] = line
        if not values["email"]:
            problems.append(f"line {line}: the email is missing for {trainee_id or 'a trainee'}.")
        elif not _EMAIL.match(values["email"]):
            problems.append(  # the address itself is left out: messages end up in logs
                f"line {line}: the e-mail address of {trainee_id or 'a trainee'} is malformed; "
                "write it as name@organisation.nhs.uk."
            )
        if not values["first_name"] and not values["last_name"]:
            problems.append(f"line {line}: {trainee_id or 'a trainee'} has no name.")
        trainees.append(Trainee(**values))
    if problems:
        raise RosterError(source, problems)
    if not trainees:
        raise RosterError(source, ["the file lists no trainees below its heading line."])
    return trainees


def read_roster(folder: CohortFolder) -> list[Trainee]:
    """The cohort's current roster (empty if none has been imported)."""
    if not folder.roster_file.is_file():
        return []
    text = read_text(folder.roster_file, what="the roster")
    return parse_roster(text, str(folder.roster_file), stored=True)


def import_roster(folder: CohortFolder, csv_file: Path) -> ImportSummary:
    """Check ``csv_file`` and merge its trainees into the cohort's roster and gradebook.

    ``roster.csv`` is written first (whole, or not at all), then the gradebook; if the
    gradebook cannot be updated the previous roster is put back, so a fault changes neither.
    """
    incoming = parse_roster(read_text(csv_file, what="a roster"), str(csv_file))
    current = {trainee.id: trainee for trainee in read_roster(folder)}
    added, updated, unchanged = [], [], []
    for trainee in incoming:
        before = current.get(trainee.id)
        if before is None:
            added.append(trainee.id)
        elif before != trainee:
            updated.append(trainee.id)
        else:
            unchanged.append(trainee.id)
        current[trainee.id] = trainee
    kept = sorted(set(current) - {trainee.id for trainee in incoming})
    rows = [astuple(trainee) for trainee in sorted(current.values(), key=lambda t: t.id)]
    saved = folder.roster_file
    previous = saved.read_text(encoding="utf-8") if saved.is_file() else None
    write_private_text(folder.roster_file, spreadsheet_csv(COLUMNS, rows))
    try:
        with folder.gradebook() as gradebook:
            for trainee in incoming:
                gradebook.update_or_create_student(
                    trainee.id,
                    first_name=trainee.first_name,
                    last_name=trainee.last_name,
                    email=trainee.email,
                )
    except BaseException:
        if previous is None:
            folder.roster_file.unlink(missing_ok=True)
        else:
            write_private_text(folder.roster_file, previous)
        raise
    return ImportSummary(added, updated, unchanged, kept)
