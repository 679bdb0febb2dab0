"""A learner's install, for real: a fresh virtual environment with the project installed
without extras, as README.md's "For learners working alone" says.

There, nbgrader is absent and JupyterLab has no nbgrader extension, every module the notebooks
use imports, a release notebook filled with the solution passes every self-check, the
start-here notebook runs, and ``icp`` says how to install the facilitator tools. The install
takes one to two minutes (pip reuses its wheel cache), once for the session.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import venv
from pathlib import Path

import nbformat
import pytest

from icp_helpers.course.answers import filled_release

from .conftest import build_once
from .test_learner_install import INSTALL_HINT, learner_modules

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow

#: The learner environment compiles each module once, on first import (pip is told not to
#: compile the whole of JupyterLab up front), even where PYTHONDONTWRITEBYTECODE is set.
LEARNER_ENV = {
    name: value
    for name, value in os.environ.items()
    if name not in ("PYTHONDONTWRITEBYTECODE", "NBGRADER_EXECUTION")
}


@pytest.fixture(scope="session")
def learner_python(shared_folder) -> Path:
    """The Python of a fresh virtual environment with the project installed without extras,
    made once per session and shared by every test worker (tests only run things in it).

    The project is copied first, so that building it leaves nothing in this repository."""

    def install(work: Path) -> None:
        project = work / "course"
        project.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(ROOT / name, project / name)
        shutil.copytree(
            ROOT / "icp_helpers",
            project / "icp_helpers",
            ignore=shutil.ignore_patterns("__pycache__"),
        )
        started = time.monotonic()
        venv.create(work / "venv", with_pip=True)
        installed = subprocess.run(
            [str(work / "venv" / "bin" / "python"), "-m", "pip", "install", "--quiet",
             "--no-compile", str(project)],
            capture_output=True,
            text=True,
            timeout=900,
            env=LEARNER_ENV,
        )
        assert installed.returncode == 0, installed.stderr[-3000:]
        print(f"\nfresh learner install: {time.monotonic() - started:.0f} s")

    return build_once(shared_folder / "learner-venv", install) / "venv" / "bin" / "python"


def _run(python: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), *args], capture_output=True, text=True, cwd=cwd, timeout=600, env=LEARNER_ENV
    )


def _execute(python: Path, notebook: Path) -> list[dict]:
    """Run ``notebook`` (in its folder) with the learner environment's own kernel, as a learner's
    JupyterLab would, and return its outputs."""
    script = (
        "import json, sys, nbformat\n"
        "from nbclient import NotebookClient\n"
        "notebook = nbformat.read(sys.argv[1], as_version=4)\n"
        "notebook.cells.append(nbformat.v4.new_code_cell('import sys; print(sys.prefix)'))\n"
        "NotebookClient(notebook, timeout=120, kernel_name='python3', allow_errors=True)"
        ".execute()\n"
        "print(json.dumps([o for c in notebook.cells for o in c.get('outputs', [])]))\n"
    )
    ran = _run(python, "-c", script, str(notebook), cwd=notebook.parent)
    assert ran.returncode == 0, ran.stderr[-3000:]
    outputs = json.loads(ran.stdout.strip().splitlines()[-1])
    prefix = outputs[-1]["text"].strip()
    assert Path(prefix) == python.parent.parent, "the notebook ran in another environment"
    return outputs


def test_nbgrader_is_not_installed_and_jupyterlab_has_no_nbgrader_extension(learner_python):
    imported = _run(learner_python, "-c", "import nbgrader")
    assert imported.returncode != 0 and "No module named 'nbgrader'" in imported.stderr
    for facilitator_tool in ("psycopg2", "sqlalchemy"):
        assert _run(learner_python, "-c", f"import {facilitator_tool}").returncode != 0
    jupyter = learner_python.parent / "jupyter"
    listed = subprocess.run(
        [str(jupyter), "labextension", "list"],
        capture_output=True,
        text=True,
        timeout=300,
        env=LEARNER_ENV,
    )
    assert listed.returncode == 0, listed.stderr
    text = listed.stdout + listed.stderr
    assert "jupyterlab-manager" in text, "the widgets extension the notebooks use is there"
    assert "nbgrader" not in text
    served = subprocess.run(
        [str(jupyter), "server", "extension", "list"],
        capture_output=True,
        text=True,
        timeout=300,
        env=LEARNER_ENV,
    )
    assert "nbgrader" not in served.stdout + served.stderr


def test_every_module_the_notebooks_use_imports(learner_python):
    imported = _run(
        learner_python,
        "-c",
        f"import importlib\nfor name in {learner_modules()!r}:\n    importlib.import_module(name)",
    )
    assert imported.returncode == 0, imported.stderr[-3000:]


def test_a_release_notebook_filled_with_the_solution_passes_every_self_check(
    learner_python, tmp_path
):
    assignment = "00-getting-started"
    name = "getting-started.ipynb"
    filled = filled_release(
        nbformat.read(ROOT / "release" / assignment / name, as_version=4),
        nbformat.read(ROOT / "source" / assignment / name, as_version=4),
    )
    shutil.copytree(ROOT / "release" / assignment, tmp_path / assignment)
    nbformat.write(filled, tmp_path / assignment / name)
    outputs = _execute(learner_python, tmp_path / assignment / name)
    errors = [f"{o['ename']}: {o['evalue']}" for o in outputs if o["output_type"] == "error"]
    assert not errors
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert printed.count("✓") >= 7, printed
    assert "✗" not in printed, printed


def test_the_start_here_notebook_runs(learner_python, tmp_path):
    shutil.copy2(ROOT / "start-here.ipynb", tmp_path / "start-here.ipynb")
    outputs = _execute(learner_python, tmp_path / "start-here.ipynb")
    assert not [o for o in outputs if o["output_type"] == "error"]
    printed = "".join(o.get("text", "") for o in outputs if o["output_type"] == "stream")
    assert "Your set-up works" in printed


def test_icp_says_how_to_install_the_facilitator_tools(learner_python, tmp_path):
    course = tmp_path / "course"
    (course / "source").mkdir(parents=True)
    shutil.copy2(ROOT / "nbgrader_config.py", course / "nbgrader_config.py")
    for command in (["build"], ["grade", "10", "00-getting-started"]):
        ran = subprocess.run(
            [str(learner_python.parent / "icp"), *command, "--root", str(course)],
            capture_output=True,
            text=True,
            timeout=120,
            env=LEARNER_ENV,
        )
        assert ran.returncode == 2, ran.stderr
        assert "Traceback" not in ran.stderr
        assert ran.stderr.startswith(f"icp {command[0]}: ") and INSTALL_HINT in ran.stderr
    assert not (course / "release").exists()
    helped = subprocess.run(
        [str(learner_python.parent / "icp"), "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        env=LEARNER_ENV,
    )
    assert helped.returncode == 0 and "build" in helped.stdout, "icp --help needs no tools"
