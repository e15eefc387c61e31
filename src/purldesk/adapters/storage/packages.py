"""Packages (with their lines and attributions) and shipments on SQLAlchemy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select

from purldesk.adapters.storage.repository import (
    StoredRecords,
    VersionedRecords,
)
from purldesk.adapters.storage.tables import (
    AttributionRow,
    PackageClearanceRow,
    PackageLineRow,
    PackageRow,
    ShipmentRow,
)
from purldesk.domain.catalog import ItemCode
from purldesk.domain.contributions import ContributionId
from purldesk.domain.deliveries import Shipment
from purldesk.domain.errors import NotFound
from purldesk.domain.money import Currency, Money
from purldesk.domain.packages import (
    Attribution,
    Package,
    PackageId,
    PackageLine,
    PackageStatus,
    Restriction,
)
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import CycleId, LineId

PartRow = TypeVar("PartRow", PackageLineRow, AttributionRow)
Part = TypeVar("Part")


def _package_values(package: Package) -> dict[str, Any]:
    return {
        "id": package.id,
        "cycle_id": package.cycle_id,
        "name": package.name,
        "target_minor": package.target.minor,
        "currency": package.target.currency,
        "created_on": package.created_on,
        "accepted_on": package.accepted_on,
        "status": package.status.value,
        "contents_restricted": package.restriction is not None,
    }


def _package_line(row: PackageLineRow) -> PackageLine:
    return PackageLine(
        line_id=LineId(row.line_id),
        item_code=ItemCode(row.item_code),
        lots=row.lots,
        lot_price=Money(row.lot_price_minor, Currency(row.currency)),
    )


def _attribution(row: AttributionRow) -> Attribution:
    return Attribution(
        contribution_id=ContributionId(row.contribution_id),
        line_id=LineId(row.line_id),
        amount=Money(row.amount_minor, Currency(row.currency)),
    )


class SqlPackageRepository(VersionedRecords[PackageRow, Package]):
    table, record_type, entity = PackageRow, Package, "package"
    children = (
        (PackageLineRow, "package_id"),
        (AttributionRow, "package_id"),
        (PackageClearanceRow, "package_id"),
    )

    def _columns(self, package: Package) -> dict[str, Any]:
        return _package_values(package)

    def _children(self, package: Package) -> list[object]:
        lines: list[object] = [
            PackageLineRow(
                package_id=package.id,
                position=i,
                line_id=line.line_id,
                item_code=line.item_code,
                lots=line.lots,
                lot_price_minor=line.lot_price.minor,
                currency=line.lot_price.currency,
            )
            for i, line in enumerate(package.lines)
        ]
        attributions = [
            AttributionRow(
                package_id=package.id,
                position=i,
                contribution_id=part.contribution_id,
                line_id=part.line_id,
                amount_minor=part.amount.minor,
                currency=part.amount.currency,
            )
            for i, part in enumerate(package.attributions)
        ]
        cleared = [
            PackageClearanceRow(package_id=package.id, organization=code)
            for code in sorted(package.restriction.cleared if package.restriction else ())
        ]
        return lines + attributions + cleared

    def _parts(
        self, table: type[PartRow], ids: list[int], part: Callable[[PartRow], Part]
    ) -> dict[int, list[Part]]:
        """Each package's rows of `table` (lines or attributions) in their order, as `part`s."""
        found: dict[int, list[Part]] = defaultdict(list)
        if ids:
            for row in self._session.scalars(
                select(table)
                .where(table.package_id.in_(ids))
                .order_by(table.package_id, table.position)
            ):
                found[row.package_id].append(part(row))
        return found

    def _restrictions(self, rows: Sequence[PackageRow]) -> dict[int, Restriction]:
        """The restriction of each package in `rows` whose contents are restricted."""
        restricted = [row.id for row in rows if row.contents_restricted]
        cleared: dict[int, set[ParticipantCode]] = defaultdict(set)
        if restricted:
            for row in self._session.scalars(
                select(PackageClearanceRow).where(PackageClearanceRow.package_id.in_(restricted))
            ):
                cleared[row.package_id].add(ParticipantCode(row.organization))
        return {pid: Restriction(frozenset(cleared[pid])) for pid in restricted}

    def _load(self, rows: Sequence[PackageRow]) -> list[Package]:
        return self._built(rows, attributions=True)

    def outline(self, package_id: PackageId) -> Package:
        """The package with its attributions left out (`Reader.package_outline`)."""
        row = self._session.get(PackageRow, package_id)
        if row is None:
            raise NotFound(self.entity, package_id)
        return self._built([row], attributions=False)[0]

    def _built(self, rows: Sequence[PackageRow], *, attributions: bool) -> list[Package]:
        ids = [row.id for row in rows]
        lines = self._parts(PackageLineRow, ids, _package_line)
        parts = self._parts(AttributionRow, ids if attributions else [], _attribution)
        restrictions = self._restrictions(rows)
        return [
            Package(
                id=PackageId(row.id),
                cycle_id=CycleId(row.cycle_id),
                name=row.name,
                target=Money(row.target_minor, Currency(row.currency)),
                created_on=row.created_on,
                status=PackageStatus(row.status),
                lines=tuple(lines[row.id]),
                attributions=tuple(parts[row.id]),
                accepted_on=row.accepted_on,
                restriction=restrictions.get(row.id),
            )
            for row in rows
        ]

    def list(self, *, cycle_id: CycleId | None = None) -> list[Package]:
        criteria = [] if cycle_id is None else [PackageRow.cycle_id == cycle_id]
        return self._where(*criteria, order_by=[PackageRow.id])

    def held_lots(self, cycle_id: CycleId, /) -> dict[tuple[LineId, ItemCode], int]:
        line = PackageLineRow
        rows = self._session.execute(
            select(line.line_id, line.item_code, func.sum(line.lots))
            .join(PackageRow, PackageRow.id == line.package_id)
            .where(
                PackageRow.cycle_id == cycle_id,
                PackageRow.status != PackageStatus.CANCELLED.value,
            )
            .group_by(line.line_id, line.item_code)
        )
        return {(LineId(key), ItemCode(code)): int(lots) for key, code, lots in rows}


# -- shipments --------------------------------------------------------------------------------


class SqlShipmentRepository(StoredRecords[ShipmentRow, Shipment]):
    table, record_type, entity = ShipmentRow, Shipment, "shipment"

    def list(self, *, package_id: PackageId | None = None) -> list[Shipment]:
        criteria = [] if package_id is None else [ShipmentRow.package_id == package_id]
        return self._where(*criteria, order_by=[ShipmentRow.id])
