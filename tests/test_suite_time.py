"""``benchmarks/suite_time.py``, through which ``.ci/run`` runs the README's test command: it
passes on the command's exit code, ends with its report line, and counts busy CPU-seconds in
seconds. (The line's wording is checked by the script's own examples, tests/test_benchmarks.py.)"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time

from .conftest import ROOT

BENCHMARKS = ROOT / "benchmarks"


def test_the_commands_exit_code_is_passed_on_after_the_report_line():
    for code in (3, 0):
        done = subprocess.run(
            [
                sys.executable,
                str(BENCHMARKS / "suite_time.py"),
                sys.executable,
                "-c",
                f"raise SystemExit({code})",
            ],
            capture_output=True,
            text=True,
        )
        assert done.returncode == code
        assert done.stdout.splitlines()[-1].startswith("test suite time: "), done.stdout


def test_busy_seconds_count_this_process_s_work_and_no_more_than_the_cpus_had(monkeypatch):
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    busy_seconds = importlib.import_module("suite_time").busy_seconds
    tick = 1 / os.sysconf("SC_CLK_TCK")
    busy, cpu, wall = busy_seconds(), time.process_time(), time.monotonic()
    while time.process_time() - cpu < 0.3:  # this process's own work, part of the machine's
        pass
    busy, cpu, wall = busy_seconds() - busy, time.process_time() - cpu, time.monotonic() - wall
    assert busy >= cpu - 5 * tick, f"{busy:.2f} busy CPU-seconds for {cpu:.2f} of this process"
    cpus = os.cpu_count() or 1  # /proc/stat adds up every CPU of the machine
    assert busy <= cpus * wall + 5 * tick, f"{busy:.2f} busy CPU-seconds in {wall:.2f} s"
