"""The relational schema as typed declarative ORM classes; repositories map them to the domain."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Constraint names are stable across databases, so Alembic can find them again (and batch
# mode on SQLite can recreate them).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

CODE = 16  # participant codes
ITEM = 40  # catalog item codes, capability areas, line refs
STATUS = 32  # enum values
NAME = 200
HASH = 64  # hex SHA-256
RATE = 64  # a Decimal's exact string
URL = 500


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, written in UTC and always read back tz-aware in UTC.

    SQLite has no time zone type and returns naive values; PostgreSQL returns the session's
    zone. Reading back UTC on both keeps `recorded_at.isoformat()` (hashed) identical.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware instants only")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, _dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class ParticipantRow(Base):
    __tablename__ = "participants"

    code: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    kind: Mapped[str] = mapped_column(String(STATUS))
    status: Mapped[str] = mapped_column(String(STATUS))


class ParticipantMemberRow(Base):
    """A member nation of a group, in the group's own order; members need not be participants."""

    __tablename__ = "participant_members"

    group_code: Mapped[str] = mapped_column(
        ForeignKey("participants.code", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_code: Mapped[str] = mapped_column(String(CODE))


class CatalogItemRow(Base):
    __tablename__ = "catalog_items"

    code: Mapped[str] = mapped_column(String(ITEM), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME))
    area: Mapped[str] = mapped_column(String(ITEM))
    aid_class: Mapped[str] = mapped_column(String(STATUS))
    unit_price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    lot_size: Mapped[int] = mapped_column(Integer)
    available_per_cycle: Mapped[int] = mapped_column(Integer)
    lead_time_days: Mapped[int] = mapped_column(Integer)


class CycleRow(Base):
    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    opens_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(STATUS))


class RequirementLineRow(Base):
    __tablename__ = "requirement_lines"
    __table_args__ = (
        UniqueConstraint("cycle_id", "ref"),
        Index("ix_requirement_lines_cycle_rank", "cycle_id", "rank"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ref: Mapped[str] = mapped_column(String(ITEM))
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"))
    item_code: Mapped[str] = mapped_column(ForeignKey("catalog_items.code"))
    area: Mapped[str] = mapped_column(String(ITEM))
    aid_class: Mapped[str] = mapped_column(String(STATUS))
    quantity: Mapped[int] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)
    needed_by: Mapped[date] = mapped_column(Date)
    justification: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(STATUS))
    carried_from: Mapped[int | None] = mapped_column(ForeignKey("requirement_lines.id"), index=True)


class RankChangeRow(Base):
    """Append-only: every rank a line has held, from `at` on."""

    __tablename__ = "rank_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("requirement_lines.id"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    by: Mapped[str] = mapped_column(String(NAME))


class LineChangeRow(Base):
    """Append-only: every edit of a line other than its rank (a field, its old and new value)."""

    __tablename__ = "line_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("requirement_lines.id"), index=True)
    field: Mapped[str] = mapped_column(String(STATUS))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    by: Mapped[str] = mapped_column(String(NAME))


class ContributionRow(Base):
    __tablename__ = "contributions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contributor: Mapped[str] = mapped_column(ForeignKey("participants.code"), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    pledged_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(STATUS), index=True)
    confidential: Mapped[bool] = mapped_column(Boolean)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    purpose: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    # Earmark. No foreign key on the package: packages refer to contributions already, and the
    # earmark is the contributor's word, kept even if the package is never stored.
    earmark_package_id: Mapped[int | None] = mapped_column(Integer)
    earmark_areas: Mapped[str | None] = mapped_column(Text)  # sorted, comma-separated
    earmark_aid_classes: Mapped[str | None] = mapped_column(Text)  # sorted, comma-separated
    earmark_expires_on: Mapped[date | None] = mapped_column(Date)
    # Indexed: the forecast reads the receipts of its last months only.
    received_on: Mapped[date | None] = mapped_column(Date, index=True)
    # Conversion of `amount` at receipt; the rate is the Decimal's string, exactly.
    usd_minor: Mapped[int | None] = mapped_column(BigInteger)
    fx_rate: Mapped[str | None] = mapped_column(String(RATE))
    fx_rate_date: Mapped[date | None] = mapped_column(Date)
    fx_source: Mapped[str | None] = mapped_column(String(NAME))
    version: Mapped[int] = mapped_column(Integer)
    # SHA-256 of the imported row (hex); NULL for pledges made by hand, which never collide.
    import_digest: Mapped[str | None] = mapped_column(String(HASH), index=True, unique=True)


