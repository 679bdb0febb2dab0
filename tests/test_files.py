"""The one atomic-write helper: temporary file in the same folder, flush, fsync, replace."""

from __future__ import annotations

import os

import pytest

from icp_helpers.files import DataFileError, atomic_write


def test_atomic_write_syncs_a_temporary_file_in_the_same_folder_before_replacing(
    tmp_path, monkeypatch
):
    steps = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        steps.append("fsync")
        real_fsync(fd)

    def replace(source, target):
        steps.append(("replace", os.path.dirname(source)))
        real_replace(source, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    atomic_write(tmp_path / "plan.yaml", "aim: fewer falls\n")
    assert steps == ["fsync", ("replace", str(tmp_path))]
    assert (tmp_path / "plan.yaml").read_text(encoding="utf-8") == "aim: fewer falls\n"


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "plan.yaml"
    target.write_text("old", encoding="utf-8")

    def broken_replace(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new")
    assert target.read_text(encoding="utf-8") == "old"
    assert [path.name for path in tmp_path.iterdir()] == ["plan.yaml"]


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(DataFileError, match="does not exist; create it first"):
        atomic_write(tmp_path / "no-such-folder" / "plan.yaml", "x")
