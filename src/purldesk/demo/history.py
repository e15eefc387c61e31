"""The demo as the mechanism's history: PURL from its launch in July 2025 to February 2026, each
act recorded on its own day through the same commands a user gives (data/SOURCES.md, "History").

Monthly cycles carry what was not funded into the next; the four packages announced in August
2025 are each paid by the contributor who announced it, as is the Nordic-Baltic Eight's; the
money given without a package of its own is pooled and allocated with the month's list; the
packages stand in the lifecycle state their public record supports, and the current cycle is a
draft the recipient can still reorder, edit and submit. Korea, reviewing, gives nothing; its
phased policy is there to ask what-if questions of (`KOREA_WHATIF`).

`build(app, as_of=DAY)` stops after the acts of that day, so a tour can start at any point.
Each act's commands are recorded under request ids of its own (`demo:NNNN.N`): building again
skips the acts that are there, an interrupted build goes on from the act it stopped in, and two
builds are identical down to the ledger's hashes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from purldesk.adapters.countries import is_nation_code
from purldesk.adapters.imports import csv_files, indicator_files
from purldesk.bootstrap import Application
from purldesk.demo import scenario
from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.member_parts import parts_total
from purldesk.domain.money import Money
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import Cycle, CycleStatus
from purldesk.services import (
    additionality,
    allocations,
    catalog,
    checkpoints,
    contributions,
    deliveries,
    indicators,
    ledger,
    member_parts,
    packages,
    participants,
    policies,
    requirements,
)
from purldesk.services.contribution_rows import ContributionRow
from purldesk.services.handle import Command

FIRST_DAY = date(2025, 7, 15)  # the day after the launch at the White House (SOURCES.md)
LAST_DAY = date(2026, 2, 16)  # the history's last act; `build` stops here unless told earlier
PACKAGE_TARGET = Money.of(500_000_000, "USD")  # "two packages of about USD 500M each" a month
NORDIC_PARTS = "DNK:580000000:DKK;NOR:1500000000:NOK;SWE:275000000:USD"
# The question Korea's policy answers on the demo: what would a pledge of KRW 30B pay?
KOREA_WHATIF = "/policy?contributor=KOR&on=2026-02-16&amount=30000000000&currency=KRW"

Make = Callable[[Application], Sequence[Command[Any]]]
FIRST_ACT = "demo:0000.0"  # the request id of the history's first command


@dataclass(frozen=True, slots=True)
class Act:
    """What happened on a day: the commands it takes, made when the day comes (they may name
    what earlier acts created)."""

    day: date
    label: str
    make: Make


@dataclass(frozen=True, slots=True)
class HistorySummary:
    acts: int
    last_day: date
    packages: dict[str, int]


def build(
    app: Application,
    *,
    as_of: date | None = None,
    advance: Callable[[str], None] = lambda _label: None,
) -> HistorySummary:
    """Record the history up to `as_of` (its last day if None) into an empty or demo database;
    `advance` is told each act's label."""
    if as_of is not None and as_of < FIRST_DAY:
        raise InvalidInput("as_of", f"the history begins on {FIRST_DAY}")
    last = min(as_of or LAST_DAY, LAST_DAY)
    with app.uow() as uow:
        done = {entry.request_id for entry in uow.audit.entries()}
    if participants.list_all(app.uow()) and FIRST_ACT not in done:
        raise Conflict("the database holds data that is not the demo; use an empty database")
    acts = [act for act in story() if act.day <= last]
    if f"demo:{len(acts):04d}.0" in done:
        raise Conflict(
            f"the demo database holds its history past {last} already; use an empty database "
            "to build it to an earlier day"
        )
    for number, act in enumerate(acts):
        if f"demo:{number:04d}.0" not in done:  # an act is told once, all its commands
            for part, command in enumerate(act.make(app)):
                at = datetime.combine(act.day, time(9), UTC) + timedelta(
                    seconds=number * 10, milliseconds=part
                )
                request = f"demo:{number:04d}.{part}"
                app.run(command, actor=scenario.DEMO_OPERATOR, request_id=request, at=at)
        advance(act.label)
    _finish(app, last)
    counts: dict[str, int] = {}
    for package in packages.list_all(app.uow()):
        counts[package.status.value] = counts.get(package.status.value, 0) + 1
    return HistorySummary(len(acts), last, counts)