# Who pays money a viewer may not see is found from the confidential contributions alone.
Index("ix_contributions_confidential", ContributionRow.contributor,
      sqlite_where=ContributionRow.confidential == true(),
      postgresql_where=ContributionRow.confidential == true())  # fmt: skip


class ContributionMemberRow(Base):
    """Append-only: a member's part of a group's contribution, as pledged, in the order given
    (the member need not be a participant) and converted as `contributions.usd_minor` is."""

    __tablename__ = "contribution_members"
    __table_args__ = (UniqueConstraint("contribution_id", "member"),)

    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    member: Mapped[str] = mapped_column(String(CODE), index=True)
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    usd_minor: Mapped[int] = mapped_column(BigInteger)
    fx_rate: Mapped[str] = mapped_column(String(RATE))
    fx_rate_date: Mapped[date] = mapped_column(Date)
    fx_source: Mapped[str] = mapped_column(String(NAME))


class PackageRow(Base):
    __tablename__ = "packages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    name: Mapped[str] = mapped_column(String(NAME))
    target_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    created_on: Mapped[date] = mapped_column(Date)
    accepted_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(STATUS))
    version: Mapped[int] = mapped_column(Integer)
    contents_restricted: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class _PackagePart:
    """A row that belongs to a package, at its position in the package's own order (the key,
    and the first columns)."""

    package_id: Mapped[int] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True, sort_order=-1
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True, sort_order=-1)


