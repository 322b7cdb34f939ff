"""The sync's status line: shown on a terminal, silent in logs and CI."""

from __future__ import annotations

import pytest

from followthrough.sync import Progress


def test_progress_counts_on_one_line_and_ends_it(capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress(enabled=True)
    progress.add("issues and PRs", 100)
    progress.add("issues and PRs", 50)
    progress.add("comments", 7)
    progress.close()
    err = capsys.readouterr().err
    assert err.endswith("\rsyncing: 150 issues and PRs, 7 comments\n")


def test_progress_off_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    progress = Progress(enabled=False)
    progress.add("comments", 3)
    progress.close()
    assert capsys.readouterr().err == ""
