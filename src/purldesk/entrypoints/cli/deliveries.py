"""`purldesk deliveries`: the supplier's shipments and the recipient's confirmations."""

from __future__ import annotations

from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    optional_date,
    print_listing,
    run,
)
from purldesk.entrypoints.cli.options import DbOption, JsonOption, OnOption, PackageRefArgument

app = command_group("Ship package lines, confirm receipt, list shipments.")


@app.command("ship")
def ship(
    package: PackageRefArgument,
    line_ref: Annotated[str, typer.Argument(help="Requirement line reference in the package.")],
    quantity: Annotated[int, typer.Argument(help="Units shipped (not lots).")],
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """Record a shipment of one line of an accepted package."""
    from purldesk.domain.errors import InvalidInput
    from purldesk.domain.packages import parse_package_ref
    from purldesk.services import deliveries, packages, requirements

    with application(db) as wired:
        found = packages.get(wired.uow(), package_id=parse_package_ref(package))
        line = requirements.find_line(wired.uow(), cycle_id=found.cycle_id, ref=line_ref)
        if line.id not in {ln.line_id for ln in found.lines}:
            raise InvalidInput("line", f"{line.ref} is not in {found.ref}")
        command = deliveries.Ship(
            package_id=found.id, line_id=line.id, quantity=quantity, shipped_on=optional_date(on)
        )
        shipment = run(wired, command)
    console.print(
        f"shipment {shipment.id}: {shipment.quantity} of {line.ref} for {found.ref}"
        f" shipped {shipment.shipped_on}"
    )


@app.command("confirm")
def confirm(
    shipment_id: Annotated[int, typer.Argument(help="Shipment number.", min=1)],
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """The recipient confirms a shipment arrived; the last one delivers the package."""
    from purldesk.domain.deliveries import ShipmentId
    from purldesk.domain.packages import package_ref
    from purldesk.services import deliveries, packages

    with application(db) as wired:
        command = deliveries.ConfirmReceipt(
            shipment_id=ShipmentId(shipment_id), received_on=optional_date(on)
        )
        shipment = run(wired, command)
        package = packages.get(wired.uow(), package_id=shipment.package_id)
    console.print(
        f"shipment {shipment.id} received {shipment.received_on}; "
        f"{package_ref(package.id)} is {package.status}"
    )


@app.command("list")
def list_(
    package: Annotated[
        str | None, typer.Option("--package", help="Only this package's, such as P-0001.")
    ] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List shipments in the order they were recorded."""
    from purldesk.adapters.exports import json as views
    from purldesk.domain.packages import package_ref, parse_package_ref
    from purldesk.services import deliveries, requirements

    with application(db) as wired:
        found = deliveries.list_all(
            wired.uow(), package_id=parse_package_ref(package) if package else None
        )
        refs = {
            line.id: line.ref
            for cycle in requirements.list_cycles(wired.uow())
            for line in requirements.list_lines(wired.uow(), cycle_id=cycle.id)
        }
    print_listing(
        found, json_output=json_output,
        document=lambda s: views.shipment(s, line_ref=refs.get(s.line_id)),
        columns=("id", "package", "line", "quantity", "shipped", "received"),
        row=lambda s: (
            str(s.id), package_ref(s.package_id), refs.get(s.line_id, str(s.line_id)),
            str(s.quantity), s.shipped_on.isoformat(),
            s.received_on.isoformat() if s.received_on else "",
        ),
    )  # fmt: skip
