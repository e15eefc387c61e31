"""The ledger (balances, entries, verification, signed checkpoints and proofs) and the audit
log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from purldesk.domain import ledger as ledger_rules
from purldesk.domain.access import Actor, Permission
from purldesk.domain.confidentiality import own_contribution_refs
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import NotFound
from purldesk.domain.ledger import TransactionKind
from purldesk.domain.proofs import proof_text
from purldesk.entrypoints.api.deps import (
    Id,
    IdFilter,
    Listing,
    PagingDep,
    Wired,
    allowed,
    allowed_listing,
)
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.ledger_schemas import (
    AuditEntryRead,
    AuditFindingRead,
    AuditVerifyRead,
    BalanceRead,
    CheckpointRead,
    FindingRead,
    LedgerEntryRead,
    VerifyRead,
)
from purldesk.entrypoints.api.schemas import Day, Page
from purldesk.services import audit, checkpoints, contributions, proofs
from purldesk.services import ledger as ledger_service
from purldesk.services.ports import UnitOfWork
from purldesk.services.views.balances import balances_as_of, end_of

router = APIRouter(responses=ERROR_RESPONSES)

LedgerReader = Annotated[Listing, Depends(allowed_listing(Permission.READ_LEDGER))]


def _scope(uow: UnitOfWork, actor: Actor) -> frozenset[str] | None:
    """The contribution refs whose accounts the actor may read; None means all of them."""
    if actor.sees_all_amounts:
        return None
    return own_contribution_refs(actor, contributions.list_all(uow))


@router.get("/ledger/balances", response_model=Page[BalanceRead], tags=["ledger"])
def balances(
    listing: LedgerReader,
    account: str | None = None,
    as_of: Annotated[
        Day | None,
        Query(description="Balances over the entries recorded by the end of this day (UTC)."),
    ] = None,
) -> dict[str, Any]:
    """Balances by account; a contributor sees its own contributions' accounts only."""
    application = listing.application
    uow = application.uow
    scope = _scope(uow(), listing.actor)
    today = application.clock.now().date()
    if scope is None and account is None:
        # Everyone's accounts: counted and paged by the reader, in SQL.
        paging = listing.paging
        before = None if as_of is None else end_of(as_of, today=today)
        with application.reader() as reader:
            total = reader.count_accounts(before=before)
            page = reader.account_balances(before=before, offset=paging.offset, limit=paging.limit)
        return listing.cut(page, total, lambda b: BalanceRead(
            account=b.account, currency=b.currency, balance_minor=b.balance_minor
        ))  # fmt: skip
    if as_of is None and account is not None:
        with uow() as reading:  # the one account's, by index
            rows = sorted(reading.ledger.balances_of([account]).items())
    elif as_of is None:
        rows = sorted(ledger_service.balances(uow()).items())
    else:
        rows = sorted(balances_as_of(application.reader(), day=as_of, today=today).items())
    found = [
        BalanceRead(account=acct, currency=cur, balance_minor=value)
        for (acct, cur), value in rows
        if (scope is None or ledger_rules.account_contribution(acct) in scope)
        and account in (None, acct)
    ]
    return listing.page(found, lambda b: b)


@router.get("/ledger/entries", response_model=Page[LedgerEntryRead], tags=["ledger"])
def entries(
    listing: LedgerReader,
    contribution_id: IdFilter = None,
    package_id: IdFilter = None,
    kind: TransactionKind | None = None,
) -> dict[str, Any]:
    """Entries in sequence; a contributor sees its own, without the hashes that chain over
    everyone's amounts. Filtered, counted and paged by the ledger, however long it is."""
    uow = listing.application.uow
    wanted: set[int] | None = None if contribution_id is None else {contribution_id}
    scope = _scope(uow(), listing.actor)
    if scope is not None:
        own: set[int] = {c.id for c in contributions.list_all(uow()) if c.ref in scope}
        wanted = own if wanted is None else own & wanted
    paging = listing.paging
    with uow() as reading:
        found, total = reading.ledger.entries_page(
            contribution_ids=wanted, package_id=package_id, kind=kind,
            offset=paging.offset, limit=paging.limit,
        )  # fmt: skip
    return listing.cut(found, total, lambda e: LedgerEntryRead.of(e, with_hashes=scope is None))


