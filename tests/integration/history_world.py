"""A database with history: the demo, allocated, then more monthly cycles, each with its own
lines, pledges (public, confidential, anonymous), packages taken through their lifecycle
(one closed, one shipping, one cancelled) and shipments; all through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import scenario_world
from purldesk.adapters.imports import csv_files
from purldesk.bootstrap import Application
from purldesk.demo import scenario
from purldesk.domain.money import Money
from purldesk.domain.packages import Package, PackageStatus
from purldesk.domain.requirements import CycleStatus
from purldesk.services import (
    allocations,
    catalog,
    contributions,
    deliveries,
    packages,
    requirements,
)

NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
TARGET = Money.of(200_000_000, "USD")
LINES_PER_CYCLE = 12


class FixedClock:
    def now(self) -> datetime:
        return NOW


def build(app: Application, *, cycles: int) -> None:
    """The demo, its cycle allocated and worked through, and `cycles` more cycles after it."""
    scenario_world.build(app)
    demo = requirements.resolve_cycle(app.uow(), name=scenario_world.CYCLE_NAME)
    made = allocations.propose(
        app.uow(), cycle_id=demo.id, on=date(2025, 12, 5), target=TARGET, at=NOW, commit=True
    ).committed
    _work_through(app, made, on=date(2025, 12, 8))
    add_cycles(app, first=1, last=cycles)


def add_cycles(app: Application, *, first: int, last: int) -> None:
    """Cycles `first` to `last` (numbered from 1), a month apart from January 2026."""
    template = _template_rows()
    for number in range(first, last + 1):
        opens_on = date(2026, 1, 1) + timedelta(days=31 * (number - 1))
        _one_cycle(app, number, opens_on.replace(day=1), template, last=number == last)


def _template_rows() -> list[csv_files.LineRow]:
    """The first lines of the demo's list whose items cost little, so that pledges fund them."""
    parsed = csv_files.parse_requirements(scenario.data_text("requirements.csv"))
    return parsed.rows[:LINES_PER_CYCLE]


def _one_cycle(
    app: Application, number: int, opens_on: date, template: list[csv_files.LineRow], *,
    last: bool,
) -> None:  # fmt: skip
    cycle = requirements.open_cycle(app.uow(), name=f"H-{number:03d}", opens_on=opens_on)
    rows = [
        csv_files.LineRow(
            line=row.line, ref=f"H{number:03d}-{i + 1:03d}", rank=i + 1, item_code=row.item_code,
            quantity=row.quantity, needed_by=opens_on + timedelta(days=60),
            justification=f"cycle {number}: {row.justification}",
        )
        for i, row in enumerate(template)
    ]  # fmt: skip
    requirements.import_lines(app.uow(), cycle_id=cycle.id, rows=rows, at=NOW, by="UKR")
    for status in (CycleStatus.SUBMITTED, CycleStatus.ENDORSED):
        requirements.move_cycle(app.uow(), cycle_id=cycle.id, status=status)
    day = opens_on + timedelta(days=2)
    gifts = (
        ("NLD", 150_000_000, False, False),
        ("DEU", 120_000_000, True, False),
        ("CAN", 90_000_000, False, True),
        ("LVA", 60_000_000, True, True),
    )
    for code, dollars, confidential, anonymous in gifts:
        pledged = contributions.pledge(
            app.uow(), contributor=code, amount=Money.of(dollars, "USD"), pledged_on=day,
            at=NOW, confidential=confidential, anonymous=anonymous,
            purpose=f"cycle {number} pledge of {code}",
        )  # fmt: skip
        contributions.receive(
            app.uow(), app.fx, contribution_id=pledged.id, received_on=day, at=NOW
        )
    # One pledge per cycle stays a pledge: money promised, not yet arrived.
    contributions.pledge(
        app.uow(), contributor="NOR", amount=Money.of(10_000_000, "USD"), pledged_on=day, at=NOW,
        purpose=f"cycle {number} pledge not yet paid",
    )  # fmt: skip
    made = allocations.propose(
        app.uow(), cycle_id=cycle.id, on=day, target=TARGET, at=NOW, commit=True
    ).committed
    _work_through(app, made, on=day + timedelta(days=3))
    if not last:
        requirements.move_cycle(app.uow(), cycle_id=cycle.id, status=CycleStatus.CLOSED)


def _work_through(app: Application, made: tuple[Package, ...], *, on: date) -> None:
    """The first package closed, the second half shipped, the last cancelled, others drafts."""
    lot_sizes = {item.code: item.lot_size for item in catalog.list_all(app.uow())}
    for index, package in enumerate(made):
        if index == len(made) - 1 and index >= 2:
            packages.cancel(app.uow(), package_id=package.id, on=on, at=NOW)
            continue
        if index > 1:
            continue
        packages.propose(app.uow(), package_id=package.id)
        if packages.validate(app.uow(), package_id=package.id).status is not PackageStatus.FUNDED:
            continue
        packages.accept(app.uow(), package_id=package.id, on=on, at=NOW)
        for position, line in enumerate(package.lines):
            quantity = line.lots * lot_sizes[line.item_code]
            if index == 1:
                if position % 2:
                    continue
                quantity = max(1, quantity // 2)
            shipment = deliveries.ship(
                app.uow(), package_id=package.id, line_id=line.line_id, quantity=quantity,
                shipped_on=on, at=NOW,
            )  # fmt: skip
            if index == 0 or position == 0:
                deliveries.confirm_receipt(
                    app.uow(), shipment_id=shipment.id, received_on=on + timedelta(days=1), at=NOW
                )
        if index == 0:
            packages.close(app.uow(), package_id=package.id, on=on + timedelta(days=2), at=NOW)
