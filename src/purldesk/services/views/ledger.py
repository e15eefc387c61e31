"""The ledger's page for those who read all of it (the coordinator, auditors): its entries,
newest first; the balances by kind and by account, as of a day; and, for auditors, the audit
log. Each list is paged by the reader, so the page costs the same however long the history.

Amounts are shown as stored: a row altered in SQL still shows (in minor units where its
currency is unknown), for `verify` to report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from purldesk.domain.access import Permission, Viewer
from purldesk.domain.contributions import contribution_ref
from purldesk.domain.errors import NotPermitted, PurldeskError
from purldesk.domain.money import Currency, Money
from purldesk.domain.packages import package_ref
from purldesk.services.read_ports import Balance, EntryRecord, Reader
from purldesk.services.views.paging import Page, page

ENTRIES_PER_PAGE = 25
ACCOUNTS_PER_PAGE = 50
AUDIT_PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class Amount:
    """An amount as stored: `money` where its currency is known, else only `text`."""

    money: Money | None
    text: str


def amount(minor: int, code: str) -> Amount:
    try:
        money = Money(minor, Currency(code))
    except (PurldeskError, TypeError, ValueError):
        return Amount(None, f"{code} {minor:,} (minor units)")
    return Amount(money, money.format())


@dataclass(frozen=True, slots=True)
class PostingRow:
    account: str
    amount: Amount


@dataclass(frozen=True, slots=True)
class EntryRow:
    seq: int
    recorded_at: datetime
    occurred_on: date
    kind: str  # a TransactionKind's code
    memo: str
    contribution: str  # C-00012, or ""
    package: str  # P-0003, or ""
    reverses: int | None
    hash: str
    postings: list[PostingRow]


@dataclass(frozen=True, slots=True)
class BalanceRow:
    account: str  # an account, or a kind of account
    amount: Amount


@dataclass(frozen=True, slots=True)
class AuditRow:
    seq: int
    at: datetime
    user_name: str
    organization: str | None
    role: str | None
    request_id: str
    action: str
    target: str
    changes: str  # the JSON document, indented for reading


@dataclass(frozen=True, slots=True)
class LedgerPageView:
    entries: list[EntryRow]
    entries_page: Page
    kinds: list[BalanceRow]  # by kind of account and currency
    accounts: list[BalanceRow]
    accounts_page: Page
    as_of: date | None  # balances over the entries recorded by the end of this day (None: all)
    audit: list[AuditRow] | None  # None: the viewer does not read the audit log
    audit_page: Page | None


@dataclass(frozen=True, slots=True)
class LedgerAsked:
    """What the page asks for: a day to sum balances to (`before`: the instant it ends), and
    a page of each list."""

    as_of: date | None = None
    before: datetime | None = None
    entries: int = 1
    accounts: int = 1
    audit: int = 1


def _entry(record: EntryRecord) -> EntryRow:
    return EntryRow(
        record.seq, record.recorded_at, record.occurred_on, record.kind, record.memo,
        "" if record.contribution_id is None else contribution_ref(record.contribution_id),
        "" if record.package_id is None else package_ref(record.package_id), record.reverses,
        record.hash,
        [PostingRow(p.account, amount(p.amount_minor, p.currency)) for p in record.postings],
    )  # fmt: skip


def _balance(found: Balance) -> BalanceRow:
    return BalanceRow(found.account, amount(found.balance_minor, found.currency))


def _indented(document: str) -> str:
    try:
        return json.dumps(json.loads(document), indent=1, ensure_ascii=False, sort_keys=True)
    except ValueError:
        return document


def check_reads_the_ledger(viewer: Viewer) -> None:
    """The whole ledger is for viewers that see every amount; a contributor reads its own
    accounts through its statement."""
    viewer.check(Permission.READ_LEDGER)
    if not viewer.sees_all_amounts:
        raise NotPermitted(
            Permission.READ_LEDGER.value,
            f"{viewer.name} reads its own accounts on its statement, not the whole ledger",
        )


def ledger_page(reader: Reader, *, viewer: Viewer, asked: LedgerAsked) -> LedgerPageView:
    """The ledger's entries, balances and (to auditors) audit log, a page of each."""
    check_reads_the_ledger(viewer)
    reads_audit = viewer.can(Permission.READ_AUDIT)
    with reader:
        size = reader.ledger_size()
        entries_page = page(asked.entries, size=ENTRIES_PER_PAGE, total=size)
        entries = reader.ledger_entries(upto=size - entries_page.offset, limit=ENTRIES_PER_PAGE)
        kinds = reader.kind_balances(before=asked.before)
        accounts_page = page(
            asked.accounts, size=ACCOUNTS_PER_PAGE,
            total=reader.count_accounts(before=asked.before),
        )  # fmt: skip
        accounts = reader.account_balances(
            before=asked.before, offset=accounts_page.offset, limit=ACCOUNTS_PER_PAGE
        )
        audit_page = page(asked.audit, size=AUDIT_PER_PAGE, total=reader.audit_size())
        logged = (
            reader.audit_entries(upto=audit_page.total - audit_page.offset, limit=AUDIT_PER_PAGE)
            if reads_audit
            else []
        )
    return LedgerPageView(
        entries=[_entry(e) for e in entries], entries_page=entries_page,
        kinds=[_balance(b) for b in kinds], accounts=[_balance(b) for b in accounts],
        accounts_page=accounts_page, as_of=asked.as_of,
        audit=[
            AuditRow(e.seq, e.at, e.user_name, e.organization, e.role, e.request_id, e.action,
                     e.target, _indented(e.changes))
            for e in logged
        ] if reads_audit else None,
        audit_page=audit_page if reads_audit else None,
    )  # fmt: skip