@router.get("/ledger/verify", response_model=VerifyRead, tags=["ledger"])
def verify(
    _actor: Annotated[Actor, Depends(allowed(Permission.VERIFY_LEDGER))], application: Wired
) -> VerifyRead:
    """Prove the ledger: balanced, chained, in sequence, every contribution accounted for, every
    row derived from it in agreement, and the ledger and the audit log extending every stored
    checkpoint."""
    count, findings = ledger_service.verify(application.uow(), signer=application.signer)
    return VerifyRead(
        entries=count, ok=not findings, findings=[FindingRead.of(f) for f in findings]
    )


PUBLIC_RESPONSES: dict[int | str, dict[str, Any]] = {
    code: ERROR_RESPONSES[code] for code in (400, 404, 422)
}


@router.get(
    "/ledger/checkpoints/latest", response_model=CheckpointRead, responses=PUBLIC_RESPONSES,
    tags=["ledger"],
)  # fmt: skip
def latest_checkpoint(application: Wired) -> CheckpointRead:
    """The latest signed checkpoint, for anyone, with or without a token: publish it, keep it,
    and check later that the ledger still extends it (docs/LEDGER.md)."""
    found = checkpoints.latest(application.uow())
    if found is None:
        raise NotFound("checkpoint", "latest")
    return CheckpointRead.of(found)


@router.get(
    "/ledger/checkpoints", response_model=Page[CheckpointRead], responses=PUBLIC_RESPONSES,
    tags=["ledger"],
)  # fmt: skip
def list_checkpoints(application: Wired, paging: PagingDep) -> dict[str, Any]:
    """Every signed checkpoint, oldest first, for anyone, with or without a token."""
    page, total = checkpoints.page(application.uow(), offset=paging.offset, limit=paging.limit)
    return {
        "items": [CheckpointRead.of(c) for c in page],
        "total": total,
        "limit": paging.limit,
        "offset": paging.offset,
    }


PROOF_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The proof, byte for byte as `purldesk proof check` reads it: save the "
        "body as it is (docs/LEDGER.md).",
        "content": {"application/json": {"schema": {"type": "object"}}},
    },
}


@router.get(
    "/ledger/proofs/contributions/{contribution_id}", response_class=Response,
    responses=PROOF_RESPONSES, tags=["ledger"],
)  # fmt: skip
def contribution_proof(
    contribution_id: Id,
    actor: Annotated[Actor, Depends(allowed(Permission.READ_LEDGER))],
    application: Wired,
    since: Annotated[
        int | None,
        Query(
            ge=1,
            le=2**31 - 1,
            description="The earlier checkpoint (its seq) to prove "
            "the ledger extends; default: the first that held any of its entries.",
        ),
    ] = None,
) -> Response:
    """A proof that the contribution's entries are in the ledger the latest checkpoint signed,
    revealing only hashes of other entries: for the contributor that owns it, the
    coordinator and auditors. `purldesk proof check` verifies it offline."""
    document = proofs.prove(
        application.uow(), viewer=actor, contribution_id=ContributionId(contribution_id),
        since=since,
    )  # fmt: skip
    return Response(proof_text(document), media_type="application/json")


@router.get("/audit", response_model=Page[AuditEntryRead], tags=["audit"])
def audit_log(
    listing: Annotated[Listing, Depends(allowed_listing(Permission.READ_AUDIT))],
) -> dict[str, Any]:
    """Every write: who, for which organization, when, in which request, and what changed."""
    paging = listing.paging
    page, total = audit.list_entries(
        listing.application.uow(), actor=listing.actor, offset=paging.offset, limit=paging.limit
    )
    return {
        "items": [AuditEntryRead.from_attributes(e) for e in page],
        "total": total,
        "limit": paging.limit,
        "offset": paging.offset,
    }


@router.get("/audit/verify", response_model=AuditVerifyRead, tags=["audit"])
def audit_verify(
    actor: Annotated[Actor, Depends(allowed(Permission.READ_AUDIT))], application: Wired
) -> AuditVerifyRead:
    count, findings = audit.verify(application.uow(), actor=actor)
    return AuditVerifyRead(
        entries=count,
        ok=not findings,
        findings=[AuditFindingRead(seq=f.seq, rule=f.rule, message=f.message) for f in findings],
    )
