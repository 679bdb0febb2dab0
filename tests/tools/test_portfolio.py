"""Tests for icp_helpers.portfolio: the directorate table and chart."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from icp_helpers.pdsa import FieldError  # noqa: E402
from icp_helpers.portfolio import (  # noqa: E402
    STATUSES,
    directorate_scores,
    plot_portfolio,
    portfolio_table,
)
from icp_helpers.progress import LEVELS, find_stuck_projects, read_score_history  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tools"


def history() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "progress_directorate_scores.csv")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_directorate_table_ranks_and_classifies():
    table = portfolio_table(history())
    assert table.columns.tolist() == [
        "project",
        "latest_month",
        "latest_score",
        "level",
        "previous_score",
        "change",
        "months_at_level",
        "status",
    ]
    expected = [
        ("North CMHT: did-not-attend", 4.5, 0.5, 2, "moving"),
        ("Willow ward: reducing violence", 3.5, 0.5, 2, "moving"),
        ("Crisis team: carer involvement", 3.0, 1.0, 2, "moving"),
        ("Cedar ward: fewer falls", 2.5, 0.0, 7, "stuck"),
        ("Memory service: referral to assessment", 2.5, 0.5, 3, "stuck"),
        ("Oak ward: restraint reduction", 2.5, -0.5, 2, "slipping"),
        ("Early intervention: physical health checks", 2.0, 0.0, 6, "stuck"),
        ("Perinatal service: waiting times", 1.0, 0.5, 1, "new"),
    ]
    got = list(
        table[["project", "latest_score", "change", "months_at_level", "status"]].itertuples(
            index=False, name=None
        )
    )
    assert got == expected
    assert table.loc[0, "level"] == "Sustainable improvement"
    assert (table["latest_month"].astype(str) == "2024-09").all()


def test_stuck_rows_agree_with_find_stuck_projects():
    table = portfolio_table(history())
    flagged = set(find_stuck_projects(history())["project"])
    stuck_at_25 = set(
        table[(table["status"] == "stuck") & (table["latest_score"] == 2.5)]["project"]
    )
    assert (
        flagged
        == stuck_at_25
        == {
            "Cedar ward: fewer falls",
            "Memory service: referral to assessment",
        }
    )


def test_sustaining_and_a_longer_window():
    rows = pd.DataFrame(
        {
            "project": ["North CMHT"] * 5,
            "month": ["2024-01", "2024-02", "2024-03", "2024-04", "2024-05"],
            "score": [4.0, 4.5, 4.5, 4.5, 4.5],
        }
    )
    assert portfolio_table(rows)["status"].tolist() == ["sustaining"]
    assert portfolio_table(rows, months=6)["status"].tolist() == ["new"]
    assert portfolio_table(rows, months=4)["status"].tolist() == ["sustaining"]


def test_back_where_it_was_counts_as_stuck():
    rows = pd.DataFrame(
        {
            "project": ["Oak ward"] * 4,
            "month": ["2024-01", "2024-02", "2024-03", "2024-04"],
            "score": [2.0, 2.5, 3.0, 2.5],
        }
    )
    # Compared with January (three months before April) the score rose; it is moving.
    assert portfolio_table(rows)["status"].tolist() == ["moving"]
    rows.loc[0, "score"] = 2.5
    assert portfolio_table(rows)["status"].tolist() == ["stuck"]


@pytest.mark.parametrize(
    ("table", "kwargs", "words"),
    [
        (pd.DataFrame({"project": [], "month": [], "score": []}), {}, "history has no rows"),
        (history(), {"months": 0}, "months must be a whole number"),
        (history().rename(columns={"score": "rating"}), {}, "history has no column 'score'"),
        (history().assign(score=3.3), {}, "is not on the progress scale"),
    ],
)
def test_bad_input_is_refused(table, kwargs, words):
    with pytest.raises(FieldError) as caught:
        portfolio_table(table, **kwargs)
    assert words in str(caught.value)


def test_chart_shows_every_project_with_status_text(tmp_path):
    ax = plot_portfolio(history())
    assert ax.get_title() == "Directorate portfolio: progress scores, last 3 months"
    assert ax.get_xlabel().startswith("Progress score")
    assert ax.get_ylabel() == "Project"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    by_height = sorted(zip(ax.get_yticks(), labels, strict=True))
    assert by_height[0][1] == "Perinatal service: waiting times"  # lowest score at the bottom
    assert by_height[-1][1] == "North CMHT: did-not-attend"
    texts = [text.get_text() for text in ax.texts]
    assert "stuck: 7 months at 2.5" in texts
    assert "slipping: 2 months at 2.5" in texts
    assert sum(text.startswith("moving") for text in texts) == 3
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend[0] == "score 3 months before the latest"
    assert {line.split(":")[0] for line in legend[1:]} == {"moving", "stuck", "slipping", "new"}
    out = tmp_path / "portfolio.png"
    ax.figure.savefig(out, dpi=80)
    assert out.stat().st_size > 5000


def test_chart_draws_on_given_axes():
    fig, ax = plt.subplots()
    assert plot_portfolio(history(), ax=ax, title="Adult mental health") is ax
    assert ax.get_title() == "Adult mental health"
    markers = {line.get_marker() for line in ax.lines if line.get_marker() != "None"}
    assert {STATUSES[s][1] for s in ("moving", "stuck", "slipping", "new")} <= markers


_histories = st.lists(
    st.tuples(
        st.sampled_from(["Willow", "Cedar", "Oak", "Crisis"]),
        st.integers(0, 11),
        st.sampled_from(LEVELS),
    ),
    min_size=1,
    max_size=40,
    unique_by=lambda row: (row[0], row[1]),
)


@settings(max_examples=80, deadline=None)
@given(rows=_histories, months=st.integers(1, 6))
def test_every_stuck_project_is_stuck_or_sustaining_in_the_table(rows, months):
    table = pd.DataFrame(
        [(p, str(pd.Period("2024-01", freq="M") + m), s) for p, m, s in rows],
        columns=["project", "month", "score"],
    )
    portfolio = portfolio_table(table, months=months).set_index("project")
    assert set(portfolio["status"]) <= set(STATUSES)
    for level in set(portfolio["latest_score"]):
        for name in find_stuck_projects(table, level=level, months=months)["project"]:
            assert portfolio.loc[name, "status"] in ("stuck", "sustaining")
    moving = portfolio[portfolio["status"] == "moving"]
    assert (moving["change"] > 0).all()


def test_the_courses_directorate_scores_are_one_valid_history():
    scores = directorate_scores()
    assert scores.columns.tolist() == ["project", "month", "score"]
    clean = read_score_history(scores)  # on the scale, one score a project a month
    assert clean["project"].nunique() == 10
    assert (str(clean["month"].min()), str(clean["month"].max())) == ("2024-01", "2025-03")
    for project, group in clean.groupby("project"):
        months = group["month"].tolist()
        assert months == list(pd.period_range(months[0], "2025-03", freq="M")), project
    # The teams with course data sets are scored every month.
    for team in ("Willow ward", "North CMHT", "Cedar ward"):
        assert (clean["project"].str.startswith(team)).sum() == 15, team
