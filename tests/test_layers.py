"""The package's layers import only downwards (see CONTRIBUTING.md, "How the code is laid out")."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "icp_helpers"

#: What each stand-alone layer may import from the package besides itself: the shared base.
BASE = {"icp_helpers", "icp_helpers.errors", "icp_helpers.files"}
STAND_ALONE = {
    "icp_helpers.charts": BASE,
    "icp_helpers.check": BASE,
    "icp_helpers.grading": BASE,
}
#: Layers nothing below the command line may import.
TOP = ("icp_helpers.facilitator", "icp_helpers.cli")


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] == "icp_helpers"}


def _within(name: str, layer: str) -> bool:
    return name == layer or name.startswith(layer + ".")


@cache
def modules() -> dict[str, set[str]]:
    """Each module of the package and what it imports from the package."""
    return {_module(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


@pytest.mark.parametrize("layer", sorted(STAND_ALONE))
def test_stand_alone_layers_import_only_themselves_and_the_base(layer):
    allowed = STAND_ALONE[layer]
    wrong = {
        f"{module} imports {name}"
        for module, names in modules().items()
        if _within(module, layer)
        for name in names
        if not _within(name, layer) and name not in allowed
    }
    assert not wrong, sorted(wrong)


def test_only_the_command_line_and_the_facilitator_import_the_facilitator():
    wrong = {
        f"{module} imports {name}"
        for module, names in modules().items()
        if not any(_within(module, top) for top in TOP)
        for name in names
        if any(_within(name, top) for top in TOP)
    }
    assert not wrong, sorted(wrong)
