"""Grade a synthetic cohort (30 trainees x assignment 00) with stock nbgrader and with ours.

Both run on the same machine in the same run, on separate course copies. Prints each
one's wall time, the ratio, and the per-notebook overhead above the cells' own time
(the cells' own time is measured by running the solution's cells once in a warmed
process). Usage: ``python benchmarks/bench_grading.py [--trainees 30] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from icp_helpers.course.nbgrader_runner import copy_course, nbgrader
from icp_helpers.course.wrong_answers import load_wrong_answers, wrong_answer_submissions
from icp_helpers.grading import grade_submissions

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "00-getting-started"


def cohort(size: int) -> dict[str, dict[str, nbformat.NotebookNode]]:
    """``size`` trainees: the solution and the wrong-answer fixtures, in turn."""
    source = ROOT / "source" / ASSIGNMENT
    variants = [{p.name: nbformat.read(p, as_version=4) for p in source.glob("*.ipynb")}]
    answers = load_wrong_answers(ROOT / "tests" / "fixtures" / ASSIGNMENT / "wrong_answers.yml")
    variants += list(wrong_answer_submissions(source, answers).values())
    return {f"t{n:02d}": variants[n % len(variants)] for n in range(size)}


def lay_out(destination: Path, trainees: dict) -> Path:
    course = copy_course(ROOT, destination)
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    for student, notebooks in trainees.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for name, notebook in notebooks.items():
            nbformat.write(notebook, folder / name)
    return course


def cells_own_time() -> float:
    """Seconds the solution's cells take by themselves, imports already done."""
    from icp_helpers.grading.shell import make_shell, run_source

    notebook = nbformat.read(ROOT / "source" / ASSIGNMENT / "getting-started.ipynb", 4)
    shell = make_shell()
    cwd = os.getcwd()
    os.chdir(ROOT / "source" / ASSIGNMENT)
    try:
        for cell in notebook.cells:  # first pass pays the imports
            if cell.cell_type == "code":
                run_source(shell, cell.source)
        start = time.perf_counter()
        for cell in notebook.cells:
            if cell.cell_type == "code":
                run_source(shell, cell.source)
        return time.perf_counter() - start
    finally:
        os.chdir(cwd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    trainees = cohort(args.trainees)
    work = Path(tempfile.mkdtemp(prefix="icp-bench-grading-"))
    try:
        stock_course = lay_out(work / "stock", trainees)
        ours_course = lay_out(work / "ours", trainees)
        start = time.perf_counter()
        nbgrader(["autograde", ASSIGNMENT, "--force"], stock_course)
        stock = time.perf_counter() - start
        start = time.perf_counter()
        report = grade_submissions(ours_course, ASSIGNMENT, jobs=args.jobs)
        ours = time.perf_counter() - start
        cells = cells_own_time()
        n = args.trainees
        print(f"{n} trainees x {ASSIGNMENT}, {os.cpu_count()} cores, jobs={args.jobs}")
        print(f"stock nbgrader autograde: {stock:7.1f} s  ({stock / n:.2f} s per notebook)")
        print(f"icp grading engine:       {ours:7.1f} s  ({ours / n:.2f} s per notebook)")
        print(f"ratio (stock / ours):     {stock / ours:7.1f}x")
        print(f"cells' own time per notebook: {cells:.3f} s")
        print(
            f"overhead per notebook above the cells: stock {stock / n - cells:.2f} s, "
            f"ours {ours / n - cells:.2f} s (wall time per notebook, {args.jobs} at once)"
        )
        print(f"outcomes: {report.counts()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