def _finish(app: Application, day: date) -> None:
    """The dashboard's users and a signed checkpoint over everything recorded."""
    at = datetime.combine(day, time(18), UTC)
    scenario.demo_users(app, at=at)
    if not checkpoints.covers_the_ledger(app.uow()):
        app.run(ledger.TakeCheckpoint(), actor=scenario.DEMO_OPERATOR, request_id="demo", at=at)


# -- the story ---------------------------------------------------------------------------------


def story() -> list[Act]:
    """Every act of the history in the order it happened (money first on its day)."""
    return sorted([*_pledge_acts(), *_acts()], key=lambda act: act.day)


def _acts() -> Iterator[Act]:
    yield Act(FIRST_DAY, "participants", _participants)
    yield Act(FIRST_DAY, "catalog", lambda _app: [catalog.Import(items=tuple(_catalog()))])
    yield Act(FIRST_DAY, "indicators", lambda _app: [_indicators()])
    yield Act(FIRST_DAY, "Korea's policy", lambda _app: [_korea_policy()])
    yield from _cycle("2025-08", opens=date(2025, 8, 1), endorsed=date(2025, 8, 3))
    yield _announced("Package 1: the Netherlands", "NLD", date(2025, 8, 6))
    yield _announced("Package 2: Denmark, Norway and Sweden", "NORDIC-3", date(2025, 8, 7))
    yield _announced("Package 3: Germany", "DEU", date(2025, 8, 15))
    yield from _to_accepted(1, proposed=date(2025, 8, 8), accepted=date(2025, 8, 12))
    yield from _to_accepted(2, proposed=date(2025, 8, 9), accepted=date(2025, 8, 19))
    yield from _to_accepted(3, proposed=date(2025, 8, 18), accepted=date(2025, 8, 29))
    yield from _cycle("2025-09", opens=date(2025, 9, 1), endorsed=date(2025, 9, 3), carry="2025-08")
    yield _announced("Package 4: Canada", "CAN", date(2025, 9, 4))
    # First deliveries from mid-September 2025 (SOURCES.md).
    yield _shipments(1, shipped=date(2025, 9, 15), share=(1, 2))
    yield from _to_accepted(4, proposed=date(2025, 9, 8), accepted=date(2025, 9, 22))
    yield _confirmations(1, received=date(2025, 9, 26))
    yield from _cycle(
        "2025-10", opens=date(2025, 10, 1), endorsed=date(2025, 10, 3), carry="2025-09"
    )
    yield _shipments(1, shipped=date(2025, 10, 14), share=(1, 1))
    yield _shipments(2, shipped=date(2025, 10, 20), share=(1, 2))
    yield _confirmations(1, received=date(2025, 10, 24))
    yield _confirmations(2, received=date(2025, 10, 30))
    yield _pooled_allocation("2025-10", on=date(2025, 10, 27))
    yield from _cycle(
        "2025-11", opens=date(2025, 11, 3), endorsed=date(2025, 11, 5), carry="2025-10"
    )
    yield _closing(1, on=date(2025, 11, 10))
    yield from _to_accepted(5, proposed=date(2025, 11, 4), accepted=date(2025, 11, 12))
    yield _announced("Package 6: the Nordic-Baltic Eight", "NB8", date(2025, 11, 17))
    yield _shipments(3, shipped=date(2025, 11, 20), share=(1, 2))
    yield _confirmations(3, received=date(2025, 11, 28))
    yield from _cycle(
        "2025-12", opens=date(2025, 12, 1), endorsed=date(2025, 12, 2), carry="2025-11"
    )
    yield _shipments(2, shipped=date(2025, 12, 8), share=(1, 1))
    yield from _to_accepted(6, proposed=date(2025, 12, 1), accepted=date(2025, 12, 10))
    yield _confirmations(2, received=date(2025, 12, 18))
    yield _shipments(4, shipped=date(2026, 1, 8), share=(1, 3))
    yield from _cycle("2026-01", opens=date(2026, 1, 5), endorsed=date(2026, 1, 7), carry="2025-12")
    # What Canada's CAD 200M left in the pool, cut into two smaller packages.
    yield _pooled_allocation("2026-01", on=date(2026, 1, 8), target=Money.of(100_000_000, "USD"))
    yield _propose(7, on=date(2026, 1, 9))
    yield _shipments(5, shipped=date(2026, 1, 19), share=(1, 2))
    yield _confirmations(4, received=date(2026, 1, 23))
    yield _validate(7, on=date(2026, 1, 26))
    yield _shipments(3, shipped=date(2026, 2, 2), share=(1, 2))
    yield _opening("2026-02", opens=date(2026, 2, 2), carry="2026-01")
    yield _confirmations(5, received=date(2026, 2, 6))
    yield _confirmations(3, received=date(2026, 2, 12))
    yield _propose(8, on=date(2026, 2, 16))


