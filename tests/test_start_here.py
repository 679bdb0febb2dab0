"""start-here.ipynb, a self-study learner's map: it agrees with the syllabus and rubrics,
its links lead somewhere, it is stored without outputs, and it runs cleanly."""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from icp_helpers.course.gates import stored_outputs

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "start-here.ipynb"
SYLLABUS = yaml.safe_load((ROOT / "course" / "syllabus.yml").read_text(encoding="utf-8"))
#: Session ids as the programme names them (the cohort template's titles).
SESSIONS = {
    session["id"]: session["title"]
    for session in yaml.safe_load(
        (ROOT / "course" / "cohorts" / "template.yml").read_text(encoding="utf-8")
    )["sessions"]
}


def _cell(cell_id: str) -> str:
    cells = nbformat.read(NOTEBOOK, as_version=4).cells
    found = [cell.source for cell in cells if cell.get("id") == cell_id]
    assert found, f"start-here.ipynb has no cell with id {cell_id!r}"
    return found[0]


def _table_rows(text: str) -> list[list[str]]:
    """The body rows of the Markdown tables in ``text``, as lists of cell texts."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.match(r"^\|[\s:|-]+\|$", line):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def _sections(text: str) -> dict[str, str]:
    """The text under each ``### heading``, by heading."""
    parts = re.split(r"^### (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_the_contents_table_agrees_with_the_syllabus():
    rows = _table_rows(_cell("contents"))[1:]  # the first row is the header
    entries = SYLLABUS["assignments"]
    assert [row[0] for row in rows] == [entry["id"][:2] for entry in entries]
    for row, entry in zip(rows, entries, strict=True):
        number, title, notebooks, released, due, time = row
        assert title == entry["title"]
        links = re.findall(r"\[([^]]+)\]\(([^)]+)\)", notebooks)
        assert [name for name, _ in links] == entry["notebooks"]
        for name, target in links:
            assert target == f"release/{entry['id']}/{name}"
        assert released == SESSIONS[entry["released_after"]]
        assert due == SESSIONS[entry["due_before"]]
        assert time == f"{entry['time_to_allow_minutes']} minutes"


def test_the_total_time_to_allow_is_the_sum_of_the_assignments():
    total = sum(entry["time_to_allow_minutes"] for entry in SYLLABUS["assignments"])
    stated = re.search(r"together they come to about (\d+) hours", _cell("contents"))
    assert stated and int(stated.group(1)) == round(total / 60), total


def test_each_assignment_lists_its_objectives_from_the_syllabus():
    sections = _sections(_cell("contents"))
    for entry in SYLLABUS["assignments"]:
        heading = f"{entry['id'][:2]} {entry['title']}"
        assert heading in sections, f"no section '### {heading}'"
        bullets = re.findall(r"^- (.+)$", sections[heading], flags=re.MULTILINE)
        assert bullets == [objective["text"] for objective in entry["objectives"]]


def test_the_rubrics_shown_to_learners_are_the_course_rubrics():
    sections = _sections(_cell("rubrics"))
    for entry in SYLLABUS["assignments"]:
        rubric = yaml.safe_load((ROOT / entry["rubric"]).read_text(encoding="utf-8"))
        heading = f"{entry['id'][:2]} {entry['title']}"
        assert heading in sections, f"no section '### {heading}'"
        # one paragraph and table per hand-marked cell, in the rubric's order
        blocks = re.split(r"^(?=For the )", sections[heading], flags=re.MULTILINE)[1:]
        assert len(blocks) == len(rubric["cells"]), heading
        for cell, text in zip(rubric["cells"], blocks, strict=True):
            what = (
                "the reflection"
                if cell["grade_id"] == "reflection"
                else f"the hand-marked answer `{cell['grade_id']}`"
            )
            assert text.startswith(f"For {what} in `{rubric['notebook']}`"), text[:80]
            assert cell["question"] in text
            assert f"{cell['points']} marks" in text
            wanted = [[str(level["score"]), level["looks_like"]] for level in cell["levels"]]
            assert _table_rows(text)[1:] == wanted


def test_the_glossary_defines_the_courses_terms():
    terms = re.findall(r"^\*\*(.+?)\*\*", _cell("glossary"), flags=re.MULTILINE)
    assert terms == sorted(terms, key=str.casefold), "the glossary is in alphabetical order"
    for term in (
        "Anhøj rules",
        "Balancing measure",
        "Common-cause variation",
        "Control limits",
        "Crossings",
        "Driver diagram",
        "Mean moving range (MR̄)",
        "p′ chart",
        "PDSA cycle",
        "Run",
        "Shift",
        "Sigma (σ)",
        "Special-cause variation",
        "SPC",
        "Trend",
        "u chart",
        "Useful observations",
    ):
        assert term in terms, f"the glossary has no entry for {term}"


def test_links_lead_somewhere():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    assert len(targets) >= 15, "the links were not found"
    for target in targets:
        if target.startswith("https://"):
            continue
        assert not target.startswith("http:"), f"{target}: use https"
        # `jupyter lab start-here.ipynb` serves the notebook's folder and nothing above it
        assert not target.startswith(("/", "..")), f"{target} is outside the folder served"
        assert (NOTEBOOK.parent / target).is_file(), f"{target} does not exist"
    for source in ("ihi.org", "england.nhs.uk", "qicharts2", "10.1371/journal.pone.0113825"):
        assert source in text, f"no further reading from {source}"


def test_it_is_stored_without_outputs():
    assert stored_outputs([NOTEBOOK]) == []


def test_the_readme_sends_learners_to_it():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "jupyter lab start-here.ipynb" in readme


@pytest.mark.slow
def test_it_runs_cleanly_from_top_to_bottom():
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    env = {**os.environ, "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    env.pop("NBGRADER_EXECUTION", None)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": NOTEBOOK.parent}},
    )
    client.execute(env=env)
    outputs = [output for cell in notebook.cells for output in cell.get("outputs", [])]
    assert not [output for output in outputs if output.output_type == "error"]
    printed = "".join(output.get("text", "") for output in outputs)
    assert "Your set-up works" in printed
    assert "✓ Example" in printed and "✗ Example" in printed
    assert any("image/png" in output.get("data", {}) for output in outputs), "no chart drawn"
