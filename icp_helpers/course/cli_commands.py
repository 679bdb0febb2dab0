"""What ``icp build`` and ``icp check`` do: regenerate the release, then check every gate."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from icp_helpers.course import gates
from icp_helpers.course.release import assignment_names, generate_release, release_differences


def build(root: Path, assignments: list[str] | None = None) -> list[str]:
    """Regenerate ``release/`` (all of it, or the named assignments) from ``source/``.

    Each assignment's folder is replaced only once nbgrader has generated it in full,
    so a failure leaves the previous release in place. Returns the assignments built.
    """
    with tempfile.TemporaryDirectory(prefix="icp-build-") as tmp:
        fresh = generate_release(root, Path(tmp) / "release", assignments)
        built = sorted(folder.name for folder in fresh.iterdir())
        if assignments is None:
            for stale in (root / "release").glob("*"):
                if stale.name in built:
                    continue
                if stale.is_dir():
                    shutil.rmtree(stale)
                else:
                    stale.unlink()
        for name in built:
            target = root / "release" / name
            staging = root / "release" / f".{name}.new"
            shutil.copytree(fresh / name, staging)
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
    return built


def check(root: Path, say=print) -> int:
    """Check every gate on every assignment; print what fails; return the number of problems."""
    problems: list[str] = []
    say("Gate 1: notebooks stored without outputs")
    problems += _report(gates.stored_outputs(gates.notebooks_in(root)), say)
    say("Gate 2: release/ is what nbgrader generates from source/")
    with tempfile.TemporaryDirectory(prefix="icp-check-") as tmp:
        fresh = generate_release(root, Path(tmp) / "release")
        problems += _report(release_differences(root / "release", fresh), say)
    for assignment in assignment_names(root):
        say(f"Gate 3: {assignment}: source scores full marks, the blank release zero")
        problems += _report(gates.trial_problems(gates.autograde_trial(root, assignment)), say)
        for notebook in sorted((root / "source" / assignment).glob("*.ipynb")):
            say(f"Gate 4: {assignment}/{notebook.name} runs top to bottom")
            problems += _report(gates.run_problems(notebook), say)
    say("All gates pass." if not problems else f"{len(problems)} problem(s) found.")
    return len(problems)


def _report(problems: list[str], say) -> list[str]:
    for problem in problems:
        say(f"  ✗ {problem}")
    if not problems:
        say("  ✓ passes")
    return problems
