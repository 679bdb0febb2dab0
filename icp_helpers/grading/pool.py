"""The grader's side of a grading slot: a warmed worker, its folder, one notebook at a time.

Each slot has a folder of its own (``<scratch>/slot-N/work``) that the grader fills before
each notebook with that submission's files and the assignment's pristine data files, and
a warmed worker (:mod:`icp_helpers.grading.worker`) that runs, sandboxed, in that folder
(see :mod:`icp_helpers.grading.sandbox`).

>>> import tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp, Slot(pathlib.Path(tmp), ["json"],
...                                                 sandboxed=False) as slot:
...     slot.submit({"id": "a", "cells": [{"index": 0, "source": "6 * 7"}],
...                  "timeout": 20, "cell_timeout": 10, "memory_mb": 256})
...     reports = slot.reports_until_ending()
>>> [sorted(r) for r in reports][1][:2], reports[-1]["ending"]["finished"]
(['cell', 'execution_count'], True)
"""

from __future__ import annotations

import json
import math
import os
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from icp_helpers.grading.sandbox import WORKDIR, sandbox_command

#: Seconds past a job's time limit that a slot waits for its worker to report how the job
#: ended (the worker stops the notebook at the limit and reports within a second or two). A
#: worker silent for longer has been frozen: a notebook can send its worker SIGSTOP, which no
#: process can refuse.
UNANSWERED_GRACE = 15.0


class WorkerError(RuntimeError):
    """The warmed worker could not start or stopped unexpectedly."""


class WorkerSilent(WorkerError):
    """The worker said nothing past its job's time limit and :data:`UNANSWERED_GRACE`; close
    the slot (which kills it) before using it again."""


class Slot:
    """One job slot: a warmed (and, normally, sandboxed) worker and the folder it works in."""

    def __init__(self, folder: Path, preload: list[str], *, sandboxed: bool = True) -> None:
        self.folder = folder
        self.work = folder / "work"
        self.sandboxed = sandboxed
        self._preload = list(preload)
        self._process: subprocess.Popen[bytes] | None = None
        self._pending = b""
        self._answer_by = math.inf  # time.monotonic() by which the running job must end

    def __enter__(self) -> Slot:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def fileno(self) -> int:
        """The worker's report pipe (so that ``select`` can wait on several slots at once)."""
        assert self._process is not None and self._process.stdout is not None
        return self._process.stdout.fileno()

    def start(self) -> None:
        """Start the worker and wait until it has imported everything and is ready."""
        self.launch()
        self.wait_until_ready()

    def launch(self) -> None:
        """Start the worker without waiting for it (see :meth:`wait_until_ready`)."""
        self.work.mkdir(parents=True, exist_ok=True)
        self._pending = b""
        self._answer_by = math.inf
        command = [sys.executable, "-m", "icp_helpers.grading.worker", *self._preload]
        environment = None
        if self.sandboxed:
            command = sandbox_command(self.work, [*command, "--sandboxed"])
        else:
            environment = {**os.environ, "MPLBACKEND": "Agg"}
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            bufsize=0,
            cwd=self.work,
            env=environment,
            start_new_session=True,
        )

    def wait_until_ready(self) -> None:
        """Wait until the launched worker has imported everything it preloads."""
        first = self.read()
        if not first.get("ready"):
            raise WorkerError(f"the grading worker did not start properly: {first}")

    def fill(self, files: list[tuple[Path, Path]]) -> None:
        """Empty the slot's folder and put ``(source file, path inside the folder)`` in it."""
        for entry in self.work.iterdir():
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        for source, relative in files:
            target = self.work / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)

    def submit(self, job: dict[str, Any]) -> None:
        """Hand one notebook's job to the worker (its folder is this slot's folder)."""
        assert self._process is not None and self._process.stdin is not None
        workdir = WORKDIR if self.sandboxed else str(self.work)
        try:
            self._process.stdin.write((json.dumps({**job, "workdir": workdir}) + "\n").encode())
            self._process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise WorkerError("the grading worker stopped unexpectedly") from error
        self._answer_by = time.monotonic() + float(job["timeout"]) + UNANSWERED_GRACE

    def seconds_left(self) -> float:
        """How long :meth:`read` will still wait for the running job's next report
        (infinite when no job is running)."""
        return self._answer_by - time.monotonic()

    def has_report(self) -> bool:
        """Whether a whole report is already waiting to be taken (no need to wait)."""
        return b"\n" in self._pending

    def read(self) -> dict[str, Any]:
        """The worker's next report: waits for it, but not past the running job's time limit
        and :data:`UNANSWERED_GRACE` (then raises :class:`WorkerSilent`)."""
        while b"\n" not in self._pending:
            left = self.seconds_left()
            if left < math.inf and not select.select([self.fileno()], [], [], max(left, 0))[0]:
                raise WorkerSilent("the grading worker said nothing past the time limit")
            chunk = os.read(self.fileno(), 1 << 16)
            if not chunk:
                raise WorkerError("the grading worker stopped unexpectedly")
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        report = json.loads(line)
        if "ending" in report:
            self._answer_by = math.inf
        return report

    def reports_until_ending(self) -> list[dict[str, Any]]:
        """Every report of the running job, up to and including its ending."""
        reports = [self.read()]
        while "ending" not in reports[-1]:
            reports.append(self.read())
        return reports

    def close(self) -> None:
        """Stop the worker. A sandboxed one is killed at once: the sandbox goes with it, and
        everything in it. One outside a sandbox is asked to stop (closing its input, so it
        kills a running child first) and killed only if it does not."""
        if self._process is None:
            return
        process, self._process = self._process, None
        try:
            if process.stdin:
                process.stdin.close()
            if self.sandboxed:
                process.kill()
            process.wait(timeout=10)
        except (subprocess.TimeoutExpired, OSError):
            process.kill()
            process.wait()
        finally:
            if process.stdout:
                process.stdout.close()
