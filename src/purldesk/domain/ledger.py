"""The double-entry ledger: balanced transactions, chained by hash, with balances derived."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from purldesk.domain import chains
from purldesk.domain.chains import GENESIS_HASH as GENESIS_HASH
from purldesk.domain.contributions import contribution_ref
from purldesk.domain.errors import UnbalancedTransaction
from purldesk.domain.money import USD, Conversion, Money
from purldesk.domain.packages import package_ref


# Accounts are named "kind:key". Signs: a debit is positive, a credit negative, so every
# transaction sums to zero per currency and an asset account's balance is positive.
def receivable(contribution_id: int) -> str:
    """Pledged money the contributor still owes (pledge currency)."""
    return f"receivable:{contribution_ref(contribution_id)}"


def pledged(contribution_id: int) -> str:
    """The contributor's promise, the other side of its receivable (pledge currency)."""
    return f"pledged:{contribution_ref(contribution_id)}"


# The trading account carries both currencies of a conversion; its balance is the FX position.
FX_TRADING = "fx-trading"


def pool(contribution_id: int) -> str:
    """Received money of one contribution not yet attributed to any package (USD)."""
    return f"pool:{contribution_ref(contribution_id)}"


def obligated(package_id: int, contribution_id: int) -> str:
    """Money of one contribution attributed to one package, not yet owed to the supplier (USD)."""
    return f"obligated:{package_ref(package_id)}:{contribution_ref(contribution_id)}"


def payable(package_id: int, contribution_id: int) -> str:
    """Money owed to the supplier for an accepted package (USD)."""
    return f"payable:{package_ref(package_id)}:{contribution_ref(contribution_id)}"


def disbursed(package_id: int, contribution_id: int) -> str:
    """Money paid to the supplier (USD)."""
    return f"disbursed:{package_ref(package_id)}:{contribution_ref(contribution_id)}"


def refunded(contribution_id: int) -> str:
    """Money returned to the contributor (USD)."""
    return f"refunded:{contribution_ref(contribution_id)}"


SPENT_KINDS = ("obligated", "payable", "disbursed")
# Every kind of account, as `account_kind` names it, in the order money moves through them.
ACCOUNT_KINDS = ("pledged", "receivable", FX_TRADING, "pool", *SPENT_KINDS, "refunded")


def account_kind(account: str) -> str:
    return account.split(":", 1)[0]


def reported_kind(account: str) -> str:
    """The kind the ledger's page sums an account under: the first of the kinds there are that
    it starts with (`kind:`), else the account itself (one written in SQL is its own kind)."""
    return next((kind for kind in ACCOUNT_KINDS if account.startswith(f"{kind}:")), account)


def account_contribution(account: str) -> str | None:
    """The contribution reference an account belongs to, if any."""
    _, colon, last = account.rpartition(":")
    return last if colon and last.startswith("C-") else None


class TransactionKind(StrEnum):
    PLEDGE = "pledge"
    PLEDGE_CANCELLATION = "pledge_cancellation"
    RECEIPT = "receipt"
    ALLOCATION = "allocation"
    RELEASE = "release"
    ACCEPTANCE = "acceptance"
    DISBURSEMENT = "disbursement"
    REFUND = "refund"
    REVERSAL = "reversal"


@dataclass(frozen=True, slots=True)
class Posting:
    """One side of a transaction: a signed amount on one account (debit > 0, credit < 0)."""

    account: str
    amount: Money


@dataclass(frozen=True, slots=True)
class LedgerTransaction:
    """Two or more postings that sum to zero in every currency."""

    kind: TransactionKind
    occurred_on: date
    postings: tuple[Posting, ...]
    memo: str = ""
    contribution_id: int | None = None
    package_id: int | None = None
    conversion: Conversion | None = None
    reverses: int | None = None

    def __post_init__(self) -> None:
        if len(self.postings) < 2:
            raise ValueError("a transaction needs at least two postings")
        if any(p.amount.minor == 0 for p in self.postings):
            raise ValueError("a posting of zero says nothing; leave it out")
        for currency, residual in residuals(self.postings).items():
            if residual:
                raise UnbalancedTransaction(currency, residual)


