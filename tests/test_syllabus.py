"""The syllabus and rubrics agree with the notebooks they describe."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
import yaml

from icp_helpers.course.release import assignment_names

ROOT = Path(__file__).resolve().parents[1]
SYLLABUS = yaml.safe_load((ROOT / "course" / "syllabus.yml").read_text(encoding="utf-8"))
ENTRIES = {entry["id"]: entry for entry in SYLLABUS["assignments"]}


def _graded_cells(assignment: str) -> dict[str, tuple[str, float]]:
    cells = {}
    for path in sorted((ROOT / "source" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                kind = "autograded" if cell.cell_type == "code" else "manual"
                cells[meta["grade_id"]] = (kind, float(meta["points"]))
    return cells


def test_every_assignment_is_in_the_syllabus_and_back():
    assert sorted(ENTRIES) == assignment_names(ROOT)


@pytest.mark.parametrize("assignment", assignment_names(ROOT))
def test_objectives_map_to_every_graded_cell(assignment):
    entry = ENTRIES[assignment]
    graded = _graded_cells(assignment)
    mapped = {
        grade_id for objective in entry["objectives"] for grade_id in objective["assessed_by"]
    }
    assert mapped - set(graded) == set(), "objectives name cells that do not exist"
    assert set(graded) - mapped == set(), "graded cells that no objective maps"
    for kind in ("autograded", "manual"):
        total = sum(points for k, points in graded.values() if k == kind)
        assert entry["points"][kind] == total, (
            f"{kind} points in the syllabus differ from the notebook"
        )
    assert [path.name for path in sorted((ROOT / "source" / assignment).glob("*.ipynb"))] == sorted(
        entry["notebooks"]
    )


@pytest.mark.parametrize("assignment", assignment_names(ROOT))
def test_rubric_covers_every_manual_cell_with_zero_partial_and_full(assignment):
    rubric = yaml.safe_load((ROOT / ENTRIES[assignment]["rubric"]).read_text(encoding="utf-8"))
    graded = _graded_cells(assignment)
    manual = {gid: points for gid, (kind, points) in graded.items() if kind == "manual"}
    assert manual, "every assignment has at least one manually graded reflection"
    by_cell = {cell["grade_id"]: cell for cell in rubric["cells"]}
    assert set(by_cell) == set(manual)
    for grade_id, points in manual.items():
        scores = [level["score"] for level in by_cell[grade_id]["levels"]]
        assert by_cell[grade_id]["points"] == points
        assert 0 in scores and points in scores and any(0 < s < points for s in scores)
        assert all(level["looks_like"].strip() for level in by_cell[grade_id]["levels"])
