"""Tests for icp_helpers.reports: the monthly sponsor update in Markdown and HTML."""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from icp_helpers.pdsa import DataFileError, FieldError, PdsaCycle, load_cycles  # noqa: E402
from icp_helpers.reports import (  # noqa: E402
    SponsorUpdate,
    SponsorUpdateError,
    pdsas_since,
    signals_from_chart,
    sponsor_update_html,
    sponsor_update_markdown,
)

from ..browser.conftest import CHROMIUM, CHROMIUM_FLAGS

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tools"
MONTHS = pd.date_range("2023-05-01", periods=12, freq="MS")
RATES = [21.4, 18.9, 24.0, 19.5, 22.3, 20.1, 14.2, 13.0, 12.6, 11.8, 13.4, 12.1]


def _figure():
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.plot(MONTHS, RATES, marker="o", color="#0072B2")
    ax.set_title("Physical violence per 1,000 occupied bed days, Willow ward")
    ax.set_xlabel("Month")
    ax.set_ylabel("Incidents per 1,000 bed days")
    return fig


def _update(**changes):
    values = {
        "project": "Reducing violence on Willow ward",
        "month": "2024-04",
        "aim": "Reduce physical violence on Willow ward by 30% by March 2025",
        "score": 3.0,
        "previous_score": 2.5,
        "measure_name": "Physical violence per 1,000 occupied bed days",
        "chart": _figure(),
        "signals": ["Shift: 6 points below the median since November"],
        "pdsas": load_cycles(FIXTURES / "pdsa_willow_ward_log.yaml"),
        "next_tests": ["Test the huddle on the day shift", "Share the briefing sheet with Cedar"],
        "risks": ["Two band 5 nurse vacancies from May"],
        "ask": "Agree ten minutes of protected time for the day-shift huddle",
        "balancing_measure": "Restraint per 1,000 occupied bed days",
        "balancing_signal": False,
        "author": "Sam Patel, improvement coach",
    }
    values.update(changes)
    return SponsorUpdate(**values)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_markdown_has_every_section_in_order():
    text = sponsor_update_markdown(_update())
    headings = re.findall(r"^## (.+)$", text, flags=re.MULTILINE)
    assert headings == [
        "Aim",
        "Progress score",
        "Headline measure",
        "Signals on the chart",
        "Balancing measure",
        "PDSA cycles since the last update",
        "Next tests",
        "Risks",
        "Ask of the sponsor",
    ]
    assert text.startswith("# Sponsor update: Reducing violence on Willow ward, April 2024")
    assert "- This month: 3.0 Modest improvement" in text
    assert "- Up from 2.5 (Changes tested, no improvement yet) last month" in text
    assert "Decision: adopt - Write into the night-shift induction" in text
    assert re.search(r"!\[Chart of Physical violence[^\]]*\]\(data:image/png;base64,", text)


def test_embedded_png_is_a_real_image():
    page = sponsor_update_html(_update())
    payload = re.search(r'id="headline-chart"[^>]*src="data:image/png;base64,([^"]+)"', page)
    assert payload is not None
    png = base64.b64decode(payload.group(1))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert width > 300


def test_score_change_wording():
    assert "Down from 3.0 (Modest improvement) last month" in sponsor_update_markdown(
        _update(score=2.5, previous_score=3.0)
    )
    assert "Same as last month (2.5 Changes tested" in sponsor_update_markdown(
        _update(score=2.5, previous_score=2.5)
    )
    assert "First update: no score last month" in sponsor_update_markdown(
        _update(previous_score=None)
    )


def test_user_text_is_escaped_in_html_and_markdown():
    nasty = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    update = _update(project=f"Oak ward {nasty}", risks=[nasty], ask=nasty, author=nasty)
    page = sponsor_update_html(update)
    assert "<script>" not in page
    assert "<img src=x" not in page
    assert html.escape(nasty) in page
    assert page.count("<img ") == 1
    markdown = sponsor_update_markdown(update)
    assert "<script>" not in markdown
    assert "&lt;script&gt;" in markdown


def test_missing_sections_are_named():
    update = SponsorUpdate(project="Fewer missed first appointments", month="2024-05")
    missing = update.missing_sections()
    assert [line.split(":")[0] for line in missing] == [
        "Aim",
        "Progress score",
        "Headline measure",
        "Chart",
        "Balancing measure",
        "Balancing measure",
        "PDSA cycles",
        "Next tests",
        "Risks",
        "Ask of the sponsor",
    ]
    with pytest.raises(SponsorUpdateError, match="Ask of the sponsor: say what you need"):
        sponsor_update_html(update)


