"""The monthly sponsor update: one page a sponsor can read in two minutes.

From a :class:`SponsorUpdate` (aim, progress score this month and last, headline measure with
its chart and signals, the balancing measure and whether its chart shows a signal, PDSA cycles
since the last update and what they taught, next tests, risks and the ask of the sponsor) build
Markdown or a self-contained HTML page with the chart embedded as a PNG. All text typed by
people is HTML-escaped.

>>> import matplotlib.pyplot as plt
>>> from icp_helpers.pdsa import PdsaCycle
>>> fig, ax = plt.subplots()
>>> _ = ax.plot([21, 18, 24, 12, 11, 10]); _ = ax.set_title("Violence per 1,000 bed days")
>>> update = SponsorUpdate(
...     project="Reducing violence on Willow ward", month="2024-09",
...     aim="Reduce physical violence on Willow ward from 34 to 20 or fewer incidents per "
...         "1,000 occupied bed days by March 2025", score=3.0, previous_score=2.5,
...     measure_name="Physical violence per 1,000 occupied bed days", chart=fig,
...     signals=["Shift: 8 months below the baseline median since Safewards began in February"],
...     balancing_measure="Restraint per 1,000 occupied bed days", balancing_signal=False,
...     pdsas=[PdsaCycle(change_idea="Night-shift huddle", cycle_id="PDSA 3", act="adopt",
...                      study="Better than we predicted: bank staff spoke on 17 of 19 nights")],
...     next_tests=["Huddle on the day shift"], risks=["Two nurse vacancies"],
...     ask="Help us agree protected time for the day-shift huddle")
>>> update.missing_sections()
[]
>>> page = sponsor_update_html(update)
>>> page.startswith("<!DOCTYPE html>") and 'src="data:image/png;base64,' in page
True
>>> plt.close(fig)
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from icp_helpers.charts.description import chart_description
from icp_helpers.charts.rule_names import describe
from icp_helpers.errors import IcpError
from icp_helpers.fields import FieldError, clean_text, parse_date
from icp_helpers.files import DataFileError, atomic_write
from icp_helpers.pdsa import PdsaCycle
from icp_helpers.progress import ProgressScore, parse_month

__all__ = [
    "SponsorUpdate",
    "SponsorUpdateError",
    "pdsas_since",
    "signals_from_chart",
    "sponsor_update_html",
    "sponsor_update_markdown",
]


class SponsorUpdateError(IcpError, ValueError):
    """The sponsor update cannot be produced; the message lists the sections to complete."""


def _text_list(values: object, name: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Sequence):
        raise FieldError(f"{name} must be a list of short sentences, not {type(values).__name__}")
    cleaned = [clean_text(value, name) for value in values]
    return [value for value in cleaned if value]


def _optional_signal(value: object) -> bool | None:
    """``True``, ``False`` or ``None`` (not said yet); numpy's booleans count as booleans."""
    if value is None or isinstance(value, bool):
        return value
    if type(value).__name__ == "bool_":  # numpy.bool_, e.g. from chart.signals.empty
        return bool(value)
    raise FieldError(
        "balancing_signal must be True (its chart shows a signal) or False (no signal), "
        f"not {value!r}"
    )


def _optional_score(value: object, name: str) -> ProgressScore | None:
    if value is None or isinstance(value, ProgressScore):
        return value
    try:
        return ProgressScore(value)  # type: ignore[arg-type]  # ProgressScore checks it
    except FieldError as exc:
        raise FieldError(f"{name}: {exc}") from None


def pdsas_since(cycles: Sequence[PdsaCycle], last_update: object) -> list[PdsaCycle]:
    """The cycles that ran after the last update: started or ended after its date.

    ``last_update`` is a date or ``YYYY-MM-DD`` text. Cycles with neither date are left out,
    because they cannot be placed in time; the order of ``cycles`` is kept.

    >>> from icp_helpers.pdsa import PdsaCycle
    >>> log = [PdsaCycle(change_idea="Huddle", cycle_id="P1", start="2024-03-04",
    ...                  end="2024-03-10"),
    ...        PdsaCycle(change_idea="Huddle", cycle_id="P2", start="2024-03-25")]
    >>> [cycle.cycle_id for cycle in pdsas_since(log, "2024-03-15")]
    ['P2']
    """
    since = parse_date(last_update, "last_update")
    if since is None:
        raise FieldError("last_update is empty; give the date of the last update, e.g. 2024-03-31")
    chosen = []
    for number, cycle in enumerate(cycles, start=1):
        if not isinstance(cycle, PdsaCycle):
            raise FieldError(f"item {number} is a {type(cycle).__name__}, not a PdsaCycle")
        if any(day is not None and day > since for day in (cycle.start, cycle.end)):
            chosen.append(cycle)
    return chosen


