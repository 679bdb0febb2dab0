"""The capstone's chart follows assignment 05's rule for recalculating limits (05, Section 8):
once a change has held (a sustained signal, explained, with at least 12 points since), the chart a
sponsor sees has a new phase from the change, not the baseline limits frozen for ever."""

from __future__ import annotations

from pathlib import Path

import matplotlib
import nbformat
import pandas as pd

from icp_helpers.datasets import describe

ROOT = Path(__file__).resolve().parents[1]
CAPSTONE = ROOT / "source" / "06-sustain-spread-report" / "capstone.ipynb"


def _run_the_chart_section() -> dict:
    """Run the capstone's code cells before '## 2. The evidence for a score' (its solutions)."""
    matplotlib.use("Agg")
    namespace: dict = {}
    for cell in nbformat.read(CAPSTONE, as_version=4).cells:
        if "## 2. The evidence for a score" in cell.source:
            break
        if cell.cell_type == "code" and not cell.metadata.get("nbgrader", {}).get("grade"):
            exec(compile(cell.source, cell.get("id", "cell"), "exec"), namespace)  # noqa: S102
    return namespace


def test_the_sponsors_chart_starts_a_new_phase_once_the_change_has_held():
    entry = describe("violence")
    chart = _run_the_chart_section()["capstone_chart"]
    after = chart.points["x"] >= entry.change_date
    assert int(after.sum()) >= 12  # enough points since the change for limits of its own
    assert [int(n) for n in chart.summary["n_obs"]] == [entry.baseline_points, int(after.sum())]
    first_of_new_phase = chart.points.loc[chart.points["part"] == 2, "x"].iloc[0]
    assert first_of_new_phase == pd.Timestamp(entry.change_date)
