"""Allocation bases on SQLAlchemy: each committed package's, as its canonical JSON document;
append-only."""

from __future__ import annotations

from typing import Any

from purldesk.adapters.storage.repository import TableRepository
from purldesk.adapters.storage.tables import AllocationBasisRow
from purldesk.domain import basis
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.packages import PackageId, package_ref


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
        self._insert(record)
