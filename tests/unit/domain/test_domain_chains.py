"""The hash chains of the ledger and the audit log: digests stored in existing databases.

The digests below were computed before the chains shared one implementation; they pin the
serialisation byte for byte, so a database written by any version still verifies.
"""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

from builders import with_posting_minor
from purldesk.domain import audit, chains, ledger
from purldesk.domain.access import Actor, Role, UserId, operator
from purldesk.domain.audit import AuditEntry, AuditEvent, AuditFinding
from purldesk.domain.chains import Break, BreakRule
from purldesk.domain.ledger import LedgerEntry, LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import Conversion, Currency, Money
from purldesk.domain.participants import ParticipantCode

RECORDED_AT = datetime(2026, 3, 4, 5, 6, 7, 890_123, tzinfo=UTC)
EUR, USD = Currency("EUR"), Currency("USD")


def pledge() -> LedgerTransaction:
    return LedgerTransaction(
        kind=TransactionKind.PLEDGE,
        occurred_on=date(2026, 3, 1),
        memo="pledge from Zürich — ünïcödé",
        contribution_id=7,
        postings=(
            Posting("receivable:C-00007", Money(100_000, EUR)),
            Posting("pledged:C-00007", Money(-100_000, EUR)),
        ),
    )


def receipt() -> LedgerTransaction:
    conversion = Conversion(
        original=Money(100_000, EUR),
        converted=Money(115_650, USD),
        rate=Decimal("1.1565"),
        rate_date=date(2026, 3, 2),
    )
    return ledger.receipt(7, conversion, occurred_on=date(2026, 3, 3))


def reversal(package_id: int) -> LedgerTransaction:
    return LedgerTransaction(
        kind=TransactionKind.REVERSAL,
        occurred_on=date(2026, 3, 5),
        contribution_id=7,
        package_id=package_id,
        reverses=2,
        postings=(
            Posting("obligated:P-0003:C-00007", Money(-500, USD)),
            Posting("pool:C-00007", Money(500, USD)),
        ),
    )


LEDGER_HASHES = [
    "51d1a5b8e15565e45be60a59d6229e5fb4a1b1b6682c91fa044db2f0cab43735",
    "539d55816b2fdd218f96eb726ee0b5f71d59c31b82ea88e53c8e79b354bba760",
    "f0067a97d2fb67da63a9d1af0c1712d87003e847abd655ee2b53393a5c64babe",
]


def ledger_entries() -> list[LedgerEntry]:
    return ledger.chain(None, [pledge(), receipt(), reversal(3)], recorded_at=RECORDED_AT)


def test_ledger_hashes_are_those_stored_before() -> None:
    entries = ledger_entries()
    assert [entry.hash for entry in entries] == LEDGER_HASHES
    assert entries[0].prev_hash == "0" * 64
    assert [entry.prev_hash for entry in entries[1:]] == LEDGER_HASHES[:-1]
    assert not [f for f in ledger.verify(entries) if f.rule in ("sequence", "chain", "hash")]


def test_ledger_canonical_bytes_are_those_hashed_before() -> None:
    assert ledger.canonical_bytes(2, RECORDED_AT, reversal(3), "a" * 64) == (
        b'{"contribution_id":7,"conversion":null,"kind":"reversal","memo":"","occurred_on":'
        b'"2026-03-05","package_id":3,"postings":[["obligated:P-0003:C-00007","USD",-500],'
        b'["pool:C-00007","USD",500]],"prev":"' + b"a" * 64 + b'","recorded_at":'
        b'"2026-03-04T05:06:07.890123+00:00","reverses":2,"seq":2}'
    )


def test_ledger_findings_keep_their_order_and_words() -> None:
    first, second, third = ledger_entries()
    broken = dataclasses.replace(with_posting_minor(second, 0, 99_999), seq=5, prev_hash="c" * 64)
    findings = ledger.verify([first, broken, dataclasses.replace(third, prev_hash="c" * 64)])
    assert [(f.rule, f.seq, f.message) for f in findings] == [
        ("sequence", 5, "expected entry 2, found 5"),
        ("balanced", 5, "postings in EUR sum to -1, not 0"),
        ("chain", 5, "does not point at the previous entry's hash"),
        ("hash", 5, "content does not match its hash (altered after recording)"),
        # the reversal is dated the day after the chain records it
        ("dated", 3, "occurred on 2026-03-05, after it was recorded (2026-03-04)"),
        ("chain", 3, "does not point at the previous entry's hash"),
        ("hash", 3, "content does not match its hash (altered after recording)"),
        ("not-overdrawn", None, "obligated:P-0003:C-00007 is overdrawn: -500 USD"),
    ]


