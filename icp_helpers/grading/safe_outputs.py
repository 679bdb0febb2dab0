"""Make a graded notebook safe to show: no scripts, no event handlers, no remote loads.

A trainee's notebook can put any HTML in its outputs (``display(HTML(...))``, a
``_repr_html_``) and in its markdown (reflections). The formgrader and the feedback pages
show both to facilitators and trainees, so before a graded notebook is stored:

* HTML and Markdown outputs, and the markdown and raw cells a trainee could write (every
  one but the read-only cells, which are the course's own), are cleaned with ``bleach`` (the
  sanitiser nbconvert's own ``SanitizeHTML`` uses) to an allow-list of tags for text and
  tables; scripts and style sheets go with their contents, every attribute that could run
  code (``onerror=``, ``style=``...) goes, and images may only carry their picture inline
  (``data:`` addresses), never load one from elsewhere;
* any other rich output that could run code or load something (JavaScript, SVG, widget
  views...) is dropped; plain text, PNG and JPEG pictures are kept;
* every output is capped in bytes: text at ``TEXT_LIMIT``, a picture at ``IMAGE_LIMIT``.

>>> from nbformat.v4 import new_notebook, new_code_cell, new_output
>>> cell = new_code_cell("display(HTML(...))", outputs=[new_output("display_data", data={
...     "text/html": '<b>hi</b><img src="x" onerror="alert(1)"><script>steal()</script>',
...     "application/javascript": "steal()", "text/plain": "hi"})])
>>> safe = make_safe(new_notebook(cells=[cell]))
>>> sorted(safe.cells[0].outputs[0].data)
['text/html', 'text/plain']
>>> safe.cells[0].outputs[0].data["text/html"]
'<b>hi</b><img>'
"""

from __future__ import annotations

import copy
import re
from typing import Any

import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbformat.notebooknode import NotebookNode

TEXT_LIMIT = 64 * 1024  # characters of one output's text kept
IMAGE_LIMIT = 4 * 1024 * 1024  # characters of one base64 picture kept
_TAGS = frozenset(
    "a abbr b blockquote br caption code col colgroup dd del div dl dt em h1 h2 h3 h4 h5 h6 "
    "hr i img ins kbd li ol p pre q s samp small span strong sub sup table tbody td tfoot th "
    "thead tr tt u ul var".split()
)
_ATTRIBUTES = {
    "*": ["class", "title", "align", "colspan", "rowspan", "scope"],
    "img": ["src", "alt", "width", "height"],
    "a": ["title"],
}
_KEPT_AS_IS = {"text/plain", "image/png", "image/jpeg", "text/latex", "application/json"}
_CLEANED = {"text/html", "text/markdown"}
_CLEANER = bleach.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    protocols=["data"],
    strip=True,
    strip_comments=True,
    css_sanitizer=CSSSanitizer(allowed_css_properties=[]),
)
_SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_CUT = "\n[... the rest of this output was cut by the grader: it passed {limit:,} characters]"


def clean_html(text: str) -> str:
    """HTML with only the allowed tags and attributes, and only inline (``data:``) pictures.

    >>> clean_html('<table><tr onclick="x()"><td style="color:red">1</td></tr></table>')
    '<table><tbody><tr><td>1</td></tr></tbody></table>'
    >>> clean_html('<img src="https://example.org/track.gif">')
    '<img>'
    """
    if "<" not in text:  # no markup at all: nothing a browser could run or load
        return text
    return _CLEANER.clean(_SCRIPT_OR_STYLE.sub("", text))


def _capped(text: Any, limit: int) -> str:
    text = "".join(text) if isinstance(text, list) else str(text)
    return text if len(text) <= limit else text[:limit] + _CUT.format(limit=limit)


def _safe_output(output: NotebookNode) -> None:
    if output.get("output_type") == "stream":
        output["text"] = _capped(output.get("text", ""), TEXT_LIMIT)
        return
    if output.get("output_type") == "error":
        output["traceback"] = [_capped(line, TEXT_LIMIT) for line in output.get("traceback", [])]
        output["evalue"] = _capped(output.get("evalue", ""), TEXT_LIMIT)
        return
    data = output.get("data", {})
    for key in list(data):
        if key in _CLEANED:
            data[key] = clean_html(_capped(data[key], TEXT_LIMIT))
        elif key.startswith("image/") and key in _KEPT_AS_IS:
            if len(str(data[key])) > IMAGE_LIMIT:
                del data[key]
                data.setdefault("text/plain", "[a picture too large to keep was removed]")
        elif key in _KEPT_AS_IS:
            data[key] = _capped(data[key], TEXT_LIMIT) if key.startswith("text/") else data[key]
        else:
            del data[key]


def make_safe(notebook: NotebookNode) -> NotebookNode:
    """A copy of ``notebook`` whose cells and outputs are safe to show (see the module notes)."""
    safe = copy.deepcopy(notebook)
    for cell in safe.cells:
        locked = cell.metadata.get("nbgrader", {}).get("locked", False)
        if cell.cell_type in ("markdown", "raw") and not locked:  # locked: the course's own text
            cell.source = clean_html(cell.source)
        elif cell.cell_type == "code":
            for output in cell.get("outputs", []):
                _safe_output(output)
    return safe
