"""What one assignment's trial costs the test suite: generating it, grading its trial
submissions with the grading engine, and grading them with stock nbgrader, each kernel a new
Python (as nbgrader does) and forked from a warm one (as the suite does, tests/forked_kernels.py).

The suite's first minutes are every test worker building its share of the trials
(tests/conftest.py, ``trial_grading``); this shows where that time goes. CPU is read for the
whole machine (/proc/stat), because kernels, sandboxed graders and nbgrader's own children
are not all waited for by this process; run it on a machine doing nothing else.
Usage: ``python benchmarks/bench_trial.py [ASSIGNMENT ...]`` (default: all of them).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the suite's own trial set-up, tests/conftest.py

from icp_helpers.course.nbgrader_runner import (  # noqa: E402
    autograde,
    copy_course,
    nbgrader,
    nbgrader_command_line,
    place_submissions,
)
from icp_helpers.course.release import assignment_names  # noqa: E402
from icp_helpers.grading import grade_submissions  # noqa: E402
from tests.conftest import (  # noqa: E402
    _learner_preload,
    packed_wrong_answers,
    trial_submissions,
)
from tests.forked_kernels import KernelServer  # noqa: E402


def busy_seconds() -> float:
    """CPU-seconds the whole machine has spent busy since it started (all CPUs)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / 100


def measured(label: str, step: Callable[[], object]) -> tuple[float, float]:
    """Run ``step``; print and return its wall time and the machine's busy CPU-seconds."""
    started, busy = time.monotonic(), busy_seconds()
    step()
    wall, cpu = time.monotonic() - started, busy_seconds() - busy
    print(f"  {label:<22} {wall:6.1f} s wall {cpu:6.1f} CPU-s", flush=True)
    return wall, cpu


def trial(assignment: str, work: Path, kernels: KernelServer) -> dict[str, float]:
    """Build ``assignment``'s trial as the suite does (one stock shard) and time each part."""
    generated = work / "generated"
    copy_course(ROOT, generated)
    generate = measured(
        "generate", lambda: nbgrader(["generate_assignment", assignment, "--force"], generated)
    )
    submissions = {
        **trial_submissions(generated, assignment),
        **packed_wrong_answers(assignment)[0],
    }
    notebooks = len(submissions) * len(list((ROOT / "source" / assignment).glob("*.ipynb")))
    print(f"  {len(submissions)} submissions, {notebooks} notebooks to run in each grader")
    engine, stock, forked = (
        Path(shutil.copytree(generated, work / name)) for name in ("engine", "stock", "forked")
    )
    place_submissions(engine, assignment, submissions)
    _, engine_cpu = measured(
        "engine (--jobs 2)", lambda: grade_submissions(engine, assignment, jobs=2)
    )
    _, stock_cpu = measured("stock nbgrader", lambda: autograde(stock, assignment, submissions))
    place_submissions(forked, assignment, submissions)
    _, forked_cpu = measured(
        "stock, forked kernels",
        lambda: nbgrader_command_line(["autograde", assignment, "--force"], forked, kernels.env()),
    )
    return {
        "generate": generate[1],
        "engine": engine_cpu,
        "stock": stock_cpu,
        "stock forked": forked_cpu,
    }


def main(assignments: list[str]) -> None:
    totals = {"generate": 0.0, "engine": 0.0, "stock": 0.0, "stock forked": 0.0}
    started: list[KernelServer] = []
    measured("kernel server start", lambda: started.append(KernelServer(_learner_preload())))
    try:
        for assignment in assignments:
            print(assignment)
            with tempfile.TemporaryDirectory() as work:
                for part, cpu in trial(assignment, Path(work), started[0]).items():
                    totals[part] += cpu
    finally:
        started[0].close()
    print("CPU-seconds in all: " + ", ".join(f"{k} {v:.0f}" for k, v in totals.items()))


if __name__ == "__main__":
    main(sys.argv[1:] or assignment_names(ROOT))