class PackageLineRow(_PackagePart, Base):
    __tablename__ = "package_lines"

    line_id: Mapped[int] = mapped_column(ForeignKey("requirement_lines.id"), index=True)
    item_code: Mapped[str] = mapped_column(ForeignKey("catalog_items.code"))
    lots: Mapped[int] = mapped_column(Integer)
    lot_price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class AttributionRow(_PackagePart, Base):
    __tablename__ = "attributions"

    contribution_id: Mapped[int] = mapped_column(ForeignKey("contributions.id"))
    line_id: Mapped[int] = mapped_column(ForeignKey("requirement_lines.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


# A contributor's packages are found from its contributions' attributions by this index alone
# (an index-only scan), not by reading every attribution ever made.
Index("ix_attributions_contribution_id", AttributionRow.contribution_id, AttributionRow.package_id)


class PackageClearanceRow(Base):
    """An organization the coordinator cleared to see a restricted package's contents."""

    __tablename__ = "package_clearances"

    package_id: Mapped[int] = mapped_column(
        ForeignKey("packages.id", ondelete="CASCADE"), primary_key=True
    )
    organization: Mapped[str] = mapped_column(ForeignKey("participants.code"), primary_key=True)


class ShipmentRow(Base):
    __tablename__ = "shipments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), index=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("requirement_lines.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    shipped_on: Mapped[date] = mapped_column(Date)
    received_on: Mapped[date | None] = mapped_column(Date)


class LedgerEntryRow(Base):
    """Append-only. Ids of contributions and packages are kept as recorded, without keys, so
    the ledger stands on its own and verifies without the rest of the database."""

    __tablename__ = "ledger_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(STATUS))
    occurred_on: Mapped[date] = mapped_column(Date)
    memo: Mapped[str] = mapped_column(Text)
    contribution_id: Mapped[int | None] = mapped_column(Integer, index=True)
    package_id: Mapped[int | None] = mapped_column(Integer, index=True)
    reverses: Mapped[int | None] = mapped_column(Integer)
    fx_from_minor: Mapped[int | None] = mapped_column(BigInteger)
    fx_from_currency: Mapped[str | None] = mapped_column(String(3))
    fx_to_minor: Mapped[int | None] = mapped_column(BigInteger)
    fx_to_currency: Mapped[str | None] = mapped_column(String(3))
    fx_rate: Mapped[str | None] = mapped_column(String(RATE))
    fx_rate_date: Mapped[date | None] = mapped_column(Date)
    fx_source: Mapped[str | None] = mapped_column(String(NAME))
    prev_hash: Mapped[str] = mapped_column(String(HASH))
    hash: Mapped[str] = mapped_column(String(HASH), unique=True)


class LedgerPostingRow(Base):
    __tablename__ = "ledger_postings"
    __table_args__ = (Index("ix_ledger_postings_account_currency", "account", "currency"),)

    entry_seq: Mapped[int] = mapped_column(ForeignKey("ledger_entries.seq"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    account: Mapped[str] = mapped_column(String(NAME))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    # The contribution the account belongs to (`ledger.account_contribution`), kept beside it
    # so a write reads one contribution's balances by index, never the whole ledger. Not
    # hashed: it is derived from `account` when the posting is written.
    contribution_ref: Mapped[str | None] = mapped_column(String(ITEM), index=True)


class IdSequenceRow(Base):
    __tablename__ = "id_sequences"

    name: Mapped[str] = mapped_column(String(ITEM), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


metadata = Base.metadata


# -- access: users, API tokens, failed authentications, idempotency keys, the audit log --------


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(NAME), unique=True)
    organization: Mapped[str] = mapped_column(ForeignKey("participants.code"), index=True)
    role: Mapped[str] = mapped_column(String(STATUS))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class ApiTokenRow(Base):
    """Only the peppered HMAC of a token's secret is kept; its public id is the lookup key."""

    __tablename__ = "api_tokens"

    token_id: Mapped[str] = mapped_column(String(ITEM), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    salt: Mapped[str] = mapped_column(String(HASH))
    digest: Mapped[str] = mapped_column(String(HASH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class AuthFailureRow(Base):
    """Failed authentications per client and time window, shared by every server process."""

    __tablename__ = "auth_failures"

    client: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    window: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    failures: Mapped[int] = mapped_column(Integer)


class IdempotencyKeyRow(Base):
    """A key and the first response it produced, written in the transaction of the effect."""

    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(NAME), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(HASH))
    status_code: Mapped[int] = mapped_column(Integer)
    response_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditEntryRow(Base):
    """Append-only and hash-chained like the ledger; who did it is copied, not referenced."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    user_id: Mapped[int | None] = mapped_column(Integer)
    user_name: Mapped[str] = mapped_column(String(NAME))
    organization: Mapped[str | None] = mapped_column(String(CODE))
    role: Mapped[str | None] = mapped_column(String(STATUS))
    request_id: Mapped[str] = mapped_column(String(NAME))
    action: Mapped[str] = mapped_column(String(NAME))
    target: Mapped[str] = mapped_column(String(NAME))
    changes: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(HASH))
    hash: Mapped[str] = mapped_column(String(HASH), unique=True)


# -- policies and indicators ---------------------------------------------------------------------


class PolicyVersionRow(Base):
    """Append-only: each version of a contributor's policy document, exactly as set."""

    __tablename__ = "policy_versions"
    __table_args__ = (UniqueConstraint("contributor", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    contributor: Mapped[str] = mapped_column(ForeignKey("participants.code"))
    version: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    document: Mapped[str] = mapped_column(Text)  # the TOML text; parsed again when read
    filename: Mapped[str] = mapped_column(String(NAME))
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


class AllocationBasisRow(Base):
    """Append-only: what a committed package's allocation rested on, as one canonical JSON
    document (`domain/basis.py`), written with the package and never changed."""

    __tablename__ = "allocation_bases"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), primary_key=True)
    document: Mapped[str] = mapped_column(Text)


class IndicatorObservationRow(Base):
    """Append-only: a correction is a new row that supersedes an old one, never an update."""

    __tablename__ = "indicator_observations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(ITEM), index=True)
    value: Mapped[str] = mapped_column(String(RATE))  # a Decimal's exact string
    observed_on: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text)
    # Unique: an observation is superseded at most once (correct the correction instead).
    supersedes: Mapped[int | None] = mapped_column(
        ForeignKey("indicator_observations.id"), unique=True
    )
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime())


# -- the dashboard: passwords and sessions -------------------------------------------------------


class UserPasswordRow(Base):
    """A user's argon2 password hash, for the dashboard's login (API clients use tokens)."""

    __tablename__ = "user_passwords"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    hash: Mapped[str] = mapped_column(String(NAME))
    set_at: Mapped[datetime] = mapped_column(UtcDateTime())


class WebSessionRow(Base):
    """A dashboard session, shared by every server process; only the SHA-256 of its id is kept."""

    __tablename__ = "web_sessions"

    digest: Mapped[str] = mapped_column(String(HASH), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(HASH))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
