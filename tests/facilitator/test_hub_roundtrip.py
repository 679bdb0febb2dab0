"""A cohort's whole round trip on the hub `icp cohort hub` writes, in Chromium, as people do it.

Trainee A logs in, fetches 00 in the Assignments tab, opens it, answers, validates and
submits; the facilitator collects, grades and releases feedback with the real ``icp`` command
(as the grading account, as the facilitator guide says); A fetches the feedback and reads
the score; trainee B sees none of A's work, in the browser or on disk; a facilitator marks
A's reflection in the formgrader and ``icp report`` has the mark.

Needs root, configurable-http-proxy, Debian's Chromium and Playwright (``.ci/run`` installs
them); skipped with the reason otherwise. Every wait is bounded; the hub, every server and
every throwaway account are removed at the end. A screenshot of each step is saved in the
test's folder (and copied to ``$ICP_SCREENSHOTS`` when it is set).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ..browser.conftest import chromium, save_screenshot
from .conftest import ASSIGNMENT, NOTEBOOK
from .live_hub import LiveHub, as_account

pytestmark = pytest.mark.slow

COURSE = "icp-cohort-10"
#: How long a step may take on a loaded machine (a server starting, a notebook validating).
STEP_MS = 300_000


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


class Shots:
    """Numbered screenshots of each step, in the test's folder (and ``$ICP_SCREENSHOTS``)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.taken: list[Path] = []

    def __call__(self, page, step: str) -> None:
        path = self.folder / f"roundtrip-{len(self.taken) + 1:02d}-{step}.png"
        self.taken.append(save_screenshot(page, path))


