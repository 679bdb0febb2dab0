"""The suite's shared set-ups: built once, and a failed build fails only its users, quickly."""

import pytest

from .conftest import BuildFailed, build_once


def test_a_shared_folder_is_built_once(tmp_path):
    calls = []
    build = lambda folder: calls.append(folder)  # noqa: E731
    assert build_once(tmp_path / "course", build) == build_once(tmp_path / "course", build)
    assert calls == [tmp_path / "course"]


def test_a_failed_build_is_not_tried_again_and_says_why(tmp_path):
    calls = []

    def broken(folder):
        calls.append(folder)
        raise OSError("database is locked")

    with pytest.raises(OSError):
        build_once(tmp_path / "trial", broken)
    with pytest.raises(BuildFailed, match="trial failed earlier this session: OSError: database"):
        build_once(tmp_path / "trial", broken)
    assert len(calls) == 1
