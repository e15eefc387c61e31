"""Use cases for the ledger: verify it, read balances, and sign a checkpoint on demand."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from purldesk.domain import (
    audit,
    chains,
    checkpoints,
    contribution_totals,
    kept_substitutions,
    ledger,
    reconciliation,
)
from purldesk.domain.access import Permission
from purldesk.domain.audit import AuditEntry
from purldesk.domain.checkpoints import Checkpoint, Tree, TreeHead, leaf
from purldesk.domain.contributions import Contribution
from purldesk.domain.errors import Conflict
from purldesk.domain.ledger import Finding
from purldesk.domain.packages import Package
from purldesk.services import checkpoints as taking
from purldesk.services.handle import Command, Context, command
from purldesk.services.ledger_ports import Signer
from purldesk.services.ports import UnitOfWork

# The steps of `verify`, in order: each is named to `progress` as it begins.
VERIFY_STEPS = (
    "reading the ledger", "reading the audit log", "reading the rows derived from the ledger",
    "reading trees and checkpoints", "checking balances and the hash chain",
    "reconciling derived rows", "checking signatures", "checking the ledger's tree",
    "checking the audit log's tree",
)  # fmt: skip


def verify(
    uow: UnitOfWork,
    *,
    signer: Signer | None = None,
    against: Checkpoint | None = None,
    progress: Callable[[str], None] = lambda _step: None,
) -> tuple[int, list[Finding]]:
    """(number of entries checked, every finding); no finding means the ledger holds.

    Besides the ledger's own rules: every row derived from it (contributions, attributions,
    packages, the balances kept beside the postings) must agree with it, the totals kept
    beside the contributions with them, and the substitution effects kept apart from the
    allocation bases with the bases (a basis that cannot be read is a finding of its own, and
    the rest are checked all the same); the ledger and the audit log must extend every stored
    checkpoint and `against` (a published one), each signed by `signer`'s key where it names
    that key (`against` must), with stored trees that are the trees of their entries.
    `progress(step)` as each of VERIFY_STEPS begins.
    """
    with uow:
        uow.read_one_moment()
        return verify_open(uow, signer=signer, against=against, progress=progress)


def verify_open(
    uow: UnitOfWork,
    *,
    signer: Signer | None = None,
    against: Checkpoint | None = None,
    progress: Callable[[str], None] = lambda _step: None,
) -> tuple[int, list[Finding]]:
    """`verify` inside a unit of work already open (a restore checks what it wrote so)."""
    steps = iter(VERIFY_STEPS)
    with _collector_paused():
        progress(next(steps))
        entries = uow.ledger.entries()
        progress(next(steps))
        logged = uow.audit.entries()
        progress(next(steps))
        rows = uow.contributions.list(), uow.packages.list()
        kept = uow.ledger.kept_balances(), uow.ledger.kept_kind_balances()
        totals = uow.contributions.kept_totals()
        effects = uow.bases.kept_effects(), uow.bases.held_effects()
        progress(next(steps))
        stored = {tree: TreeHead.of(uow.trees.frontier(tree)) for tree in Tree}
        signed = uow.checkpoints.list() + ([] if against is None else [against])
        mislabelled = uow.ledger.mislabelled_balances()
        findings = _findings(
            entries, logged, rows, kept, stored, signed, signer, against,
            lambda: progress(next(steps)),
        )  # fmt: skip
        findings += reconciliation.label_findings(mislabelled)
        findings += contribution_totals.kept_total_findings(rows[0], totals)
        return len(entries), findings + kept_substitutions.findings(*effects)


def _findings(
    entries: Sequence[ledger.LedgerEntry],
    logged: Sequence[AuditEntry],
    rows: tuple[list[Contribution], list[Package]],
    kept: tuple[ledger.Balances, reconciliation.KindBalances],
    stored: dict[Tree, TreeHead],
    signed: list[Checkpoint],
    signer: Signer | None,
    against: Checkpoint | None,
    step: Callable[[], None],
) -> list[Finding]:
    step()
    findings = ledger.verify(entries)
    # Each leaf from its entry's content: the stored hash where the chain found it is the
    # content's (rehashing a million entries twice is most of what verify would cost).
    altered = {f.seq for f in findings if f.rule == chains.BreakRule.HASH}
    ledger_leaves = [leaf(ledger.rehash(e) if e.seq in altered else e.hash) for e in entries]
    step()
    findings += reconciliation.derived_findings(entries, *rows, kept=kept[0], kept_kinds=kept[1])
    step()
    findings += _signature_findings(signed, signer, against)
    step()
    findings += checkpoints.log_findings(
        Tree.LEDGER, ledger_leaves, stored=stored[Tree.LEDGER], signed=signed
    )
    step()
    audit_leaves = [leaf(audit.rehash(e)) for e in logged]
    findings += checkpoints.log_findings(
        Tree.AUDIT, audit_leaves, stored=stored[Tree.AUDIT], signed=signed
    )
    return findings


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector: verify builds objects for every entry and posting, none
    of them in a cycle, and the collector would scan them all again and again (it doubled the
    time of verifying a million entries)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _signature_findings(
    signed: Sequence[Checkpoint], signer: Signer | None, against: Checkpoint | None
) -> list[Finding]:
    """A checkpoint that names the configured key but was not signed by it, and a published
    one (`against`) signed by any other key."""
    if signer is None:
        return []
    return [
        Finding("checkpoint-signature", f"{c.ref} is not signed by the configured key "
                f"{signer.key_id} (it names key {c.key_id})", row=c.ref)
        for c in signed
        if (c.key_id == signer.key_id or c is against)
        and not c.is_signed_with(signer.key_id, signer.verify)
    ]  # fmt: skip


def balances(uow: UnitOfWork) -> dict[tuple[str, str], int]:
    with uow:
        return uow.ledger.balances()


def head_hash(uow: UnitOfWork) -> str:
    with uow:
        head = uow.ledger.head()
        return ledger.GENESIS_HASH if head is None else head.hash


@command("ledger.checkpoint", Permission.CHECKPOINT_LEDGER)
class TakeCheckpoint(Command[Checkpoint]):
    """Sign the heads of the ledger's and the audit log's trees now (`purldesk ledger
    checkpoint`, also for a daily cron)."""

    def execute(self, uow: UnitOfWork, context: Context) -> Checkpoint:
        if context.signer is None:
            raise Conflict("no signing key is configured; checkpoints cannot be signed")
        return taking.take(uow, signer=context.signer, at=context.at)

    def target(self, result: Checkpoint) -> str:
        return result.ref


@command("ledger.rebuild-balances", Permission.CHECKPOINT_LEDGER)
class RebuildBalances(Command[int]):
    """Recompute the balances kept beside the ledger from its postings, the totals kept
    beside the contributions from them, and the substitution effects kept apart from the
    allocation bases from the bases (`purldesk ledger rebuild-balances`, the operator's): the
    repair when `verify` finds a kept balance, total or effect that drifted, say after a
    server older than the schema wrote. The ledger, the contributions and the bases
    themselves are not touched; returns how many accounts are kept. A basis that cannot be
    read refuses it all (BasisAltered, naming the package): its effects cannot be rebuilt."""

    def execute(self, uow: UnitOfWork, context: Context) -> int:
        accounts = uow.ledger.rebuild_balances()  # under the write lock
        uow.contributions.rebuild_totals()
        uow.bases.rebuild_effects()
        return accounts

    def target(self, result: int) -> str:
        return "ledger"
