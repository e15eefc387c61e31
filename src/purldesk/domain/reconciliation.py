"""Rows derived from the ledger, held against it: what every report reads (a contribution's
pledge, received USD and status; a package's attributions, cost and status) must say what
the ledger's entries say. Each disagreement is a finding naming the row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from purldesk.domain import ledger
from purldesk.domain.contributions import (
    AWAITING_MONEY,
    Contribution,
    ContributionStatus,
    contribution_ref,
    status_after_movement,
)
from purldesk.domain.ledger import Balances, Finding, LedgerEntry
from purldesk.domain.money import USD, Money, currency
from purldesk.domain.packages import Package, PackageStatus, package_ref

# Where a package's money is on the ledger in each status (the kinds that may hold any).
_HELD_AS: dict[PackageStatus, frozenset[str]] = {
    **dict.fromkeys(
        (PackageStatus.DRAFT, PackageStatus.PROPOSED, PackageStatus.VALIDATED,
         PackageStatus.FUNDED), frozenset({"obligated"}),
    ),
    **dict.fromkeys(
        (PackageStatus.ACCEPTED, PackageStatus.DELIVERING, PackageStatus.DELIVERED),
        frozenset({"payable"}),
    ),
    PackageStatus.CLOSED: frozenset({"disbursed"}),
    PackageStatus.CANCELLED: frozenset(),
}  # fmt: skip


# (kind, currency) -> (the balances of its accounts summed, how many of them are not zero)
KindBalances = Mapping[tuple[str, str], tuple[int, int]]


def _usd(minor: int) -> str:
    return Money(minor, USD).format()


def derived_findings(
    entries: Sequence[LedgerEntry],
    contributions: Iterable[Contribution],
    packages: Iterable[Package],
    *,
    kept: Balances | None = None,
    kept_kinds: KindBalances | None = None,
) -> list[Finding]:
    """Every row of `contributions` and `packages` that disagrees with the ledger, every
    balance `kept` beside the postings (when given) that is not the sum of its postings, and
    every kind's total `kept_kinds` (when given) that is not what its accounts' postings give."""
    totals = ledger.balances(e.transaction for e in entries)
    received = {a.contribution: a.received_minor for a in ledger.contribution_accounts(entries)}
    found = _contribution_findings(totals, received, list(contributions))
    found += _package_findings(totals, list(packages))
    if kept is not None:
        found += kept_balance_findings(totals, kept)
    if kept_kinds is not None:
        found += kept_kind_findings(totals, kept_kinds)
    return found


def kept_balance_findings(totals: Balances, kept: Balances) -> list[Finding]:
    """Each account whose kept balance (`kept`, zeros included) is not what its postings sum
    to (`totals`, zeros left out), by account and currency."""
    found = []
    for account, code in sorted(totals.keys() | kept.keys()):
        says, sums = kept.get((account, code), 0), totals.get((account, code), 0)
        if says != sums:
            row = f"account_balances {account} {code}"
            message = f"{row} holds {says}, the postings to {account} in {code} sum to {sums}"
            owner = ledger.account_contribution(account)
            found.append(Finding("account-balance", message, contribution=owner, row=row))
    return found


def label_findings(mislabelled: Iterable[tuple[str, str]]) -> list[Finding]:
    """Each kept balance filed under a kind or contribution its account's name does not give."""
    found = []
    for account, code in mislabelled:
        row = f"account_balances {account} {code}"
        message = (
            f"{row} is filed under another kind or contribution than {account} names, so"
            " reads by kind or by contribution miss it"
        )
        owner = ledger.account_contribution(account)
        found.append(Finding("account-balance", message, contribution=owner, row=row))
    return found


def kind_totals(
    balances: Iterable[tuple[tuple[str, str], int]],
) -> dict[tuple[str, str], tuple[int, int]]:
    """(kind, currency) -> (the balances summed, how many are not zero) of the accounts'
    ((account, currency), balance) `balances`, by `ledger.reported_kind`: a kind whose
    accounts are all at zero too."""
    totals: dict[tuple[str, str], tuple[int, int]] = {}
    for (account, code), value in balances:
        key = (ledger.reported_kind(account), code)
        total, accounts = totals.get(key, (0, 0))
        totals[key] = (total + value, accounts + (value != 0))
    return totals


def kept_kind_findings(totals: Balances, kept: KindBalances) -> list[Finding]:
    """Each kind whose kept total or count of accounts not at zero (`kept`, zeros included) is
    not what the postings to its accounts give (`totals`, zeros left out), by kind and
    currency (a kind as `ledger.reported_kind` names it)."""
    summed = kind_totals(totals.items())
    found = []
    for kind, code in sorted(summed.keys() | kept.keys()):
        says, held = kept.get((kind, code), (0, 0))
        sums, counted = summed.get((kind, code), (0, 0))
        if (says, held) != (sums, counted):
            row = f"kind_balances {kind} {code}"
            message = (f"{row} holds {says} in {held} accounts not at zero, the postings to the "
                       f"{kind} accounts in {code} sum to {sums} in {counted}")  # fmt: skip
            found.append(Finding("kind-balance", message, row=row))
    return found


