"""Allocations whose bases keep substitution effects, for the reader world (`reader_world`):
written through the write ports, so that the fake and both databases hold the same rows; and
the runs of a contributor as the statement derived them from the bases before they were kept
apart."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from purldesk.domain.basis import AllocationBasis
from purldesk.domain.catalog import ItemCode
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.domain.substitution import Shift, Standing, Substitution
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader
from purldesk.services.statement_ports import SubstitutionRun
from reader_world import AT, CAN, KIT_PRICE, NLD, OCTOBER, seed

L1, L2, L3 = LineId(2), LineId(3), LineId(4)
ALLOCATIONS = 7
FIRST_PACKAGE = 1000  # of the first allocation's three
SAME_INSTANT = AT + timedelta(days=30)  # three allocations committed then


def package(pid: int, line_id: LineId, contribution: int, *, restricted: bool = False) -> Package:
    made = Package(
        PackageId(pid), OCTOBER, f"P-{pid:04d}", Money(2_000_000_00, USD), AT.date(),
        PackageStatus.DRAFT, lines=(PackageLine(line_id, ItemCode("MED-1"), 1, KIT_PRICE),),
        attributions=(Attribution(ContributionId(contribution), line_id, KIT_PRICE),),
    )  # fmt: skip
    return made.restricted_to(()) if restricted else made


def _effect(who: ParticipantCode, minor: int, took: int, went: int) -> Substitution[LineId]:
    """`who`'s money took over L-1 in package `took`; the other money went to L-2 in `went`
    and, a part of it, to L-3 in the same package."""
    return Substitution(
        who, Standing.RESTRICTED, took_over=(Shift(L1, minor, (PackageId(took),)),),
        went_to=(Shift(L2, minor - 1, (PackageId(went),)), Shift(L3, 1, (PackageId(went),))),
    )  # fmt: skip


def _kept(
    uow: UnitOfWork, at: datetime, on: date, kept: dict[int, tuple[Substitution[LineId], ...]]
) -> None:
    for pid, effects in kept.items():
        uow.bases.add(AllocationBasis(PackageId(pid), on, at, (), effects))


def seed_allocations(uow_factory: Callable[[], UnitOfWork]) -> None:
    """The reader world, ALLOCATIONS allocations (`allocate`, every third restricting a
    package), then three allocations committed at one instant, on one day: two with the same
    Dutch effect, which the statement tells once; and an allocation whose basis keeps none."""
    seed(uow_factory)
    allocate(uow_factory, count=ALLOCATIONS, restricting=True)
    with uow_factory() as uow:
        for pid in (90, 91, 92, 93):
            uow.packages.add(package(pid, L1, 1))
        first, second = _effect(NLD, 70_00, 90, 91), _effect(NLD, 60_00, 91, 92)
        _kept(uow, SAME_INSTANT, AT.date(), {91: (second,)})
        _kept(uow, SAME_INSTANT, AT.date(), {90: (first,)})
        _kept(uow, SAME_INSTANT, AT.date(), {92: (first,)})
        _kept(uow, SAME_INSTANT + timedelta(hours=1), AT.date(), {93: ()})
        uow.commit()


def allocate(
    uow_factory: Callable[[], UnitOfWork], *, count: int, start: int = 0, restricting: bool
) -> None:
    """Allocations `start` to `start + count` (in committed order, their dates not), the
    `n`th making P-(1000 + 3n) for the Netherlands' money on L-1 and the next for it on L-2
    (its effect kept with both), and one on L-3 for Canada's (restricted in every third, if
    `restricting`) whose basis keeps both effects, the Dutch one with a package the
    Netherlands does not pay."""
    with uow_factory() as uow:
        for n in range(start, start + count):
            first = FIRST_PACKAGE + 3 * n
            uow.packages.add(package(first, L1, 1))
            uow.packages.add(package(first + 1, L2, 1))
            uow.packages.add(package(first + 2, L3, 3, restricted=restricting and n % 3 == 0))
            dutch = _effect(NLD, 500_00 + n, first, first + 2)
            canadian = _effect(CAN, 200_00 + n, first + 2, first + 1)
            on = AT.date() + timedelta(days=(5 - n) % 4)
            at = AT + timedelta(hours=n)
            _kept(uow, at, on, {first: (dutch,), first + 1: (dutch,)})
            _kept(uow, at, on, {first + 2: (canadian, dutch)})
        uow.commit()


def derived(reader: Reader, contributor: ParticipantCode) -> list[SubstitutionRun]:
    """The runs as the statement derived them before they were kept apart: from the bases of
    every package the contributor pays, once per allocation, the oldest first."""
    runs: dict[tuple[datetime, date, Substitution[LineId]], list[PackageId]] = {}
    for kept in reader.bases(reader.paid_packages(contributor)):
        for found in kept.substitutions:
            if found.contributor == contributor:
                runs.setdefault((kept.recorded_at, kept.on, found), []).append(kept.package_id)
    ordered = sorted(runs.items(), key=lambda run: run[0][:2])
    return [SubstitutionRun(on, at, tuple(pids), effect) for (at, on, effect), pids in ordered]
