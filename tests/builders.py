"""Typed, keyword-only builders with defaults for domain objects; every suite may use them.

Each builder gives a valid object with nothing but defaults, so a test names only what matters
to it: `make_package(status=PackageStatus.FUNDED, lines=(make_package_line(lots=3),))`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from purldesk.domain import ledger
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.contributions import (
    UNRESTRICTED,
    Contribution,
    ContributionId,
    ContributionStatus,
    Earmark,
)
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.ledger import LedgerEntry, LedgerTransaction, Posting, TransactionKind
from purldesk.domain.member_parts import MemberPart, parts_total
from purldesk.domain.money import USD, Conversion, Money, convert, currency
from purldesk.domain.packages import (
    DEFAULT_TARGET,
    Attribution,
    Package,
    PackageId,
    PackageLine,
    PackageStatus,
)
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineId,
    LineStatus,
    RankChange,
    RequirementLine,
)

DAY = date(2025, 8, 4)
"""The default date of everything: the day of the acceptance example (EUR at 1.1565)."""

MOMENT = datetime(2025, 8, 4, 12, 0, 0)
"""The default instant of everything that records a time."""


# --- money --------------------------------------------------------------------------------


def usd(minor: int) -> Money:
    """USD in cents: `usd(12_345)` is USD 123.45."""
    return Money(minor, USD)


def money(minor: int, code: str = "USD") -> Money:
    """An amount in minor units of any known currency."""
    return Money(minor, currency(code))


def make_conversion(
    *,
    original: Money | None = None,
    converted: Money | None = None,
    rate: Decimal = Decimal("1.1565"),
    rate_date: date = DAY,
    source: str = "ECB",
    target: str = "USD",
) -> Conversion:
    """A conversion of `original` (default EUR 1,000.00); `converted` is computed unless given."""
    original = money(100_000, "EUR") if original is None else original
    if converted is None:
        return convert(original, target=target, rate=rate, rate_date=rate_date, source=source)
    return Conversion(original, converted, rate, rate_date, source)


# --- participants, catalog, requirements --------------------------------------------------


def make_participant(
    *,
    code: str = "FRA",
    name: str | None = None,
    kind: ParticipantKind = ParticipantKind.ALLY,
    status: ParticipantStatus = ParticipantStatus.JOINED,
    members: Sequence[str] = (),
) -> Participant:
    return Participant(
        code=ParticipantCode(code),
        name=f"Participant {code}" if name is None else name,
        kind=kind,
        status=status,
        members=tuple(ParticipantCode(m) for m in members),
    )


def make_item(
    *,
    code: str = "ITEM-1",
    name: str | None = None,
    area: str = "air_defence",
    aid_class: AidClass = AidClass.DEFENSIVE,
    unit_price: Money | None = None,
    lot_size: int = 1,
    available_per_cycle: int = 1_000,
    lead_time_days: int = 90,
) -> CatalogItem:
    return CatalogItem(
        code=ItemCode(code),
        name=f"Item {code}" if name is None else name,
        area=area,
        aid_class=aid_class,
        unit_price=usd(1_000_000) if unit_price is None else unit_price,
        lot_size=lot_size,
        available_per_cycle=available_per_cycle,
        lead_time_days=lead_time_days,
    )


def make_cycle(
    *,
    id: int = 1,
    name: str = "2025-08",
    opens_on: date = DAY,
    status: CycleStatus = CycleStatus.DRAFT,
) -> Cycle:
    return Cycle(id=CycleId(id), name=name, opens_on=opens_on, status=status)


def make_line(
    *,
    id: int = 1,
    ref: str | None = None,
    cycle_id: int = 1,
    item: CatalogItem | None = None,
    item_code: str | None = None,
    area: str | None = None,
    aid_class: AidClass | None = None,
    quantity: int = 1,
    rank: int = 1,
    needed_by: date = date(2025, 12, 31),
    justification: str = "urgent need",
    status: LineStatus = LineStatus.OPEN,
) -> RequirementLine:
    """A requirement line; code, area and aid class come from `item` unless given."""
    item = make_item() if item is None else item
    return RequirementLine(
        id=LineId(id),
        ref=f"L-{id}" if ref is None else ref,
        cycle_id=CycleId(cycle_id),
        item_code=item.code if item_code is None else ItemCode(item_code),
        area=item.area if area is None else area,
        aid_class=item.aid_class if aid_class is None else aid_class,
        quantity=quantity,
        rank=rank,
        needed_by=needed_by,
        justification=justification,
        status=status,
    )


def make_lines(count: int, *, cycle_id: int = 1, **fields: Any) -> list[RequirementLine]:
    """`count` lines with ids and ranks 1..count."""
    return [make_line(id=i, rank=i, cycle_id=cycle_id, **fields) for i in range(1, count + 1)]


def make_rank_change(
    *, line_id: int = 1, rank: int = 1, at: datetime = MOMENT, by: str = "recipient"
) -> RankChange:
    return RankChange(line_id=LineId(line_id), rank=rank, at=at, by=by)


# --- contributions, packages, deliveries --------------------------------------------------


def make_earmark(
    *,
    package_id: int | None = None,
    areas: Iterable[str] | None = None,
    aid_classes: Iterable[AidClass] | None = None,
    expires_on: date | None = None,
) -> Earmark:
    return Earmark(
        package_id=package_id,
        areas=None if areas is None else frozenset(areas),
        aid_classes=None if aid_classes is None else frozenset(aid_classes),
        expires_on=expires_on,
    )


def make_contribution(
    *,
    id: int = 1,
    contributor: str = "FRA",
    amount: Money | None = None,
    pledged_on: date = DAY,
    status: ContributionStatus = ContributionStatus.PLEDGED,
    confidential: bool = False,
    anonymous: bool = False,
    purpose: str = "",
    source: str = "",
    earmark: Earmark = UNRESTRICTED,
    received_on: date | None = None,
    conversion: Conversion | None = None,
    members: Sequence[MemberPart] = (),
) -> Contribution:
    """A contribution (USD 1,000,000.00 pledged by default, or with `members`, the sum of
    their parts); no consistency is imposed beyond what the contribution checks itself."""
    if amount is None and members:
        amount = parts_total(members)
    return Contribution(
        id=ContributionId(id),
        contributor=ParticipantCode(contributor),
        amount=usd(100_000_000) if amount is None else amount,
        pledged_on=pledged_on,
        status=status,
        confidential=confidential,
        purpose=purpose,
        source=source,
        earmark=earmark,
        received_on=received_on,
        conversion=conversion,
        anonymous=anonymous,
        members=tuple(members),
    )


def make_member_part(
    *,
    member: str = "DNK",
    amount: Money | None = None,
    rate: Decimal = Decimal("0.154705756244"),
    rate_date: date = DAY,
) -> MemberPart:
    """A member's part (DKK 580,000,000.00 by default) converted to USD at `rate`."""
    original = money(58_000_000_000, "DKK") if amount is None else amount
    conversion = convert(original, target="USD", rate=rate, rate_date=rate_date, source="ECB")
    return MemberPart(ParticipantCode(member), conversion)


