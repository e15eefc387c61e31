"""Packages (with their lines and attributions) and shipments on SQLAlchemy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from purldesk.adapters.storage.rows import _insert, _rowcount, _save_versioned, _Versions
from purldesk.adapters.storage.tables import AttributionRow, PackageLineRow, PackageRow, ShipmentRow
from purldesk.domain.catalog import ItemCode
from purldesk.domain.contributions import ContributionId
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.errors import NotFound
from purldesk.domain.money import Currency, Money
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.requirements import CycleId, LineId


def _package_values(package: Package) -> dict[str, Any]:
    return {
        "cycle_id": package.cycle_id,
        "name": package.name,
        "target_minor": package.target.minor,
        "currency": package.target.currency,
        "created_on": package.created_on,
        "accepted_on": package.accepted_on,
        "status": package.status.value,
    }


class SqlPackageRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._versions = _Versions("package")

    def get(self, package_id: PackageId) -> Package:
        row = self._session.get(PackageRow, package_id)
        if row is None:
            raise NotFound("package", package_id)
        return self._load([row])[0]

    def add(self, package: Package) -> None:
        row = PackageRow(id=package.id, version=1, **_package_values(package))
        key = package.id
        _insert(
            self._session, "package", row, *self._parts(package), keys=[(PackageRow.id == key, key)]
        )
        self._versions.saw(package.id, 1)

    def save(self, package: Package) -> None:
        _save_versioned(
            self._session, PackageRow, self._versions, package.id, _package_values(package)
        )
        self._session.execute(delete(PackageLineRow).where(PackageLineRow.package_id == package.id))
        self._session.execute(delete(AttributionRow).where(AttributionRow.package_id == package.id))
        self._session.add_all(self._parts(package))
        self._session.flush()

    @staticmethod
    def _parts(package: Package) -> list[object]:
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
        return lines + attributions

    def _load(self, rows: Sequence[PackageRow]) -> list[Package]:
        ids = [row.id for row in rows]
        lines: dict[int, list[PackageLine]] = defaultdict(list)
        parts: dict[int, list[Attribution]] = defaultdict(list)
        if ids:
            for ln in self._session.scalars(
                select(PackageLineRow)
                .where(PackageLineRow.package_id.in_(ids))
                .order_by(PackageLineRow.package_id, PackageLineRow.position)
            ):
                lines[ln.package_id].append(
                    PackageLine(
                        line_id=LineId(ln.line_id),
                        item_code=ItemCode(ln.item_code),
                        lots=ln.lots,
                        lot_price=Money(ln.lot_price_minor, Currency(ln.currency)),
                    )
                )
            for at in self._session.scalars(
                select(AttributionRow)
                .where(AttributionRow.package_id.in_(ids))
                .order_by(AttributionRow.package_id, AttributionRow.position)
            ):
                parts[at.package_id].append(
                    Attribution(
                        contribution_id=ContributionId(at.contribution_id),
                        line_id=LineId(at.line_id),
                        amount=Money(at.amount_minor, Currency(at.currency)),
                    )
                )
        packages = []
        for row in rows:
            self._versions.saw(row.id, row.version)
            packages.append(
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
                )
            )
        return packages

    def list(self, *, cycle_id: CycleId | None = None) -> list[Package]:
        query = select(PackageRow).order_by(PackageRow.id)
        if cycle_id is not None:
            query = query.where(PackageRow.cycle_id == cycle_id)
        return self._load(self._session.scalars(query).all())


# -- shipments --------------------------------------------------------------------------------


def _shipment(row: ShipmentRow) -> Shipment:
    return Shipment(
        id=ShipmentId(row.id),
        package_id=PackageId(row.package_id),
        line_id=LineId(row.line_id),
        quantity=row.quantity,
        shipped_on=row.shipped_on,
        received_on=row.received_on,
    )


def _shipment_values(shipment: Shipment) -> dict[str, Any]:
    return {
        "package_id": shipment.package_id,
        "line_id": shipment.line_id,
        "quantity": shipment.quantity,
        "shipped_on": shipment.shipped_on,
        "received_on": shipment.received_on,
    }


class SqlShipmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, shipment_id: ShipmentId) -> Shipment:
        row = self._session.get(ShipmentRow, shipment_id)
        if row is None:
            raise NotFound("shipment", shipment_id)
        return _shipment(row)

    def add(self, shipment: Shipment) -> None:
        row = ShipmentRow(id=shipment.id, **_shipment_values(shipment))
        key = shipment.id
        _insert(self._session, "shipment", row, keys=[(ShipmentRow.id == key, key)])

    def save(self, shipment: Shipment) -> None:
        result = self._session.execute(
            update(ShipmentRow)
            .where(ShipmentRow.id == shipment.id)
            .values(**_shipment_values(shipment))
        )
        if _rowcount(result) == 0:
            raise NotFound("shipment", shipment.id)

    def list(self, *, package_id: PackageId | None = None) -> list[Shipment]:
        query = select(ShipmentRow).order_by(ShipmentRow.id)
        if package_id is not None:
            query = query.where(ShipmentRow.package_id == package_id)
        return [_shipment(row) for row in self._session.scalars(query)]