# -- acts --------------------------------------------------------------------------------------


def _participants(_app: Application) -> list[Command[Any]]:
    people = scenario.rows(
        "participants.csv",
        lambda text: csv_files.parse_participants(text, is_nation_code=is_nation_code),
    )
    return [participants.AddMany(participants=tuple(people))]


def _catalog() -> list[Any]:
    return scenario.rows("catalog.csv", csv_files.parse_catalog)


def _korea_policy() -> Command[Any]:
    text = scenario.data_text(scenario.KOREA_POLICY)
    return policies.SetPolicy(contributor=scenario.KOREA, text=text, filename=scenario.KOREA_POLICY)


def _indicators() -> Command[Any]:
    observed = scenario.rows("indicators.csv", indicator_files.parse_observations)
    return indicators.Import(rows=tuple(observed), source_name="indicators.csv")


def _cycle(name: str, *, opens: date, endorsed: date, carry: str | None = None) -> Iterator[Act]:
    """A month's list: opened (with last month's unfunded lines), submitted by the recipient a
    day before the coordinator endorses it."""
    yield _opening(name, opens=opens, carry=carry)
    yield Act(endorsed - timedelta(days=1), f"{name} submitted",
              lambda _app: [requirements.SubmitCycle(cycle=name)])  # fmt: skip
    yield Act(endorsed, f"{name} endorsed", lambda _app: [requirements.EndorseCycle(cycle=name)])


def _opening(name: str, *, opens: date, carry: str | None) -> Act:
    def make(_app: Application) -> list[Command[Any]]:
        opened: list[Command[Any]] = [
            requirements.OpenCycle(name=name, opens_on=opens, carry_from=carry)
        ]
        if carry is None:
            rows = scenario.rows("requirements.csv", csv_files.parse_requirements)
            opened.append(requirements.ImportLines(cycle=name, rows=tuple(rows)))
        return opened

    return Act(opens, f"{name} opened", make)


def _contribution_rows() -> list[ContributionRow]:
    return scenario.rows("contributions.csv", csv_files.parse_contributions)


def _pledge_acts() -> Iterator[Act]:
    """Each contribution pledged (and received, if it was) on the day it was announced."""
    for row in _contribution_rows():
        yield Act(row.pledged_on, f"pledge of {row.contributor}", _pledge(row))


def _pledge(row: ContributionRow) -> Make:
    def make(app: Application) -> list[Command[Any]]:
        given = _nordic_parts(app, row) if row.contributor == "NORDIC-3" else row
        return [contributions.Import(rows=(given,), source_name="contributions.csv")]

    return make


def _nordic_parts(app: Application, row: ContributionRow) -> ContributionRow:
    """The Nordic trio's package as its members gave it (DKK, NOK and USD), so pledged as
    their sum in USD at the reference rates of the day, not the rounded USD 500M announced."""
    given = member_parts.parse_member_list(NORDIC_PARTS)
    group = next(p for p in participants.list_all(app.uow()) if p.code == row.contributor)
    priced = member_parts.priced(app.fx, group, given, on=row.pledged_on)
    return replace(row, amount=parts_total(priced), members=given)