def residuals(postings: Iterable[Posting]) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for posting in postings:
        sums[posting.amount.currency] += posting.amount.minor
    return dict(sums)


def transfer(
    kind: TransactionKind,
    *,
    source: str,
    destination: str,
    amount: Money,
    occurred_on: date,
    memo: str = "",
    contribution_id: int | None = None,
    package_id: int | None = None,
) -> LedgerTransaction:
    """Move `amount` from `source` to `destination` (credit source, debit destination)."""
    return LedgerTransaction(
        kind=kind, occurred_on=occurred_on, memo=memo, contribution_id=contribution_id,
        package_id=package_id,
        postings=(Posting(destination, amount), Posting(source, -amount)),
    )  # fmt: skip


def receipt(
    contribution_id: int, conversion: Conversion, *, occurred_on: date
) -> LedgerTransaction:
    """Money arrives: the receivable is settled in its currency and the pool gains the USD."""
    original, converted = conversion.original, conversion.converted
    return LedgerTransaction(
        kind=TransactionKind.RECEIPT,
        occurred_on=occurred_on,
        memo=(
            f"received {original} as {converted} at {conversion.rate}"
            f" ({conversion.source} {conversion.rate_date})"
        ),
        contribution_id=contribution_id,
        conversion=conversion,
        postings=(
            Posting(FX_TRADING, original),
            Posting(receivable(contribution_id), -original),
            Posting(pool(contribution_id), converted),
            Posting(FX_TRADING, -converted),
        ),
    )


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """A transaction as recorded: its place in the chain and the hash that seals it."""

    seq: int
    recorded_at: datetime
    transaction: LedgerTransaction
    prev_hash: str
    hash: str


def canonical_bytes(
    seq: int, recorded_at: datetime, transaction: LedgerTransaction, prev_hash: str
) -> bytes:
    """The one serialisation the hash covers: sorted keys, no spaces, postings in sorted order."""
    return chains.link_bytes(_document(seq, recorded_at, transaction), prev_hash)


def entry_hash(
    seq: int, recorded_at: datetime, transaction: LedgerTransaction, prev_hash: str
) -> str:
    return chains.link_hash(_document(seq, recorded_at, transaction), prev_hash)


def document(entry: LedgerEntry) -> dict[str, Any]:
    """The entry as its hash covers it (without `prev`): `chains.link_hash(document(entry),
    entry.prev_hash)` is its hash. JSON: what a proof of inclusion carries."""
    return _document(entry.seq, entry.recorded_at, entry.transaction)


def _document(seq: int, recorded_at: datetime, transaction: LedgerTransaction) -> dict[str, Any]:
    conversion = transaction.conversion
    return {
        "seq": seq,
        "recorded_at": recorded_at.isoformat(),
        "kind": transaction.kind.value,
        "occurred_on": transaction.occurred_on.isoformat(),
        "memo": transaction.memo,
        "contribution_id": transaction.contribution_id,
        "package_id": transaction.package_id,
        "reverses": transaction.reverses,
        "conversion": None
        if conversion is None
        else {
            "from": [conversion.original.minor, conversion.original.currency],
            "to": [conversion.converted.minor, conversion.converted.currency],
            "rate": str(conversion.rate),
            "rate_date": conversion.rate_date.isoformat(),
            "source": conversion.source,
        },
        "postings": sorted(
            [p.account, p.amount.currency, p.amount.minor] for p in transaction.postings
        ),
    }


def chain(
    head: LedgerEntry | None, transactions: Sequence[LedgerTransaction], *, recorded_at: datetime
) -> list[LedgerEntry]:
    """Seal `transactions` onto the chain after `head` (None for an empty ledger)."""
    return chain_after(chains.tip(head), transactions, recorded_at=recorded_at)


