"""Proofs for a contributor: its own entries, each with its inclusion proof in the ledger the
latest checkpoint signed, and a consistency proof from an earlier checkpoint to it. Read
from the stored tree's nodes only, so a proof costs the same however long the ledger."""

from __future__ import annotations

from typing import Any

from purldesk.domain import ledger, merkle, proofs
from purldesk.domain.access import Actor, Owned, Permission, Viewer, viewer_of
from purldesk.domain.checkpoints import Checkpoint, Tree
from purldesk.domain.contributions import ContributionId, contribution_ref
from purldesk.domain.errors import ChainBroken, Conflict, InvalidInput
from purldesk.domain.proofs import ProvenEntry
from purldesk.services.ledger_ports import Signer
from purldesk.services.ports import UnitOfWork


def prove(
    uow: UnitOfWork,
    *,
    viewer: Actor | Viewer,
    contribution_id: ContributionId,
    since: Checkpoint | int | None = None,
    signer: Signer | None = None,
) -> dict[str, Any]:
    """The proof document for the contribution's entries in the latest checkpoint.

    `since` is the earlier checkpoint the consistency proof starts from: one published before
    (it must be signed with `signer`'s key), or a stored one's number; by default the first
    checkpoint that held any of the contribution's entries. A contributor proves its own
    contributions only (another's is not found); the coordinator and auditors any.
    """
    with uow:
        uow.read_one_moment()
        contribution = uow.contributions.get(contribution_id)
        owner = Owned(contribution.contributor, "contribution", contribution.ref)
        viewer_of(viewer).check(Permission.READ_LEDGER, owner=owner)
        latest = uow.checkpoints.latest()
        if latest is None:
            raise Conflict("no checkpoint has been signed yet: run `purldesk ledger checkpoint`")
        size = latest.ledger.size
        entries = [e for e in uow.ledger.entries_of(contribution_id) if e.seq <= size]
        if not entries:
            raise Conflict(f"no entry of {contribution.ref} is in {latest.ref} yet")
        earlier = _earlier(uow, since, latest, first=entries[0].seq, signer=signer)
        needed = {n for e in entries for n in merkle.inclusion_nodes(e.seq - 1, size)}
        if earlier is not None:
            needed |= merkle.consistency_nodes(earlier.ledger.size, size)
        nodes = uow.trees.nodes(Tree.LEDGER, needed)
    if missing := sorted(needed - nodes.keys()):
        raise ChainBroken(size, f"the stored Merkle tree lacks its node {missing[0]}")
    proven = [
        ProvenEntry(ledger.document(e), e.prev_hash,
                    merkle.inclusion_proof(e.seq - 1, size, nodes.__getitem__))
        for e in entries
    ]  # fmt: skip
    consistency = None
    if earlier is not None:
        path = merkle.consistency_proof(earlier.ledger.size, size, nodes.__getitem__)
        consistency = (earlier, path)
    return proofs.build(contribution_ref(contribution_id), latest, proven, since=consistency)


def _earlier(
    uow: UnitOfWork,
    since: Checkpoint | int | None,
    latest: Checkpoint,
    *,
    first: int,
    signer: Signer | None,
) -> Checkpoint | None:
    if isinstance(since, int):
        since = uow.checkpoints.get(since)
    elif since is not None and (
        signer is None or not since.is_signed_with(signer.key_id, signer.verify)
    ):
        raise InvalidInput("checkpoint", f"{since.ref} is not signed with this ledger's key")
    elif since is None:
        since = next((c for c in uow.checkpoints.list() if c.ledger.size >= first), None)
        if since is not None and since.seq == latest.seq:
            return None
    if since is not None and since.ledger.size > latest.ledger.size:
        raise InvalidInput(
            "checkpoint", f"{since.ref} signed a larger ledger than the latest, {latest.ref}"
        )
    return since
