"""Every assignment's optional "your team's data" section: present, ungraded, and working.

The section is a heading cell and one code cell just before the closing "check your work" cell.
Its code cell must run unchanged (``MY_FILE = None``) without drawing anything or raising, and
print one line saying nothing was loaded. Pointed at a learner's export (a course data set saved
with the headings and date style a trust's system might use), with the learner's values set in
the named variables at its top, it must draw the notebook's chart from that file.

Each run executes the notebook's set-up cell (its imports) and then the section's cell in a fresh
namespace, from the notebook's own folder, with ``plt.show`` recording the figure it was given.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest

from icp_helpers.datasets import DataFileError, describe, load

ROOT = Path(__file__).resolve().parents[1]
HEADING = "## Optional: your team's data"

#: Assignment folder → the notebook that carries the section (06: not the capstone).
NOTEBOOKS = {
    "00-getting-started": "getting-started.ipynb",
    "01-coach-and-system": "coach-and-system.ipynb",
    "02-measurement": "measurement.ipynb",
    "03-run-charts": "run-charts.ipynb",
    "04-testing-changes": "testing-changes.ipynb",
    "05-understanding-variation": "understanding-variation.ipynb",
    "06-sustain-spread-report": "sustain-spread-report.ipynb",
}


def _notebook(folder: str, tree: str = "source") -> nbformat.NotebookNode:
    return nbformat.read(ROOT / tree / folder / NOTEBOOKS[folder], as_version=4)


def _section(nb: nbformat.NotebookNode) -> tuple[int, nbformat.NotebookNode]:
    """The section's heading cell's position and its code cell (the cell after the heading)."""
    found = [i for i, cell in enumerate(nb.cells) if cell.source.startswith(HEADING)]
    assert len(found) == 1, f"expected one cell headed {HEADING!r}, found {len(found)}"
    return found[0], nb.cells[found[0] + 1]


def _with_values(source: str, values: dict[str, object]) -> str:
    """The cell's source with each named variable's line set as a learner would set it."""
    for name, value in values.items():
        line = re.compile(rf"^{name} = .*$", re.MULTILINE)
        assert len(line.findall(source)) == 1, f"no single line setting {name} in the cell"
        source = line.sub(lambda _, text=f"{name} = {value!r}": text, source)
    return source


def _run(folder: str, values: dict[str, object], monkeypatch) -> tuple[str, list]:
    """Run the set-up cell, then the section's cell with ``values``; return (printed, figures)."""
    nb = _notebook(folder)
    setup = next(cell for cell in nb.cells if cell.cell_type == "code" and "import" in cell.source)
    _, cell = _section(nb)
    shown: list = []
    monkeypatch.setattr(plt, "show", lambda *args, **kwargs: shown.append(plt.gcf()))
    monkeypatch.chdir(ROOT / "source" / folder)
    printed = io.StringIO()
    plt.close("all")
    with contextlib.redirect_stdout(printed):
        namespace: dict[str, object] = {}
        exec(compile(setup.source, "set-up cell", "exec"), namespace)
        exec(compile(_with_values(cell.source, values), "own-data cell", "exec"), namespace)
    return printed.getvalue(), shown


# Learners' exports: course data sets with a trust system's headings and UK dates.


def _violence_export(folder: Path) -> Path:
    data = load("violence")
    path = folder / "willow_incidents_export.csv"
    pd.DataFrame({
        "Month": data["month"].dt.strftime("%d/%m/%Y"),
        "Incidents": data["incidents"],
        "Occupied bed days": data["occupied_bed_days"].map("{:,}".format),
    }).to_csv(path, index=False)
    return path


def _violence_excel(folder: Path) -> Path:
    data = load("violence")
    path = folder / "willow_incidents_export.xlsx"
    pd.DataFrame({"Month": data["month"], "Incidents": data["incidents"]}).to_excel(
        path, index=False
    )
    return path


def _triggers_export(folder: Path) -> Path:
    """Willow ward's incident triggers as a pivot table: a row per month, a column per trigger."""
    triggers = pd.read_csv(ROOT / "source" / "01-coach-and-system" / "incident_triggers.csv",
                           parse_dates=["date"])
    willow = triggers[triggers["ward"] == "Willow"]
    table = pd.crosstab(willow["date"].dt.strftime("%b-%y"), willow["trigger"])
    path = folder / "willow_triggers_by_month.csv"
    table.rename_axis("Month").reset_index().to_csv(path, index=False)
    return path


def _dna_export(folder: Path) -> Path:
    data = load("did_not_attend")
    path = folder / "north_cmht_dna.csv"
    pd.DataFrame({
        "Month": data["month"].dt.strftime("%d/%m/%Y"),
        "DNAs": data["dnas"],
        "Appointments": data["appointments"],
    }).to_csv(path, index=False)
    return path


def _months(path: Path) -> int:
    return len(pd.read_excel(path) if path.suffix == ".xlsx" else pd.read_csv(path))


_WILLOW_CHANGE = describe("violence").change_date.strftime("%Y-%m-%d")

