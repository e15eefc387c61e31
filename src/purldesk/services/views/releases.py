"""Packages' histories as the public may see them now: each kept state of a package
(`domain/package_history.py`) as a `PublicPackage`, with what had been paid to the supplier
by then (from the ledger), for the Open Contracting releases (`adapters/exports/ocds.py`).

Every state is read with today's disclosure choices and today's restriction of the contents,
so a contributor that makes its money confidential later is not named in an old release
either. A state shows money only where its undisclosed money is the latest state's
(`confidentiality.hidden_parts`): then every undisclosed figure it gives is the latest's, under
the same seal, and no difference between two states gives a hidden amount. Where the
undisclosed money has changed since (a re-pricing released some, a top-up added some), the
state is published without any amount.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time

from purldesk.domain.access import PUBLIC
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.confidentiality import can_see_amount, hidden_parts, redact
from purldesk.domain.contributions import Contribution, ContributionId
from purldesk.domain.money import Money
from purldesk.domain.package_history import PackageRelease, PackageState
from purldesk.domain.packages import Package, PackageId, PackageStatus, Restriction
from purldesk.domain.participants import Participant
from purldesk.domain.requirements import LineId, RequirementLine
from purldesk.services.history_ports import Disbursement
from purldesk.services.read_ports import Reader
from purldesk.services.views.packages import PackageFacts, PublicPackage, public_of
from purldesk.services.views.rows import giver_of

UNDISCLOSED = "undisclosed"
# Why a state that shows no amount shows none.
MONEY_CHANGED = (
    "amounts not published for this release: the undisclosed money of the package has changed "
    "since, and publishing both states would give the change"
)


@dataclass(frozen=True, slots=True)
class Payment:
    """Money paid to the supplier on one day, by one giver as the public may name it (a
    funder's name, "Anonymous", or "undisclosed" for the money it may not see)."""

    payer: str
    on: date
    amount: Money


@dataclass(frozen=True, slots=True)
class PublicRelease:
    """One kept state of a package, as the public may see it now."""

    number: int
    at: datetime
    previous: PackageStatus | None  # the status of the state before it (None: the first)
    awarded: bool  # the supplier had accepted the package (a contract exists)
    public: PublicPackage
    payments: tuple[Payment, ...]
    money_withheld: str = ""  # why no amount is published in this release ("": they are)

    @property
    def status(self) -> PackageStatus:
        return PackageStatus(self.public.detail.summary.status)

    @property
    def ref(self) -> str:
        return self.public.detail.summary.ref


@dataclass(frozen=True, slots=True)
class _Facts:
    """What the histories of some packages are read from, in one transaction."""

    kept: Mapping[PackageId, list[PackageRelease]]
    cycles: Mapping[int, str]
    items: Mapping[ItemCode, CatalogItem]
    lines: Mapping[LineId, RequirementLine]
    owners: Mapping[ContributionId, Contribution]  # of the money on the packages
    participants: list[Participant]
    restrictions: Mapping[PackageId, Restriction]
    paid: Mapping[PackageId, list[Disbursement]]

    def of(self, release: PackageRelease) -> PackageFacts:
        """What a package page of the kept state is made of, under today's restriction."""
        package = release.state.package
        restricted = replace(package, restriction=self.restrictions.get(package.id))
        return PackageFacts(
            restricted, self.cycles.get(package.cycle_id, ""), self.items, self.lines,
            list(release.state.shipments), self.owners, self.participants,
        )  # fmt: skip


def histories(
    reader: Reader, package_ids: Collection[PackageId]
) -> dict[PackageId, list[PublicRelease]]:
    """Each package's releases, oldest first; NotFound for a package that does not exist."""
    with reader:
        facts = _facts(reader, package_ids)
    k = reader.min_hidden_contributors
    return {
        package_id: _history(facts, facts.kept[package_id], k=k)
        for package_id in sorted(facts.kept)
    }


def release_page(reader: Reader, *, offset: int, limit: int) -> tuple[list[PublicRelease], int]:
    """A page of every package's releases in the order they were kept, and how many there are."""
    with reader:
        total = reader.release_count()
        keys = reader.release_keys(offset=offset, limit=limit)
        # Only the states the page tells, each package's one before them (its status is the
        # first one's `previous`) and its latest (which decides what money is shown).
        facts = _facts(reader, {package_id for package_id, _ in keys}, around=keys)
    k = reader.min_hidden_contributors
    found = {
        (package_id, release.number): release
        for package_id, kept in facts.kept.items()
        for release in _history(facts, kept, k=k)
    }
    return [found[key] for key in keys], total


def _facts(
    reader: Reader,
    package_ids: Collection[PackageId],
    *,
    around: Collection[tuple[PackageId, int]] | None = None,
) -> _Facts:
    """What the histories of `package_ids` are told from: every kept state of each, or only
    those `reader.releases_around(around)` gives."""
    kept: dict[PackageId, list[PackageRelease]] = {package_id: [] for package_id in package_ids}
    found = reader.releases(package_ids) if around is None else reader.releases_around(around)
    for release in found:
        kept[release.package_id].append(release)
    for package_id, found in kept.items():
        if not found:  # drafted before states were kept: its current state is its history
            found.append(_current(reader.package(package_id), reader))
    packages = [release.state.package for found in kept.values() for release in found]
    paying = {part.contribution_id for p in packages for part in p.attributions}
    paid: dict[PackageId, list[Disbursement]] = {package_id: [] for package_id in package_ids}
    for payment in reader.disbursements(package_ids):
        paid[payment.package_id].append(payment)
    return _Facts(
        kept, {cycle.id: cycle.name for cycle in reader.cycles()}, reader.items(),
        reader.lines_by_id({line.line_id for p in packages for line in p.lines}),
        {c.id: c for c in reader.contributions(ids=paying)}, reader.participants(),
        reader.restrictions(), paid,
    )  # fmt: skip


def _current(package: Package, reader: Reader) -> PackageRelease:
    state = PackageState.of(package, reader.shipments(package_id=package.id))
    at = datetime.combine(package.created_on, time(), tzinfo=UTC)
    return PackageRelease(package.id, 1, at, 0, 2**62, state)


def _history(facts: _Facts, kept: Sequence[PackageRelease], *, k: int) -> list[PublicRelease]:
    owners = facts.owners
    latest = hidden_parts(PUBLIC, kept[-1].state.package, owners)
    found: list[PublicRelease] = []
    previous: PackageStatus | None = None
    for release in kept:
        package = release.state.package
        public = public_of(facts.of(release), k=k)
        paid = [d for d in facts.paid[package.id] if d.seq <= release.ledger_seq]
        shows_money = hidden_parts(PUBLIC, package, owners) == latest
        found.append(
            PublicRelease(
                release.number, release.at, previous, package.accepted_on is not None, public,
                _payments(paid, owners, public, participants=facts.participants),
                "" if shows_money else MONEY_CHANGED,
            )
        )  # fmt: skip
        previous = release.state.status
    return found


def _payments(
    paid: Iterable[Disbursement],
    owners: Mapping[ContributionId, Contribution],
    public: PublicPackage,
    *,
    participants: Sequence[Participant],
) -> tuple[Payment, ...]:
    """What was paid, by day and giver as the public may know it: the money it may not see
    summed into one `undisclosed` payment a day, published only where the package's
    undisclosed money is (its cost is not withheld); where the contents are restricted, who
    paid is not published, only what was paid."""
    detail = public.detail
    names = {p.code: p.name for p in participants}
    summed: dict[tuple[date, str], Money] = {}
    for payment in paid:
        owner = owners.get(payment.contribution_id)
        payer = UNDISCLOSED
        if owner is not None and can_see_amount(PUBLIC, owner) and not detail.restricted:
            payer = giver_of(redact(PUBLIC, owner), names)
        key = (payment.occurred_on, payer)
        summed[key] = summed.get(key, Money.zero(payment.amount.currency)) + payment.amount
    shown = detail.summary.cost is not None
    return tuple(
        Payment(payer, on, amount)
        for (on, payer), amount in summed.items()
        if payer != UNDISCLOSED or shown
    )
