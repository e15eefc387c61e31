"""Packages: the list, a page of their summaries, one package's page and report (lines, money,
deliveries, what the viewer may do to it), and a package as the public sees it with its
parties."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from purldesk.domain.access import PUBLIC, Permission, Viewer
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.confidentiality import redact
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.deliveries import Shipment
from purldesk.domain.disclosure import CONTENTS_RESTRICTED, withheld_reason
from purldesk.domain.money import USD, Money
from purldesk.domain.package_money import (
    PackageMoney,
    own_only,
    package_money,
    payers_of,
    redact_attributions,
)
from purldesk.domain.packages import (
    Package,
    PackageId,
    PackageStatus,
    Restriction,
    package_ref,
    shortfall,
)
from purldesk.domain.participants import CONTRIBUTING_KINDS, Participant, ParticipantKind
from purldesk.domain.requirements import CycleId, LineId, RequirementLine
from purldesk.services import deliveries, packages
from purldesk.services.handle import Command
from purldesk.services.package_list_ports import PackageListing
from purldesk.services.read_ports import PackageTotals, Reader
from purldesk.services.views.offers import is_offered
from purldesk.services.views.paging import WHOLE, Page, Window, page
from purldesk.services.views.rows import (
    NOTHING_WITHHELD,
    DeliveryRow,
    PackageSummary,
    delivery,
    giver_of,
    restricted_from,
    summary,
    withheld_costs,
    withheld_packages,
)

PAYMENTS_PAGE_SIZE = 50  # a package's payments on a page, in the package's order
MAX_PAYMENTS = 10**7  # past any package's payments: "all of them", as one limit


@dataclass(frozen=True, slots=True)
class PackageLineRow:
    line_id: LineId
    line_ref: str
    rank: int
    item_name: str
    lots: int
    quantity: int
    lot_price: Money | None  # None: withheld from the viewer, with the cost
    cost: Money | None
    shipped: int
    received: int

    @property
    def left_to_ship(self) -> int:
        return max(0, self.quantity - self.shipped)


@dataclass(frozen=True, slots=True)
class PaymentRow:
    contributor: str  # "undisclosed" for the folded bucket
    contribution_ref: str
    line_ref: str
    amount: Money


@dataclass(frozen=True, slots=True)
class PackageDetail:
    summary: PackageSummary
    lines: list[PackageLineRow]
    payments: list[PaymentRow]
    shipments: list[DeliveryRow]
    actions: list[str]  # what the viewer may do now, by action name (see PACKAGE_COMMANDS)
    short_usd: Money | None  # what re-pricing left unpaid, until a top-up (None: withheld)
    withheld: str = ""  # why the figures that are None are not published ("": none is)
    restricted: str = ""  # why lines and shipments are left out ("": the contents are shown)
    restriction: Restriction | None = None  # to a viewer that sees the contents: who is cleared
    # Which page of the payments `payments` is, and how many the viewer may see in all.
    payments_page: Page = field(default_factory=lambda: Page(1, 1, 0))
    payments_offset: int = 0  # where `payments` start in them


@dataclass(frozen=True, slots=True)
class PublicPackage:
    """A package as the public sees it, with the organizations that take part in it."""

    detail: PackageDetail
    recipients: list[Participant]
    coordinators: list[Participant]
    suppliers: list[Participant]
    funders: list[Participant]  # the contributors the public may see paying for it


# The page's name for each command it may offer on a package, in the order it offers them.
# Whether it does is the command's own rule (`offers.is_offered`); `ship` is offered only while
# some line has units left to ship, `confirm` while some shipment awaits confirmation, and
# `top_up` while re-pricing has left a line short of money.
PACKAGE_COMMANDS: Mapping[str, type[Command[Any]]] = {
    "propose": packages.Propose, "validate": packages.Validate, "top_up": packages.TopUp,
    "accept": packages.Accept, "cancel": packages.Cancel, "ship": deliveries.Ship,
    "confirm": deliveries.ConfirmReceipt, "close": packages.Close,
    "restrict": packages.RestrictContents,
}  # fmt: skip


def package_actions(
    viewer: Viewer,
    package: Package,
    lines: Sequence[PackageLineRow],
    shipments: Sequence[Shipment],
    *,
    short: bool,
) -> list[str]:
    """What `viewer` may do to `package` now, in the order the page offers them; `short`:
    whether some line is short of money (`packages.shortfall`)."""
    has_work = {
        "ship": any(line.left_to_ship for line in lines),
        "confirm": not all(s.is_confirmed for s in shipments),
        "top_up": short,
    }
    return [
        action
        for action, command in PACKAGE_COMMANDS.items()
        if has_work.get(action, True) and is_offered(viewer, command, package.status)
    ]


def package_list(reader: Reader, *, viewer: Viewer = PUBLIC) -> list[PackageSummary]:
    """Every package, cancelled ones too, by id; a cost that would reveal money the viewer
    may not see is withheld."""
    with reader:
        withheld = withheld_packages(reader, viewer)
        found = reader.package_totals(with_cancelled=True)
    return [summary(p, withheld.get(p.id, NOTHING_WITHHELD)) for p in found]


@dataclass(frozen=True, slots=True)
class ListedPackage:
    """A package in a list as one viewer may see it: its figures, none of its parts. Each is
    what the package's own page (`package_detail`) shows that viewer."""

    id: PackageId
    ref: str
    cycle_id: CycleId
    name: str
    status: PackageStatus
    target: Money
    created_on: date
    cost: Money | None  # None: withheld (`withheld` says why)
    attributed: Money | None  # what its shown payments sum to; None: withheld or restricted
    line_count: int | None  # None: its contents are restricted (`restricted` says why)
    withheld: str = ""
    restricted: str = ""