def signals_from_chart(chart: Any) -> list[str]:
    """Plain sentences about the signals on an ``icp_helpers.charts`` result (one per rule).

    >>> import pandas as pd
    >>> class Result:  # stands in for a qic result
    ...     signals = pd.DataFrame({"rule": ["outside_limits"] * 2, "part": [1, 1],
    ...                             "position": [3, 9],
    ...                             "x": pd.to_datetime(["2024-04-01", "2024-10-01"])})
    >>> signals_from_chart(Result())
    ['Points outside the control limits: 2 points (Apr 2024 to Oct 2024)']
    """
    table = getattr(chart, "signals", None)
    if not isinstance(table, pd.DataFrame) or table.empty or "rule" not in table:
        return []
    sentences = []
    for rule, rows in table.groupby("rule", sort=False):
        names = describe(str(rule))
        if names.whole_part:  # every point of the part is flagged, so a count says nothing
            name = f"{names.sentence}: {_whole(table, rows)}"
        else:
            name = f"{names.sentence}: {len(rows)} point" + "s" * (len(rows) != 1)
        if "x" in rows:
            first, last = _when(rows["x"].iloc[0]), _when(rows["x"].iloc[-1])
            name += f" ({first})" if first == last else f" ({first} to {last})"
        sentences.append(name)
    return sentences


def _whole(table: pd.DataFrame, rows: pd.DataFrame) -> str:
    """Words for a whole-part signal: the whole chart, or the parts of a chart it covers."""
    if "part" not in table or table["part"].nunique() < 2:
        return "a signal about the whole chart"
    parts = [str(part) for part in sorted(rows["part"].unique())]
    return "a signal about the whole of part" + "s" * (len(parts) > 1) + " " + ", ".join(parts)


def _when(value: object) -> str:
    if isinstance(value, pd.Timestamp | pd.Period):
        return value.strftime("%b %Y")
    return str(value)


@dataclass
class SponsorUpdate:
    """What goes into a monthly sponsor update.

    ``chart`` is a matplotlib Figure or a result from :func:`icp_helpers.charts.qic` (drawn
    with its ``.plot()``); ``signals`` defaults to sentences read from such a result. Scores
    must be on the progress scale. ``balancing_measure`` names the measure that would show
    harm elsewhere from the changes, ``balancing_signal`` says whether its chart shows a signal
    (``True`` or ``False``), and ``balancing_note`` says what a signal is and which way it
    points. Construction checks each value; :meth:`missing_sections` says what is still to
    fill in.
    """

    project: str
    month: str
    aim: str = ""
    score: ProgressScore | float | None = None
    previous_score: ProgressScore | float | None = None
    measure_name: str = ""
    chart: Any = None
    signals: list[str] | None = None
    pdsas: list[PdsaCycle] = field(default_factory=list)
    next_tests: list[str] = field(default_factory=list)
    risks: list[str] = field(default_factory=list)
    ask: str = ""
    balancing_measure: str = ""
    balancing_signal: bool | None = None
    balancing_note: str = ""
    author: str = ""

    def __post_init__(self) -> None:
        texts = ("project", "aim", "measure_name", "ask", "balancing_measure", "balancing_note")
        for name in (*texts, "author"):
            setattr(self, name, clean_text(getattr(self, name), name))
        if not self.project:
            raise FieldError("project is empty; name the project, e.g. 'Fewer falls on Cedar ward'")
        self.month = parse_month(self.month).strftime("%Y-%m")
        self.score = _optional_score(self.score, "score")
        self.previous_score = _optional_score(self.previous_score, "previous_score")
        self.balancing_signal = _optional_signal(self.balancing_signal)
        if not (
            self.chart is None or isinstance(self.chart, Figure) or hasattr(self.chart, "plot")
        ):
            raise FieldError(
                "chart must be a matplotlib Figure or a chart from icp_helpers.charts.qic, "
                f"not {type(self.chart).__name__}"
            )
        if self.signals is None:
            self.signals = signals_from_chart(self.chart)
        self.signals = _text_list(self.signals, "signals")
        self.next_tests = _text_list(self.next_tests, "next_tests")
        self.risks = _text_list(self.risks, "risks")
        self.pdsas = list(self.pdsas or [])
        for number, cycle in enumerate(self.pdsas, start=1):
            if not isinstance(cycle, PdsaCycle):
                raise FieldError(
                    f"pdsas item {number} is a {type(cycle).__name__}, not a PdsaCycle"
                )

    def save(self, path: str | os.PathLike) -> Path:
        """Write the update as HTML (``.html``) or Markdown (``.md``); nothing is written if
        the update is incomplete or the save fails. Returns the path written."""
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix in (".html", ".htm"):
            text = sponsor_update_html(self)
        elif suffix == ".md":
            text = sponsor_update_markdown(self)
        else:
            raise DataFileError(
                f"cannot tell the format of {target}: name the file ending .html or .md"
            )
        atomic_write(target, text)
        return target

    def missing_sections(self) -> list[str]:
        """Each required section still empty, with what to add (empty list when complete).

        >>> for line in SponsorUpdate(project="DNA project", month="2024-05",
        ...                           aim="Halve DNAs by March").missing_sections()[:3]:
        ...     print(line)
        Progress score: give this month's score on the 0.5-5.0 scale (score=...)
        Headline measure: name the measure the sponsor should watch (measure_name=...)
        Chart: add the run or control chart of the headline measure (chart=...)
        """
        wanted = [
            ("Aim", self.aim, "write the aim statement (aim=...)"),
            (
                "Progress score",
                self.score,
                "give this month's score on the 0.5-5.0 scale (score=...)",
            ),
            (
                "Headline measure",
                self.measure_name,
                "name the measure the sponsor should watch (measure_name=...)",
            ),
            (
                "Chart",
                self.chart is not None,
                "add the run or control chart of the headline measure (chart=...)",
            ),
            (
                "Balancing measure",
                self.balancing_measure,
                "name the measure that would show harm elsewhere from the changes "
                "(balancing_measure=...)",
            ),
            (
                "Balancing measure",
                self.balancing_signal is not None,
                "say whether its chart shows a signal, True or False (balancing_signal=...)",
            ),
            (
                "Balancing measure",
                self.balancing_signal is not True or self.balancing_note,
                "its chart shows a signal, so say what it is and which way it points "
                "(balancing_note=...)",
            ),
            (
                "PDSA cycles",
                self.pdsas,
                "list the PDSA cycles run since the last update (pdsas=...)",
            ),
            ("Next tests", self.next_tests, "say what the team will test next (next_tests=...)"),
            ("Risks", self.risks, "list the risks, or write 'None identified' (risks=...)"),
            ("Ask of the sponsor", self.ask, "say what you need from the sponsor (ask=...)"),
        ]
        missing = [f"{section}: {fix}" for section, value, fix in wanted if not value]
        for cycle in self.pdsas:
            if not (cycle.study or cycle.act):
                missing.append(
                    f"PDSA cycles: say what {cycle.label!r} taught (its study) or what was "
                    "decided (its act)"
                )
        return missing

    def require_complete(self) -> None:
        """Raise :class:`SponsorUpdateError` listing every missing section, if any."""
        missing = self.missing_sections()
        if missing:
            raise SponsorUpdateError(
                "the sponsor update is not complete yet:\n- " + "\n- ".join(missing)
            )


