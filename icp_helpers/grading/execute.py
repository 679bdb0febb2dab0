"""Run one notebook's code cells in this (forked, fresh) process and log each cell's outputs.

The log is a file of JSON lines written as the run goes, so that whatever happens to the
process (a time limit, a memory limit, ``os._exit``) the grader knows which cells finished,
with what outputs, and which cell was running when it stopped::

    {"start": 3}
    {"done": 3, "outputs": [...], "execution_count": 2, "memory_error": false}
    {"finished": true}

:func:`read_run_log` reads such a log back.

>>> import tempfile, pathlib
>>> from icp_helpers.grading.limits import Limits
>>> from icp_helpers.grading.shell import make_shell
>>> cells = [{"cell_type": "code", "source": "x = 6 * 7"}, {"cell_type": "code", "source": "x"}]
>>> with tempfile.TemporaryDirectory() as tmp:
...     log = pathlib.Path(tmp) / "run.jsonl"
...     run_cells(make_shell(), cells, Limits(10, 5, 256), log, capture=False)
...     run = read_run_log(log)
>>> run.finished, run.outputs[1][0]["data"]["text/plain"]
(True, '42')
"""

from __future__ import annotations

import json
import os
import signal
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from icp_helpers.grading.limits import CellTimeoutError, Limits, cell_alarm
from icp_helpers.grading.shell import GradingShell, capture_streams

_TIMEOUT_OUTPUT = {
    "output_type": "error",
    "ename": "CellTimeoutError",
    "evalue": "",
    "traceback": ["CellTimeoutError: the cell ran past its time limit and was stopped"],
}


@dataclass
class RunLog:
    """What a run log says: outputs per finished cell index, the cell running at the end."""

    outputs: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    execution_counts: dict[int, int] = field(default_factory=dict)
    warnings: dict[int, list[str]] = field(default_factory=dict)
    timed_out_cells: list[int] = field(default_factory=list)
    memory_error_cells: list[int] = field(default_factory=list)
    running: int | None = None
    finished: bool = False
    exited: bool = False


def _write_line(log: Any, record: dict[str, Any]) -> None:
    log.write(json.dumps(record, default=str) + "\n")
    log.flush()


def _take(items: list[str]) -> list[str]:
    taken = list(items)
    items.clear()
    return taken


def _run_one(shell: GradingShell, source: str, seconds: float) -> tuple[bool, bool]:
    """Run one cell; return (timed out, raised MemoryError)."""
    try:
        with cell_alarm(seconds):
            result = shell.run_cell(source, store_history=True)
    except CellTimeoutError:
        shell.sink.add(dict(_TIMEOUT_OUTPUT))
        return True, False
    error = result.error_in_exec
    timed_out = isinstance(error, CellTimeoutError)
    if timed_out:  # IPython showed the traceback already; give it the kernel's name too
        shell.sink.outputs[-1:] = [dict(_TIMEOUT_OUTPUT)]
    return timed_out, isinstance(error, MemoryError)


def run_cells(
    shell: GradingShell,
    cells: list[dict[str, Any]],
    limits: Limits,
    log_path: Path,
    *,
    capture: bool = True,
) -> None:
    """Run every non-empty code cell of ``cells`` in order, logging each to ``log_path``.

    ``sys.stdout``/``sys.stderr`` point at the shell while cells run; with ``capture=False``
    (the doctest) they are put back afterwards, in the forked child they stay.
    """
    saved = sys.stdout, sys.stderr, warnings.showwarning
    capture_streams(shell)
    seconds = limits.cell_alarm_seconds()
    try:
        with open(log_path, "a", encoding="utf-8") as log:
            for index, cell in enumerate(cells):
                if cell.get("cell_type") != "code" or not str(cell.get("source", "")).strip():
                    continue
                _write_line(log, {"start": index})
                timed_out, memory_error = _run_one(shell, cell["source"], seconds)
                record = {
                    "done": index,
                    "outputs": shell.sink.take(),
                    "warnings": _take(shell.warning_texts),
                    "execution_count": shell.execution_count - 1,
                    "timed_out": timed_out,
                    "memory_error": memory_error,
                }
                _write_line(log, record)
                if shell.exit_now:
                    _write_line(log, {"exited": index})
                    return
            _write_line(log, {"finished": True})
    finally:
        if not capture:
            sys.stdout, sys.stderr, warnings.showwarning = saved


def read_run_log(log_path: Path) -> RunLog:
    """Read a run log; a torn last line (the process was killed mid-write) is ignored."""
    run = RunLog()
    if not log_path.exists():
        return run
    for line in log_path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            break
        if "start" in record:
            run.running = int(record["start"])
        elif "done" in record:
            index = int(record["done"])
            run.outputs[index] = record["outputs"]
            run.execution_counts[index] = record["execution_count"]
            run.warnings[index] = list(record.get("warnings", []))
            if record.get("timed_out"):
                run.timed_out_cells.append(index)
            if record.get("memory_error"):
                run.memory_error_cells.append(index)
            run.running = None
        elif "exited" in record:
            run.exited = True
        elif record.get("finished"):
            run.finished = True
    return run


def child_main(shell: GradingShell, job: dict[str, Any]) -> None:
    """Everything a forked child does: limits, folder, environment, then the cells.

    Never returns: the process ends with ``os._exit`` so no inherited clean-up runs.
    """
    from icp_helpers.grading.limits import apply_memory_limit

    code = 0
    try:
        os.setpgid(0, 0)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        limits = Limits(job["timeout"], job["cell_timeout"], job["memory_mb"])
        os.chdir(job["workdir"])
        os.environ.update(job.get("env", {}))
        sys.path.insert(0, "")
        cells = json.loads(Path(job["cells"]).read_text(encoding="utf-8"))
        apply_memory_limit(limits.memory_mb)
        run_cells(shell, cells, limits, Path(job["log"]))
    except BaseException:  # noqa: BLE001 - the child must always end through os._exit
        code = 70
    finally:
        os._exit(code)
