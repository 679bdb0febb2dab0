"""Run a command (by default the README's test command); say how long it took and how busy the
machine's CPUs were meanwhile. ``.ci/run`` runs the suite through it.

Usage: ``python benchmarks/suite_time.py [COMMAND ...]``; exits with the command's exit code.
Its last line reads, for example::

    test suite time: 702 s; the 2 CPUs were busy 1290 of their 1405 CPU-seconds (92%): make test

Busy time is the whole machine's (``/proc/stat``: user, nice, system and interrupts), so it
counts every process the command started, waited for or not: sandboxed grading workers,
kernels, browsers, the PostgreSQL server. Near 100%, the suite is bound by CPU and its wall
time is its work divided by the CPUs; well below, it spends time waiting. Where there is no
``/proc/stat``, only the wall time is given. ``suite_cpu.py`` splits the busy time by kind of
process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAT = Path("/proc/stat")


def busy_seconds() -> float | None:
    """CPU-seconds all CPUs have spent busy since boot, or None where /proc/stat is missing."""
    try:
        first_line = STAT.read_text().split("\n", 1)[0]
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq = map(int, first_line.split()[1:8])
    return (user + nice + system + irq + softirq) / os.sysconf("SC_CLK_TCK")


def run_timed(command: list[str]) -> tuple[int, float, float | None]:
    """Run ``command`` in the repository; its exit code, wall seconds and busy CPU-seconds."""
    busy, started = busy_seconds(), time.monotonic()
    code = subprocess.run(command, cwd=ROOT).returncode
    wall, busy_after = time.monotonic() - started, busy_seconds()
    if busy is None or busy_after is None:
        return code, wall, None
    return code, wall, busy_after - busy


def summary(command: list[str], wall: float, busy: float | None, cpus: int) -> str:
    """The line that reports a run.

    >>> summary(["make", "test"], 702.4, 1290.2, 2)
    'test suite time: 702 s; the 2 CPUs were busy 1290 of their 1405 CPU-seconds (92%): make test'
    >>> summary(["make", "test"], 702.4, None, 2)
    'test suite time: 702 s: make test'
    """
    line = f"test suite time: {wall:.0f} s"
    if busy is not None:
        available = max(cpus * wall, 1e-9)
        line += (
            f"; the {cpus} CPUs were busy {busy:.0f} of their {available:.0f} CPU-seconds"
            f" ({busy / available:.0%})"
        )
    return f"{line}: {' '.join(command)}"


if __name__ == "__main__":
    command = sys.argv[1:] or ["make", "test"]
    code, wall, busy = run_timed(command)
    print(summary(command, wall, busy, os.cpu_count() or 1), flush=True)
    sys.exit(code)