def test_a_missing_balancing_measure_is_named_with_its_field():
    update = _update(balancing_measure="", balancing_signal=None)
    assert update.missing_sections() == [
        "Balancing measure: name the measure that would show harm elsewhere from the changes "
        "(balancing_measure=...)",
        "Balancing measure: say whether its chart shows a signal, True or False "
        "(balancing_signal=...)",
    ]
    with pytest.raises(SponsorUpdateError, match=r"\(balancing_measure=\.\.\.\)"):
        sponsor_update_markdown(update)


def test_a_balancing_signal_needs_a_sentence_saying_which_way():
    update = _update(balancing_signal=True)
    assert update.missing_sections() == [
        "Balancing measure: its chart shows a signal, so say what it is and which way it points "
        "(balancing_note=...)"
    ]
    update = _update(balancing_signal=True, balancing_note="Restraint has fallen, not risen")
    assert update.missing_sections() == []


def test_the_balancing_measure_is_in_the_update():
    text = sponsor_update_markdown(_update())
    section = text.split("## Balancing measure\n\n")[1].split("\n\n")[0]
    assert section == (
        "Restraint per 1,000 occupied bed days  \nIts chart shows no signal."
    )
    page = sponsor_update_html(
        _update(balancing_signal=True, balancing_note="Restraint has fallen: 10 months below")
    )
    section = page.split('<section id="balancing-measure">')[1].split("</section>")[0]
    assert section == (
        "<h2>Balancing measure</h2>\n<p>Restraint per 1,000 occupied bed days</p>"
        "<p>Its chart shows a signal: Restraint has fallen: 10 months below.</p>\n"
    )


def test_a_pdsa_without_learning_is_flagged():
    update = _update(pdsas=[PdsaCycle(change_idea="Carer call", cycle_id="C1")])
    assert update.missing_sections() == [
        "PDSA cycles: say what 'C1' taught (its study) or what was decided (its act)"
    ]


def test_one_missing_section():
    update = _update(ask="  ")
    assert update.missing_sections() == [
        "Ask of the sponsor: say what you need from the sponsor (ask=...)"
    ]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"project": ""}, "project is empty"),
        ({"month": "April"}, "month 'April' is not a month"),
        ({"score": 3.2}, "score: score 3.2 is not on the progress scale"),
        ({"previous_score": "high"}, "previous_score: score must be a number"),
        ({"chart": "chart.png"}, "chart must be a matplotlib Figure"),
        ({"pdsas": ["PDSA 1"]}, "pdsas item 1 is a str, not a PdsaCycle"),
        ({"risks": 3}, "risks must be a list of short sentences"),
        ({"next_tests": [4]}, "next_tests must be text"),
        ({"balancing_measure": 7}, "balancing_measure must be text"),
        ({"balancing_signal": "no"}, "balancing_signal must be True (its chart shows a signal)"),
        ({"balancing_signal": 0}, "balancing_signal must be True (its chart shows a signal)"),
        ({"balancing_note": ["up"]}, "balancing_note must be text"),
    ],
)
def test_bad_values_raise_naming_the_field(changes, words):
    with pytest.raises(FieldError) as caught:
        _update(**changes)
    assert words in str(caught.value)


def test_signals_are_read_from_an_icp_chart():
    charts = pytest.importorskip("icp_helpers.charts")
    result = charts.qic(RATES, x=MONTHS, chart="i", title="Violence, Willow ward")
    sentences = signals_from_chart(result)
    assert sentences
    assert sentences == [
        "Points outside the control limits: 1 point (Jul 2023)",
        "Too few crossings of the centre line: a signal about the whole chart "
        "(May 2023 to Apr 2024)",
    ]
    update = _update(chart=result, signals=None)
    assert update.signals == sentences
    page = sponsor_update_html(update)
    assert 'id="headline-chart"' in page
    assert plt.get_fignums() == [1]  # only the Figure from _update; the qic figure was closed


def test_whole_chart_signals_of_an_ihi_run_chart_are_not_counted_in_points():
    charts = pytest.importorskip("icp_helpers.charts")
    months = pd.date_range("2023-01-01", periods=18, freq="MS")
    values = [30, 31, 29, 32, 30, 31, 33, 30, 29, 20, 21, 19, 22, 20, 18, 21, 20, 19]
    result = charts.qic(values, x=months, chart="run", rules="ihi", title="Falls")
    sentences = signals_from_chart(result)
    assert "Too few runs: a signal about the whole chart (Jan 2023 to Jun 2024)" in sentences
    assert not any(sentence.startswith("Too few runs: 18 points") for sentence in sentences)


def test_a_whole_part_signal_on_a_chart_with_parts_names_its_part():
    class Result:
        signals = pd.DataFrame(
            {
                "rule": ["outside_limits", "crossings", "crossings"],
                "part": [1, 2, 2],
                "position": [0, 5, 6],
            }
        )

    assert signals_from_chart(Result()) == [
        "Points outside the control limits: 1 point",
        "Too few crossings of the centre line: a signal about the whole of part 2",
    ]


