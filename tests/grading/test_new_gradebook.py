"""A gradebook stamped here is the one nbgrader makes, without nbgrader's `alembic` process."""

from __future__ import annotations

import os
import sys

from nbgrader.api import Gradebook
from sqlalchemy import create_engine, inspect, text

from icp_helpers.grading.new_gradebook import stamp_new_gradebook


def _tables_and_version(url: str) -> tuple[list[str], list[str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version"))
            return sorted(inspect(connection).get_table_names()), [row[0] for row in version]
    finally:
        engine.dispose()


def test_nbgrader_opens_a_stamped_gradebook_without_alembic_and_makes_the_same_tables(
    tmp_path, monkeypatch
):
    # the reference: a gradebook nbgrader made its own way (asking an `alembic` process)
    by_nbgrader = f"sqlite:///{tmp_path / 'by-nbgrader.db'}"
    monkeypatch.setenv(
        "PATH", os.pathsep.join([os.path.dirname(sys.executable), os.environ["PATH"]])
    )
    with Gradebook(by_nbgrader, course_id="icp"):
        pass

    stamped = f"sqlite:///{tmp_path / 'stamped.db'}"
    stamp_new_gradebook(stamped)
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))  # an `alembic` process would fail
    with Gradebook(stamped, course_id="icp") as gradebook:
        gradebook.add_student("ana")
    assert _tables_and_version(stamped) == _tables_and_version(by_nbgrader)


def test_a_gradebook_in_use_is_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    stamp_new_gradebook(url)
    with Gradebook(url, course_id="icp") as gradebook:
        gradebook.add_student("ana")
    assert stamp_new_gradebook(url) is None
    with Gradebook(url, course_id="icp") as gradebook:
        assert [student.id for student in gradebook.students] == ["ana"]
