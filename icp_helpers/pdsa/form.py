"""An ipywidgets form to record a PDSA cycle inside a notebook.

``pdsa_form()`` builds the form (it needs no browser, so it also works in tests and
autograding); pressing *Save cycle* turns the boxes into a
:class:`~icp_helpers.pdsa.cycle.PdsaCycle`, shows what the record still lacks, and keeps the
cycle in ``form.cycles``. Every label is shown whole, and messages name the boxes by the
labels the learner sees ("Change idea"), not by the record's field names.

>>> form = pdsa_form()
>>> form.fields["change_idea"].value = "Welcome call to carers within 72 hours of admission"
>>> form.fields["prediction"].value = "Most carers will be reached on the first try"
>>> form.save_button.click()
>>> form.last_cycle.change_idea
'Welcome call to carers within 72 hours of admission'
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from pathlib import Path

import ipywidgets as widgets

from icp_helpers.fields import FieldError
from icp_helpers.files import DataFileError
from icp_helpers.pdsa.cycle import ACT_DECISIONS, PdsaCycle
from icp_helpers.pdsa.storage import load_cycles, save_cycles

__all__ = ["PdsaForm", "pdsa_form"]

# (field, label, multi-line?) in the order the cycle is lived: plan, do, study, act.
_TEXT_BOXES = (
    ("cycle_id", "Cycle id (e.g. PDSA 1)", False),
    ("ramp", "Ramp (change idea being tested)", False),
    ("change_idea", "Change idea", True),
    ("question", "Plan: question", True),
    ("prediction", "Plan: prediction", True),
    ("who", "Plan: who", False),
    ("what", "Plan: what", False),
    ("when", "Plan: when", False),
    ("where", "Plan: where", False),
    ("data_to_collect", "Plan: data to collect", True),
    ("observations", "Do: observations", True),
    ("study", "Study: results against the prediction", True),
)
_DATES = (("start", "Start date"), ("end", "End date"))
#: The label of each field, as the learner sees it in the form.
LABELS: dict[str, str] = {
    **{name: label for name, label, _ in _TEXT_BOXES},
    "act": "Act: decision",
    "next_steps": "Act: next steps",
    **dict(_DATES),
}
_LAYOUT = widgets.Layout(width="95%")
# "initial": each label takes the width its words need (a fixed width cut the longer ones off).
_STYLE = {"description_width": "initial"}
_FIELD_AT_START = re.compile(r"^(\w+)(:| )")


def in_labels(message: str) -> str:
    """A record's message with the field it names given as the form's label.

    >>> in_labels("change_idea is empty; say what change this cycle tests")
    'Change idea is empty; say what change this cycle tests'
    >>> in_labels("data_to_collect contains a hidden control character")
    '“Plan: data to collect” contains a hidden control character'
    """
    found = _FIELD_AT_START.match(message)
    if found is None or found.group(1) not in LABELS:
        return message
    label = LABELS[found.group(1)]
    shown = label if found.group(1) == "change_idea" else f"“{label}”"
    return shown + message[len(found.group(1)) :]


class PdsaForm:
    """The widgets of the PDSA form and the cycles saved from it.

    Attributes: ``fields`` (field name -> widget), ``save_button``, ``message`` (an HTML
    widget showing the outcome of the last save), ``cycles`` (saved so far), ``widget``
    (the whole form, for ``display``) and ``log_path`` (the PDSA log file each saved cycle
    is added to, or ``None``).
    """

    def __init__(
        self,
        on_save: Callable[[PdsaCycle], None] | None = None,
        log_path: str | os.PathLike | None = None,
    ) -> None:
        if on_save is not None and not callable(on_save):
            raise FieldError("on_save must be a function that takes the saved PdsaCycle")
        self.on_save = on_save
        self.log_path = None if log_path is None else Path(log_path)
        if self.log_path is not None and self.log_path.suffix.lower() not in (
            ".yaml",
            ".yml",
            ".csv",
        ):
            raise FieldError(
                f"log_path {str(log_path)!r} must end .yaml, .yml or .csv, e.g. 'pdsa_log.yaml'"
            )
        self.cycles: list[PdsaCycle] = []
        self.fields: dict[str, widgets.Widget] = {}
        for name, label, long in _TEXT_BOXES:
            box = widgets.Textarea if long else widgets.Text
            self.fields[name] = box(description=label, layout=_LAYOUT, style=_STYLE)
        self.fields["act"] = widgets.Dropdown(
            options=[("not decided yet", ""), *[(word, word) for word in ACT_DECISIONS]],
            value="",
            description=LABELS["act"],
            style=_STYLE,
        )
        self.fields["next_steps"] = widgets.Textarea(
            description=LABELS["next_steps"], layout=_LAYOUT, style=_STYLE
        )
        for name, label in _DATES:
            self.fields[name] = widgets.DatePicker(description=label, style=_STYLE)
        self.save_button = widgets.Button(description="Save cycle", button_style="primary")
        self.save_button.on_click(self._save)
        self.message = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HTML("<b>Record a PDSA cycle</b>"),
                *self.fields.values(),
                self.save_button,
                self.message,
            ]
        )

    @property
    def last_cycle(self) -> PdsaCycle | None:
        """The cycle saved most recently, or ``None`` before the first save."""
        return self.cycles[-1] if self.cycles else None

    def _save(self, _button: widgets.Button | None = None) -> None:
        values = {name: widget.value for name, widget in self.fields.items()}
        try:
            cycle = PdsaCycle(**values)
        except FieldError as exc:
            self.message.value = f"<p><b>Not saved:</b> {html.escape(in_labels(str(exc)))}</p>"
            return
        if self.log_path is not None:
            try:
                log = load_cycles(self.log_path) if self.log_path.exists() else []
                save_cycles([*log, cycle], self.log_path)
            except (DataFileError, FieldError, OSError) as exc:
                self.message.value = f"<p><b>Not saved to the log:</b> {html.escape(str(exc))}</p>"
                return
        self.cycles.append(cycle)
        problems = cycle.validate()
        if problems:
            items = "".join(f"<li>{html.escape(text)}</li>" for text in problems)
            self.message.value = f"<p>Saved. Still to complete:</p><ul>{items}</ul>"
        else:
            self.message.value = "<p>Saved. The record is complete.</p>"
        if self.on_save is not None:
            self.on_save(cycle)

    def _repr_mimebundle_(self, **kwargs: object) -> dict | None:
        return self.widget._repr_mimebundle_(**kwargs)


def pdsa_form(
    on_save: Callable[[PdsaCycle], None] | None = None,
    log_path: str | os.PathLike | None = None,
) -> PdsaForm:
    """Build the PDSA form; ``on_save`` (optional) is called with each saved cycle.

    With ``log_path`` (a ``.yaml`` or ``.csv`` file), each saved cycle is also added to that
    PDSA log, safely: a log that cannot be read is reported in the form and left untouched.

    In a notebook, put ``form = pdsa_form()`` as the last line of a cell to show it. A save
    that fails (no change idea, the end before the start) explains why in ``form.message``.

    >>> form = pdsa_form()
    >>> form.save_button.click()
    >>> form.cycles
    []
    >>> "Change idea is empty" in form.message.value
    True
    """
    return PdsaForm(on_save=on_save, log_path=log_path)
