"""Grade a synthetic cohort (30 trainees x assignment 00) with stock nbgrader and with `icp grade`.

Both run on the same machine in the same run. Stock ``nbgrader autograde`` grades a course
copy; ``icp grade`` grades a real cohort folder (created, roster imported, released, the
same notebooks collected from an e-mailed zip), every notebook in its bubblewrap sandbox,
first with ``--jobs N`` and then again with ``--jobs 1 --force`` to show how it scales.
Prints each wall time, the ratios, and the per-notebook overhead above the cells' own time
(measured by running the solution's cells in a process that has already imported
everything). Usage: ``python benchmarks/bench_grading.py [--trainees 30] [--jobs 2]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import nbformat

from icp_helpers.course.nbgrader_runner import copy_course, nbgrader
from icp_helpers.course.wrong_answers import load_wrong_answers, wrong_answer_submissions
from icp_helpers.facilitator.cohort_folder import create_cohort
from icp_helpers.facilitator.collect import collect
from icp_helpers.facilitator.release import release
from icp_helpers.facilitator.roster import import_roster
from icp_helpers.grading.sandbox import sandbox_problem

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENT = "00-getting-started"


def cohort(size: int) -> dict[str, dict[str, nbformat.NotebookNode]]:
    """``size`` trainees: the solution and the wrong-answer fixtures, in turn."""
    source = ROOT / "source" / ASSIGNMENT
    variants = [{p.name: nbformat.read(p, as_version=4) for p in source.glob("*.ipynb")}]
    answers = load_wrong_answers(ROOT / "tests" / "fixtures" / ASSIGNMENT / "wrong_answers.yml")
    variants += list(wrong_answer_submissions(source, answers).values())
    return {f"t{n:02d}": variants[n % len(variants)] for n in range(size)}


def stock_course(destination: Path, trainees: dict) -> Path:
    """A course copy with the assignment generated and every notebook under submitted/."""
    course = copy_course(ROOT, destination)
    nbgrader(["generate_assignment", ASSIGNMENT, "--force"], course)
    for student, notebooks in trainees.items():
        folder = course / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        for name, notebook in notebooks.items():
            nbformat.write(notebook, folder / name)
    return course


def cohort_folder(destination: Path, trainees: dict) -> Path:
    """Cohort 10 created, its roster imported, the assignment released and collected."""
    folder, schedule = create_cohort(ROOT, "10", where=destination)
    roster = destination / "roster.csv"
    rows = [f"{t},Trainee,{t.upper()},{t}@example.org,Benchmarking" for t in trainees]
    roster.write_text("id,first_name,last_name,email,directorate\n" + "\n".join(rows) + "\n")
    import_roster(folder, roster)
    release(folder, ASSIGNMENT)
    sent = (schedule.dates_for(ASSIGNMENT).due - dt.timedelta(days=1)).timetuple()[:6]
    mail = destination / "mail.zip"
    with zipfile.ZipFile(mail, "w") as archive:
        for student, notebooks in trainees.items():
            for name, notebook in notebooks.items():
                archive.writestr(
                    zipfile.ZipInfo(f"{student}_{name}", sent), nbformat.writes(notebook)
                )
    collect(folder, ASSIGNMENT, mail)
    return folder.root


def icp_grade(cohorts: Path, *options: str) -> float:
    """Seconds ``icp grade 10 <assignment> <options>`` takes, start to finish."""
    command = [sys.executable, "-m", "icp_helpers.cli", "grade", "10", ASSIGNMENT, *options]
    command += ["--root", str(ROOT), "--cohorts-dir", str(cohorts)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"icp grade failed:\n{done.stdout}\n{done.stderr}")
    return seconds


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
        stock_root = stock_course(work / "stock", trainees)
        cohorts = work / "cohorts"
        cohort_folder(cohorts, trainees)
        start = time.perf_counter()
        nbgrader(["autograde", ASSIGNMENT, "--force"], stock_root)
        stock = time.perf_counter() - start
        ours = icp_grade(cohorts, "--jobs", str(args.jobs))
        one_job = icp_grade(cohorts, "--jobs", "1", "--force")
        cells = cells_own_time()
        n = args.trainees
        sandbox = "on (bubblewrap)" if sandbox_problem() is None else "NOT AVAILABLE"
        print(f"{n} trainees x {ASSIGNMENT}, {os.cpu_count()} cores, sandbox {sandbox}")
        print(f"stock nbgrader autograde:   {stock:7.1f} s  ({stock / n:.2f} s per notebook)")
        print(
            f"icp grade --jobs {args.jobs}:          {ours:7.1f} s  ({ours / n:.2f} s per notebook)"
        )
        print(f"icp grade --jobs 1:          {one_job:7.1f} s  ({one_job / n:.2f} s per notebook)")
        print(f"ratio (stock / icp grade --jobs {args.jobs}): {stock / ours:5.1f}x")
        print(f"ratio (stock / icp grade --jobs 1): {stock / one_job:5.1f}x")
        print(f"scaling (icp grade --jobs 1 / --jobs {args.jobs}): {one_job / ours:5.2f}x")
        print(f"cells' own time per notebook: {cells:.3f} s")
        print(
            "overhead per notebook above the cells' own time: "
            f"stock {stock / n - cells:.2f} s, icp grade --jobs 1 {one_job / n - cells:.2f} s, "
            f"--jobs {args.jobs} {ours / n - cells:.2f} s (wall time per notebook)"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
