"""A new gradebook stamped with nbgrader's schema version, read in this process.

When nbgrader opens a database with no tables it records which version of its gradebook
schema it is creating, and to find that version it starts a separate ``alembic heads``
process: about two CPU-seconds, each time a cohort or a course copy gets its gradebook.
:func:`stamp_new_gradebook` writes the same record first, reading the version from
nbgrader's own migration scripts in this process (a tenth of a second once nbgrader is
imported). nbgrader then sees a database that is not new, creates its tables and leaves
the record alone, so the gradebook is the same as the one nbgrader would have made.

>>> import tempfile, pathlib
>>> url = f"sqlite:///{pathlib.Path(tempfile.mkdtemp()) / 'gradebook.db'}"
>>> stamp_new_gradebook(url) == schema_version()
True
>>> stamp_new_gradebook(url) is None  # not new any more: left as it is
True
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import create_engine, inspect, text


@cache
def schema_version() -> str:
    """The newest revision of nbgrader's gradebook schema (what ``alembic heads`` prints
    for nbgrader's migrations).

    >>> len(schema_version()) == 12 and schema_version().isalnum()
    True
    """
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    config = Config()
    config.set_main_option("script_location", ALEMBIC_DIR)
    head = ScriptDirectory.from_config(config).get_current_head()
    if head is None:  # nbgrader always ships its migrations
        raise RuntimeError(f"nbgrader's gradebook migrations are missing from {ALEMBIC_DIR}")
    return head


def stamp_new_gradebook(db_url: str) -> str | None:
    """Record nbgrader's schema version in the database at ``db_url`` if it has no tables
    yet (an SQLite file is created), as nbgrader itself would on first opening it.

    Returns the version written, or None for a database that already had tables.
    """
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            if inspect(connection).get_table_names():
                return None
            version = schema_version()
            connection.execute(
                text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            )
            connection.execute(
                text("INSERT INTO alembic_version (version_num) VALUES (:version)"),
                {"version": version},
            )
            return version
    finally:
        engine.dispose()
