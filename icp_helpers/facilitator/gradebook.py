"""Where a cohort's gradebook lives: SQLite in the cohort folder, or a PostgreSQL database.

Each cohort has its own gradebook, never shared with another cohort. By default it is an
SQLite file in the cohort's folder. Trusts running many cohorts on a shared server pass
``--db-url`` (or set ``ICP_DB_URL``) to a PostgreSQL server; each cohort then gets its own
database, ``icp_cohort_<id>``, created on first use, unless the address names one.

>>> gradebook_url(Path("/srv/icp/cohorts/10"), "10")
'sqlite:////srv/icp/cohorts/10/gradebook.db?timeout=60'
>>> gradebook_url(Path("/srv/icp/cohorts/10"), "10", "postgresql://coach@db.trust.nhs.uk")
'postgresql+psycopg2://coach@db.trust.nhs.uk/icp_cohort_10'
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from icp_helpers.errors import IcpError
from icp_helpers.facilitator.privacy import masked_url
from icp_helpers.grading.new_gradebook import stamp_new_gradebook

DB_URL_VARIABLE = "ICP_DB_URL"
SQLITE_WAIT_SECONDS = 60  # parallel graders wait this long for SQLite's write lock


class GradebookError(IcpError, ValueError):
    """A gradebook address is unusable or its server cannot be reached."""


def gradebook_url(cohort_root: Path, cohort: str, db_url: str | None = None) -> str:
    """The gradebook address for a cohort: ``db_url``, else ``$ICP_DB_URL``, else SQLite."""
    url = db_url or os.environ.get(DB_URL_VARIABLE)
    if not url:
        return f"sqlite:///{cohort_root / 'gradebook.db'}?timeout={SQLITE_WAIT_SECONDS}"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise GradebookError(
            f"--db-url {masked_url(url)!r} is not a database address; write it like "
            "postgresql://user:password@host:5432/ (or leave it out for SQLite)."
        ) from None
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return url
    if backend not in ("postgresql", "postgres"):
        raise GradebookError(
            f"--db-url uses {backend!r}; the gradebook runs on SQLite (the default) or "
            "PostgreSQL (postgresql://...)."
        )
    if parsed.drivername in ("postgres", "postgresql"):  # the driver this project installs
        parsed = parsed.set(drivername="postgresql+psycopg2")
    if not parsed.database:
        safe = re.sub(r"[^a-z0-9_]", "_", str(cohort).lower())
        parsed = parsed.set(database=f"icp_cohort_{safe}")
    return parsed.render_as_string(hide_password=False)


def prepare_database(url: str) -> None:
    """Make sure the gradebook's database exists (PostgreSQL), creating it if need be."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    import psycopg2
    from psycopg2 import errors, sql

    try:
        connection = psycopg2.connect(
            dbname="postgres",
            user=parsed.username,
            password=parsed.password,
            host=parsed.host,
            port=parsed.port,
        )
    except psycopg2.OperationalError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        raise GradebookError(
            f"cannot reach the PostgreSQL server at {masked_url(url)} ({first}); check that "
            "the server is running and the address, user and password are right."
        ) from None
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,))
            if cursor.fetchone() is None:
                with contextlib.suppress(errors.DuplicateDatabase):
                    cursor.execute(
                        sql.SQL("CREATE DATABASE {}").format(sql.Identifier(parsed.database))
                    )
    finally:
        connection.close()


def gradebook_unusable(error: Exception, url: str | None) -> GradebookError:
    """The plain message for a gradebook that cannot be used (``error`` is the database's
    ``OperationalError``): its address without the password, the reason, and what to do.

    >>> gradebook_unusable(Exception("attempt to write a readonly database"),
    ...                    "sqlite:////srv/icp/cohorts/10/gradebook.db")  # doctest: +ELLIPSIS
    GradebookError('cannot use the gradebook at sqlite:////srv/icp/cohorts/10/gradebook.db: ...
    """
    detail = str(getattr(error, "orig", None) or error).strip()
    first = detail.splitlines()[0] if detail else type(error).__name__
    where = f"the gradebook at {masked_url(url)}" if url else "the cohort's gradebook"
    if "readonly" in first or "read-only" in first:
        reason = "its folder is read-only; make it writable, then run the command again"
    elif "disk is full" in first or "No space left" in first:
        reason = "the disk is full; free some space there and run the command again"
    else:
        reason = (
            f"{first}; check that the database server is running and can be reached at that "
            "address, then run the command again"
        )
    return GradebookError(f"cannot use {where}: {reason}.")


@contextlib.contextmanager
def open_gradebook(url: str, course_id: str) -> Iterator:
    """Open the cohort's nbgrader gradebook (``nbgrader.api.Gradebook``) for reading or writing.

    A new one is stamped with nbgrader's schema version first (see ``stamp_new_gradebook``),
    which spares nbgrader starting an ``alembic`` process to find it."""
    from nbgrader.api import Gradebook

    stamp_new_gradebook(url)
    with Gradebook(url, course_id=course_id) as gradebook:
        yield gradebook
