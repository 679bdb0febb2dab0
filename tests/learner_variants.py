"""Run one notebook and many one-cell variants of it, sharing the cells before each change.

The visible-check tests run every wrong-answer fixture of a notebook: the same notebook each
time, with one answer cell replaced. Run one after another, each run repeats every cell
before the replaced one (measured: 43% of the work). This script runs the notebook once and,
just before each replaced cell, forks a copy of itself that runs the variant from there to
the end. A fork starts from exactly the state a full run would have reached at that cell,
so each variant prints what a full run of it prints (``tests/test_visible_checks.py``
compares a sample with full runs in a grading slot).

Cells run as in a grading slot (:mod:`icp_helpers.grading.worker`): the same modules
preloaded, the same shell, one cell at a time through ``run_request``, ``NBGRADER_EXECUTION``
unset as in a learner's JupyterLab. Unlike a slot it has no sandbox: it only runs the
course's own notebooks and fixtures.

Usage: ``python tests/learner_variants.py BATCH.json RESULTS.json``. The batch holds
``workdir``, ``preload`` (module names), ``cells`` (``code_cells`` of the notebook) and
``variants`` (name -> ``{"at": position in cells, "source": the replacement}``). The results
map each variant name to ``{"outputs": {cell index: outputs}, "ending": ...}``.

>>> _ending(finished=True)
{'status': 'exited', 'code': 0, 'finished': True}
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

CELL_SECONDS = 60


def _ending(finished: bool) -> dict[str, Any]:
    return {"status": "exited", "code": 0, "finished": finished}


def _run_cells(shell: Any, cells: list[dict[str, Any]]) -> dict[str, Any]:
    """Run ``cells`` in order; stop after a cell that asks to exit (as a kernel would)."""
    from icp_helpers.grading.execute import run_request

    outputs: dict[int, list] = {}
    for cell in cells:
        reply = run_request(shell, {"run": cell["index"], "source": cell["source"]}, CELL_SECONDS)
        outputs[cell["index"]] = reply["outputs"]
        if reply["exit_requested"]:
            return {"outputs": outputs, "ending": _ending(finished=False)}
    return {"outputs": outputs, "ending": _ending(finished=True)}


def _run_variant(shell: Any, cells: list[dict[str, Any]], at: int, source: str) -> dict:
    """Fork; the child runs ``cells[at:]`` with ``cells[at]``'s source replaced and sends its
    result (those cells' outputs) back. A child that dies without sending one did not finish."""
    # Frozen out of the garbage collector's reach, the objects made so far are not copied
    # into each child by its collections (as in a grading slot's worker).
    gc.freeze()
    readable, writable = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(readable)
        code = 0
        try:
            changed = [{**cells[at], "source": source}, *cells[at + 1 :]]
            with os.fdopen(writable, "w", encoding="utf-8") as channel:
                json.dump(_run_cells(shell, changed), channel, default=str)
        except BaseException:  # noqa: BLE001 - the child must always end through os._exit
            code = 70
        finally:
            os._exit(code)
    os.close(writable)
    with os.fdopen(readable, encoding="utf-8") as channel:
        said = channel.read()
    os.waitpid(pid, 0)
    if not said:
        return {"outputs": {}, "ending": _ending(finished=False)}
    ran = json.loads(said)
    return {**ran, "outputs": {int(i): shown for i, shown in ran["outputs"].items()}}


def main(batch_path: str, results_path: str) -> None:
    batch = json.loads(Path(batch_path).read_text(encoding="utf-8"))
    os.chdir(batch["workdir"])
    os.environ.pop("NBGRADER_EXECUTION", None)
    os.environ.setdefault("MPLBACKEND", "Agg")
    sys.path.insert(0, "")
    from icp_helpers.grading.shell import make_shell, warm_tracebacks
    from icp_helpers.grading.worker import preload

    preload(batch["preload"])
    shell = make_shell()
    warm_tracebacks(shell)
    null = os.open(os.devnull, os.O_RDWR)  # what C code prints goes nowhere, as in a slot;
    for fd in (0, 1):  # standard error stays, so that a crash here says why
        os.dup2(null, fd)
    cells = batch["cells"]
    results: dict[str, Any] = {}
    before: dict[int, list] = {}  # the solution's outputs of the cells run so far
    for position, cell in enumerate(cells):
        for name, variant in batch["variants"].items():
            if variant["at"] == position:
                ran = _run_variant(shell, cells, position, variant["source"])
                results[name] = {**ran, "outputs": {**before, **ran["outputs"]}}
        ran = _run_cells(shell, [cell])
        if not ran["ending"]["finished"]:
            raise SystemExit(f"the solution asks to exit at cell {cell['index']}")
        before.update(ran["outputs"])
    Path(results_path).write_text(json.dumps(results, default=str), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:3])
