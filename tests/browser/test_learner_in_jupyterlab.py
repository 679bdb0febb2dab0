"""What a learner sees in JupyterLab: Run All in a real browser, with one documented mistake.

For assignments 00, 03 and 05, the release notebook is answered from the solutions except
for one mistake the teaching text warns about (taken from the wrong-answer fixtures). A
learner working alone must see that exercise's self-checks as one line each, ✗ with a hint
(never a traceback, never ✓), every self-check before it ✓, the charts drawn, and Run All
must reach the closing ``check_your_work()`` table, which agrees with the lines above it.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from icp_helpers.course.answers import filled_release
from icp_helpers.course.wrong_answers import load_wrong_answers

pytestmark = pytest.mark.slow  # a real JupyterLab, kernel and browser

ROOT = Path(__file__).resolve().parents[2]
#: Each assignment's mistake, by the start of its fixture's ``why``.
MISTAKES = {
    "00-getting-started": "counted the days instead of adding the incidents",
    "03-run-charts": "took the mean instead of the median",
    "05-understanding-variation": "used the standard deviation instead of the mean moving range",
}
LABEL = re.compile(r'@visible_check\("([^"]+)"\)')


def _mistake(assignment: str):
    fixture = ROOT / "tests" / "fixtures" / assignment / "wrong_answers.yml"
    (answer,) = [a for a in load_wrong_answers(fixture) if a.why == MISTAKES[assignment]]
    return answer


def _check_labels(notebook: nbformat.NotebookNode, grade_ids=None) -> list[str]:
    """The self-check labels of a notebook (of the cells ``grade_ids`` only, if given)."""
    labels = []
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_ids is None or grade_id in grade_ids:
            labels += LABEL.findall(cell.source)
    return labels


@pytest.fixture(scope="module")
def learner_course(tmp_path_factory) -> Path:
    """The three releases, each answered with its one mistake, as a learner saved them."""
    course = tmp_path_factory.mktemp("learner") / "course"
    for assignment in MISTAKES:
        folder = course / assignment
        shutil.copytree(ROOT / "release" / assignment, folder)
        answer = _mistake(assignment)
        release = nbformat.read(folder / answer.notebook, as_version=4)
        source = nbformat.read(ROOT / "source" / assignment / answer.notebook, as_version=4)
        filled = filled_release(release, source, replace={answer.cell: answer.code})
        nbformat.write(filled, folder / answer.notebook)
    return course


def _wait_for_an_idle_kernel(page, folder: Path, seconds: float = 300) -> None:
    """Wait until the notebook's toolbar names its kernel and says it is idle, as a learner
    would before running anything. JupyterLab may first ask which kernel to start (when it
    opened the notebook before it knew the kernels): answer it with the notebook's own."""
    select = page.get_by_role("button", name="Select", exact=True)
    name = page.locator(".jp-NotebookPanel-toolbar .jp-KernelName")
    status = page.locator(".jp-NotebookPanel-toolbar .jp-Notebook-ExecutionIndicator")
    deadline = time.monotonic() + seconds
    said = ("", None)
    while time.monotonic() < deadline:
        if select.is_visible():
            select.click()
        said = (
            name.first.inner_text().strip() if name.count() else "",
            status.first.get_attribute("data-status") if status.count() else None,
        )
        if said[0] not in ("", "No Kernel") and said[1] == "idle":
            return
        page.wait_for_timeout(500)
    page.screenshot(path=str(folder / "no-idle-kernel.png"))
    raise AssertionError(f"the notebook's kernel never became idle (toolbar said {said})")


def _run_all(page, lab, path: str) -> list[str]:
    """Open a notebook, restart its kernel and run all cells (as the notebook's header asks
    a learner to before submitting), wait for the ``check_your_work()`` table, and return
    the text of every output on the page."""
    page.goto(lab.url_of(path))
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    _wait_for_an_idle_kernel(page, lab.folder)
    page.get_by_role("menuitem", name="Kernel", exact=True).click()
    page.get_by_text("Restart Kernel and Run All Cells…", exact=True).click()
    page.get_by_role("button", name="Confirm Kernel Restart").click()
    last = page.locator(".jp-Notebook .jp-CodeCell").last
    try:
        last.locator(".jp-OutputArea-output table").wait_for(timeout=600_000)
    except PlaywrightTimeout:
        page.screenshot(path=str(Path(lab.folder) / "run-all-stopped.png"))
        prompts = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPrompt").all_inner_texts()
        outputs = page.locator(".jp-OutputArea-output").all_inner_texts()
        errors = [text for text in outputs if "Error" in text]
        raise AssertionError(
            f"Run All did not reach check_your_work(): prompts {prompts}, errors {errors}"
        ) from None
    return page.locator(".jp-OutputArea-output").all_inner_texts()


@pytest.mark.parametrize("assignment", sorted(MISTAKES))
def test_a_documented_mistake_shows_one_cross_with_its_hint_and_run_all_reaches_the_end(
    assignment, learner_course, browser, jupyter_lab, screenshot
):
    answer = _mistake(assignment)
    source = nbformat.read(ROOT / "source" / assignment / answer.notebook, as_version=4)
    wrong = _check_labels(source, set(answer.loses))
    every = _check_labels(source)
    assert wrong, f"no self-check label found for {answer.loses}"

    lab = jupyter_lab(learner_course)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    outputs = _run_all(page, lab, f"{assignment}/{answer.notebook}")
    lines = [line.strip() for text in outputs for line in text.splitlines()]

    crosses = []
    for label in every:
        said = [line for line in lines if line.startswith((f"✓ {label}", f"✗ {label}"))]
        assert len(said) == 1, f"{label}: {said}"
        if said[0].startswith("✗"):
            crosses.append(label)
            hint = said[0].removeprefix(f"✗ {label}:").strip()
            assert len(hint) > 20, f"a ✗ needs a hint: {said[0]}"
        else:
            assert said[0] == f"✓ {label}", said[0]
    # The mistake's own checks fail; checks before it pass; a later check may fail too when
    # it builds on the wrong value (03: useful observations depend on the median).
    first = every.index(wrong[0])
    assert set(wrong) <= set(crosses) and not set(every[:first]) & set(crosses), crosses
    assert not [text for text in outputs if "Traceback" in text]

    rows = page.locator(".jp-Notebook .jp-CodeCell").last.locator("tbody tr").all_inner_texts()
    failing = [label for label in every if any(label in r and "False" in r for r in rows)]
    assert failing == crosses and len(rows) == len(every)

    widths = page.locator(".jp-OutputArea-output img").evaluate_all(
        "images => images.map(image => image.naturalWidth)"
    )
    assert widths and min(widths) > 300, "every chart should be drawn"

    page.get_by_text(f"✗ {wrong[0]}").first.scroll_into_view_if_needed()
    screenshot(page, f"{assignment}-mistake")
    page.locator(".jp-Notebook .jp-CodeCell").last.scroll_into_view_if_needed()
    screenshot(page, f"{assignment}-check-your-work")
    page.close()