def _announced(name: str, contributor: str, day: date) -> Act:
    """A package paid by the one contributor who announced it, with the lines the engine would
    fund first from that money alone (and the month's supply)."""

    def make(app: Application) -> list[Command[Any]]:
        cycle = _latest_endorsed(app)
        mine = contributions.list_all(app.uow(), contributor=ParticipantCode(contributor))
        paid_by = mine[-1]
        with app.uow() as uow:
            inputs = allocations.build_inputs(uow, cycle_id=cycle.id, on=day)
            funds = tuple(f for f in inputs.problem.funds if f.id == paid_by.ref)
            result = additionality.solve(replace(inputs.problem, funds=funds))
            whole = Money.of(10**12, "USD")
            (cut,) = allocations.cut_packages(inputs, result, target=whole)
        return [
            packages.Draft(
                cycle_id=cycle.id, name=name, package_target=paid_by.usd or PACKAGE_TARGET,
                lots=cut.lots, attributions=cut.attributions, on=day,
            )
        ]  # fmt: skip

    return Act(day, name, make)


def _latest_endorsed(app: Application) -> Cycle:
    cycles = requirements.list_cycles(app.uow())
    return max((c for c in cycles if c.status is CycleStatus.ENDORSED), key=lambda c: c.opens_on)


def _to_accepted(number: int, *, proposed: date, accepted: date) -> Iterator[Act]:
    yield _propose(number, on=proposed)
    yield _validate(number, on=proposed + timedelta(days=1))
    yield Act(accepted, f"P-{number:04d} accepted",
              lambda _app: [packages.Accept(package_id=PackageId(number), on=accepted)])  # fmt: skip


def _propose(number: int, *, on: date) -> Act:
    return Act(on, f"P-{number:04d} proposed",
               lambda _app: [packages.Propose(package_id=PackageId(number))])  # fmt: skip


def _validate(number: int, *, on: date) -> Act:
    return Act(on, f"P-{number:04d} validated",
               lambda _app: [packages.Validate(package_id=PackageId(number))])  # fmt: skip


def _shipments(number: int, *, shipped: date, share: tuple[int, int]) -> Act:
    """The supplier ships `share` of what each line of the package still awaits (at least a
    unit), all of it when the share is whole."""
    part, whole = share

    def make(app: Application) -> list[Command[Any]]:
        with app.uow() as uow:
            waiting = deliveries.units_in(uow, uow.packages.get(PackageId(number)))
        for shipment in deliveries.list_all(app.uow(), package_id=PackageId(number)):
            waiting[shipment.line_id] -= shipment.quantity
        sent: list[Command[Any]] = []
        for line_id, units in sorted(waiting.items()):
            quantity = units if part == whole else max(1, units * part // whole)
            if units > 0:
                sent.append(
                    deliveries.Ship(
                        package_id=PackageId(number), line_id=line_id, quantity=quantity,
                        shipped_on=shipped,
                    )
                )  # fmt: skip
        return sent

    return Act(shipped, f"P-{number:04d} shipped", make)


def _confirmations(number: int, *, received: date) -> Act:
    """The recipient confirms every shipment of the package that has arrived."""

    def make(app: Application) -> list[Command[Any]]:
        shipped = deliveries.list_all(app.uow(), package_id=PackageId(number))
        return [
            deliveries.ConfirmReceipt(shipment_id=s.id, received_on=received)
            for s in shipped
            if s.received_on is None and s.shipped_on <= received
        ]

    return Act(received, f"P-{number:04d} received", make)


def _closing(number: int, *, on: date) -> Act:
    return Act(on, f"P-{number:04d} closed",
               lambda _app: [packages.Close(package_id=PackageId(number), on=on)])  # fmt: skip


def _pooled_allocation(cycle: str, *, on: date, target: Money = PACKAGE_TARGET) -> Act:
    """The month's allocation of the pooled money, in packages of about `target` each."""

    def make(app: Application) -> list[Command[Any]]:
        found = requirements.resolve_cycle(app.uow(), name=cycle)
        return [allocations.Commit(cycle_id=found.id, package_target=target, on=on)]

    return Act(on, f"{cycle} allocated", make)
