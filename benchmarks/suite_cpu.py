"""Where the test suite's CPU goes, by kind of process: the test workers themselves, the
sandboxed grading slots, the trials' kernels and stock nbgrader, Chromium, JupyterLab...

A per-test timer cannot see most of it: sandboxed slots, forked kernels and browsers are not
children the test waits for. This runs a command (by default the README's test command,
``make test``) with the kernel's process accounting on, which records every process that
ends with its CPU time and parent, while it notes each running process's command line five
times a second. Each process is then put under the first kind below that its own command
line or an ancestor's matches; a fork that never ran a new program shares its parent's
command line, so a forked kernel counts under its kernel server.

Needs root and the ``acct`` package (``apt-get install -y acct``), and a machine doing
nothing else: the total is compared with what /proc/stat says the machine did.
Usage: ``sudo python benchmarks/suite_cpu.py [COMMAND ...]``.

Measured on 2026-12-03 (2 cores, ``make test`` 815 s): 1,506 of the machine's 1,536 busy
CPU-seconds accounted for; test workers 450, sandboxed slots 299, the trials' kernel server
and forked kernels 168, the visible checks' shared runs 164, stock nbgrader 116, Chromium 86,
icp commands in their own process 67, JupyterLab 46, JupyterHub 41, pip and venv 41.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from suite_time import run_timed, summary  # this folder's; run as a script

#: (text in a command line, the kind of process it marks), most specific first.
KINDS = [
    ("forked_kernels.py serve", "the trials' kernel server and its forked kernels"),
    ("forked_kernels.py launch", "forked-kernel launchers"),
    ("learner_variants.py", "visible checks' shared runs"),
    ("bwrap", "sandboxed grading slots"),
    ("icp_helpers.grading.worker", "grading slots without a sandbox"),
    ("chromium", "Chromium"),
    ("jupyterlab", "JupyterLab and its kernels"),
    ("jupyterhub", "JupyterHub"),
    ("configurable-http-proxy", "JupyterHub's proxy"),
    ("-m nbgrader", "stock nbgrader"),
    ("ipykernel_launcher", "new kernels"),
    ("postgres", "PostgreSQL"),
    ("mypy", "mypy"),
    (" pip ", "pip and venv"),
    ("ensurepip", "pip and venv"),
    ("-m venv", "pip and venv"),
    ("icp_helpers.cli", "icp commands in their own process"),
    ("pytest", "test workers (tests run in-process)"),
]


def _note_command_lines(seen: dict[int, tuple[int, str]], stop: threading.Event) -> None:
    """Record each running process's parent and command line until ``stop`` is set."""
    while not stop.is_set():
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) in seen:
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                line = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            parent = int(stat[stat.rindex(")") + 2 :].split()[1])
            seen[int(entry)] = (parent, line.replace(b"\0", b" ").decode(errors="replace"))
        stop.wait(0.2)


def _ended(accounting: Path) -> list[tuple[int, int, str, float]]:
    """(pid, parent, name, CPU-seconds) of each process the accounting file records."""
    dumped = subprocess.run(
        ["dump-acct", str(accounting)], capture_output=True, text=True, check=True
    )
    ended = []
    for row in dumped.stdout.splitlines():
        cells = [cell.strip() for cell in row.split("|")]
        cpu = (float(cells[2]) + float(cells[3])) / 100  # user and system, in ticks
        ended.append((int(cells[9]), int(cells[10]), cells[0], cpu))
    return ended


def kind_of(pid: int, lines: dict[int, tuple[int, str]], parents: dict[int, int]) -> str:
    """The kind (:data:`KINDS`) of process ``pid``, from its and its ancestors' command lines.

    >>> lines = {1: (0, "init"), 7: (1, "python -m pytest -n auto"), 9: (7, "bwrap --die")}
    >>> kind_of(9, lines, {}), kind_of(7, lines, {}), kind_of(3, lines, {3: 9})
    ('sandboxed grading slots', 'test workers (tests run in-process)', 'sandboxed grading slots')
    """
    chain = []
    while pid and len(chain) < 50:
        parent, line = lines.get(pid, (parents.get(pid, 0), ""))
        chain.append(line)
        pid = parent
    for text, kind in KINDS:
        if any(text in line for line in chain):
            return kind
    return "other"


def main(command: list[str]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="suite-cpu-"))
    accounting = folder / "pacct"
    accounting.touch()
    seen: dict[int, tuple[int, str]] = {}
    stop = threading.Event()
    watcher = threading.Thread(target=_note_command_lines, args=(seen, stop), daemon=True)
    subprocess.run(["accton", str(accounting)], check=True, capture_output=True)
    try:
        watcher.start()
        code, wall, busy = run_timed(command)
    finally:
        stop.set()
        subprocess.run(["accton", "off"], check=True, capture_output=True)
    ended = _ended(accounting)
    parents = {pid: parent for pid, parent, _, _ in ended}
    by_kind: collections.Counter[str] = collections.Counter()
    for pid, _, _, cpu in ended:
        by_kind[kind_of(pid, seen, parents)] += cpu
    print(summary(command, wall, busy, os.cpu_count() or 1), f"(exit code {code})")
    print(f"{sum(by_kind.values()):8.0f} CPU-s in {len(ended)} processes that ended:")
    for kind, cpu in by_kind.most_common():
        print(f"{cpu:8.1f}  {kind}")
    (folder / "by_kind.json").write_text(json.dumps(dict(by_kind.most_common()), indent=1))
    print(f"(saved in {folder})")


if __name__ == "__main__":
    main(sys.argv[1:] or ["make", "test"])
