"""A learner installs only what learning needs; the facilitator tools are an extra.

Without the extra, every module a notebook uses imports, and every ``icp`` command says in
one line how to install the facilitator tools instead of failing with an ImportError. The
modules are made unimportable here by putting ``None`` in ``sys.modules`` (as if they were
not installed); ``tests/test_learner_venv.py`` checks the same in a real fresh install.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "icp_helpers"
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

#: What only facilitators need: nbgrader and what it brings or the facilitator code calls.
FACILITATOR_ONLY = ("nbgrader", "psycopg2", "bleach", "sqlalchemy", "alembic")
#: The parts of the package that run a course or a cohort (facilitators and maintainers).
FACILITATOR_LAYERS = (
    "icp_helpers.facilitator",
    "icp_helpers.grading",
    "icp_helpers.course",
    "icp_helpers.cli",
)
INSTALL_HINT = "pip install '.[facilitator]'"


def _name(requirement: str) -> str:
    return re.match(r"[A-Za-z0-9_.\-]+", requirement).group(0).lower().replace("_", "-")


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def learner_modules() -> list[str]:
    return sorted(
        name
        for name in map(_module, PACKAGE.rglob("*.py"))
        if not any(name == layer or name.startswith(layer + ".") for layer in FACILITATOR_LAYERS)
    )


def _without(modules: tuple[str, ...], code: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh Python in which ``modules`` cannot be imported."""
    blocked = "".join(f"sys.modules[{name!r}] = None\n" for name in modules)
    return subprocess.run(
        [sys.executable, "-c", f"import sys\n{blocked}{code}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )


def test_the_base_install_leaves_out_the_facilitator_tools():
    base = {_name(r) for r in PROJECT["dependencies"]}
    extras = PROJECT["optional-dependencies"]
    facilitator = {_name(r) for r in extras["facilitator"]}
    for learning in (
        "pandas",
        "numpy",
        "matplotlib",
        "scipy",
        "ipywidgets",
        "jupyterlab",
        "pyyaml",
        "openpyxl",
        "nbformat",
    ):
        assert learning in base, f"{learning} is needed by the notebooks"
    for tool in ("nbgrader", "psycopg2-binary", "bleach", "sqlalchemy"):
        assert tool not in base, f"{tool} is a facilitator tool, not for the base install"
        assert tool in facilitator
    assert "icp-helpers[facilitator]" in {r.replace(" ", "") for r in extras["test"]}


def test_learner_modules_never_import_a_facilitator_tool():
    """Not even inside a function: a notebook may call any function of these modules."""
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _module(path) not in learner_modules():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            wrong += [
                f"{_module(path)} imports {n}" for n in names if n.split(".")[0] in FACILITATOR_ONLY
            ]
    assert not wrong


def test_every_learner_module_imports_without_the_facilitator_tools():
    modules = learner_modules()
    done = _without(
        FACILITATOR_ONLY,
        "import importlib\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print('imported', len(sys.modules))\n",
    )
    assert done.returncode == 0, done.stderr
    assert "icp_helpers.check" in modules and "icp_helpers.charts.interactive" in modules


@pytest.mark.parametrize(
    "command",
    [
        ["build"],
        ["check"],
        ["cohort", "show", "10"],
        ["cohort", "create", "10"],
        ["grade", "10", "00-getting-started"],
        ["report", "10"],
        ["demo"],
    ],
    ids=" ".join,
)
def test_icp_without_the_facilitator_tools_says_how_to_install_them(command, tmp_path):
    """Run against a copy of the course's config and source, so that an ``icp build`` which
    went ahead regardless would not touch this repository."""
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text())
    (course / "course").symlink_to(ROOT / "course")
    argv = [*command, "--root", str(course)]
    if command[0] in ("cohort", "grade", "report", "demo"):
        argv += ["--cohorts-dir", str(tmp_path / "cohorts")]
    ran = _without(
        ("nbgrader",),
        f"from icp_helpers.cli import main\nsys.exit(main({argv!r}))",
    )
    name = " ".join(command[:2] if command[0] == "cohort" else command[:1])
    assert ran.returncode == 2, ran.stderr
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in ran.stderr, ran.stderr
    assert lines[0].startswith(f"icp {name}: ")
    assert "facilitator tools" in lines[0] and INSTALL_HINT in lines[0]
    assert "nbgrader" in lines[0]
    assert not (tmp_path / "cohorts").exists(), "nothing is made before the tools are there"


def test_a_missing_postgresql_driver_is_one_plain_line(tmp_path):
    ran = _without(
        ("psycopg2",),
        "from icp_helpers.cli import main\n"
        f"sys.exit(main(['cohort', 'create', '10', '--root', {str(ROOT)!r}, "
        f"'--cohorts-dir', {str(tmp_path)!r}, "
        "'--db-url', 'postgresql://coach@127.0.0.1:9/']))",
    )
    assert ran.returncode == 2, ran.stderr
    assert "Traceback" not in ran.stderr
    assert "psycopg2" in ran.stderr and INSTALL_HINT in ran.stderr
