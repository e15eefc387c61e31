"""A small world for the read side, written through the write ports so that the fake and both
databases hold the same rows: three givers (public, confidential, anonymous), two cycles,
packages in three states (one cancelled), shipments received or on their way, and ledger
postings in two currencies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.ledger import LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import USD, Money, convert, currency
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import Cycle, CycleId, LineChange, LineId, RequirementLine
from purldesk.services.ports import UnitOfWork

AT = datetime(2025, 10, 1, 9, 30, tzinfo=UTC)
SEPTEMBER, OCTOBER = CycleId(1), CycleId(2)
NLD, DEU, CAN = ParticipantCode("NLD"), ParticipantCode("DEU"), ParticipantCode("CAN")
EUR = currency("EUR")
RADAR_PRICE = Money(1_500_000_00, USD)
KIT_PRICE = Money(20_000_00, USD)


def participants() -> list[Participant]:
    return [
        Participant(code, name, ParticipantKind.PARTNER, ParticipantStatus.JOINED)
        for code, name in [(CAN, "Canada"), (DEU, "Germany"), (NLD, "Netherlands")]
    ]


def items() -> list[CatalogItem]:
    return [
        CatalogItem(ItemCode("MED-1"), "Trauma kit", "medical", AidClass.HUMANITARIAN,
                    KIT_PRICE, 10, 500, 14),
        CatalogItem(ItemCode("RADAR-1"), "Counter-battery radar", "air_defence",
                    AidClass.DEFENSIVE, RADAR_PRICE, 1, 4, 120),
    ]  # fmt: skip


def cycles() -> list[Cycle]:
    return [
        Cycle(SEPTEMBER, "2025-09", date(2025, 9, 1)),
        Cycle(OCTOBER, "2025-10", date(2025, 10, 1)),
    ]


def line(line_id: int, ref: str, cycle_id: CycleId, item: str, rank: int) -> RequirementLine:
    aid_class = AidClass.DEFENSIVE if item == "RADAR-1" else AidClass.HUMANITARIAN
    area = "air_defence" if item == "RADAR-1" else "medical"
    return RequirementLine(
        id=LineId(line_id), ref=ref, cycle_id=cycle_id, item_code=ItemCode(item), area=area,
        aid_class=aid_class, quantity=4, rank=rank, needed_by=date(2026, 1, 31),
        justification=f"need {ref}",
    )  # fmt: skip


def lines() -> list[RequirementLine]:
    return [
        line(1, "A-1", SEPTEMBER, "MED-1", 1),
        line(2, "L-1", OCTOBER, "RADAR-1", 1),
        line(3, "L-2", OCTOBER, "MED-1", 2),
        line(4, "L-3", OCTOBER, "MED-1", 3),
    ]


def _received_in_eur(contribution: Contribution) -> Contribution:
    conversion = convert(
        contribution.amount, target="USD", rate=Decimal("1.1"), rate_date=date(2025, 10, 9),
        source="ECB",
    )  # fmt: skip
    return contribution.receive(on=date(2025, 10, 10), conversion=conversion)


def contributions() -> list[Contribution]:
    def pledge(
        cid: int,
        who: ParticipantCode,
        amount: Money,
        *,
        confidential: bool = False,
        anonymous: bool = False,
    ) -> Contribution:
        return Contribution(
            id=ContributionId(cid),
            contributor=who,
            amount=amount,
            pledged_on=date(2025, 10, 2),
            purpose="support",
            source="press release",
            confidential=confidential,
            anonymous=anonymous,
        )

    return [
        _received_in_eur(pledge(1, NLD, Money(1_000_000_00, EUR))),
        pledge(2, DEU, Money(500_000_00, USD), confidential=True),
        _received_in_eur(pledge(3, CAN, Money(200_000_00, EUR), anonymous=True)),
        pledge(4, DEU, Money(100_000_00, USD), confidential=True, anonymous=True),
    ]


def packages() -> list[Package]:
    def package(pid: int, cycle_id: CycleId, status: PackageStatus, **parts: object) -> Package:
        made = Package(
            PackageId(pid), cycle_id, f"P-{pid:04d}", Money(2_000_000_00, USD), date(2025, 10, 5)
        )
        return replace(made, status=status, **parts)  # type: ignore[arg-type]

    return [
        package(
            1, OCTOBER, PackageStatus.ACCEPTED,
            lines=(
                PackageLine(LineId(2), ItemCode("RADAR-1"), 1, RADAR_PRICE),
                PackageLine(LineId(3), ItemCode("MED-1"), 2, KIT_PRICE),
            ),
            attributions=(
                Attribution(ContributionId(1), LineId(2), Money(500_00, USD)),
                Attribution(ContributionId(3), LineId(3), Money(300_00, USD)),
            ),
        ),
        package(
            2, OCTOBER, PackageStatus.CANCELLED,
            lines=(PackageLine(LineId(4), ItemCode("MED-1"), 1, KIT_PRICE),),
        ),
        package(
            3, SEPTEMBER, PackageStatus.DRAFT,
            lines=(PackageLine(LineId(1), ItemCode("MED-1"), 3, KIT_PRICE),),
            attributions=(Attribution(ContributionId(1), LineId(1), Money(100_00, USD)),),
        ),
    ]  # fmt: skip


def shipments() -> list[Shipment]:
    return [
        Shipment(ShipmentId(1), PackageId(1), LineId(2), 1, date(2025, 11, 1), date(2025, 11, 9)),
        Shipment(ShipmentId(2), PackageId(1), LineId(3), 2, date(2025, 11, 5)),
        Shipment(ShipmentId(3), PackageId(3), LineId(1), 1, date(2025, 9, 20)),
    ]


def _moved(account_from: str, account_to: str, amount: Money) -> LedgerTransaction:
    return LedgerTransaction(
        kind=TransactionKind.DISBURSEMENT, occurred_on=date(2025, 11, 10),
        postings=(Posting(account_to, amount), Posting(account_from, -amount)),
    )  # fmt: skip


def ledger() -> list[LedgerTransaction]:
    return [
        _moved("pool:C-00001", "disbursed:P-0001:C-00001", Money(500_00, USD)),
        _moved("pool:C-00003", "disbursed:P-0001:C-00003", Money(300_00, USD)),
        _moved("pledged:C-00001", "receivable:C-00001", Money(1_000_000_00, EUR)),
    ]


def seed(uow_factory: Callable[[], UnitOfWork]) -> None:
    """Write the world, then move line L-3 to the top and edit L-2, in a second transaction."""
    with uow_factory() as uow:
        for participant in participants():
            uow.participants.add(participant)
        for item in items():
            uow.catalog.add(item)
        for cycle in cycles():
            uow.cycles.add(cycle)
        for requirement in lines():
            uow.requirements.add(requirement, at=AT, by="UKR")
        for contribution in contributions():
            uow.contributions.add(contribution)
        for package in packages():
            uow.packages.add(package)
        for shipment in shipments():
            uow.shipments.add(shipment)
        uow.ledger.append(ledger(), recorded_at=AT)
        uow.commit()
    later = AT + timedelta(days=1)
    with uow_factory() as uow:
        moved = replace(uow.requirements.get(LineId(4)), rank=1)
        uow.requirements.save(moved, at=later, by="UKR")
        uow.requirements.append_changes([LineChange(LineId(3), "quantity", "4", "6", later, "UKR")])
        uow.commit()


def contribution_statuses() -> frozenset[ContributionStatus]:
    return frozenset({ContributionStatus.PLEDGED, ContributionStatus.RECEIVED})
