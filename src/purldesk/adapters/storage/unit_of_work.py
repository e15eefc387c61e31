"""The UnitOfWork port on a SQLAlchemy session: one `with` block is one database transaction."""

from __future__ import annotations

from typing import Self

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from purldesk.adapters.storage.access_repositories import (
    SqlAuditLog,
    SqlAuthFailures,
    SqlIdempotencyKeys,
    SqlPasswordRepository,
    SqlTokenRepository,
    SqlUserRepository,
    SqlWebSessionRepository,
)
from purldesk.adapters.storage.bases import SqlBasisRepository
from purldesk.adapters.storage.catalog import SqlCatalogRepository
from purldesk.adapters.storage.contributions import SqlContributionRepository
from purldesk.adapters.storage.engine import READ_ONLY, SessionScope
from purldesk.adapters.storage.faults import fault
from purldesk.adapters.storage.fx_rates import SqlFxRateRepository
from purldesk.adapters.storage.gdp import SqlGdpRepository
from purldesk.adapters.storage.ledger import SqlLedger
from purldesk.adapters.storage.packages import SqlPackageRepository, SqlShipmentRepository
from purldesk.adapters.storage.participants import SqlParticipantRepository
from purldesk.adapters.storage.policy_repositories import (
    SqlIndicatorRepository,
    SqlPolicyRepository,
)
from purldesk.adapters.storage.releases import SqlReleaseRepository
from purldesk.adapters.storage.requirements import SqlCycleRepository, SqlRequirementRepository
from purldesk.adapters.storage.restore import SqlTableRows
from purldesk.adapters.storage.rows import _upsert
from purldesk.adapters.storage.tables import IdSequenceRow
from purldesk.adapters.storage.trees import SqlCheckpoints, SqlMerkleTrees


class SqlUnitOfWork(SessionScope):
    """`with uow: ...; uow.commit()`; leaving the block without commit rolls everything back.

    Each `with` opens a fresh session and fresh repositories, so versions remembered for
    optimistic concurrency never leak from one use case into the next.
    """

    participants: SqlParticipantRepository
    catalog: SqlCatalogRepository
    cycles: SqlCycleRepository
    requirements: SqlRequirementRepository
    contributions: SqlContributionRepository
    packages: SqlPackageRepository
    shipments: SqlShipmentRepository
    ledger: SqlLedger
    users: SqlUserRepository
    tokens: SqlTokenRepository
    auth_failures: SqlAuthFailures
    idempotency: SqlIdempotencyKeys
    audit: SqlAuditLog
    passwords: SqlPasswordRepository
    web_sessions: SqlWebSessionRepository
    policies: SqlPolicyRepository
    indicators: SqlIndicatorRepository
    bases: SqlBasisRepository
    fx_rates: SqlFxRateRepository
    trees: SqlMerkleTrees
    checkpoints: SqlCheckpoints
    gdp: SqlGdpRepository
    rows: SqlTableRows
    releases: SqlReleaseRepository

    what = "unit of work"

    def __enter__(self) -> Self:
        session = self._begin()
        self.participants = SqlParticipantRepository(session)
        self.catalog = SqlCatalogRepository(session)
        self.cycles = SqlCycleRepository(session)
        self.requirements = SqlRequirementRepository(session)
        self.contributions = SqlContributionRepository(session)
        self.packages = SqlPackageRepository(session)
        self.shipments = SqlShipmentRepository(session)
        self.ledger = SqlLedger(session)
        self.users = SqlUserRepository(session)
        self.tokens = SqlTokenRepository(session)
        self.auth_failures = SqlAuthFailures(session)
        self.idempotency = SqlIdempotencyKeys(session)
        self.audit = SqlAuditLog(session)
        self.passwords = SqlPasswordRepository(session)
        self.web_sessions = SqlWebSessionRepository(session)
        self.policies = SqlPolicyRepository(session)
        self.indicators = SqlIndicatorRepository(session)
        self.fx_rates = SqlFxRateRepository(session)
        self.bases = SqlBasisRepository(session)
        self.trees = SqlMerkleTrees(session)
        self.checkpoints = SqlCheckpoints(session)
        self.gdp = SqlGdpRepository(session)
        self.rows = SqlTableRows(session)
        self.releases = SqlReleaseRepository(session)
        return self

    def read_one_moment(self) -> None:
        """Every read until this transaction ends sees the database as of one moment, and
        writers go on meanwhile: SQLite begins a plain (deferred) read transaction, which in WAL
        mode reads one snapshot without the write lock; PostgreSQL's default (READ COMMITTED)
        lets each query see what others committed meanwhile, so ask for REPEATABLE READ, READ
        ONLY. Writers here take the ledger lock and READ COMMITTED, so a SERIALIZABLE DEFERRABLE
        snapshot would add nothing but waiting. Call it first; the transaction may only read."""
        connection = self.session.connection(execution_options={READ_ONLY: True})
        if connection.dialect.name == "postgresql":
            self.session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))

    def commit(self) -> None:
        """Commit; a connection lost during COMMIT itself is StorageUnavailable with its
        outcome unknown (the server may have committed before the connection went)."""
        session = self.session
        session.flush()  # a failure here is before COMMIT: the transaction is rolled back
        try:
            session.commit()
        except DBAPIError as error:
            if (failed := fault(error, committing=True)) is None:
                raise
            raise failed from error

    def rollback(self) -> None:
        self.session.rollback()

    def next_id(self, sequence: str) -> int:
        """The next number of `sequence`, starting at 1; taken inside this transaction.

        The row stays locked until commit, so concurrent units of work queue for the same
        sequence and a rolled-back number is handed out again: numbers have no gaps.
        """
        return self.next_ids(sequence, 1)[0]

    def next_ids(self, sequence: str, count: int) -> range:
        """The next `count` numbers of `sequence`, taken at once as `next_id` takes one."""
        if count < 1:
            if count < 0:
                raise ValueError(f"cannot take {count} numbers")
            return range(0)
        session = self.session
        upsert = _upsert(session, IdSequenceRow)
        # One statement, race-safe: a first use creates the row, a concurrent one waits for it
        # and counts on from it; the row stays locked until commit.
        last = session.execute(
            upsert.values(name=sequence, value=count)
            .on_conflict_do_update(
                index_elements=[IdSequenceRow.name],
                set_={"value": IdSequenceRow.value + count},
            )
            .returning(IdSequenceRow.value)
        ).scalar_one()
        return range(int(last) - count + 1, int(last) + 1)