def make_package_line(
    *,
    line_id: int = 1,
    item_code: str = "ITEM-1",
    lots: int = 1,
    lot_price: Money | None = None,
) -> PackageLine:
    return PackageLine(
        line_id=LineId(line_id),
        item_code=ItemCode(item_code),
        lots=lots,
        lot_price=usd(1_000_000) if lot_price is None else lot_price,
    )


def make_attribution(
    *, contribution_id: int = 1, line_id: int = 1, amount: Money | None = None
) -> Attribution:
    return Attribution(
        contribution_id=ContributionId(contribution_id),
        line_id=LineId(line_id),
        amount=usd(1_000_000) if amount is None else amount,
    )


def make_package(
    *,
    id: int = 1,
    cycle_id: int = 1,
    name: str | None = None,
    target: Money = DEFAULT_TARGET,
    created_on: date = DAY,
    status: PackageStatus = PackageStatus.DRAFT,
    lines: Sequence[PackageLine] = (),
    attributions: Sequence[Attribution] = (),
) -> Package:
    return Package(
        id=PackageId(id),
        cycle_id=CycleId(cycle_id),
        name=f"Package {id}" if name is None else name,
        target=target,
        created_on=created_on,
        status=status,
        lines=tuple(lines),
        attributions=tuple(attributions),
    )


def make_shipment(
    *,
    id: int = 1,
    package_id: int = 1,
    line_id: int = 1,
    quantity: int = 1,
    shipped_on: date = DAY,
    received_on: date | None = None,
) -> Shipment:
    return Shipment(
        id=ShipmentId(id),
        package_id=PackageId(package_id),
        line_id=LineId(line_id),
        quantity=quantity,
        shipped_on=shipped_on,
        received_on=received_on,
    )