def test_no_signals_is_said_plainly():
    text = sponsor_update_markdown(_update(signals=[]))
    assert "- No signals on the chart this month." in text


def test_save_writes_html_and_markdown(tmp_path):
    update = _update()
    html_path = update.save(tmp_path / "update.html")
    md_path = update.save(tmp_path / "update.md")
    assert html_path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert md_path.read_text(encoding="utf-8").startswith("# Sponsor update")
    with pytest.raises(DataFileError, match="name the file ending .html or .md"):
        update.save(tmp_path / "update.pdf")


def test_incomplete_update_writes_nothing(tmp_path, monkeypatch):
    path = tmp_path / "update.html"
    _update().save(path)
    before = path.read_bytes()
    with pytest.raises(SponsorUpdateError):
        _update(aim="").save(path)

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        _update(ask="A different ask").save(path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["update.html"]


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    command = [str(CHROMIUM), "--headless", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.skipif(
    not CHROMIUM.exists() or shutil.which(str(CHROMIUM)) is None,
    reason="no Chromium at /usr/bin/chromium (install it with: apt-get install -y chromium)",
)
def test_html_opens_in_headless_chromium_with_its_chart(tmp_path):
    page = _update().save(tmp_path / "sponsor_update.html")
    # A copy with a probe script records whether the browser decoded the embedded chart.
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.read_text(encoding="utf-8").replace(
            "</body>",
            "<script>window.addEventListener('load', () => { const img = "
            "document.getElementById('headline-chart'); document.body.dataset.chartWidth = "
            "img.naturalWidth; document.body.dataset.chartComplete = img.complete; });"
            "</script></body>",
        ),
        encoding="utf-8",
    )
    dom = _chromium(["--virtual-time-budget=5000", "--dump-dom", probe.as_uri()], tmp_path / "p1")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert '<img id="headline-chart"' in dom.stdout
    assert "Ask of the sponsor" in dom.stdout
    width = re.search(r'data-chart-width="(\d+)"', dom.stdout)
    assert width is not None and int(width.group(1)) > 300
    assert 'data-chart-complete="true"' in dom.stdout

    shot = tmp_path / "sponsor_update.png"
    result = _chromium(
        ["--window-size=1000,1400", f"--screenshot={shot}", page.as_uri()], tmp_path / "p2"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    pixels = mpimg.imread(shot)[..., :3]
    # The chart's line and points are the only strong blue (#0072B2) in the page.
    blue = (pixels[..., 2] > 0.55) & (pixels[..., 0] < 0.2) & (pixels[..., 1] > 0.3)
    assert blue.sum() > 200, "the screenshot does not show the chart's blue line and points"
    assert np.mean(pixels < 0.5) > 0.01, "the screenshot looks blank"


def test_pdsas_since_the_last_update():
    log = load_cycles(FIXTURES / "pdsa_willow_ward_log.yaml")
    assert [c.cycle_id for c in pdsas_since(log, "2024-03-15")] == ["PDSA 2", "PDSA 3"]
    assert [c.cycle_id for c in pdsas_since(log, pd.Timestamp("2024-03-31"))] == ["PDSA 3"]
    assert pdsas_since(log, "2024-04-30") == []
    undated = PdsaCycle(change_idea="Carer call")
    assert pdsas_since([undated], "2024-01-01") == []
    with pytest.raises(FieldError, match="last_update: '31/03/2024' is not a date"):
        pdsas_since(log, "31/03/2024")
    with pytest.raises(FieldError, match="last_update is empty"):
        pdsas_since(log, "")


def test_a_cycle_without_an_id_is_listed_by_its_change_idea():
    cycle = PdsaCycle(change_idea="Carer call before discharge", act="adopt")
    text = sponsor_update_markdown(_update(pdsas=[cycle]))
    assert "- Carer call before discharge. Decision: adopt." in text


def test_the_chart_image_has_the_chart_description_as_alt_text():
    from icp_helpers.charts import qic

    result = qic(RATES, x=MONTHS, chart="i", title="Physical violence, Willow ward")
    page = sponsor_update_html(_update(chart=result))
    alt = re.search(r'<img id="headline-chart" alt="([^"]*)"', page)
    assert alt is not None
    text = html.unescape(alt.group(1))
    assert text.startswith("Physical violence, Willow ward. I chart (individuals)")
    assert "12 points from May 2023 to Apr 2024" in text
    markdown = sponsor_update_markdown(_update(chart=result))
    assert "![Physical violence, Willow ward. I chart (individuals)" in markdown
    # a plain matplotlib figure has no description: the alt text names the measure
    assert 'alt="Chart of Physical violence per 1,000 occupied bed days"' in sponsor_update_html(
        _update()
    )
