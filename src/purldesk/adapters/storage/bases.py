"""Allocation bases on SQLAlchemy: each committed package's, as its canonical JSON document,
with its substitution effects kept apart (`substitution_tables.py`) in the same insert;
append-only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from purldesk.adapters.storage.repository import TableRepository
from purldesk.adapters.storage.substitution_tables import AllocationSubstitutionRow
from purldesk.adapters.storage.tables import AllocationBasisRow
from purldesk.domain import basis, substitution
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.chains import canonical_json
from purldesk.domain.packages import PackageId, package_ref

# Bases read, and effects written, at a time by `rebuild_substitutions`.
REBUILT_PER_CHUNK = 200


class SqlBasisRepository(TableRepository[AllocationBasisRow, AllocationBasis]):
    table, record_type, entity = AllocationBasisRow, AllocationBasis, "allocation basis"
    key = "package_id"

    def _record(self, row: AllocationBasisRow) -> AllocationBasis:
        return basis.parse(PackageId(row.package_id), row.document)

    def _columns(self, record: AllocationBasis) -> dict[str, Any]:
        return {"package_id": record.package_id, "document": basis.document(record)}

    def _shown(self, key: Any) -> object:
        return package_ref(key)

    def add(self, record: AllocationBasis) -> None:
        rows = [AllocationSubstitutionRow(**columns) for columns in substitution_rows(record)]
        self._insert(record, *rows)


def substitution_rows(kept: AllocationBasis) -> list[dict[str, Any]]:
    """The rows of `allocation_substitutions` that the basis holds: one per effect."""
    return [
        {
            "package_id": kept.package_id,
            "contributor": effect.contributor,
            "allocated_on": kept.on,
            "recorded_at": kept.recorded_at,
            "document": canonical_json(substitution.document(effect)),
        }
        for effect in kept.substitutions
    ]


def rebuild_substitutions(session: Session) -> None:
    """Write `allocation_substitutions` anew from the bases, a chunk of them at a time (by
    package id), each read without its funds."""
    session.execute(delete(AllocationSubstitutionRow))
    after = -1
    while True:
        chunk = session.execute(
            select(AllocationBasisRow.package_id, AllocationBasisRow.document)
            .where(AllocationBasisRow.package_id > after)
            .order_by(AllocationBasisRow.package_id)
            .limit(REBUILT_PER_CHUNK)
        ).all()
        if not chunk:
            return
        rows = [
            columns
            for package_id, document in chunk
            for columns in substitution_rows(
                basis.parse(PackageId(package_id), document, with_funds=False)
            )
        ]
        if rows:
            session.execute(insert(AllocationSubstitutionRow), rows)
        after = chunk[-1][0]
