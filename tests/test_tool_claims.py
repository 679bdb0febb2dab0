"""What the course says about other tools is said truly: where tools differ, the text names which
tool does what (issue 14, error 4).

- Making Data Count and screening of large moving ranges: NHS England's spreadsheet does not
  screen; the R package NHSRplotthedots screens by default. A passage about one must name both.
- The g chart's centre line: the median is qicharts2's convention; Benneyan's g chart uses the
  mean. A passage that puts a median on a g chart must say whose convention it is.
- Laney's p′ and u′ charts follow evidence of over-dispersion on a p or u chart, not the size of
  the denominators alone.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import nbformat
import pytest

from icp_helpers.datasets import describe, names

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_05 = ROOT / "source" / "05-understanding-variation" / "understanding-variation.ipynb"


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


def _notebook_paragraphs(path: Path) -> list[str]:
    cells = nbformat.read(path, as_version=4).cells
    return [p for cell in cells if cell.cell_type == "markdown" for p in _paragraphs(cell.source)]


def _docstring_paragraphs(folder: Path) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef):
                found += _paragraphs(ast.get_docstring(node) or "")
    return found


@cache
def _texts() -> dict[str, list[str]]:
    return {
        "05": _notebook_paragraphs(NOTEBOOK_05),
        "README.md": _paragraphs((ROOT / "README.md").read_text(encoding="utf-8")),
        "icp_helpers docstrings": _docstring_paragraphs(ROOT / "icp_helpers" / "charts"),
        "data dictionaries": [describe(name).suggested_chart for name in names()],
    }


def _about(pattern: str) -> list[tuple[str, str]]:
    every = [(where, paragraph) for where, found in _texts().items() for paragraph in found]
    return [(w, p) for w, p in every if re.search(pattern, p, re.IGNORECASE)]


def test_screening_of_moving_ranges_is_told_per_tool():
    passages = [
        (w, p) for w, p in _about(r"screen|3\.267|large moving range")
        if re.search(r"Making Data Count|\bmdc\b|plotthedots", p)
    ]
    assert passages, "expected the course to say how Making Data Count tools treat large ranges"
    wrong = [
        (w, p) for w, p in passages
        if "NHSRplotthedots" not in p or not re.search(r"spreadsheet|Excel", p)
    ]
    assert not wrong, wrong


def test_the_readme_claim_of_agreement_with_nhsrplotthedots_carries_the_screening_caveat():
    claims = [p for p in _texts()["README.md"] if re.search(r"agree\w* with NHSRplotthedots", p)]
    assert claims
    assert all("screen_mr" in p and "screen_outliers" in p for p in claims), claims


def test_a_median_on_a_g_chart_is_named_as_qicharts2s_convention():
    passages = [(w, p) for w, p in _about(r"\bg chart") if re.search(r"\bmedian\b", p)]
    assert passages, "expected the course to say what a g chart's centre line is"
    wrong = [(w, p) for w, p in passages if "qicharts2" not in p or "Benneyan" not in p]
    assert not wrong, wrong


@pytest.mark.parametrize("chart", ["p′", "u′"])
def test_laney_charts_follow_over_dispersion_not_the_size_of_n(chart):
    passages = [
        (w, p) for w, p in _about(re.escape(chart) + r"|Laney")
        if re.search(r"thousands|very large|large n\b|large denominators", p)
    ]
    wrong = [(w, p) for w, p in passages if not re.search(r"over-?dispers", p)]
    assert not wrong, wrong
