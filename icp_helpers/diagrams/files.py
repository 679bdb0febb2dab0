"""Reading and writing diagram files (YAML or JSON) safely.

Diagrams are saved as plain YAML (``.yaml``/``.yml``) or JSON (``.json``). Saving
writes to a temporary file in the same folder and then renames it over the target,
so a failed save never leaves a half-written file. Reading turns every problem
(missing file, wrong extension, malformed YAML or JSON, a file that is not a
mapping) into a :class:`DiagramFileError` that names the file and says what to do.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> save_mapping({"effect": "Missed appointments"}, folder / "fishbone.yaml")
>>> load_mapping(folder / "fishbone.yaml", what="fishbone")
{'effect': 'Missed appointments'}
>>> (folder / "bad.json").write_text("{not json", encoding="utf-8")
9
>>> load_mapping(folder / "bad.json", what="fishbone")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
icp_helpers.diagrams.files.DiagramFileError: bad.json is not valid JSON (line 1, column 2: ...
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from icp_helpers.files import DataFileError, atomic_write

__all__ = [
    "DiagramFileError",
    "dump_json",
    "dump_yaml",
    "load_mapping",
    "parse_json",
    "parse_yaml",
    "save_mapping",
]

YAML_SUFFIXES = (".yaml", ".yml")
JSON_SUFFIXES = (".json",)


class DiagramFileError(DataFileError):
    """A diagram file (or text) could not be read or written; the message says why."""


def dump_yaml(data: Mapping[str, Any]) -> str:
    """Return ``data`` as block-style YAML text, keeping key order and Unicode."""
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True, width=100)


def dump_json(data: Mapping[str, Any]) -> str:
    """Return ``data`` as indented JSON text ending in a newline, keeping Unicode."""
    return json.dumps(dict(data), indent=2, ensure_ascii=False) + "\n"


def parse_yaml(text: str, source: str = "the YAML text") -> dict[str, Any]:
    """Parse YAML text that must hold a mapping; raise :class:`DiagramFileError` otherwise."""
    if not isinstance(text, str):
        raise DiagramFileError(f"{source}: expected YAML as a string, got {type(text).__name__}.")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(err, "problem", None) or "it could not be parsed"
        raise DiagramFileError(
            f"{source} is not valid YAML{where}: {problem}. Check the indentation and that "
            "every 'key: value' pair has a space after the colon."
        ) from None
    return _require_mapping(data, source)


def parse_json(text: str, source: str = "the JSON text") -> dict[str, Any]:
    """Parse JSON text that must hold an object; raise :class:`DiagramFileError` otherwise."""
    if not isinstance(text, str):
        raise DiagramFileError(f"{source}: expected JSON as a string, got {type(text).__name__}.")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise DiagramFileError(
            f"{source} is not valid JSON (line {err.lineno}, column {err.colno}: {err.msg}). "
            "Check for a missing comma, quote or closing bracket."
        ) from None
    return _require_mapping(data, source)


def _require_mapping(data: Any, source: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        found = "nothing" if data is None else f"a {type(data).__name__}"
        raise DiagramFileError(
            f"{source} holds {found}, but a diagram must be a mapping of keys to values "
            "(for example 'aim: ...' on the first line)."
        )
    return data


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in YAML_SUFFIXES + JSON_SUFFIXES:
        raise DiagramFileError(
            f"{path.name}: cannot tell the format from the extension '{path.suffix}'. "
            "Use a name ending in .yaml, .yml or .json."
        )
    return suffix


def load_mapping(path: str | os.PathLike[str], what: str = "diagram") -> dict[str, Any]:
    """Read a YAML or JSON file (chosen by extension) that holds a mapping."""
    path = Path(path)
    suffix = _suffix(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiagramFileError(
            f"No {what} file at {path}: check the folder and the spelling of the name."
        ) from None
    except UnicodeDecodeError:
        raise DiagramFileError(
            f"{path.name} is not a UTF-8 text file: save it as UTF-8 text and try again."
        ) from None
    except OSError as err:
        raise DiagramFileError(f"Could not read {path}: {err.strerror}.") from None
    if suffix in JSON_SUFFIXES:
        return parse_json(text, source=path.name)
    return parse_yaml(text, source=path.name)


def save_mapping(data: Mapping[str, Any], path: str | os.PathLike[str]) -> None:
    """Write ``data`` as YAML or JSON (by extension) atomically: all of it or nothing."""
    path = Path(path)
    suffix = _suffix(path)
    text = dump_json(data) if suffix in JSON_SUFFIXES else dump_yaml(data)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DiagramFileError(f"Cannot save to {path}: the folder {folder} does not exist.")
    atomic_write(path, text)
