"""Safe reading and writing of the small text files the QI tools keep (YAML, CSV, HTML, JSON).

Two promises, shared by every tool that keeps a file (PDSA logs, measurement plans, diagrams,
sponsor updates, learners' data files):

* a failed save never leaves a half-written file: text is written to a temporary file in the
  same folder and moved into place with :func:`os.replace` only when complete;
* a file that cannot be read raises :class:`DataFileError` (a :class:`ValueError`) that names
  the file, says what is wrong and how to fix it, never a raw traceback from deep inside a
  library.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> atomic_write(folder / "note.yaml", "ward: Willow\\n")
>>> read_yaml(folder / "note.yaml", what="a note")
{'ward': 'Willow'}
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from icp_helpers.errors import IcpError

__all__ = ["DataFileError", "atomic_write", "read_text", "read_yaml", "dump_yaml"]


class DataFileError(IcpError, ValueError):
    """A file could not be read or saved; the message says which file and how to fix it."""


def atomic_write(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` so that the file is either fully written or untouched.

    Text is written as UTF-8, bytes as they are. The data goes to a temporary file in the
    same folder, is flushed and synced to disk, and only then replaces ``path`` (with
    :func:`os.replace`), so neither a failed save nor a power cut leaves a half-written file.

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
    handle, temp_name = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
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


def read_yaml(path: str | os.PathLike, *, what: str) -> Any:
    """Read a YAML file safely; syntax errors become :class:`DataFileError` with the line number.

    >>> import tempfile, pathlib
    >>> broken = pathlib.Path(tempfile.mkdtemp()) / "broken.yaml"
    >>> _ = broken.write_text("ward: [Willow\\n", encoding="utf-8")
    >>> read_yaml(broken, what="a measurement plan")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.files.DataFileError: cannot read a measurement plan ... near line 2...
    """
    text = read_text(path, what=what)
    try:
        return yaml.load(text, Loader=_SafeLoader)  # safe: _SafeLoader extends yaml.SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f" near line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, yaml.constructor.ConstructorError):
            fix = "correct the value on that line"
        else:
            fix = "check the indentation, colons and quotes on that line"
        raise DataFileError(
            f"cannot read {what} from {path}: the YAML is malformed{where} ({problem}); {fix}"
        ) from None


def dump_yaml(data: Any) -> str:
    """Turn plain data into readable YAML text (keys in the order given, Unicode kept).

    >>> print(dump_yaml({"measure": "Restraint", "kind": "balancing"}), end="")
    measure: Restraint
    kind: balancing
    """
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)
