"""Shared look for the diagram drawings: colour-blind-safe fills and text wrapping.

The fills are light tints of the Okabe-Ito palette, which stays distinguishable
with the common colour-vision deficiencies. Colour is never the only cue: every
drawing also labels its columns, lanes or categories in text, and uses shapes.

>>> wrap("Protected engagement time every afternoon", width=20)
'Protected engagement\\ntime every afternoon'
>>> len(FILLS)
4
"""

from __future__ import annotations

import textwrap

__all__ = ["EDGE", "FILLS", "LINE", "wrap"]

#: Light tints of Okabe-Ito blue, orange, bluish green and reddish purple.
FILLS = ("#cfe4f3", "#fde3b8", "#c4eadf", "#f1d4e3")
#: Dark grey for box edges and text, softer than pure black.
EDGE = "#333333"
#: Mid grey for connectors, so boxes stand out from the lines between them.
LINE = "#6b6b6b"


def wrap(text: str, width: int = 26) -> str:
    """Wrap ``text`` onto lines of at most ``width`` characters (long words are kept whole)."""
    return "\n".join(
        textwrap.wrap(str(text), width=width, break_long_words=False, break_on_hyphens=False)
        or [""]
    )
