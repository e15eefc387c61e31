"""Tables of the Merkle trees over the ledger and the audit log, and of their signed checkpoints.

On the same declarative base as `tables.py` (so in the same metadata, which the migrations
environment imports with this module)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from purldesk.adapters.storage.tables import CODE, HASH, STATUS, Base, UtcDateTime


class MerkleTreeRow(Base):
    """A tree's frontier (its perfect subtrees, largest first, 32 bytes each) in one row, so
    an append reads one row however large the tree."""

    __tablename__ = "merkle_trees"

    name: Mapped[str] = mapped_column(String(STATUS), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    frontier: Mapped[bytes] = mapped_column(LargeBinary)


class MerkleNodeRow(Base):
    """Every perfect subtree of a tree, written once, when its last leaf is appended."""

    __tablename__ = "merkle_nodes"

    tree: Mapped[str] = mapped_column(String(STATUS), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    position: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class CheckpointRow(Base):
    """Append-only: signed heads of both trees (hashes and the signature in hex)."""

    __tablename__ = "ledger_checkpoints"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    ledger_size: Mapped[int] = mapped_column(BigInteger)
    ledger_root: Mapped[str] = mapped_column(String(HASH))
    audit_size: Mapped[int] = mapped_column(BigInteger)
    audit_root: Mapped[str] = mapped_column(String(HASH))
    key_id: Mapped[str] = mapped_column(String(CODE))
    signature: Mapped[str] = mapped_column(String(2 * HASH))