def _chart_png(chart: Any, measure_name: str) -> tuple[bytes, str]:
    """Render the chart to PNG bytes, closing any figure drawn here; also return its alt text:
    the chart's own description (see :func:`icp_helpers.charts.chart_description`), or
    "Chart of <measure>" for a figure that has none."""
    figure = chart if isinstance(chart, Figure) else None
    drawn = figure is None
    if figure is None:
        figure = chart.plot().get_figure(root=True)
    alt = chart_description(figure) or f"Chart of {measure_name}"
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    finally:
        if drawn:
            plt.close(figure)
    return buffer.getvalue(), alt


def _score_change(update: SponsorUpdate) -> str:
    now = _optional_score(update.score, "score")
    before = _optional_score(update.previous_score, "previous_score")
    if before is None:
        return "First update: no score last month"
    if now is None or now == before:
        return f"Same as last month ({before})"
    return f"{'Up' if now > before else 'Down'} from {before.value:.1f} ({before.label}) last month"


def _balancing(update: SponsorUpdate) -> str:
    """``Its chart shows no signal.`` or ``Its chart shows a signal: <note>.``"""
    if not update.balancing_signal:
        note = f" {update.balancing_note}" if update.balancing_note else ""
        return "Its chart shows no signal." + note
    return f"Its chart shows a signal: {update.balancing_note.rstrip('.')}."


def _learned(cycle: PdsaCycle) -> str:
    """``Learned: <study>. Decision: <act> - <next steps>.``, leaving out what is empty."""
    parts = [f"Learned: {cycle.study}"] if cycle.study else []
    if cycle.act:
        parts.append(
            f"Decision: {cycle.act}" + (f" - {cycle.next_steps}" if cycle.next_steps else "")
        )
    return " ".join(part.rstrip(".") + "." for part in parts)


