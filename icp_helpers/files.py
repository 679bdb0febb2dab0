"""Safe reading and writing of the small text files the QI tools keep (YAML, CSV, HTML, JSON).

Three promises, shared by every tool that keeps a file (PDSA logs, measurement plans, diagrams,
process maps, sponsor updates, learners' data files, cohort schedules):

* a failed save never leaves a half-written file: text is written to a temporary file in the
  same folder and moved into place with :func:`os.replace` only when complete;
* a file that cannot be read raises :class:`DataFileError` (a :class:`ValueError`) that names
  the file, says what is wrong and how to fix it, never a raw traceback from deep inside a
  library;
* a CSV written for people to open (:func:`spreadsheet_csv`) is safe in a spreadsheet: text
  that would start a formula is stored as text, and the file opens in Excel with its accents.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "note.yaml", "ward: Willow\\n")
>>> read_yaml(folder / "note.yaml", what="a note")
{'ward': 'Willow'}
"""

from __future__ import annotations

import csv
import errno
import io
import json
import math
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from icp_helpers.errors import IcpError

__all__ = [
    "DataFileError",
    "FORMULA_STARTS",
    "LineDict",
    "atomic_write",
    "dump_json",
    "dump_yaml",
    "parse_json",
    "parse_mapping",
    "parse_yaml",
    "read_mapping",
    "read_text",
    "read_yaml",
    "save_mapping",
    "spreadsheet_csv",
    "spreadsheet_text",
    "spreadsheet_value",
    "storage_problem",
]

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)


class DataFileError(IcpError, ValueError):
    """A file could not be read or saved; the message says which file and how to fix it."""


_FULL = (errno.ENOSPC, errno.EDQUOT)
_REFUSED = (errno.EACCES, errno.EPERM, errno.EROFS)


def storage_problem(error: OSError, path: str | os.PathLike | None = None) -> DataFileError | None:
    """The plain message for a disk that is full or a place that cannot be written, else None.

    ``path`` names the file being written when ``error`` does not (a failed ``write()``
    names none). Disk full or over quota (``ENOSPC``, ``EDQUOT``), permission denied
    (``EACCES``, ``EPERM``) and a read-only file system (``EROFS``) are the machine's
    faults, not bugs: the message names the place and says what to do.

    >>> full = OSError(errno.ENOSPC, "No space left on device")
    >>> str(storage_problem(full, "/srv/a.csv"))  # doctest: +ELLIPSIS
    'cannot write /srv/a.csv: the disk is full (or your quota is used up); free some space...'
    >>> storage_problem(OSError(errno.ENOENT, "No such file or directory")) is None
    True
    """
    if error.errno not in _FULL + _REFUSED:
        return None
    where = path if path is not None else error.filename
    what = f"cannot write {os.fsdecode(where)}" if where is not None else "cannot write a file"
    if error.errno in _FULL:
        return DataFileError(
            f"{what}: the disk is full (or your quota is used up); free some space there and "
            "run the command again"
        )
    if error.errno == errno.EROFS:
        return DataFileError(
            f"{what}: it is on a read-only file system; run the command where the cohort "
            "folder can be written (or ask for the disk to be made writable)"
        )
    return DataFileError(
        f"{what}: permission denied; run the command as the facilitator who owns the folder, "
        "or ask for write access to it"
    )


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that the file is either fully written or untouched.

    Text is written as UTF-8, bytes as they are. The data goes to a temporary file in the
    same folder, is flushed and synced to disk, and only then replaces ``path`` (with
    :func:`os.replace`), so neither a failed save nor a power cut leaves a half-written file.
    A full disk or a place that cannot be written raises :class:`DataFileError` naming
    ``path`` (see :func:`storage_problem`).

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "plan.txt"
    >>> atomic_write(target, "Outcome: violence per 1,000 occupied bed days")
    >>> target.read_text(encoding="utf-8")
    'Outcome: violence per 1,000 occupied bed days'
    >>> atomic_write(target, b"\\x89PNG")
    >>> target.read_bytes()
    b'\\x89PNG'
    """
    target = Path(path)
    if isinstance(data, str):
        payload = data.encode("utf-8")
    elif isinstance(data, bytes):
        payload = data
    else:
        raise TypeError(f"atomic_write needs text (str) or bytes, not {type(data).__name__}")
    if not target.parent.is_dir():
        raise DataFileError(
            f"cannot save {target}: the folder {target.parent} does not exist; "
            "create it first or choose another path"
        )
    try:
        handle, temp_name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
        )
    except OSError as error:
        raise (storage_problem(error, target) or error) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except BaseException as error:
        Path(temp_name).unlink(missing_ok=True)
        problem = storage_problem(error, target) if isinstance(error, OSError) else None
        if problem is not None:
            raise problem from None
        raise


def read_text(path: str | os.PathLike, *, what: str) -> str:
    """Read a UTF-8 text file, turning missing files and bad encodings into :class:`DataFileError`.

    ``what`` describes the file for the message, e.g. ``"a PDSA log"``.

    >>> read_text("/no/such/folder/pdsa.yaml", what="a PDSA log")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.files.DataFileError: cannot read a PDSA log: there is no file at /no/such/...
    """
    source = Path(path)
    if not source.is_file():
        raise DataFileError(
            f"cannot read {what}: there is no file at {source}; "
            "check the path and the folder you are working in"
        )
    try:
        return source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(
            f"cannot read {what} from {source}: byte {exc.start} is not UTF-8 text; "
            "save the file as UTF-8 (in Excel: 'CSV UTF-8') and try again"
        ) from None


class LineDict(dict):
    """A mapping read from YAML that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader, except that an impossible date is a YAML error with its line."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a real date ({exc})", node.start_mark
            ) from None


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)


