"""Load and save a PDSA log as YAML or CSV, safely.

A log is a list of :class:`~icp_helpers.pdsa.cycle.PdsaCycle`. Saving writes the whole file
or nothing; loading a malformed file raises
:class:`~icp_helpers.files.DataFileError` naming the file, the row or line, and the fix.

>>> import tempfile, pathlib
>>> from icp_helpers.pdsa.cycle import PdsaCycle
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> log = [PdsaCycle(change_idea="Protected mealtimes on Cedar ward", act="adopt",
...                  start="2024-06-03", end="2024-06-09")]
>>> save_cycles(log, folder / "pdsa.csv")
>>> load_cycles(folder / "pdsa.csv") == log
True
>>> save_cycles(log, folder / "pdsa.yaml")
>>> load_cycles(folder / "pdsa.yaml") == log
True
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable
from pathlib import Path

from icp_helpers.fields import FieldError, reject_unknown_keys
from icp_helpers.files import DataFileError, atomic_write, dump_yaml, read_text, read_yaml
from icp_helpers.pdsa.cycle import CYCLE_FIELDS, PdsaCycle

__all__ = [
    "load_cycles",
    "save_cycles",
    "load_cycles_csv",
    "save_cycles_csv",
    "load_cycles_yaml",
    "save_cycles_yaml",
]

YAML_KEY = "pdsa_cycles"
_WHAT = "a PDSA log"


def _as_list(cycles: Iterable[PdsaCycle]) -> list[PdsaCycle]:
    if isinstance(cycles, PdsaCycle):
        return [cycles]
    items = list(cycles)
    for position, cycle in enumerate(items, start=1):
        if not isinstance(cycle, PdsaCycle):
            raise FieldError(
                f"item {position} of the PDSA log is a {type(cycle).__name__}, not a PdsaCycle; "
                "build each cycle with PdsaCycle(...)"
            )
    return items


def _suffix(path: str | os.PathLike) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix == ".csv":
        return "csv"
    raise DataFileError(
        f"cannot tell the format of {path}: name the file ending .yaml, .yml or .csv"
    )


def save_cycles(cycles: Iterable[PdsaCycle], path: str | os.PathLike) -> None:
    """Save a PDSA log, choosing YAML or CSV from the file name ending."""
    if _suffix(path) == "yaml":
        save_cycles_yaml(cycles, path)
    else:
        save_cycles_csv(cycles, path)


def load_cycles(path: str | os.PathLike) -> list[PdsaCycle]:
    """Load a PDSA log, choosing YAML or CSV from the file name ending."""
    return load_cycles_yaml(path) if _suffix(path) == "yaml" else load_cycles_csv(path)


def save_cycles_yaml(cycles: Iterable[PdsaCycle], path: str | os.PathLike) -> None:
    """Save cycles as YAML under the key ``pdsa_cycles``, one mapping per cycle."""
    items = _as_list(cycles)
    atomic_write(path, dump_yaml({YAML_KEY: [cycle.to_dict() for cycle in items]}))


def load_cycles_yaml(path: str | os.PathLike) -> list[PdsaCycle]:
    """Load cycles from YAML written by :func:`save_cycles_yaml` (or by hand).

    The file holds ``pdsa_cycles:`` followed by a list, or just the list.

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "log.yaml"
    >>> _ = bad.write_text("pdsa_cycles:\\n- change_idea: Huddle\\n  act: keep\\n")
    >>> load_cycles_yaml(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.files.DataFileError: cannot read a PDSA log ...: cycle 1: act must be ...
    """
    data = read_yaml(path, what=_WHAT)
    if isinstance(data, dict) and set(data) == {YAML_KEY}:
        data = data[YAML_KEY]
    if data is None:
        data = []
    if not isinstance(data, list):
        raise DataFileError(
            f"cannot read {_WHAT} from {path}: expected '{YAML_KEY}:' followed by a list of "
            "cycles, each starting with '- change_idea: ...'"
        )
    cycles = []
    for number, item in enumerate(data, start=1):
        try:
            cycles.append(PdsaCycle.from_dict(item, where=f"cycle {number}"))
        except FieldError as exc:
            raise DataFileError(f"cannot read {_WHAT} from {path}: {exc}") from None
    return cycles


def save_cycles_csv(cycles: Iterable[PdsaCycle], path: str | os.PathLike) -> None:
    """Save cycles as CSV with one column per field and one row per cycle (UTF-8)."""
    items = _as_list(cycles)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CYCLE_FIELDS)
    for cycle in items:
        data = cycle.to_dict()
        writer.writerow(["" if data[name] is None else data[name] for name in CYCLE_FIELDS])
    atomic_write(path, buffer.getvalue())


def load_cycles_csv(path: str | os.PathLike) -> list[PdsaCycle]:
    """Load cycles from CSV; the header row names the fields and must include change_idea.

    Blank rows are skipped; rows are numbered as in a spreadsheet (the header is row 1).

    >>> import tempfile, pathlib
    >>> bad = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = bad.write_text("change_idea,start\\nHuddle,31/02/2024\\n")
    >>> load_cycles_csv(bad)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.files.DataFileError: cannot read a PDSA log ...: row 2: start: '31/02/2024' ...
    """
    text = read_text(path, what=_WHAT)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as exc:
        raise DataFileError(
            f"cannot read {_WHAT} from {path}: the CSV is malformed ({exc}); "
            "look for a quote mark that is opened but never closed"
        ) from None
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DataFileError(
            f"cannot read {_WHAT} from {path}: the file is empty; it needs a header row "
            "naming the fields, starting with change_idea"
        )
    header = [cell.strip() for cell in rows[0]]
    _check_header(header, path)
    cycles = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DataFileError(
                f"cannot read {_WHAT} from {path}: row {number} has {len(row)} values but "
                f"there are {len(header)} column headings; check for a stray comma"
            )
        try:
            cycles.append(
                PdsaCycle.from_dict(dict(zip(header, row, strict=True)), where=f"row {number}")
            )
        except FieldError as exc:
            raise DataFileError(f"cannot read {_WHAT} from {path}: {exc}") from None
    return cycles


def _check_header(header: list[str], path: str | os.PathLike) -> None:
    duplicates = sorted({name for name in header if header.count(name) > 1})
    if duplicates:
        raise DataFileError(
            f"cannot read {_WHAT} from {path}: the column {duplicates[0]!r} appears more than "
            "once; delete or rename the copy"
        )
    try:
        reject_unknown_keys(header, CYCLE_FIELDS, "the header row")
    except FieldError as exc:
        raise DataFileError(f"cannot read {_WHAT} from {path}: {exc}") from None
    if "change_idea" not in header:
        raise DataFileError(
            f"cannot read {_WHAT} from {path}: there is no change_idea column; "
            "add one (each row is a cycle testing a change idea)"
        )