def chain_after(
    tip: tuple[int, str] | None,
    transactions: Sequence[LedgerTransaction],
    *,
    recorded_at: datetime,
) -> list[LedgerEntry]:
    """`chain` after the last entry's (seq, hash) alone: sealing needs nothing else of it."""
    seq, prev = (0, GENESIS_HASH) if tip is None else tip
    entries = []
    for transaction in transactions:
        seq += 1
        digest = entry_hash(seq, recorded_at, transaction, prev)
        entries.append(LedgerEntry(seq, recorded_at, transaction, prev, digest))
        prev = digest
    return entries


def reversal_of(entry: LedgerEntry, *, occurred_on: date, memo: str = "") -> LedgerTransaction:
    """The transaction that undoes `entry`: the same postings with their signs flipped."""
    original = entry.transaction
    return LedgerTransaction(
        kind=TransactionKind.REVERSAL,
        occurred_on=occurred_on,
        memo=memo or f"reverses entry {entry.seq}",
        contribution_id=original.contribution_id,
        package_id=original.package_id,
        reverses=entry.seq,
        postings=tuple(Posting(p.account, -p.amount) for p in original.postings),
    )


Balances = Mapping[tuple[str, str], int]


def balances(transactions: Iterable[LedgerTransaction]) -> dict[tuple[str, str], int]:
    """(account, currency) -> balance in minor units, derived from the postings."""
    result: dict[tuple[str, str], int] = defaultdict(int)
    for transaction in transactions:
        for posting in transaction.postings:
            result[posting.account, posting.amount.currency] += posting.amount.minor
    return {key: value for key, value in result.items() if value}


def balance(all_balances: Balances, account: str, currency: str = USD) -> Money:
    """The balance of one account in one currency (zero when it has none)."""
    return Money(all_balances.get((account, currency), 0), Money.zero(currency).currency)


@dataclass(frozen=True, slots=True)
class Holdings:
    """Where one contribution's USD is now, from the balances of its own accounts."""

    unallocated_minor: int
    spent_minor: int  # obligated, payable or disbursed, in any package
    disbursed_minor: int
    refunded_minor: int


def holdings(own_balances: Balances, contribution_id: int) -> Holdings:
    """The contribution's holdings; `own_balances` needs its accounts, others are ignored."""
    ref = contribution_ref(contribution_id)
    by_kind: dict[str, int] = defaultdict(int)
    for (account, currency), value in own_balances.items():
        if currency == USD and account_contribution(account) == ref:
            by_kind[account_kind(account)] += value
    return Holdings(
        unallocated_minor=by_kind["pool"],
        spent_minor=sum(by_kind[kind] for kind in SPENT_KINDS),
        disbursed_minor=by_kind["disbursed"],
        refunded_minor=by_kind["refunded"],
    )


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule of the ledger that does not hold, and the entry (or contribution, or row
    derived from the ledger, or checkpoint) that breaks it."""

    rule: str
    message: str
    seq: int | None = None
    contribution: str | None = None
    row: str | None = None  # "contributions C-00003", "attributions P-0001 C-00003", "CP-2"


@dataclass(frozen=True, slots=True)
class ContributionAccount:
    """How one contribution's received USD is accounted for."""

    contribution: str
    received_minor: int
    allocated_minor: int
    unallocated_minor: int
    refunded_minor: int

    @property
    def is_balanced(self) -> bool:
        return self.received_minor == (
            self.allocated_minor + self.unallocated_minor + self.refunded_minor
        )


