"""The composition root: the one place that wires concrete adapters to the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from purldesk.adapters.fx import EcbRates
from purldesk.adapters.storage.engine import make_engine, session_factory
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.config import Settings
from purldesk.services.ports import Clock, FxRates, Reader, UnitOfWork


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Application:
    """What an entrypoint needs: a fresh unit of work per use case, FX rates and a clock."""

    settings: Settings
    engine: Engine
    uow: Callable[[], UnitOfWork]
    fx: FxRates
    clock: Clock
    reader: Callable[[], Reader]  # a fresh read-only transaction per page or report

    def close(self) -> None:
        self.engine.dispose()


def build(settings: Settings, *, clock: Clock | None = None) -> Application:
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    return Application(
        settings=settings,
        engine=engine,
        uow=lambda: SqlUnitOfWork(sessions),
        fx=EcbRates(),
        clock=clock or SystemClock(),
        reader=lambda: SqlReader(sessions),
    )
