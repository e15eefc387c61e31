"""A package's history over the in-memory unit of work: the handler keeps a state per write that
changed the package (and none for one that did not), the audit entry names what the write
changed, and the public history shows money only in the states whose undisclosed money is the
latest's."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from builders import make_item, make_participant
from fakes import FakeDatabase, FakeReader, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId, PackageStatus
from purldesk.domain.participants import ParticipantKind
from purldesk.domain.requirements import CycleId, LineId
from purldesk.services import catalog, contributions, packages, participants, requirements
from purldesk.services.handle import Command, Context, handle
from purldesk.services.requirements import LineRow
from purldesk.services.views import releases

ON = date(2025, 10, 1)
LOT = Money(1_000_000, USD)
HIDDEN = ("DEU", "FRA", "POL")  # three in secret: the public may see their sum (k = 2, + 1)


class World:
    """L-1 (one lot) paid by NLD in public, L-2 (three lots) by three confidential givers."""

    def __init__(self) -> None:
        self.database = FakeDatabase()
        self.uow = fake_uow_factory(self.database)
        self.at = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)
        participants.add_many(self.uow(), participants=[
            *(make_participant(code=code) for code in ("NLD", *HIDDEN)),
            make_participant(code="UKR", kind=ParticipantKind.RECIPIENT),
            make_participant(code="USA", kind=ParticipantKind.SUPPLIER),
        ])  # fmt: skip
        catalog.import_items(self.uow(), items=[
            make_item(code="KIT-1", area="medical", aid_class=AidClass.HUMANITARIAN,
                      unit_price=LOT)])  # fmt: skip
        cycle_id = CycleId(requirements.open_cycle(self.uow(), name="c", opens_on=ON).id)
        rows = [
            LineRow(1, "L-1", 1, "KIT-1", 1, date(2026, 3, 1), "kits"),
            LineRow(2, "L-2", 2, "KIT-1", 3, date(2026, 3, 1), "kits"),
        ]
        requirements.import_lines(self.uow(), cycle_id=cycle_id, rows=rows, at=self.at, by="UKR")
        parts = [Attribution(self.money("NLD", LOT.minor), LineId(1), LOT)] + [
            Attribution(self.money(code, LOT.minor, confidential=True), LineId(2), LOT)
            for code in HIDDEN
        ]
        draft = packages.Draft(
            cycle_id=cycle_id, name="P", package_target=Money(10**9, USD),
            lots=((LineId(1), 1), (LineId(2), 3)), attributions=tuple(parts), on=ON,
        )  # fmt: skip
        self.package_id = PackageId(self.run(draft).id)

    def run(self, command: Command[Any]) -> Any:
        self.at += timedelta(hours=1)
        context = Context(actor=operator("test"), at=self.at, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def money(self, contributor: str, minor: int, *, confidential: bool = False) -> ContributionId:
        pledge = contributions.Pledge(
            contributor=contributor, amount=Money(minor, USD), pledged_on=ON,
            confidential=confidential,
        )  # fmt: skip
        made = self.run(pledge)
        self.run(contributions.Receive(contribution_id=made.id, on=ON))
        return ContributionId(made.id)

    def history(self) -> list[releases.PublicRelease]:
        (found,) = releases.histories(FakeReader(self.database), {self.package_id}).values()
        return found


def test_each_write_that_changes_the_package_keeps_a_state_and_no_other_does() -> None:
    world = World()
    world.run(packages.Propose(package_id=world.package_id))
    world.run(packages.RestrictContents(package_id=world.package_id, cleared=()))  # not a state
    world.run(packages.RestrictContents(package_id=world.package_id, restricted=False))
    world.run(packages.Validate(package_id=world.package_id))
    with world.uow() as uow:
        kept = [r for r in uow.tables.releases if r.package_id == world.package_id]
        audit = uow.audit.entries()
    assert [(r.number, r.state.status) for r in kept] == [
        (1, PackageStatus.DRAFT), (2, PackageStatus.PROPOSED), (3, PackageStatus.FUNDED)]  # fmt: skip
    assert [r.audit_seq for r in kept] == [
        e.seq
        for e in audit
        if e.action in ("packages.create", "packages.propose", "packages.validate")
    ]
    created = next(e for e in audit if e.action == "packages.create")
    objects = json.loads(created.changes)["objects"]
    # The package, its lines (now funded) and the contributions whose money it took.
    assert ["package", str(world.package_id)] in objects
    assert {key for kind, key in objects if kind == "line"} == {"1", "2"}
    assert {key for kind, key in objects if kind == "contribution"} == {"1", "2", "3", "4"}


def test_a_state_whose_undisclosed_money_changed_since_publishes_no_amount() -> None:
    world = World()
    world.run(packages.Propose(package_id=world.package_id))
    world.run(packages.Validate(package_id=world.package_id))
    cheaper = ((LineId(2), Money(LOT.minor // 2, USD)),)  # L-2's payers get half back
    world.run(packages.Accept(package_id=world.package_id, prices=cheaper, on=world.at.date()))
    history = world.history()
    assert [r.status for r in history] == [
        PackageStatus.DRAFT,
        PackageStatus.PROPOSED,
        PackageStatus.FUNDED,
        PackageStatus.ACCEPTED,
    ]
    assert [bool(r.money_withheld) for r in history] == [True, True, True, False]
    latest = history[-1].public.detail
    assert latest.summary.cost == Money(LOT.minor + 3 * LOT.minor // 2, USD)
    assert [(p.contributor, p.amount.minor) for p in latest.payments][-1] == (
        "undisclosed", 3 * LOT.minor // 2)  # fmt: skip


def test_a_state_with_the_latest_undisclosed_money_publishes_its_amounts() -> None:
    world = World()
    world.run(packages.Propose(package_id=world.package_id))
    world.run(packages.Validate(package_id=world.package_id))
    world.run(packages.Accept(package_id=world.package_id, on=world.at.date()))
    history = world.history()
    assert [r.money_withheld for r in history] == ["", "", "", ""]
    assert [r.previous for r in history] == [
        None,
        PackageStatus.DRAFT,
        PackageStatus.PROPOSED,
        PackageStatus.FUNDED,
    ]
    assert all(r.public.detail.summary.cost == Money(4 * LOT.minor, USD) for r in history)


def amounts(document: Any) -> list[str]:
    """Where a document holds an amount or a value, as paths."""
    if isinstance(document, dict):
        return [
            f"{key}/{inner}" if inner else key
            for key, value in document.items()
            for inner in ([""] if key in ("amount", "value") else amounts(value))
        ]
    if isinstance(document, list):
        return [found for value in document for found in amounts(value)]
    return []


def test_the_ocds_release_of_such_a_state_holds_no_amount_at_all() -> None:
    from purldesk.adapters.exports import ocds

    world = World()
    world.run(packages.Propose(package_id=world.package_id))
    world.run(packages.Validate(package_id=world.package_id))
    cheaper = ((LineId(2), Money(LOT.minor // 2, USD)),)
    world.run(packages.Accept(package_id=world.package_id, prices=cheaper, on=world.at.date()))
    first, *_, latest = [ocds.release(r, ocid_prefix="ocds-x") for r in world.history()]
    assert amounts(first) == []
    assert releases.MONEY_CHANGED in first["planning"]["budget"]["description"]
    assert "tender/value" in amounts(latest) and "planning/budget/amount" in amounts(latest)