def contribution_accounts(entries: Sequence[LedgerEntry]) -> list[ContributionAccount]:
    """received = allocated + unallocated + refunded, per contribution, from the entries alone.

    What was received is read from the receipts (and their reversals, however deep) of the
    contribution they name, not from the pool they paid into, so money paid into another
    contribution's pool shows up as a gap on both.
    """
    received: dict[str, int] = defaultdict(int)
    by_seq = {entry.seq: entry for entry in entries}
    for entry in entries:
        tx = entry.transaction
        if tx.contribution_id is None or _root_kind(by_seq, entry) is not TransactionKind.RECEIPT:
            continue
        usd_in = sum(
            p.amount.minor
            for p in tx.postings
            if account_kind(p.account) == "pool" and p.amount.currency == USD
        )
        received[contribution_ref(tx.contribution_id)] += usd_in
    totals = balances(e.transaction for e in entries)
    spent: dict[str, int] = defaultdict(int)
    unallocated: dict[str, int] = defaultdict(int)
    returned: dict[str, int] = defaultdict(int)
    for (account, currency), value in totals.items():
        ref = account_contribution(account)
        if ref is None or currency != USD:
            continue
        kind = account_kind(account)
        if kind in SPENT_KINDS:
            spent[ref] += value
        elif kind == "pool":
            unallocated[ref] += value
        elif kind == "refunded":
            returned[ref] += value
    refs = sorted(set(received) | set(spent) | set(unallocated) | set(returned))
    return [
        ContributionAccount(ref, received[ref], spent[ref], unallocated[ref], returned[ref])
        for ref in refs
    ]


def _root_kind(by_seq: Mapping[int, LedgerEntry], entry: LedgerEntry) -> TransactionKind | None:
    """The kind of the transaction a chain of reversals finally reverses (None if broken)."""
    seen: set[int] = set()
    current = entry
    while current.transaction.kind is TransactionKind.REVERSAL:
        target = current.transaction.reverses
        if target is None or target in seen or target not in by_seq:
            return None
        seen.add(target)
        current = by_seq[target]
    return current.transaction.kind


def verify(entries: Sequence[LedgerEntry]) -> list[Finding]:
    """Every finding against the ledger's rules: balance, chain, and per-contribution accounting."""
    findings: list[Finding] = []
    for entry, breaks in chains.walk(entries, rehash=rehash):
        findings.extend(_entry_findings(entry, breaks))
    for account in contribution_accounts(entries):
        if not account.is_balanced:
            findings.append(
                Finding(
                    "contribution-accounted",
                    f"{account.contribution}: received {account.received_minor} != allocated "
                    f"{account.allocated_minor} + unallocated {account.unallocated_minor} "
                    f"+ refunded {account.refunded_minor}",
                    contribution=account.contribution,
                )
            )
    for (acct, currency), value in sorted(balances(e.transaction for e in entries).items()):
        if account_kind(acct) in ("pool", "obligated", "payable", "receivable") and value < 0:
            findings.append(
                Finding("not-overdrawn", f"{acct} is overdrawn: {value} {currency}",
                        contribution=account_contribution(acct))
            )  # fmt: skip
    return findings


def rehash(entry: LedgerEntry) -> str:
    """The hash the entry's content and `prev_hash` give (its `hash`, unless altered)."""
    return entry_hash(entry.seq, entry.recorded_at, entry.transaction, entry.prev_hash)


_BREAK_MESSAGES = {
    chains.BreakRule.SEQUENCE: "expected entry {expected_seq}, found {seq}",
    chains.BreakRule.CHAIN: "does not point at the previous entry's hash",
    chains.BreakRule.HASH: "content does not match its hash (altered after recording)",
}


def _entry_findings(entry: LedgerEntry, breaks: Sequence[chains.Break]) -> list[Finding]:
    """A sequence break first, then unbalanced postings, a date after the recording, then the
    entry's other chain breaks."""
    found = [_break_finding(b) for b in breaks if b.rule is chains.BreakRule.SEQUENCE]
    for currency, residual in residuals(entry.transaction.postings).items():
        if residual:
            found.append(
                Finding("balanced", f"postings in {currency} sum to {residual}, not 0", entry.seq)
            )
    recorded_on = entry.recorded_at.date()
    if entry.transaction.occurred_on > recorded_on:
        found.append(
            Finding(
                "dated",
                f"occurred on {entry.transaction.occurred_on}, after it was recorded "
                f"({recorded_on})",
                entry.seq,
            )
        )
    found.extend(_break_finding(b) for b in breaks if b.rule is not chains.BreakRule.SEQUENCE)
    return found


def _break_finding(found: chains.Break) -> Finding:
    return Finding(found.rule.value, found.describe(_BREAK_MESSAGES), found.seq)
