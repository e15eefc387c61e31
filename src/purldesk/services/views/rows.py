"""The rows several pages and reports share: a bar of a chart, a package's summary, a delivery,
and how a giver is named."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from purldesk.domain.access import Viewer
from purldesk.domain.confidentiality import ContributionView
from purldesk.domain.deliveries import Shipment, shipment_ref
from purldesk.domain.disclosure import Seal, counted_seal, seals
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import PackageId, package_ref
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.services.read_ports import PackageTotals, Reader

ANONYMOUS = "Anonymous"  # how a giver who chose anonymity is named to everyone else


def percent(part: int, whole: int) -> int:
    """A whole percent, rounded down, so 100 means complete; more than the whole is more than
    100 (a package over its target reads 133%, never 100%)."""
    return 0 if whole <= 0 else part * 100 // whole


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar of a chart: a label, a value and the value it is measured against."""

    label: str
    value_minor: int
    whole_minor: int
    text: str  # the value as people read it

    @property
    def percent(self) -> int:
        return percent(self.value_minor, self.whole_minor)


@dataclass(frozen=True, slots=True)
class PackageSummary:
    id: PackageId
    ref: str
    name: str
    status: str
    cycle: str
    cost: Money | None  # None: withheld from the viewer (see `withheld_packages`)
    target: Money

    @property
    def percent(self) -> int | None:
        return None if self.cost is None else percent(self.cost.minor, self.target.minor)


NOTHING_WITHHELD: Seal[LineId] = Seal(False, frozenset())


def summary(package: PackageTotals, withheld: Seal[LineId] = NOTHING_WITHHELD) -> PackageSummary:
    cost = None if withheld.whole else Money(package.cost_minor, USD)
    return PackageSummary(
        package.id, package_ref(package.id), package.name, package.status.value,
        package.cycle_name, cost, package.target,
    )  # fmt: skip


def withheld_packages(
    reader: Reader, viewer: Viewer, *, packages: Collection[PackageId] | None = None
) -> dict[PackageId, Seal[LineId]]:
    """What of each package's cost (of `packages` only, unless None) is withheld from `viewer`
    (`disclosure.seal`), from who pays money it may not see on which line."""
    payers = reader.hidden_payers(viewer, packages=packages)
    hidden = [(p.package_id, p.line_id, p.contributor) for p in payers]
    k = viewer.bucket_minimum(reader.min_hidden_contributors)
    return dict(seals(hidden, k=k))


def withheld_costs(
    reader: Reader, viewer: Viewer, package_ids: Collection[PackageId]
) -> dict[PackageId, Seal[LineId]]:
    """`withheld_packages` of these packages only, from how many contributors pay the money
    `viewer` may not see on each (`Reader.hidden_payer_counts`), not who they are: as many
    rows as lines with such money, however many payers and attributions."""
    by_line: dict[PackageId, dict[LineId, int]] = {}
    everyone: dict[PackageId, int] = {}
    for count in reader.hidden_payer_counts(viewer, package_ids):
        if count.line_id is None:
            everyone[count.package_id] = count.payers
        else:
            by_line.setdefault(count.package_id, {})[count.line_id] = count.payers
    k = viewer.bucket_minimum(reader.min_hidden_contributors)
    return {
        package: counted_seal(by_line.get(package, {}), payers, k=k)
        for package, payers in everyone.items()
    }


def restricted_from(
    reader: Reader, viewer: Viewer, *, packages: Collection[PackageId] | None = None
) -> frozenset[PackageId]:
    """The packages (of `packages` only, unless None) whose contents `viewer` may not see
    (`Viewer.sees_contents`): their lots, lines and deliveries are left out of what it reads."""
    return frozenset(
        package_id
        for package_id, restriction in reader.restrictions(packages=packages).items()
        if not viewer.sees_contents(restriction)
    )


@dataclass(frozen=True, slots=True)
class DeliveryRow:
    shipment_id: int
    package_ref: str
    package_id: int
    line_ref: str
    item_name: str
    quantity: int
    shipped_on: date
    received_on: date | None

    @property
    def ref(self) -> str:
        return shipment_ref(self.shipment_id)


def delivery(shipment: Shipment, *, line_ref: str, item_name: str) -> DeliveryRow:
    return DeliveryRow(
        shipment.id, package_ref(shipment.package_id), shipment.package_id, line_ref, item_name,
        shipment.quantity, shipment.shipped_on, shipment.received_on,
    )  # fmt: skip


def giver(contributor: ParticipantCode | None, names: Mapping[ParticipantCode, str]) -> str:
    """The contributor's name as the viewer may know it (None: anonymous to the viewer)."""
    if contributor is None:
        return ANONYMOUS
    return names.get(contributor, contributor)


def giver_of(view: ContributionView, names: Mapping[ParticipantCode, str]) -> str:
    return giver(view.contributor, names)