#: (folder, export, the learner's values besides MY_FILE, what the chart must show).
CASES: list[tuple[str, Callable[[Path], Path], dict[str, object], str]] = [
    ("00-getting-started", _violence_export, {}, "points"),
    ("00-getting-started", _violence_excel, {}, "points"),
    ("01-coach-and-system", _triggers_export, {}, "bars"),
    ("02-measurement", _violence_export, {}, "points"),
    ("03-run-charts", _violence_export,
     {"MY_DENOMINATOR_COLUMN": "Occupied bed days", "MY_PER": 1000}, "points"),
    ("04-testing-changes", _violence_export,
     {"MY_CHANGES": {_WILLOW_CHANGE: "Safewards starts"}}, "points and note"),
    ("05-understanding-variation", _violence_export,
     {"MY_CHART": "u", "MY_DENOMINATOR_COLUMN": "Occupied bed days", "MY_PER": 1000,
      "MY_BASELINE_MONTHS": 22}, "points"),
    ("06-sustain-spread-report", _dna_export,
     {"MY_COUNT_COLUMN": "DNAs", "MY_DENOMINATOR_COLUMN": "Appointments", "MY_CHART": "p",
      "MY_PER": 100, "MY_BASELINE_MONTHS": 24}, "points"),
]


@pytest.mark.parametrize("folder", NOTEBOOKS)
def test_section_is_optional_ungraded_and_before_the_closing_cell(folder):
    nb = _notebook(folder)
    heading, cell = _section(nb)
    closing = next(i for i, c in enumerate(nb.cells) if c.get("id") == "check-text")
    assert heading + 2 == closing, "the section should come just before the closing cell"
    assert cell.cell_type == "code" and "MY_FILE = None" in cell.source
    for section_cell in nb.cells[heading:closing]:
        assert "nbgrader" not in section_cell.metadata, "the section must not be graded"
        for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "YOUR CODE HERE"):
            assert marker not in section_cell.source
    assert "patient" in nb.cells[heading].source and "information governance" in (
        nb.cells[heading].source
    )


@pytest.mark.parametrize("folder", NOTEBOOKS)
def test_release_carries_the_section_unchanged(folder):
    _, source_cell = _section(_notebook(folder))
    _, release_cell = _section(_notebook(folder, tree="release"))
    assert release_cell.source == source_cell.source


@pytest.mark.parametrize("folder", NOTEBOOKS)
def test_unchanged_cell_loads_nothing_and_says_how(folder, monkeypatch):
    printed, shown = _run(folder, {}, monkeypatch)
    lines = printed.strip().splitlines()
    assert len(lines) == 1 and "MY_FILE" in lines[0] and "No file loaded" in lines[0], printed
    assert shown == [] and plt.get_fignums() == []


@pytest.mark.parametrize(("folder", "export", "values", "drawn"), CASES,
                         ids=[f"{case[0]}-{case[1].__name__}" for case in CASES])
def test_cell_charts_a_learners_export(folder, export, values, drawn, tmp_path, monkeypatch):
    path = export(tmp_path)
    printed, shown = _run(folder, {"MY_FILE": str(path), **values}, monkeypatch)
    assert "No file loaded" not in printed
    assert len(shown) == 1, "the cell should draw one chart"
    axes = shown[0].axes
    if drawn == "bars":
        categories = len(pd.read_csv(path).columns) - 1
        assert any(len(ax.patches) >= categories for ax in axes), "expected one bar a category"
    else:
        months = _months(path)
        lengths = [len(line.get_xdata()) for ax in axes for line in ax.get_lines()]
        assert months in lengths, f"expected a line of {months} points, got {lengths}"
    if "note" in drawn:
        texts = [text.get_text() for ax in axes for text in ax.texts]
        assert any("Safewards starts" in text for text in texts), texts
    plt.close("all")


def test_a_change_date_missing_from_the_file_is_named_not_drawn(tmp_path, monkeypatch):
    path = _violence_export(tmp_path)
    changes = {_WILLOW_CHANGE: "Safewards starts", "2030-01-01": "Not in the file"}
    printed, shown = _run("04-testing-changes", {"MY_FILE": str(path), "MY_CHANGES": changes},
                          monkeypatch)
    assert printed.strip().splitlines() == [
        f"No row for 01 January 2030 in {path}, so its note is not shown: use a date from the "
        "'Month' column."
    ]
    texts = [text.get_text() for ax in shown[0].axes for text in ax.texts]
    assert not any("Not in the file" in text for text in texts)
    plt.close("all")


def test_a_heading_that_is_not_in_the_file_gets_the_loaders_plain_message(tmp_path, monkeypatch):
    path = _violence_export(tmp_path)
    wanted = r"has no column 'incidents' \(did you mean 'Incidents'\?\)"
    with pytest.raises(DataFileError, match=wanted):
        _run("03-run-charts", {"MY_FILE": str(path), "MY_MEASURE_COLUMN": "incidents"},
             monkeypatch)
