"""Services over the in-memory unit of work: no database, milliseconds per test. The contract
suite (tests/contract/) holds the fake to what SQLite and PostgreSQL do."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fakes import FakeUnitOfWork, fake_uow_factory


@pytest.fixture
def uow_factory() -> Callable[[], FakeUnitOfWork]:
    """A new unit of work on the test's own empty in-memory database at each call."""
    return fake_uow_factory()
