"""The grader's side of the warmed worker: start it, hand it jobs, collect endings.

>>> import json, tempfile, pathlib
>>> with tempfile.TemporaryDirectory() as tmp, WarmPool(["json"]) as pool:
...     folder = pathlib.Path(tmp)
...     _ = (folder / "cells.json").write_text(json.dumps([{"cell_type": "code", "source": "1"}]))
...     pool.submit({"id": "a", "workdir": tmp, "cells": str(folder / "cells.json"),
...                  "log": str(folder / "run.jsonl"), "timeout": 20, "cell_timeout": 10,
...                  "memory_mb": 256})
...     pool.next_ending()["status"]
'exited'
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any


class WorkerError(RuntimeError):
    """The warmed worker could not start or stopped unexpectedly."""


class WarmPool:
    """One warmed worker process that forks a fresh child per submitted job."""

    def __init__(self, preload: list[str], env: dict[str, str] | None = None) -> None:
        self._preload = list(preload)
        self._env = dict(os.environ if env is None else env)
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> WarmPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        """Start the worker and wait until it has imported everything and is ready."""
        self.launch()
        self.wait_until_ready()

    def launch(self) -> None:
        """Start the worker without waiting for it (see :meth:`wait_until_ready`)."""
        self._process = subprocess.Popen(
            [sys.executable, "-m", "icp_helpers.grading.worker", *self._preload],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self._env,
            start_new_session=True,
        )

    def wait_until_ready(self) -> None:
        """Wait until the launched worker has imported everything it preloads."""
        first = self._read()
        if not first.get("ready"):
            raise WorkerError(f"the grading worker did not start properly: {first}")

    def submit(self, job: dict[str, Any]) -> None:
        """Hand one job (see :mod:`icp_helpers.grading.worker`) to the worker."""
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write((json.dumps(job) + "\n").encode("utf-8"))
            self._process.stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise WorkerError("the grading worker stopped unexpectedly") from error

    def next_ending(self) -> dict[str, Any]:
        """Block until a child ends; return how it ended."""
        return self._read()

    def _read(self) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            raise WorkerError("the grading worker stopped unexpectedly")
        return json.loads(line)

    def close(self) -> None:
        """Close the worker's input (it kills any running child) and wait for it to exit."""
        if self._process is None:
            return
        process, self._process = self._process, None
        try:
            if process.stdin:
                process.stdin.close()
            process.wait(timeout=10)
        except (subprocess.TimeoutExpired, OSError):
            process.kill()
            process.wait()
        finally:
            if process.stdout:
                process.stdout.close()