# --- ledger -------------------------------------------------------------------------------


def posting(account: str, minor: int, code: str = "USD") -> Posting:
    """A signed posting: debit > 0, credit < 0."""
    return Posting(account, money(minor, code))


def make_transaction(
    *,
    kind: TransactionKind = TransactionKind.ALLOCATION,
    occurred_on: date = DAY,
    postings: Sequence[Posting] | None = None,
    memo: str = "",
    contribution_id: int | None = None,
    package_id: int | None = None,
    conversion: Conversion | None = None,
    reverses: int | None = None,
) -> LedgerTransaction:
    """A validated transaction; by default USD 100.00 moves from `cash:a` to `cash:b`."""
    if postings is None:
        postings = (posting("cash:b", 10_000), posting("cash:a", -10_000))
    return LedgerTransaction(
        kind=kind,
        occurred_on=occurred_on,
        postings=tuple(postings),
        memo=memo,
        contribution_id=contribution_id,
        package_id=package_id,
        conversion=conversion,
        reverses=reverses,
    )


def unchecked_transaction(**fields: Any) -> LedgerTransaction:
    """A transaction built without `__post_init__`: for tampered or invalid records only."""
    values: dict[str, Any] = {
        "kind": TransactionKind.ALLOCATION,
        "occurred_on": DAY,
        "postings": (),
        "memo": "",
        "contribution_id": None,
        "package_id": None,
        "conversion": None,
        "reverses": None,
    }
    unknown = set(fields) - set(values)
    if unknown:
        raise TypeError(f"unknown LedgerTransaction fields: {sorted(unknown)}")
    values.update(fields)
    values["postings"] = tuple(values["postings"])
    transaction = object.__new__(LedgerTransaction)
    for name, value in values.items():
        object.__setattr__(transaction, name, value)
    return transaction


def tampered(entry: LedgerEntry, **transaction_changes: Any) -> LedgerEntry:
    """`entry` with its transaction edited after sealing: the stored hash is kept as it was."""
    fields = {
        f.name: getattr(entry.transaction, f.name) for f in dataclasses.fields(entry.transaction)
    }
    fields.update(transaction_changes)
    return dataclasses.replace(entry, transaction=unchecked_transaction(**fields))


def with_posting_minor(entry: LedgerEntry, index: int, minor: int) -> LedgerEntry:
    """`entry` with the amount of posting `index` changed to `minor`, the hash left stale."""
    postings = list(entry.transaction.postings)
    old = postings[index]
    postings[index] = Posting(old.account, Money(minor, old.amount.currency))
    return tampered(entry, postings=tuple(postings))


def record(
    *transactions: LedgerTransaction,
    head: LedgerEntry | None = None,
    recorded_at: datetime = MOMENT,
) -> list[LedgerEntry]:
    """Seal `transactions` onto a chain (a new ledger unless `head` is given)."""
    return ledger.chain(head, transactions, recorded_at=recorded_at)


def pledge_tx(
    contribution_id: int = 1, amount: Money | None = None, *, on: date = DAY
) -> LedgerTransaction:
    """A pledge: the contributor now owes `amount` in its own currency."""
    return ledger.transfer(
        TransactionKind.PLEDGE,
        source=ledger.pledged(contribution_id),
        destination=ledger.receivable(contribution_id),
        amount=money(100_000, "EUR") if amount is None else amount,
        occurred_on=on,
        contribution_id=contribution_id,
    )


def receipt_tx(
    contribution_id: int = 1, conversion: Conversion | None = None, *, on: date = DAY
) -> LedgerTransaction:
    """The receipt of a pledge, converted (EUR 1,000.00 at 1.1565 by default)."""
    conversion = make_conversion() if conversion is None else conversion
    return ledger.receipt(contribution_id, conversion, occurred_on=on)


def allocation_tx(
    contribution_id: int = 1,
    package_id: int = 1,
    amount: Money | None = None,
    *,
    on: date = DAY,
) -> LedgerTransaction:
    """Pooled USD of one contribution attributed to one package."""
    return ledger.transfer(
        TransactionKind.ALLOCATION,
        source=ledger.pool(contribution_id),
        destination=ledger.obligated(package_id, contribution_id),
        amount=usd(50_000) if amount is None else amount,
        occurred_on=on,
        contribution_id=contribution_id,
        package_id=package_id,
    )