def _log_in(browser, hub: LiveHub, name: str, password: str):
    """A fresh browser (its own cookies) logged in to the hub as ``name``; gives its page."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(STEP_MS)
    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", name)
    page.fill("#password_input", password)
    page.click("#login_submit")
    return page


def _open_lab(page, name: str) -> None:
    page.wait_for_url(f"**/user/{name}/lab**", timeout=STEP_MS)
    page.wait_for_selector("#jp-main-dock-panel")


def _assignments_tab(page) -> None:
    """Nbgrader > Assignment List, and wait until its lists have loaded."""
    page.get_by_text("Nbgrader", exact=True).click()
    page.get_by_text("Assignment List", exact=True).click()
    _lists_loaded(page)


def _lists_loaded(page) -> None:
    for name in ("released", "fetched", "submitted"):
        page.locator(f"#{name}_assignments_list_loading").wait_for(state="hidden")


def _rows(page, name: str):
    return page.locator(f"#{name}_assignments_list > .list_item")


def test_a_cohort_round_trip_through_the_hub_in_chromium(
    cohort_hub, browser, tmp_path, notebook_text
):
    hub, shot = cohort_hub, Shots(tmp_path)
    first, second = hub.trainees
    home_a = Path("~" + first).expanduser()
    fetched = home_a / ASSIGNMENT / NOTEBOOK

    # 1. trainee A logs in, fetches 00, opens it, answers, validates and submits
    a = _log_in(browser, hub, first, hub.trainees[first])
    _open_lab(a, first)
    _assignments_tab(a)
    assert ASSIGNMENT in _rows(a, "released").first.inner_text()
    shot(a, "a-assignments-tab")
    _rows(a, "released").first.locator(".item_status button").click()
    _rows(a, "fetched").first.wait_for()
    assert fetched.is_file()
    a.locator(f'#fetched_assignments_list a:text("{ASSIGNMENT}")').click()
    notebook_row = a.locator(f"#fetched_assignments_list .list_item:has-text('{NOTEBOOK[:-6]}')")
    notebook_row.last.wait_for()
    shot(a, "a-fetched")
    # a trainee's Nbgrader menu has no Formgrader, and no news pop-up covers the page
    a.get_by_text("Nbgrader", exact=True).click()
    menu = a.locator(".lm-Menu").last.inner_text()
    assert "Assignment List" in menu and "Formgrader" not in menu, menu
    a.keyboard.press("Escape")
    assert not a.get_by_text("official Jupyter news").is_visible()
    # the file browser shows the fetched folder without a manual refresh
    a.locator(".jp-DirListing-item", has_text=ASSIGNMENT).wait_for(timeout=30_000)
    notebook_row.last.locator("a").first.click()
    a.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
    shot(a, "a-opened")

    # A types the answers in (the notebook file written as A, then the page reloaded)
    written = as_account(
        first, "sh", "-c", f"cat > {ASSIGNMENT}/{NOTEBOOK}", stdin=notebook_text("complete")
    )
    assert written.returncode == 0, written.stderr
    a.reload()
    a.wait_for_selector("#jp-main-dock-panel")
    answer = a.locator(".jp-NotebookPanel .jp-Cell", has_text="weekly_total =").first
    answer.wait_for()
    answer.scroll_into_view_if_needed()
    shot(a, "a-answered")
    _assignments_tab(a)
    a.locator(f'#fetched_assignments_list a:text("{ASSIGNMENT}")').click()
    notebook_row.last.locator('.item_status button:text("Validate")').click()
    a.locator(".nbgrader-SuccessDialog, .nbgrader-ErrorDialog").first.wait_for(timeout=STEP_MS)
    shot(a, "a-validated")
    assert a.locator(".nbgrader-SuccessDialog").count() == 1, a.locator(".jp-Dialog").inner_text()
    a.locator(".nbgrader-SuccessDialog button.jp-Dialog-button").click()
    _rows(a, "fetched").first.locator('.item_status button:text("Submit")').click()
    _rows(a, "submitted").first.wait_for()
    shot(a, "a-submitted")
    inbound = hub.exchange / COURSE / "inbound"
    assert [p.name.split("+")[0] for p in inbound.iterdir()] == [first]

    # 2. the facilitator collects, grades and releases feedback with icp, as the grader
    collected = hub.icp("collect", "10", ASSIGNMENT)
    assert f"Collected {ASSIGNMENT} for 1 trainee(s): {first}" in collected.stdout, (
        collected.stdout + collected.stderr
    )
    graded = hub.icp("grade", "10", ASSIGNMENT, "--jobs", "1")
    assert graded.returncode in (0, 1) and first in graded.stdout, graded.stdout + graded.stderr
    assert "13/13" in graded.stdout or "10/13" in graded.stdout, graded.stdout
    released = hub.icp("feedback", "10", ASSIGNMENT)
    assert released.returncode == 0, released.stdout + released.stderr

    # 3. A fetches the feedback in the Assignments tab and opens it: it shows A's score
    a.locator("#refresh_assignments_list").click()
    _lists_loaded(a)
    fetch_feedback = _rows(a, "submitted").first.locator('button:text("Fetch Feedback")')
    fetch_feedback.click()
    view = a.get_by_text("(view feedback)")
    view.first.wait_for()
    shot(a, "a-feedback-fetched")
    (page_file,) = list((home_a / ASSIGNMENT / "feedback").glob(f"*/{NOTEBOOK[:-6]}.html"))
    view.first.click()
    listing = a.locator(".jp-DirListing-item", has_text=page_file.name)
    listing.wait_for()
    listing.dblclick()
    frame = a.frame_locator(".jp-HTMLViewer iframe, iframe").last
    frame.get_by_text("Score: 10 / 13", exact=False).first.wait_for()
    shot(a, "a-feedback-open")
    assert "Okafor" not in page_file.read_text(encoding="utf-8")  # B's name is nowhere on it

    # 4. trainee B sees nothing of A's: not in the Assignments tab, not on disk
    b = _log_in(browser, hub, second, hub.trainees[second])
    _open_lab(b, second)
    _assignments_tab(b)
    assert _rows(b, "submitted").count() == 0
    assert _rows(b, "fetched").count() == 0
    assert ASSIGNMENT in _rows(b, "released").first.inner_text()
    assert "feedback" not in b.locator("#submitted_assignments_list").inner_text().lower()
    shot(b, "b-assignments-tab")
    b.goto(f"{hub.url}/user/{first}/files/{ASSIGNMENT}/{NOTEBOOK}")
    assert "You do not have permission to access Server" in b.content()
    shot(b, "b-refused-a-files")
    for path in (
        inbound,  # the submissions: writable, not listable
        hub.exchange / COURSE / "feedback",  # the pages: reachable by their hash only
        home_a,
    ):
        listed = as_account(second, "ls", str(path))
        assert listed.returncode != 0 and "Permission denied" in listed.stderr, path
    for path in (fetched, page_file):
        read = as_account(second, "cat", str(path))
        assert read.returncode != 0 and "Permission denied" in read.stderr, path

    # 5. a facilitator marks A's reflection in the formgrader; icp report has the mark
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    name, password = hub.facilitator
    f = _log_in(browser, hub, name, password)
    said: list[str] = []  # the formgrader's answers and the page's console, to say why if lost
    f.on("console", lambda m: said.append(f"console: {m.text}"))
    f.on(
        "response",
        lambda r: (
            r.request.method != "GET" and said.append(f"{r.request.method} {r.url} {r.status}")
        ),
    )
    f.wait_for_url(f"**/user/{name}/**", timeout=STEP_MS)
    f.goto(f"{hub.url}/services/{COURSE}/formgrader/gradebook/{ASSIGNMENT}/{NOTEBOOK[:-6]}")
    f.locator("a", has_text="Submission #").first.wait_for()
    shot(f, "formgrader-submissions")
    f.locator("a", has_text="Submission #").first.click()
    score = f.locator("input.score#reflection")
    score.wait_for()
    # the page fills each box from the gradebook once it has loaded the marks: wait for that,
    # as a person waits for the page, or the mark typed is overwritten before it is sent
    loaded = "() => window.formgrader?.grades?.loaded && formgrader.comments?.loaded"
    f.wait_for_function(loaded)
    score.fill("3")

    def saved(response) -> bool:
        return response.request.method == "PUT" and "/formgrader/api/grade/" in response.url

    try:
        with f.expect_response(saved, timeout=120_000) as put:
            score.press("Tab")  # the formgrader saves a mark when the box loses focus
        answered = put.value.status
    except PlaywrightTimeout:
        answered = None
    hub_said = [
        line
        for line in hub.log.read_text(errors="replace").splitlines()
        if "formgrader" in line and ("PUT" in line or "WARN" in line or " 40" in line)
    ]
    assert answered == 200, "\n".join(said + hub_said[-20:])
    f.reload()
    f.wait_for_function(loaded)
    assert score.input_value() == "3"  # the page, opened again, shows the mark kept
    score.scroll_into_view_if_needed()
    shot(f, "formgrader-marked")
    reported = hub.icp("report", "10")
    assert reported.returncode == 0, reported.stdout + reported.stderr
    progress = hub.base / "cohorts" / "10" / "reports" / "progress.csv"
    rows = [
        row
        for row in csv.DictReader(progress.read_text(encoding="utf-8-sig").splitlines())
        if row["trainee"] == first and row["assignment"] == ASSIGNMENT
    ]
    assert rows and float(rows[0]["score"]) == 13, rows  # 10 from the tests, 3 marked
    assert float(rows[0]["awaiting_marking"] or 0) == 0, rows
    assert all(path.stat().st_size > 0 for path in shot.taken)
