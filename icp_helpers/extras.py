"""The facilitator tools: what ``pip install '.[facilitator]'`` adds to a learner's install.

Learners install only what the notebooks need. Building, checking and grading the course and
running cohorts (every ``icp`` command) also need nbgrader and the gradebook's database
drivers; without them a command says in one line how to install them, never an ImportError.

>>> print(missing_tool(ModuleNotFoundError("No module named 'psycopg2'", name="psycopg2")))
this needs psycopg2 (the PostgreSQL driver), one of the facilitator tools; install the
facilitator tools: pip install '.[facilitator]' (in the course folder)
>>> missing_tool(ModuleNotFoundError("No module named 'pandas'", name="pandas")) is None
True
"""

from __future__ import annotations

import importlib.util

from icp_helpers.errors import IcpError

__all__ = [
    "FACILITATOR_TOOLS",
    "FacilitatorToolsMissing",
    "missing_tool",
    "need_facilitator_tools",
]

#: The modules only the facilitator tools bring, with what each one is for.
FACILITATOR_TOOLS = {
    "nbgrader": "nbgrader",
    "sqlalchemy": "SQLAlchemy (the gradebook's database layer)",
    "alembic": "alembic (the gradebook's database layer)",
    "psycopg2": "psycopg2 (the PostgreSQL driver)",
    "bleach": "bleach (which cleans graded outputs)",
}

INSTALL = "install the facilitator tools: pip install '.[facilitator]' (in the course folder)"


class FacilitatorToolsMissing(IcpError, ImportError):
    """A command needs the facilitator tools and they are not installed."""


def _needs(module: str) -> FacilitatorToolsMissing:
    return FacilitatorToolsMissing(
        f"this needs {FACILITATOR_TOOLS[module]}, one of the facilitator tools; {INSTALL}"
    )


def need_facilitator_tools() -> None:
    """Raise :class:`FacilitatorToolsMissing` unless nbgrader, which every ``icp`` command
    uses, can be imported.

    >>> need_facilitator_tools()  # in the project's own environment, where it is installed
    """
    if importlib.util.find_spec("nbgrader") is None:
        raise _needs("nbgrader")


def missing_tool(error: ModuleNotFoundError) -> FacilitatorToolsMissing | None:
    """The plain message for ``error`` when the module it could not find is a facilitator
    tool, else None (a module missing for another reason is a bug to report)."""
    top = (error.name or "").split(".")[0]
    return _needs(top) if top in FACILITATOR_TOOLS else None
