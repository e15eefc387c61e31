"""Use cases for deliveries: the supplier ships lots of a package's lines, the recipient
confirms receipt, and a package whose every unit has arrived is delivered."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from purldesk.domain.access import Permission
from purldesk.domain.dates import not_after
from purldesk.domain.deliveries import Shipment, ShipmentId, shipment_ref
from purldesk.domain.errors import IllegalTransition, InvalidInput
from purldesk.domain.packages import Package, PackageId, PackageStatus
from purldesk.domain.requirements import LineId, LineStatus
from purldesk.services import catalog
from purldesk.services.cycle_lines import CycleLines
from purldesk.services.handle import Command, Context, command
from purldesk.services.ports import UnitOfWork

SHIPPABLE = (PackageStatus.ACCEPTED, PackageStatus.DELIVERING)
ARRIVED = (PackageStatus.DELIVERED, PackageStatus.CLOSED)


def ship(
    uow: UnitOfWork,
    *,
    package_id: PackageId,
    line_id: LineId,
    quantity: int,
    shipped_on: date,
    at: datetime,
) -> Shipment:
    """Record a shipment of `quantity` units of one line; the first one starts delivering.

    Never more than the line's lots x lot size in the package, counting earlier shipments.
    """
    with uow:
        # The shared write lock: two shipments of one line cannot both pass the check below.
        uow.ledger.lock()
        package = uow.packages.get(package_id)
        if package.status not in SHIPPABLE:
            raise IllegalTransition("package", package.status, PackageStatus.DELIVERING)
        if quantity < 1:
            raise InvalidInput("quantity", "must be at least 1")
        not_after(shipped_on, at.date(), field="shipped_on")
        package.shipment_on(shipped_on)
        units = units_in(uow, package).get(line_id)
        if units is None:
            raise InvalidInput("line", f"line {line_id} is not in {package.ref}")
        shipped = sum(
            s.quantity for s in uow.shipments.list(package_id=package.id) if s.line_id == line_id
        )
        if shipped + quantity > units:
            ref = uow.requirements.get(line_id).ref
            raise InvalidInput(
                "quantity",
                f"{quantity} is more than the {units - shipped} unit(s) of line {ref} "
                f"left to ship in {package.ref} ({units} in the package, {shipped} shipped)",
            )
        shipment = Shipment(
            id=ShipmentId(uow.next_id("shipment")), package_id=package.id, line_id=line_id,
            quantity=quantity, shipped_on=shipped_on,
        )  # fmt: skip
        uow.shipments.add(shipment)
        if package.status is PackageStatus.ACCEPTED:
            uow.packages.save(package.move_to(PackageStatus.DELIVERING))
        uow.commit()
        return shipment


def confirm_receipt(
    uow: UnitOfWork, *, shipment_id: ShipmentId, received_on: date, at: datetime
) -> Shipment:
    """The recipient confirms a shipment arrived.

    When every unit of every line of the package has shipped and every shipment is confirmed,
    the package is delivered, and each requirement line whose lots have all arrived (in this
    and earlier packages) is delivered too.
    """
    with uow:
        # The shared write lock: two last confirmations cannot each miss the other.
        uow.ledger.lock()
        shipment = uow.shipments.get(shipment_id)
        not_after(received_on, at.date(), field="received_on")
        confirmed = shipment.confirm_receipt(on=received_on)
        uow.shipments.save(confirmed)
        package = uow.packages.get(confirmed.package_id)
        if package.status is PackageStatus.DELIVERING and is_complete(
            uow, package, uow.shipments.list(package_id=package.id)
        ):
            delivered = package.move_to(PackageStatus.DELIVERED)
            uow.packages.save(delivered)
            _deliver_lines(uow, delivered, at=at)
        uow.commit()
        return confirmed


def get(uow: UnitOfWork, *, shipment_id: ShipmentId) -> Shipment:
    with uow:
        return uow.shipments.get(shipment_id)


def list_all(uow: UnitOfWork, *, package_id: PackageId | None = None) -> list[Shipment]:
    """Shipments by id, of one package or of all."""
    with uow:
        if package_id is not None:
            uow.packages.get(package_id)  # NotFound rather than an empty list
        return uow.shipments.list(package_id=package_id)


def units_in(uow: UnitOfWork, package: Package) -> dict[LineId, int]:
    """Units of each line the package buys: its lots times the item's lot size."""
    items = catalog.items_of(uow, (line.item_code for line in package.lines))
    units: dict[LineId, int] = {}
    for line in package.lines:
        lot_size = items[line.item_code].lot_size
        units[line.line_id] = units.get(line.line_id, 0) + line.lots * lot_size
    return units


def is_complete(uow: UnitOfWork, package: Package, shipments: Sequence[Shipment]) -> bool:
    """Every unit of every line shipped, and every shipment confirmed."""
    shipped: dict[LineId, int] = {}
    for s in shipments:
        if not s.is_confirmed:
            return False
        shipped[s.line_id] = shipped.get(s.line_id, 0) + s.quantity
    return all(shipped.get(line_id, 0) >= n for line_id, n in units_in(uow, package).items())


def _deliver_lines(uow: UnitOfWork, package: Package, *, at: datetime) -> None:
    arrived: dict[LineId, int] = {}
    for other in uow.packages.list(cycle_id=package.cycle_id):
        if other.status in ARRIVED:
            for line in other.lines:
                arrived[line.line_id] = arrived.get(line.line_id, 0) + line.lots
    known = CycleLines(uow, package.cycle_id)
    for line_id in dict.fromkeys(part.line_id for part in package.lines):
        wanted = known.line(line_id)
        needed = wanted.lots(known.item(wanted.item_code))
        if wanted.status is LineStatus.FUNDED and arrived.get(wanted.id, 0) >= needed:
            uow.requirements.save(wanted.move_to(LineStatus.DELIVERED), at=at, by="delivery")


# -- commands ----------------------------------------------------------------------------------


@command("deliveries.ship", Permission.SHIP, acts_in=SHIPPABLE, checkpoint_after=True)
class Ship(Command[Shipment]):
    """The supplier ships units of one line of an accepted package."""

    package_id: PackageId
    line_id: LineId
    quantity: int
    shipped_on: date | None = None

    def execute(self, uow: UnitOfWork, context: Context) -> Shipment:
        return ship(
            uow, package_id=self.package_id, line_id=self.line_id, quantity=self.quantity,
            shipped_on=context.day(self.shipped_on, field="shipped_on"), at=context.at,
        )  # fmt: skip

    def target(self, result: Shipment) -> str:
        return result.ref


@command("deliveries.confirm", Permission.CONFIRM_RECEIPT, checkpoint_after=True)
class ConfirmReceipt(Command[Shipment]):
    """The recipient confirms a shipment arrived."""

    shipment_id: ShipmentId
    received_on: date | None = None

    def execute(self, uow: UnitOfWork, context: Context) -> Shipment:
        return confirm_receipt(
            uow, shipment_id=self.shipment_id,
            received_on=context.day(self.received_on, field="received_on"),
            at=context.at,
        )  # fmt: skip

    def target(self, result: Shipment) -> str:
        return shipment_ref(self.shipment_id)