def test_ledger_chain_after_a_tip_continues_its_sequence() -> None:
    (entry,) = ledger.chain_after((41, "b" * 64), [pledge()], recorded_at=RECORDED_AT)
    assert (entry.seq, entry.prev_hash, entry.hash) == (
        42,
        "b" * 64,
        "8d3db57ce2ca0785b1766d77312bf8454b15e9122b573eb8c7cca8fd3e3e528c",
    )


ALICE = Actor(UserId(12), "Alice Ünder", ParticipantCode("ORG-1"), Role.COORDINATOR)
CHANGES = {"command": {"amount": "1,000.00", "name": "Zoë"}, "result": [3, None, True]}
PLUS_TWO = timezone(timedelta(hours=2))

AUDIT_HASHES = [
    "89932c4657db091940f6a4d7c28f8a64beed51f1ded849af3d6cbf867c1f68ca",
    "e2e48f76d5f49734894c23bb28dd458899dd6864e051b72f1f3fa7f0692fb7c9",
    "f04588571bb009965d195c3c17b3bee7e8cdaa4e536d1e0d938057a652732c3e",
]


def audit_entries() -> list[AuditEntry]:
    events = [
        AuditEvent("packages.accept", "P-0003", CHANGES, "req-1", ALICE),
        AuditEvent("cycles.open", "2026", {}, "req-2", operator("root")),
        AuditEvent("contributions.pledge", "C-00007", CHANGES, "req-3"),
    ]
    entries: list[AuditEntry] = []
    for minutes, event in enumerate(events):
        at = datetime(2026, 3, 4, 7, minutes, tzinfo=PLUS_TWO)
        entries.append(audit.seal(event, head=entries[-1] if entries else None, at=at))
    return entries


def test_audit_hashes_are_those_stored_before() -> None:
    entries = audit_entries()
    assert [entry.hash for entry in entries] == AUDIT_HASHES
    assert entries[0].prev_hash == "0" * 64
    assert audit.check(entries) == []


def test_audit_canonical_json_is_the_one_hashed_before() -> None:
    assert audit.canonical_json(CHANGES) == (
        '{"command":{"amount":"1,000.00","name":"Zo\\u00eb"},"result":[3,null,true]}'
    )


def test_audit_findings_keep_their_order_and_words() -> None:
    first, second, third = audit_entries()
    findings = audit.check(
        [
            dataclasses.replace(first, seq=3),
            dataclasses.replace(second, target="P-0009"),
            dataclasses.replace(third, prev_hash="d" * 64),
        ]
    )
    assert findings == [
        AuditFinding(3, "sequence", "expected entry 1"),
        AuditFinding(3, "hash", "entry was altered after sealing"),
        AuditFinding(2, "hash", "entry was altered after sealing"),
        AuditFinding(3, "chain", "previous hash does not match"),
        AuditFinding(3, "hash", "entry was altered after sealing"),
    ]


# --- the chain itself ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Note:
    seq: int
    text: str
    prev_hash: str
    hash: str


def notes(*texts: str) -> list[Note]:
    sealed: list[Note] = []
    for text in texts:
        seq, prev = chains.tip(sealed[-1] if sealed else None)
        digest = chains.link_hash({"seq": seq + 1, "text": text}, prev)
        sealed.append(Note(seq + 1, text, prev, digest))
    return sealed


def rehash(note: Note) -> str:
    return chains.link_hash({"seq": note.seq, "text": note.text}, note.prev_hash)


def test_a_link_hash_is_sha256_of_its_canonical_document_with_prev() -> None:
    document = {"b": "ü", "a": [1, None]}
    assert chains.link_bytes(document, "0" * 64) == (
        b'{"a":[1,null],"b":"\\u00fc","prev":"' + b"0" * 64 + b'"}'
    )
    assert chains.link_hash(document, "0" * 64) == (
        hashlib.sha256(chains.link_bytes(document, "0" * 64)).hexdigest()
    )


def test_an_intact_chain_has_no_break() -> None:
    sealed = notes("a", "b", "c")
    assert sealed[0].prev_hash == chains.GENESIS_HASH
    assert [breaks for _, breaks in chains.walk(sealed, rehash)] == [[], [], []]


def test_the_walk_reports_each_break_at_its_link() -> None:
    first, second, third = notes("a", "b", "c")
    walked = chains.walk(
        [first, dataclasses.replace(second, text="B"), dataclasses.replace(third, seq=4)], rehash
    )
    assert [breaks for _, breaks in walked] == [
        [],
        [Break(BreakRule.HASH, 2, 2)],
        [Break(BreakRule.SEQUENCE, 4, 3), Break(BreakRule.HASH, 4, 3)],
    ]
    assert list(chains.walk([second], rehash)) == [
        (second, [Break(BreakRule.SEQUENCE, 2, 1), Break(BreakRule.CHAIN, 2, 1)])
    ]
