"""``benchmarks/suite_time.py``, through which ``.ci/run`` runs the README's test command, passes
on the command's exit code and ends with its wall time and how busy the CPUs were."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import ROOT

SUITE_TIME = ROOT / "benchmarks" / "suite_time.py"


def _timed(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SUITE_TIME), *command], capture_output=True, text=True
    )


def test_the_commands_exit_code_is_passed_on():
    assert _timed(sys.executable, "-c", "raise SystemExit(3)").returncode == 3
    assert _timed(sys.executable, "-c", "pass").returncode == 0


def test_the_last_line_gives_the_wall_time_and_the_busy_cpu_seconds():
    done = _timed(sys.executable, "-c", "sum(i * i for i in range(2_000_000))")
    last = done.stdout.splitlines()[-1]
    found = re.fullmatch(
        r"test suite time: (\d+) s; the (\d+) CPUs were busy (\d+) of their (\d+) "
        r"CPU-seconds \((\d+)%\): .*python.* -c sum\(.*\)",
        last,
    )
    assert found, last
    cpus, busy, available = int(found[2]), int(found[3]), int(found[4])
    assert cpus >= 1
    assert busy <= available + cpus, "busy CPU-seconds cannot exceed those the CPUs had"