class NotADate(str):
    """A value written as a date that does not exist (``2024-02-30``), as read with
    ``keep_lines``: kept as its text, with ``problem`` saying why, so that a checker can
    report every such date with its line instead of stopping at the first."""

    problem: str = ""


class _LineLoader(_SafeLoader):
    """The safe loader, making every mapping a :class:`LineDict` and refusing keys given twice;
    an impossible date is read as a :class:`NotADate` for the checks to report."""

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return yaml.SafeLoader.construct_yaml_timestamp(self, node)
        except ValueError as exc:
            text = NotADate(node.value)
            text.problem = str(exc)
            return text


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


def _construct_line_dict(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping.key_lines:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"{key!r} is given twice (first on line {mapping.key_lines[key]})",
                key_node.start_mark,
            )
        mapping.key_lines[key] = key_node.start_mark.line + 1
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_line_dict)


def parse_yaml(text: str, *, what: str, source: str, keep_lines: bool = False) -> Any:
    """Parse YAML text safely; malformed YAML raises :class:`DataFileError` naming the line.

    ``what`` describes the content and ``source`` says where the text came from (a file name,
    or words such as ``"the YAML text"``). With ``keep_lines``, every mapping is a
    :class:`LineDict` that knows its line and the line of each key, and a key given twice
    is an error rather than silently dropped, so later checks can name the line to fix.

    >>> plan = parse_yaml("cohort: 10\\nsessions:\\n  - id: joining\\n    kind: induction\\n",
    ...                   what="a cohort schedule", source="10.yml", keep_lines=True)
    >>> plan.line_of("sessions"), plan["sessions"][0].line, plan["sessions"][0].line_of("kind")
    (2, 3, 4)
    >>> parse_yaml("ward: Willow\\nward: Oak\\n", what="a rota", source="rota.yml",
    ...            keep_lines=True)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.files.DataFileError: cannot read a rota from rota.yml: ... near line 2, ...
    """
    if not isinstance(text, str):
        raise DataFileError(
            f"cannot read {what} from {source}: expected YAML as a string, "
            f"got {type(text).__name__}"
        )
    loader = _LineLoader if keep_lines else _SafeLoader
    try:
        return yaml.load(text, Loader=loader)  # safe: both loaders extend yaml.SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" near line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, yaml.constructor.ConstructorError):
            fix = "correct the value on that line"
        else:
            fix = "check the indentation, colons and quotes on that line"
        raise DataFileError(
            f"cannot read {what} from {source}: the YAML is malformed{where} ({problem}); {fix}"
        ) from None


