"""The substitution effects of the allocation bases (`tables.AllocationBasisRow`), kept apart:
one row per package and contributor whose effect its basis holds, written with the basis, so
that a statement reads its contributor's effects a page at a time, without reading (and the
database parsing) one basis document per package the contributor pays. Derived: a restore
rebuilds it from the bases (`bases.rebuild_substitutions`).

On the same declarative base as `tables.py` (so in the same metadata, which the migrations
environment imports with this module)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from purldesk.adapters.storage.tables import CODE, Base, UtcDateTime


class AllocationSubstitutionRow(Base):
    """Append-only, as its basis is: one contributor's effect in the allocation that made the
    package, as the basis document holds it (canonical JSON, `substitution.document`)."""

    __tablename__ = "allocation_substitutions"

    package_id: Mapped[int] = mapped_column(
        ForeignKey("allocation_bases.package_id"), primary_key=True
    )
    contributor: Mapped[str] = mapped_column(String(CODE), primary_key=True)
    allocated_on: Mapped[date] = mapped_column(Date)  # the basis's `on`
    recorded_at: Mapped[datetime] = mapped_column(UtcDateTime)
    document: Mapped[str] = mapped_column(Text)


# A contributor's effects in the order its statement pages them.
Index(
    "ix_allocation_substitutions_contributor_recorded_at",
    AllocationSubstitutionRow.contributor,
    AllocationSubstitutionRow.recorded_at,
)
