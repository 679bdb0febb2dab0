"""Read a YAML file keeping the line of every mapping and key, so errors can name the line.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "cohort.yml"
>>> _ = path.write_text("cohort: 10\\nsessions:\\n  - id: joining\\n    kind: induction\\n")
>>> data = read_yaml_with_lines(path, what="a cohort schedule")
>>> data.line_of("sessions"), data["sessions"][0].line, data["sessions"][0].line_of("kind")
(2, 3, 4)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from icp_helpers.files import DataFileError, _SafeLoader, read_text


class LineDict(dict):
    """A mapping read from YAML that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class _LineLoader(_SafeLoader):
    """The project's safe loader, recording lines and refusing keys given twice."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
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


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def read_yaml_with_lines(path: Path, *, what: str) -> Any:
    """Read YAML whose mappings are :class:`LineDict`; malformed YAML names its line."""
    text = read_text(path, what=what)
    try:
        return yaml.load(text, Loader=_LineLoader)  # safe: _LineLoader extends yaml.SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataFileError(
            f"{path}: {where}cannot read {what}: {problem}; correct that line "
            "(check its indentation, colons and quotes)."
        ) from None