def _sections(update: SponsorUpdate) -> dict[str, list[str]]:
    """The body of the update as plain-text sections (rendered by the Markdown and HTML code)."""
    update.require_complete()
    return {
        "Aim": [update.aim],
        "Progress score": [
            f"This month: {update.score}",
            _score_change(update),
        ],
        "Headline measure": [update.measure_name],
        "Signals on the chart": update.signals or ["No signals on the chart this month."],
        "Balancing measure": [update.balancing_measure, _balancing(update)],
        "PDSA cycles since the last update": [
            f"{cycle.cycle_id + ': ' if cycle.cycle_id else ''}{cycle.change_idea}. "
            f"{_learned(cycle)}"
            for cycle in update.pdsas
        ],
        "Next tests": update.next_tests,
        "Risks": update.risks,
        "Ask of the sponsor": [update.ask],
    }


def _title(update: SponsorUpdate) -> str:
    return f"Sponsor update: {update.project}, {pd.Period(update.month, freq='M'):%B %Y}"


def _markdown_text(text: str) -> str:
    """Escape &, < and > so that text typed by people cannot become HTML in the Markdown."""
    return html.escape(text, quote=False)


def sponsor_update_markdown(update: SponsorUpdate) -> str:
    """The update as Markdown, with the chart embedded as a PNG data URI.

    Raises :class:`SponsorUpdateError` naming each missing section.

    >>> sponsor_update_markdown(SponsorUpdate(project="Falls, Cedar ward", month="2024-06"))
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    icp_helpers.reports.SponsorUpdateError: the sponsor update is not complete yet:
    - Aim: write the aim statement (aim=...)
    ...
    """
    sections = _sections(update)
    picture, alt_text = _chart_png(update.chart, update.measure_name)
    png = base64.b64encode(picture).decode("ascii")
    esc = _markdown_text
    lines = [f"# {esc(_title(update))}", ""]
    if update.author:
        lines += [f"Prepared by {esc(update.author)}", ""]
    for heading, items in sections.items():
        lines += [f"## {heading}", ""]
        single = heading in ("Aim", "Headline measure", "Ask of the sponsor")
        if heading == "Balancing measure":
            lines.append("  \n".join(esc(item) for item in items))
        else:
            lines += [
                esc(item) if single else "- " + esc(item).replace("\n", "\n  ") for item in items
            ]
        lines.append("")
        if heading == "Headline measure":
            alt = esc(alt_text).replace("[", "(").replace("]", ")")
            lines += [f"![{alt}](data:image/png;base64,{png})", ""]
    return "\n".join(lines)


_STYLE = """
body { font-family: Arial, Helvetica, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; color: #1d1d1d; line-height: 1.45; }
h1 { font-size: 1.5rem; border-bottom: 3px solid #005eb8; padding-bottom: .3rem; }
h2 { font-size: 1.15rem; margin-top: 1.6rem; color: #003087; }
img { max-width: 100%; height: auto; border: 1px solid #d8dde0; }
.score { font-size: 1.1rem; font-weight: bold; }
.ask { background: #fff9c4; border-left: 5px solid #ffb81c; padding: .6rem 1rem; }
footer { margin-top: 2rem; font-size: .85rem; color: #4c6272; }
"""


def sponsor_update_html(update: SponsorUpdate) -> str:
    """The update as one self-contained HTML page (no external files), text HTML-escaped.

    The chart is an ``<img id="headline-chart">`` with a base64 PNG ``src`` and, as its
    ``alt`` text, the chart's description (what a screen reader reads out).
    """
    sections = _sections(update)
    picture, alt_text = _chart_png(update.chart, update.measure_name)
    png = base64.b64encode(picture).decode("ascii")
    esc = html.escape
    title = esc(_title(update))
    body = [f"<h1>{title}</h1>"]
    if update.author:
        body.append(f"<p>Prepared by {esc(update.author)}</p>")
    for heading, items in sections.items():
        slug = heading.lower().replace(" ", "-")
        body.append(f'<section id="{slug}"><h2>{esc(heading)}</h2>')
        if heading == "Progress score":
            body.append(f'<p class="score">{esc(items[0])}</p><p>{esc(items[1])}</p>')
        elif heading == "Ask of the sponsor":
            body.append(f'<p class="ask">{esc(items[0])}</p>')
        elif heading in ("Aim", "Headline measure"):
            body.append(f"<p>{esc(items[0])}</p>")
        elif heading == "Balancing measure":
            body.append(f"<p>{esc(items[0])}</p><p>{esc(items[1])}</p>")
        else:
            body.append("<ul>" + "".join(f"<li>{esc(item)}</li>" for item in items) + "</ul>")
        if heading == "Headline measure":
            body.append(
                f'<img id="headline-chart" alt="{esc(alt_text)}" src="data:image/png;base64,{png}">'
            )
        body.append("</section>")
    body.append(f"<footer>Monthly sponsor update for {esc(update.month)}.</footer>")
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
