"""Explorers make real widgets for a learner and nothing while nbgrader grades."""

from __future__ import annotations

import ipywidgets
import pytest

from icp_helpers.errors import UsageError
from icp_helpers.explorers import choice, explorer, slider


def test_controls_become_widgets_and_moving_one_redraws(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    drawn = []
    widget = explorer(
        lambda ward, cutoff, weeks: drawn.append((ward, cutoff, weeks)),
        ward=choice(["All wards", "Willow"], "Ward"),
        cutoff=slider(0.8, 0.5, 0.95, "Cut-off", step=0.05, percent=True),
        weeks=slider(16, 2, 30, "From week"),
    )
    assert type(widget) is ipywidgets.interactive
    ward, cutoff, weeks = widget.children[:3]
    assert type(ward) is ipywidgets.Dropdown and ward.description == "Ward"
    assert type(cutoff) is ipywidgets.FloatSlider and cutoff.readout_format == ".0%"
    assert type(weeks) is ipywidgets.IntSlider and (weeks.min, weeks.max) == (2, 30)
    assert drawn == [("All wards", 0.8, 16)]
    ward.value = "Willow"
    assert drawn[-1] == ("Willow", 0.8, 16)


def test_under_nbgrader_no_widget_is_made(monkeypatch, capsys):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    drawn = []
    assert explorer(drawn.append, ward=choice(["Willow"], "Ward")) is None
    assert drawn == []
    assert "open the notebook in JupyterLab" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: choice([], "Ward"), "has no options"),
        (lambda: slider(0, 1, 5, "Weeks"), "outside 1 to 5"),
        (lambda: explorer(print, ward=["Willow"]), "choice(...) or slider(...)"),
    ],
)
def test_a_badly_described_control_says_what_to_fix(make, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(").replace(")", r"\)")):
        make()