def _contribution_findings(
    totals: Balances, received: dict[str, int], contributions: list[Contribution]
) -> list[Finding]:
    own: dict[str, dict[tuple[str, str], int]] = defaultdict(dict)  # balances by contribution
    for (account, code), value in totals.items():
        if value and (ref := ledger.account_contribution(account)) is not None:
            own[ref][account, code] = value
    found: list[Finding] = []
    for contribution in contributions:
        ref = contribution.ref
        found += _contribution(own.get(ref, {}), received.get(ref, 0), contribution)
    for ref in sorted(own.keys() - {c.ref for c in contributions}):
        found.append(Finding("contribution-missing", f"the ledger holds money of {ref}, "
                             "which has no row", contribution=ref, row=f"contributions {ref}"))  # fmt: skip
    return found


def _contribution(own: Balances, received: int, contribution: Contribution) -> list[Finding]:
    """The contribution's row against its own accounts' balances `own` and its receipts."""
    ref, row = contribution.ref, f"contributions {contribution.ref}"
    found = []

    def disagree(rule: str, message: str) -> None:
        found.append(Finding(rule, f"{row} {message}", contribution=ref, row=row))

    promised = {
        code: -value for (account, code), value in own.items()
        if account == ledger.pledged(contribution.id)
    }  # fmt: skip
    amount = contribution.amount
    if promised and promised != {amount.currency: amount.minor}:
        on_ledger = ", ".join(Money(v, currency(c)).format() for c, v in sorted(promised.items()))
        disagree("contribution-amount", f"says {amount.format()} pledged, the ledger {on_ledger}")
    usd = 0 if contribution.usd is None else contribution.usd.minor
    if usd != received:
        disagree("contribution-usd", f"says {_usd(usd)} received, the ledger {_usd(received)}")
    expected = _expected_statuses(own, contribution.id, promised, received)
    if contribution.status not in expected:
        disagree("contribution-status", f"is {contribution.status}, the ledger says "
                 + " or ".join(sorted(s.value for s in expected)))  # fmt: skip
    return found


def _expected_statuses(
    totals: Balances, contribution_id: int, promised: dict[str, int], received: int
) -> frozenset[ContributionStatus]:
    if not promised:  # the pledge was written off
        return frozenset({ContributionStatus.CANCELLED})
    if not received:  # committed or not: the ledger does not tell
        return AWAITING_MONEY
    held = ledger.holdings(totals, contribution_id)
    status = status_after_movement(
        ContributionStatus.RECEIVED, unallocated_minor=held.unallocated_minor,
        spent_minor=held.spent_minor, disbursed_minor=held.disbursed_minor,
        refunded_minor=held.refunded_minor,
    )  # fmt: skip
    return frozenset({status})


@dataclass
class _Held:
    """A package's money on the ledger, by account kind and by contribution."""

    by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_contribution: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())


def _held(totals: Balances) -> dict[str, _Held]:
    held: dict[str, _Held] = defaultdict(_Held)
    for (account, code), value in totals.items():
        kind, _, rest = account.partition(":")
        package, _, contribution = rest.partition(":")
        if kind in ledger.SPENT_KINDS and code == USD and value:
            held[package].by_kind[kind] += value
            held[package].by_contribution[contribution] += value
    return held


def _package_findings(totals: Balances, packages: list[Package]) -> list[Finding]:
    held, found = _held(totals), []
    for package in packages:
        found += _package(held.pop(package.ref, _Held()), package)
    for ref in sorted(held):
        found.append(Finding("package-missing", f"the ledger holds money of {ref}, which has "
                             "no row", row=f"packages {ref}"))  # fmt: skip
    return found


def _package(held: _Held, package: Package) -> list[Finding]:
    ref = package_ref(package.id)
    row = f"packages {ref}"
    found = []
    elsewhere = {k: v for k, v in held.by_kind.items() if v and k not in _HELD_AS[package.status]}
    if elsewhere:
        where = ", ".join(f"{_usd(v)} {k}" for k, v in sorted(elsewhere.items()))
        found.append(Finding("package-status", f"{row} is {package.status}, but the ledger "
                             f"holds {where} for it", row=row))  # fmt: skip
    if package.status is PackageStatus.CANCELLED:
        return found
    cost = package.cost.minor
    short_allowed = package.status is PackageStatus.VALIDATED  # re-priced above its money
    if held.total != cost and not (short_allowed and held.total < cost):
        found.append(Finding("package-cost", f"{row} costs {_usd(cost)}, the ledger holds "
                             f"{_usd(held.total)} for it", row=row))  # fmt: skip
    attributed: dict[str, int] = defaultdict(int)
    for part in package.attributions:
        attributed[contribution_ref(part.contribution_id)] += part.amount.minor
    for contribution in sorted(set(attributed) | set(held.by_contribution)):
        says, holds = attributed.get(contribution, 0), held.by_contribution.get(contribution, 0)
        if says != holds:
            where = f"attributions {ref} {contribution}"
            found.append(Finding("attribution", f"{where} say {_usd(says)}, the ledger holds "
                                 f"{_usd(holds)}", contribution=contribution, row=where))  # fmt: skip
    return found
