"""A statement's substitution effects, read from the allocation bases of the packages the
contributor pays (fake, SQLite, PostgreSQL): one row per allocation, and told to the
contributor without what would reveal others' confidential money or restricted contents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from purldesk.domain.access import OPERATOR, Actor, Role, UserId
from purldesk.domain.basis import AllocationBasis, FundBasis
from purldesk.domain.catalog import AidClass, ItemCode
from purldesk.domain.contributions import ContributionId
from purldesk.domain.indicators import ObservationId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.domain.substitution import Shift, Standing, Substitution
from purldesk.services.ports import UnitOfWork
from purldesk.services.read_ports import Reader
from purldesk.services.substitution import ToldLine
from purldesk.services.views.statement import statement
from reader_world import AT, KIT_PRICE, NLD, OCTOBER, seed

NETHERLANDS = Actor(UserId(3), "contributor-nld", NLD, Role.CONTRIBUTOR).viewer
L1, L2, L3 = LineId(2), LineId(3), LineId(4)  # refs L-1, L-2, L-3
P1, P3, P4, P5 = PackageId(1), PackageId(3), PackageId(4), PackageId(5)

# The Netherlands' money took over L-1 (in P-0001); the other money went to L-2, whose cost in
# P-0004 only a confidential German contribution pays, and to L-3, in a restricted package.
DUTCH = Substitution(
    NLD, Standing.RESTRICTED, took_over=(Shift(L1, 400_00, (P1,)),),
    went_to=(Shift(L2, 300_00, (P4,)), Shift(L3, 100_00, (P5,))),
)  # fmt: skip


def package(pid: PackageId, line_id: LineId, contribution: int) -> Package:
    return Package(
        pid, OCTOBER, f"P-{pid:04d}", Money(2_000_000_00, USD), AT.date(), PackageStatus.DRAFT,
        lines=(PackageLine(line_id, ItemCode("MED-1"), 1, KIT_PRICE),),
        attributions=(Attribution(ContributionId(contribution), line_id, KIT_PRICE),),
    )  # fmt: skip


def seed_allocation(uow_factory: Callable[[], UnitOfWork]) -> None:
    """The reader world, and an allocation that made P-0004 and P-0005 and kept the Dutch
    effect with the two packages of it the Netherlands pays, P-0001 and P-0003."""
    seed(uow_factory)
    with uow_factory() as uow:
        uow.packages.add(package(P4, L2, 2))  # Germany's confidential money
        uow.packages.add(package(P5, L3, 3).restricted_to(()))
        for paid in (P1, P3):
            uow.bases.add(AllocationBasis(paid, AT.date(), AT, (), (DUTCH,)))
        uow.bases.add(AllocationBasis(P4, AT.date(), AT, (), ()))
        uow.commit()


def test_the_contributor_is_told_lines_and_amounts_that_reveal_nothing_hidden(
    uow_factory: Callable[[], UnitOfWork], reader_factory: Callable[[], Reader]
) -> None:
    seed_allocation(uow_factory)
    (row,) = statement(reader_factory(), viewer=NETHERLANDS, contributor="NLD").substitutions
    assert (row.on, row.recorded_at, row.packages) == (AT.date(), AT, ("P-0001", "P-0003"))
    effect = row.effect
    assert effect.took_over == (ToldLine("L-1", Money(400_00, USD)),)
    assert effect.went_to == (ToldLine("L-2", None),)  # its cost is withheld from the Dutch
    assert (effect.unnamed, effect.unallocated) == (True, None)
    assert row.sentence == (
        "Netherlands's money took over L-1 (USD 400.00); the money that paid it went to L-2 "
        "(amount withheld); lines in packages you may not see are not named."
    )


def test_whoever_sees_every_amount_is_told_the_whole_effect(
    uow_factory: Callable[[], UnitOfWork], reader_factory: Callable[[], Reader]
) -> None:
    seed_allocation(uow_factory)
    (row,) = statement(reader_factory(), viewer=OPERATOR, contributor="NLD").substitutions
    assert row.effect.went_to == (
        ToldLine("L-2", Money(300_00, USD)), ToldLine("L-3", Money(100_00, USD)),
    )  # fmt: skip
    assert (row.effect.unnamed, row.effect.unallocated) == (False, Money(0, USD))


def test_a_contributor_without_kept_effects_has_none(
    uow_factory: Callable[[], UnitOfWork], reader_factory: Callable[[], Reader]
) -> None:
    seed_allocation(uow_factory)
    german = replace(NETHERLANDS, organization="DEU")
    assert statement(reader_factory(), viewer=german, contributor="DEU").substitutions == []


def test_bases_read_without_funds_are_the_bases_with_their_funds_left_out(
    uow_factory: Callable[[], UnitOfWork], reader_factory: Callable[[], Reader]
) -> None:
    """The statement reads only the parts of each basis it tells (SQL takes the funds out):
    the same bases, substitutions and all, as those read whole with their funds dropped."""
    seed_allocation(uow_factory)
    fund = FundBasis(
        ContributionId(3), ParticipantCode("CAN"), True, 2, None, "standard",
        (ObservationId(7),), frozenset({AidClass.HUMANITARIAN}), None,
    )  # fmt: skip
    with uow_factory() as uow:
        uow.bases.add(AllocationBasis(P5, AT.date(), AT, (fund,), (DUTCH,)))
        uow.commit()
    asked = (P1, P3, P4, P5, PackageId(99))  # P-0099 has none
    with reader_factory() as reader:
        whole = reader.bases(asked)
        without = reader.bases(asked, with_funds=False)
    assert [b.package_id for b in whole] == [P1, P3, P4, P5]
    assert whole[-1].funds == (fund,) and whole[-1].substitutions == (DUTCH,)
    assert without == [replace(b, funds=()) for b in whole]