@dataclass(frozen=True, slots=True)
class PackageList:
    """One page of the listed packages, and how many there are in all."""

    packages: list[ListedPackage]
    total: int


def package_summaries(
    reader: Reader,
    *,
    viewer: Viewer,
    cycle_id: CycleId | None = None,
    status: PackageStatus | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> PackageList:
    """A page of the packages by id (of one cycle, in one status, or all; no limit: all), as
    `viewer` may see them. Read as sums and counts in SQL, never the packages' attributions,
    so a page costs the same however many payers each package has."""
    with reader:
        total = reader.count_packages(cycle_id=cycle_id, status=status)
        found = reader.package_listings(
            cycle_id=cycle_id, status=status, offset=offset, limit=limit
        )
        withheld = withheld_costs(reader, viewer, [p.id for p in found])
        unseen = restricted_from(reader, viewer)
    reason = withheld_reason(viewer.bucket_minimum(reader.min_hidden_contributors))
    return PackageList(
        [_listed(p, withheld.get(p.id, NOTHING_WITHHELD).whole, p.id in unseen, reason)
         for p in found],
        total,
    )  # fmt: skip


def _listed(found: PackageListing, withheld: bool, restricted: bool, reason: str) -> ListedPackage:
    # Where the cost is shown, the hidden money is published as one bucket: the payments
    # the page shows (the contents' too) add up to everything attributed.
    attributed = None if withheld or restricted else Money(found.attributed_minor, USD)
    return ListedPackage(
        found.id, package_ref(found.id), found.cycle_id, found.name, found.status, found.target,
        found.created_on, None if withheld else Money(found.cost_minor, USD), attributed,
        None if restricted else found.line_count, reason if withheld else "",
        CONTENTS_RESTRICTED if restricted else "",
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class PackageFacts:
    """What a package's page is made of, read in one transaction."""

    package: Package
    cycle_name: str
    items: Mapping[ItemCode, CatalogItem]
    lines: Mapping[LineId, RequirementLine]
    shipments: list[Shipment]
    owners: Mapping[ContributionId, Contribution]
    participants: list[Participant]


def _read(reader: Reader, package_id: PackageId) -> PackageFacts:
    package = reader.package(package_id)
    return _facts(reader, package, {part.contribution_id for part in package.attributions})


def _facts(reader: Reader, package: Package, paying: Collection[ContributionId]) -> PackageFacts:
    return PackageFacts(
        package, reader.cycle(package.cycle_id).name, reader.items(),
        reader.lines_by_id({line.line_id for line in package.lines}),
        reader.shipments(package_id=package.id),
        {c.id: c for c in reader.contributions(ids=paying)} if paying else {},
        reader.participants(),
    )  # fmt: skip


def package_detail(
    reader: Reader,
    *,
    viewer: Viewer,
    package_id: PackageId,
    payments_asked: int = 1,
    payments_size: int | None = PAYMENTS_PAGE_SIZE,
) -> PackageDetail:
    """Lines, lots, prices, deliveries and who paid what, as `viewer` may see them: page
    `payments_asked` of the payments, `payments_size` a page (None: all of them), read a page
    at a time with the money the viewer may not see counted by the reader."""
    with reader:
        outline = reader.package_outline(package_id)
        money = _payments(reader, viewer, outline.package, payments_asked, payments_size)
        found = _facts(reader, outline.package, payers_of(money))
    return _detail(viewer, found, money, outline.shortfall, size=payments_size)


def package_money_page(
    reader: Reader, *, viewer: Viewer, package_id: PackageId, offset: int, limit: int
) -> tuple[Package, PackageMoney]:
    """The package without its attributions (`Reader.package_outline`) and at most `limit` of
    the payments `viewer` may see from `offset` on, as the API reads them."""
    with reader:
        outline = reader.package_outline(package_id)
        money = _money(reader, viewer, outline.package, offset=offset, limit=limit)
    return outline.package, money


def _money(
    reader: Reader, viewer: Viewer, package: Package, *, offset: int, limit: int
) -> PackageMoney:
    """At most `limit` of the package's payments `viewer` may see, from `offset` on, with the
    money it may not see counted by the reader; inside `with reader:`."""
    only_own = own_only(viewer, package.restriction)
    facts = reader.package_payments(
        viewer, package.id, own_only=only_own, offset=offset, limit=limit
    )
    k = reader.min_hidden_contributors
    return package_money(viewer, facts, min_hidden_contributors=k, limit=limit)


def _payments(
    reader: Reader, viewer: Viewer, package: Package, asked: int, size: int | None
) -> PackageMoney:
    """Page `asked` of the package's payments as `viewer` may see them, or the last page where
    there are fewer (they changed since the link was made)."""
    if size is None:
        return _money(reader, viewer, package, offset=0, limit=MAX_PAYMENTS)
    money = _money(reader, viewer, package, offset=(asked - 1) * size, limit=size)
    last = page(asked, size=size, total=money.count)
    if last.offset == money.offset:
        return money
    return _money(reader, viewer, package, offset=last.offset, limit=size)


def _detail(
    viewer: Viewer,
    found: PackageFacts,
    money: PackageMoney,
    short_by_line: Mapping[LineId, int],
    *,
    size: int | None = None,
) -> PackageDetail:
    """The package as `viewer` may see it, with the page of its money `money` (`package_money`,
    `size` payments a page; None: all on one) and what its lines are short of
    (`packages.shortfall`)."""
    package, lines, items = found.package, found.lines, found.items
    names = {p.code: p.name for p in found.participants}
    shipped: dict[LineId, int] = defaultdict(int)
    received: dict[LineId, int] = defaultdict(int)
    for s in found.shipments:
        shipped[s.line_id] += s.quantity
        if s.received_on is not None:
            received[s.line_id] += s.quantity
    contents = package.lines if money.contents_shown else ()
    shipments = found.shipments if money.contents_shown else []
    rows = []
    for pl in contents:
        line = lines[pl.line_id]
        item = items[pl.item_code]
        shown = money.line_cost_shown(pl.line_id)
        rows.append(
            PackageLineRow(
                pl.line_id, line.ref, line.rank, item.name, pl.lots, pl.lots * item.lot_size,
                pl.lot_price if shown else None, pl.cost if shown else None,
                shipped[pl.line_id], received[pl.line_id],
            )
        )  # fmt: skip
    payments = []
    for part in money.attributions:
        if part.contribution_id is None:
            payments.append(PaymentRow("undisclosed", "", "", part.amount))
            continue
        owner = redact(viewer, found.owners[part.contribution_id])
        line_ref = lines[LineId(part.line_id)].ref if part.line_id is not None else ""
        payments.append(PaymentRow(giver_of(owner, names), owner.ref, line_ref, part.amount))
    totals = PackageTotals(
        package.id, package.name, package.status, found.cycle_name, package.cost.minor,
        package.target,
    )  # fmt: skip
    deliveries = [
        delivery(s, line_ref=lines[s.line_id].ref, item_name=items[lines[s.line_id].item_code].name)
        for s in shipments
    ]
    short = Money(sum(short_by_line.values()), USD)
    return PackageDetail(
        summary(totals, money.withheld), rows, payments, deliveries,
        package_actions(viewer, package, rows, found.shipments, short=bool(short_by_line)),
        short if money.cost_shown else None,
        "" if money.cost_shown else money.reason,
        "" if money.contents_shown else CONTENTS_RESTRICTED,
        package.restriction if money.contents_shown else None,
        _page_of(money, size), money.offset,
    )  # fmt: skip


def _page_of(money: PackageMoney, size: int | None) -> Page:
    """Which page of the payments `money` holds."""
    if size is None:
        return Page(1, max(money.count, 1), money.count)
    return Page(1 + money.offset // size, size, money.count)


def package(
    reader: Reader, *, viewer: Viewer, package_id: PackageId, payments: Window = WHOLE
) -> PackageDetail:
    """The package report, for viewers who may read packages at all: every payment in it, or
    at most `payments.limit` of them from `payments.offset` on (how many there are in all:
    `payments_page.total`), in the package's order."""
    viewer.check(Permission.READ_PACKAGES)
    limit = MAX_PAYMENTS if payments.limit is None else payments.limit
    with reader:
        outline = reader.package_outline(package_id)
        money = _money(reader, viewer, outline.package, offset=payments.offset, limit=limit)
        found = _facts(reader, outline.package, payers_of(money))
    return _detail(viewer, found, money, outline.shortfall, size=payments.limit)


def public_package(reader: Reader, *, package_id: PackageId) -> PublicPackage:
    """A package as the public sees it, whoever asks, with its parties by kind."""
    with reader:
        read = _read(reader, package_id)
    return public_of(read, k=reader.min_hidden_contributors)


def public_of(read: PackageFacts, *, k: int) -> PublicPackage:
    """The package `read` describes as the public sees it, with its parties by kind."""
    money = redact_attributions(PUBLIC, read.package, read.owners, min_hidden_contributors=k)
    detail = _detail(PUBLIC, read, money, shortfall(read.package))
    found = sorted(read.participants, key=lambda p: p.code)
    # A payment names its contributor as the dashboard shows it: by name, else by code.
    named = {key: p for p in found if p.kind in CONTRIBUTING_KINDS for key in (p.code, p.name)}
    paying = {payment.contributor for payment in detail.payments}
    return PublicPackage(
        detail=detail,
        recipients=[p for p in found if p.kind is ParticipantKind.RECIPIENT],
        coordinators=[p for p in found if p.kind is ParticipantKind.COORDINATOR],
        suppliers=[p for p in found if p.kind is ParticipantKind.SUPPLIER],
        funders=sorted({named[name] for name in paying if name in named}, key=lambda p: p.code),
    )