def read_yaml(path: str | os.PathLike, *, what: str, keep_lines: bool = False) -> Any:
    """Read a YAML file safely; syntax errors become :class:`DataFileError` with the line number.

    ``keep_lines`` is as for :func:`parse_yaml`.

    >>> import tempfile, pathlib
    >>> broken = pathlib.Path(tempfile.mkdtemp()) / "broken.yaml"
    >>> _ = broken.write_text("ward: [Willow\\n", encoding="utf-8")
    >>> read_yaml(broken, what="a measurement plan")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.files.DataFileError: cannot read a measurement plan ... near line 2...
    """
    text = read_text(path, what=what)
    return parse_yaml(text, what=what, source=str(path), keep_lines=keep_lines)


def dump_yaml(data: Any) -> str:
    """Turn plain data into readable block-style YAML text (keys in the order given, Unicode kept).

    >>> print(dump_yaml({"measure": "Restraint", "kind": "balancing"}), end="")
    measure: Restraint
    kind: balancing
    """
    if isinstance(data, Mapping):
        data = dict(data)
    return yaml.safe_dump(
        data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


def parse_json(text: str, *, what: str, source: str) -> Any:
    """Parse JSON text; malformed JSON raises :class:`DataFileError` naming the line and column.

    >>> parse_json('{"aim": "Fewer falls",}', what="a driver diagram",
    ...            source="the JSON text")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.files.DataFileError: cannot read ... JSON is malformed at line 1, column 23 ...
    """
    if not isinstance(text, str):
        raise DataFileError(
            f"cannot read {what} from {source}: expected JSON as a string, "
            f"got {type(text).__name__}"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise DataFileError(
            f"cannot read {what} from {source}: the JSON is malformed at line {err.lineno}, "
            f"column {err.colno} ({err.msg}); check for a missing or extra comma, quote or "
            "closing bracket"
        ) from None


def dump_json(data: Any) -> str:
    """Turn plain data into indented JSON text ending in a newline, keeping Unicode.

    >>> print(dump_json({"aim": "Fewer falls"}), end="")
    {
      "aim": "Fewer falls"
    }
    """
    if isinstance(data, Mapping):
        data = dict(data)
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in YAML_SUFFIXES:
        return "yaml"
    if suffix in JSON_SUFFIXES:
        return "json"
    raise DataFileError(
        f"{path.name}: cannot tell the format from the extension '{path.suffix}'; "
        "use a name ending in .yaml, .yml or .json"
    )


def parse_mapping(text: str, *, fmt: str, what: str, source: str) -> dict[str, Any]:
    """Parse YAML or JSON text (``fmt`` is ``"yaml"`` or ``"json"``) holding ``key: value`` pairs.

    >>> parse_mapping("aim: Fewer falls\\n", fmt="yaml", what="a driver diagram", source="text")
    {'aim': 'Fewer falls'}
    >>> parse_mapping("[]", fmt="json", what="a driver diagram",
    ...               source="the JSON text")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.files.DataFileError: cannot read a driver diagram ... it holds a list, but ...
    """
    parse = parse_json if fmt == "json" else parse_yaml
    data = parse(text, what=what, source=source)
    if not isinstance(data, dict):
        found = "nothing" if data is None else f"a {type(data).__name__}"
        raise DataFileError(
            f"cannot read {what} from {source}: it holds {found}, but it must be a set "
            "of 'key: value' pairs (for example 'aim: ...' on the first line)"
        )
    return data


def read_mapping(path: str | os.PathLike, *, what: str) -> dict[str, Any]:
    """Read a YAML or JSON file (chosen by its extension) that must hold ``key: value`` pairs.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> save_mapping({"effect": "Missed appointments"}, folder / "fishbone.json")
    >>> read_mapping(folder / "fishbone.json", what="a fishbone")
    {'effect': 'Missed appointments'}
    """
    source = Path(path)
    fmt = _format(source)
    return parse_mapping(read_text(source, what=what), fmt=fmt, what=what, source=source.name)


def save_mapping(data: Mapping[str, Any], path: str | os.PathLike) -> None:
    """Save ``data`` as YAML or JSON (chosen by the extension) with :func:`atomic_write`.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "map.yml"
    >>> save_mapping({"title": "Clinic booking"}, target)
    >>> target.read_text(encoding="utf-8")
    'title: Clinic booking\\n'
    """
    target = Path(path)
    text = dump_json(data) if _format(target) == "json" else dump_yaml(data)
    atomic_write(target, text)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet cell may start with to be taken as a formula (OWASP, CSV injection)."""


def _starts_formula(text: str) -> bool:
    """Whether ``text`` would run as a formula, or is one already quoted (so quoting is undone
    only where it was added)."""
    return text.startswith(FORMULA_STARTS) or (text[:1] == "'" and _starts_formula(text[1:]))


def spreadsheet_text(text: str) -> str:
    """``text`` as a spreadsheet shows it, never runs it: a leading ``'`` if it starts a formula.

    Cells starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return are quoted, as
    OWASP advises against CSV injection; so is text that is such a cell quoted already, so
    :func:`spreadsheet_value` always gives back the original.

    >>> spreadsheet_text('=HYPERLINK("http://x","y")'), spreadsheet_text("Zoë")
    ('\\'=HYPERLINK("http://x","y")', 'Zoë')
    >>> spreadsheet_text("'=1"), spreadsheet_text("O'Connor")
    ("''=1", "O'Connor")
    """
    return f"'{text}" if _starts_formula(text) else text


def spreadsheet_value(cell: str) -> str:
    """The original text of a cell written by :func:`spreadsheet_text` (its ``'`` taken off).

    >>> spreadsheet_value("'-2+3"), spreadsheet_value("''=1"), spreadsheet_value("'Connor")
    ('-2+3', "'=1", "'Connor")
    """
    return cell[1:] if cell[:1] == "'" and _starts_formula(cell[1:]) else cell


def _is_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def spreadsheet_csv(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, numeric: Iterable[str] = ()
) -> str:
    """CSV text for people to open in Excel: UTF-8 with a BOM, and no cell runs as a formula.

    Numbers stay numbers (a score of -1 is not a risk): cells that are not text are written
    as they are, and so is text that is a plain number in a column named in ``numeric``.
    Every other text cell goes through :func:`spreadsheet_text`. Missing values (``None``
    or NaN) are empty cells. Save the result with :func:`atomic_write`; read it back with
    ``encoding="utf-8-sig"`` (as :func:`read_text` does) and :func:`spreadsheet_value`.

    >>> text = spreadsheet_csv(["trainee", "score"], [["=cmd", -1.0], ["t02", "-0.5"]],
    ...                        numeric=["score"])
    >>> text.encode("utf-8")[:3], text[1:]
    (b'\\xef\\xbb\\xbf', "trainee,score\\n'=cmd,-1.0\\nt02,-0.5\\n")
    """
    kept = {header.index(name) for name in numeric if name in header}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([spreadsheet_text(str(name)) for name in header])
    for row in rows:
        cells: list[Any] = []
        for index, value in enumerate(row):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                cells.append("")
            elif not isinstance(value, str) or (index in kept and _is_number(value)):
                cells.append(value)
            else:
                cells.append(spreadsheet_text(value))
        writer.writerow(cells)
    return "\ufeff" + out.getvalue()
