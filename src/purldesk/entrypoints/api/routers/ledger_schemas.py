"""Response shapes of the ledger router: balances, entries, the checks of ledger and audit log."""

from __future__ import annotations

from datetime import date, datetime

from purldesk.domain.checkpoints import Checkpoint
from purldesk.domain.ledger import Finding, LedgerEntry
from purldesk.entrypoints.api.schemas import MinorUnits, Schema


class BalanceRead(Schema):
    account: str
    currency: str
    balance_minor: MinorUnits


class PostingRead(Schema):
    account: str
    currency: str
    amount_minor: int


class LedgerEntryRead(Schema):
    """An entry; the hashes are null where they would seal amounts you may not see."""

    seq: int
    recorded_at: datetime
    kind: str
    occurred_on: date
    memo: str
    contribution_id: int | None
    package_id: int | None
    reverses: int | None
    prev_hash: str | None
    hash: str | None
    postings: list[PostingRead]

    @classmethod
    def of(cls, e: LedgerEntry, *, with_hashes: bool) -> LedgerEntryRead:
        tx = e.transaction
        return cls(
            seq=e.seq, recorded_at=e.recorded_at, kind=tx.kind.value, occurred_on=tx.occurred_on,
            memo=tx.memo, contribution_id=tx.contribution_id, package_id=tx.package_id,
            reverses=tx.reverses, prev_hash=e.prev_hash if with_hashes else None,
            hash=e.hash if with_hashes else None,
            postings=[
                PostingRead(account=p.account, currency=p.amount.currency,
                            amount_minor=p.amount.minor)
                for p in tx.postings
            ],
        )  # fmt: skip


class FindingRead(Schema):
    """One finding; `row` names the derived row or the checkpoint it is about, if any."""

    rule: str
    seq: int | None
    contribution: str | None
    row: str | None
    message: str

    @classmethod
    def of(cls, f: Finding) -> FindingRead:
        return cls(
            rule=f.rule, seq=f.seq, contribution=f.contribution, row=f.row, message=f.message
        )


class VerifyRead(Schema):
    entries: int
    ok: bool
    findings: list[FindingRead]


class AuditEntryRead(Schema):
    seq: int
    at: datetime
    user_id: int | None
    user_name: str
    organization: str | None
    role: str | None
    request_id: str
    action: str
    target: str
    changes: str
    prev_hash: str
    hash: str


class AuditFindingRead(Schema):
    seq: int
    rule: str
    message: str


class AuditVerifyRead(Schema):
    entries: int
    ok: bool
    findings: list[AuditFindingRead]


class CheckpointRead(Schema):
    """A signed checkpoint as published (docs/LEDGER.md): the size and root of the ledger's
    Merkle tree (`size`, `root`) and of the audit log's, at `at`, signed with Ed25519 by the
    key `key_id` over the canonical JSON of every field but `signature`."""

    format: str
    seq: int
    at: str
    size: int
    root: str
    audit_size: int
    audit_root: str
    key_id: str
    signature: str

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> CheckpointRead:
        return cls(**checkpoint.document())
