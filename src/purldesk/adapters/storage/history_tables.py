"""Tables of what the write pipeline keeps besides the aggregates: each package's history.

On the same declarative base as `tables.py` (so in the same metadata, which the migrations
environment imports with this module)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from purldesk.adapters.storage.tables import Base, UtcDateTime


class PackageReleaseRow(Base):
    """Append-only: a package's state after each write that changed it, as canonical JSON
    (`domain/package_history.py`), with the audit entry of the write and the ledger's head."""

    __tablename__ = "package_releases"

    package_id: Mapped[int] = mapped_column(ForeignKey("packages.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    audit_seq: Mapped[int] = mapped_column(Integer, index=True)
    ledger_seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)
