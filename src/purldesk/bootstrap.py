"""The composition root: the one place that wires concrete adapters to the services."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import Engine

from purldesk.adapters.fx import EcbRates
from purldesk.adapters.passwords import Argon2Hasher
from purldesk.adapters.signing import SigningKey
from purldesk.adapters.storage.engine import make_engine, session_factory
from purldesk.adapters.storage.fx_rates import SqlStoredRates
from purldesk.adapters.storage.reader import SqlReader
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.config import Settings
from purldesk.domain.access import Actor
from purldesk.services.access_ports import PasswordHasher
from purldesk.services.exports import RestorableUnitOfWork
from purldesk.services.handle import Command, Context, handle
from purldesk.services.ledger_ports import Signer
from purldesk.services.memo import ViewMemo
from purldesk.services.ports import Clock, FxRates
from purldesk.services.read_ports import Reader
from purldesk.services.retries import Retries

if TYPE_CHECKING:
    from purldesk.adapters.exports.ocds_documents import Publication

R = TypeVar("R")


# A write the database broke off (a lost connection, a serialization failure, a deadlock) is
# tried 4 times in all, waiting up to 0.1, 0.2, then 0.4 s between tries; then the edge answers
# that the service is unavailable (HTTP 503, Retry-After).
WRITE_RETRIES = Retries(
    attempts=4, first_wait_s=0.1, longest_wait_s=1.0, sleep=time.sleep, jitter=random.random
)


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Application:
    """What an entrypoint needs: a fresh unit of work per use case, FX rates, a clock, the
    password hasher for dashboard logins, and the key checkpoints are signed with."""

    settings: Settings
    engine: Engine
    uow: Callable[[], RestorableUnitOfWork]  # a unit of work that can also dump and restore rows
    fx: FxRates
    clock: Clock
    passwords: PasswordHasher
    reader: Callable[[], Reader]  # a fresh read-only transaction per page or report
    signer: Signer

    @property
    def min_hidden_contributors(self) -> int:
        """k of docs/SECURITY.md, the same for every page, report and API answer: hidden money
        is published only summed over at least this many contributors."""
        return self.settings.reports.min_hidden_contributors

    @property
    def ocds_publication(self) -> Publication:
        """Who publishes the Open Contracting data, and where the world reaches it."""
        from purldesk.adapters.exports.ocds_documents import Publication  # loaded when used

        reports = self.settings.reports
        return Publication(
            reports.ocid_prefix, reports.publisher, self.settings.public_url(),
            reports.published_at,
        )  # fmt: skip

    def close(self) -> None:
        self.engine.dispose()

    def context(self, actor: Actor, request_id: str, *, at: datetime | None = None) -> Context:
        """What a command runs with: the actor, now by the clock (or `at`), the request, the
        rates."""
        when = self.clock.now() if at is None else at
        return Context(
            actor=actor, at=when, request_id=request_id, fx=self.fx, signer=self.signer,
            retries=WRITE_RETRIES,
        )  # fmt: skip

    def run(
        self, command: Command[R], *, actor: Actor, request_id: str, at: datetime | None = None
    ) -> R:
        """Handle one command without an idempotency key, and give its result."""
        context = self.context(actor, request_id, at=at)
        return handle(self.uow(), command, context=context).value


def build(
    settings: Settings, *, clock: Clock | None = None, passwords: PasswordHasher | None = None
) -> Application:
    """Wire the adapters for `settings`; tests pass their own clock and a cheaper hasher."""
    signer = SigningKey(settings.ledger.signing_key.get_secret_value())
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    memo = ViewMemo()  # one per process: views the same for everyone, kept per state mark
    return Application(
        settings=settings,
        engine=engine,
        uow=lambda: SqlUnitOfWork(sessions),
        fx=EcbRates(SqlStoredRates(sessions)),
        clock=clock or SystemClock(),
        passwords=passwords or Argon2Hasher(),
        reader=lambda: SqlReader(
            sessions, min_hidden_contributors=settings.reports.min_hidden_contributors, memo=memo
        ),
        signer=signer,
    )


def upgrade_database(database_url: str) -> None:
    """Create or migrate the database's schema to the newest version."""
    from purldesk.adapters.storage.migrate import upgrade

    upgrade(database_url)
