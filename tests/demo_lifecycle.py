"""The demo, allocated, with packages taken through every state a package can be in: what the
Open Contracting tests publish and validate (`build_lifecycle`), on either database.

After the demo's allocation (64 drafts), one package is re-priced cheaper at acceptance (its
undisclosed money changes), shipped in full, received and closed (its supplier paid); one is
cancelled, and another re-priced dearer, topped up (with that money) and accepted; one is validated and its contents
restricted; one is proposed and sent back to draft; Korea's money is made confidential."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from database_world import CHEAP_PASSWORDS, build_demo
from purldesk.bootstrap import Application, build
from purldesk.config import load_settings
from purldesk.demo.scenario import DEMO_OPERATOR
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Package, PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.services import allocations, contributions, deliveries, packages, requirements
from purldesk.services.handle import Command
from scenario_world import CYCLE_NAME

ALLOCATED_ON = date(2025, 12, 5)
STARTS = datetime(2025, 12, 6, 9, 0, tzinfo=UTC)
# The packages each path takes (ids of the demo's allocation, which is deterministic).
DELIVERED, TOPPED_UP, CANCELLED, RESTRICTED, SENT_BACK = (
    PackageId(11),
    PackageId(13),
    PackageId(2),
    PackageId(12),
    PackageId(3),
)


class Steps:
    """Commands of the demo's operator, an hour apart, each dated on its own day."""

    def __init__(self, app: Application) -> None:
        self.app = app
        self.at = STARTS

    @property
    def on(self) -> date:
        return self.at.date()

    def run(self, command: Command[Any]) -> Any:
        self.at += timedelta(hours=1)
        return self.app.run(command, actor=DEMO_OPERATOR, request_id="lifecycle", at=self.at)

    def package(self, package_id: PackageId) -> Package:
        return packages.get(self.app.uow(), package_id=package_id)


def build_lifecycle(url: str) -> None:
    build_demo(url)
    app = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    try:
        steps = Steps(app)
        cycle_id = requirements.resolve_cycle(app.uow(), name=CYCLE_NAME).id
        steps.run(allocations.Commit(
            cycle_id=cycle_id, package_target=Money.of(50_000_000, "USD"), on=ALLOCATED_ON
        ))  # fmt: skip
        _deliver(steps, DELIVERED)
        steps.run(packages.Cancel(package_id=CANCELLED, on=steps.on))  # its money tops up
        _top_up(steps, TOPPED_UP)
        steps.run(packages.Propose(package_id=RESTRICTED))
        steps.run(packages.Validate(package_id=RESTRICTED))
        steps.run(packages.RestrictContents(package_id=RESTRICTED, cleared=("NLD",)))
        steps.run(packages.Propose(package_id=SENT_BACK))
        (korea,) = contributions.list_all(app.uow(), contributor=ParticipantCode("KOR"))
        steps.run(contributions.SetDisclosure(
            contribution_id=korea.id, confidential=True, anonymous=False
        ))  # fmt: skip
    finally:
        app.close()


def _deliver(steps: Steps, package_id: PackageId) -> None:
    steps.run(packages.Propose(package_id=package_id))
    steps.run(packages.Validate(package_id=package_id))
    first = steps.package(package_id).lines[0]
    cheaper = Money(first.lot_price.minor * 9 // 10, USD)
    steps.run(
        packages.Accept(package_id=package_id, prices=((first.line_id, cheaper),), on=steps.on)
    )
    steps.at += timedelta(days=1)
    with steps.app.uow() as uow:
        units_by_line = deliveries.units_in(uow, uow.packages.get(package_id))
    for line, units in units_by_line.items():
        shipped = steps.run(deliveries.Ship(
            package_id=package_id, line_id=line, quantity=units, shipped_on=steps.on
        ))  # fmt: skip
        steps.run(deliveries.ConfirmReceipt(shipment_id=shipped.id, received_on=steps.on))
    steps.at += timedelta(days=1)
    steps.run(packages.Close(package_id=package_id, on=steps.on))


def _top_up(steps: Steps, package_id: PackageId) -> None:
    steps.run(packages.Propose(package_id=package_id))
    steps.run(packages.Validate(package_id=package_id))
    first = steps.package(package_id).lines[0]
    dearer = Money(first.lot_price.minor * 11 // 10, USD)
    steps.run(
        packages.Accept(package_id=package_id, prices=((first.line_id, dearer),), on=steps.on)
    )
    steps.run(packages.TopUp(package_id=package_id, on=steps.on))
    steps.run(packages.Accept(package_id=package_id, on=steps.on))
