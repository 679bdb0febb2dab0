"""What a cohort's nbgrader commands cost, in CPU-seconds: a new Python each, or this process.

A cohort (made with ``create_cohort`` in a scratch folder, with an exchange) generates and
releases assignment 00 five times each way, and reports the median CPU time (this process
and its children) of one ``generate_assignment`` and of one ``release_assignment``:

* **new Python**: ``python -m nbgrader ...`` in the cohort folder, as ``icp`` ran them before;
* **this process**: :func:`icp_helpers.course.nbgrader_here.run_in_this_process`, once
  nbgrader is imported (``icp`` imports it for the gradebook anyway).

Usage: ``python benchmarks/bench_nbgrader_here.py``.
"""

from __future__ import annotations

import resource
import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from icp_helpers.course.nbgrader_here import run_in_this_process
from icp_helpers.course.nbgrader_runner import nbgrader_command_line
from icp_helpers.facilitator.cohort_folder import create_cohort

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "00-getting-started"
RUNS = 5


def cpu_now() -> float:
    """CPU time (user + system) used so far by this process and its finished children."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def median_cpu(step: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        started = cpu_now()
        step()
        times.append(cpu_now() - started)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        folder, _ = create_cohort(ROOT, "10", where=base / "cohorts", exchange=base / "exchange")
        (base / "exchange").mkdir()
        root = folder.root
        run_in_this_process(["generate_assignment", ASSIGNMENT, "--force"], root)  # imports
        for command in ("generate_assignment", "release_assignment"):
            args = [command, ASSIGNMENT, "--force"]
            apart = median_cpu(lambda args=args: nbgrader_command_line(args, root))
            here = median_cpu(lambda args=args: run_in_this_process(args, root))
            print(f"{command:20s} new Python {apart:5.2f} CPU-s   this process {here:5.2f} CPU-s")


if __name__ == "__main__":
    main()
