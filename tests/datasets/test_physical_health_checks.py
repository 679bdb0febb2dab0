"""The physical health checks measure can go on a control chart: each quarter counts different
people (no rolling 12-month window), and the p chart's over-dispersion that 05 teaches is real."""

import re

from icp_helpers.charts import qic
from icp_helpers.datasets import describe, load

# Wording that defines a measure over a window longer than its reporting period.
OVERLAPPING_WINDOW = re.compile(
    r"(last|past|previous|preceding) (12|twelve) months"
    r"|(12|twelve) months (to|up to|ending)|rolling",
    re.IGNORECASE,
)


def test_the_definition_describes_no_overlapping_window():
    entry = describe("physical_health_checks")
    texts = [entry.description, *(column.description for column in entry.columns)]
    overlapping = [text for text in texts if OVERLAPPING_WINDOW.search(text)]
    assert not overlapping, overlapping


def test_the_denominator_is_the_people_due_that_quarter_so_each_person_counts_once_a_year():
    entry = describe("physical_health_checks")
    frame = load("physical_health_checks")
    assert entry.denominator_column == "due_checks"
    assert (frame["checks_done"] <= frame["due_checks"]).all()
    # Everyone on the register falls due once a year: four quarters' denominators add up to about
    # the register, not four times it as a rolling count of the whole register would.
    year = frame["due_checks"].rolling(4).sum().iloc[3:]
    ratio = year / frame["register_size"].iloc[3:]
    assert ratio.between(0.9, 1.1).all(), ratio.agg(["min", "max"])


def test_the_p_chart_is_over_dispersed_and_the_p_prime_chart_flags_only_known_causes():
    entry = describe("physical_health_checks")
    frame = load("physical_health_checks")
    base = entry.baseline_points
    charts = {
        chart: qic(frame["checks_done"], n=frame[entry.denominator_column], x=frame["quarter"],
                   chart=chart, freeze=base).points.iloc[:base]
        for chart in ("p", "pp")
    }
    # Most baseline quarters outside the p chart's limits: the evidence that calls for p′.
    assert charts["p"]["sigma_signal"].sum() > base / 2
    flagged = charts["pp"].loc[charts["pp"]["sigma_signal"], "x"].dt.strftime("%Y-%m-%d")
    assert flagged.tolist() == ["2019-10-01"]
    assert "2019-10-01" in dict(entry.notable_points)
