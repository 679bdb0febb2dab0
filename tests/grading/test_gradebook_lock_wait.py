"""A gradebook write waits for another connection's lock longer than SQLite's default 5 s
(a busy grading server held a lock past it and a trial grading failed: "database is locked")."""

from __future__ import annotations

import threading
import time

import sqlalchemy

from icp_helpers.grading import record


def test_a_write_waits_out_a_lock_held_for_longer_than_five_seconds(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    holder, writer = sqlalchemy.create_engine(url), sqlalchemy.create_engine(url)
    with holder.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE grade (score REAL)")
    locked = threading.Event()

    def hold_the_lock() -> None:
        with holder.begin() as connection:
            connection.exec_driver_sql("INSERT INTO grade VALUES (1)")
            locked.set()
            time.sleep(6)

    thread = threading.Thread(target=hold_the_lock)
    thread.start()
    locked.wait()
    started = time.monotonic()
    with writer.begin() as connection:
        connection.exec_driver_sql("INSERT INTO grade VALUES (2)")
    thread.join()
    assert time.monotonic() - started > 4  # it waited for the lock, and then wrote
    with writer.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM grade").scalar() == 2
    assert record.SQLITE_LOCK_WAIT_MS >= 60_000
