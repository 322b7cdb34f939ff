"""Shared fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.github import FakeGitHub
from tests.fakes.jira import FakeJira


@pytest.fixture
def fake_github() -> Iterator[FakeGitHub]:
    """A fake GitHub REST server on 127.0.0.1, empty, no token required."""
    with FakeGitHub() as fake:
        yield fake


@pytest.fixture
def fake_jira(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    """A fake Jira on 127.0.0.1, empty; Cloud unless parametrized indirectly.

    ``@pytest.mark.parametrize("fake_jira", ["Cloud", "DataCenter"], indirect=True)``
    runs a test against both deployments.
    """
    with FakeJira(deployment=getattr(request, "param", "Cloud")) as fake:
        yield fake
