"""Contributions: read through the one redaction; pledge and move them, once per key."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from purldesk.bootstrap import Application
from purldesk.domain.access import Actor, Permission
from purldesk.domain.confidentiality import ContributionView, redact
from purldesk.domain.contributions import (
    UNRESTRICTED,
    Contribution,
    ContributionId,
    ContributionStatus,
)
from purldesk.domain.money import Money
from purldesk.domain.participants import ParticipantCode
from purldesk.entrypoints.api.deps import Id, Listing, Wired, allowed, allowed_listing
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.contributions_schemas import (
    ContributionRead,
    ContributionTotals,
    DisclosureUpdate,
    PledgeCreate,
    RefundRead,
)
from purldesk.entrypoints.api.schemas import OnDate, Page
from purldesk.entrypoints.api.writes import CommandRoutes
from purldesk.services import contributions, earmarks, member_parts
from purldesk.services.ports import UnitOfWork
from purldesk.services.views import contributions as contribution_pages

router = APIRouter(responses=ERROR_RESPONSES, tags=["contributions"])

Reader = Annotated[Actor, Depends(allowed(Permission.READ_CONTRIBUTIONS))]
ListReader = Annotated[Listing, Depends(allowed_listing(Permission.READ_CONTRIBUTIONS))]


def _visible(
    actor: Actor,
    found: list[Contribution],
    *,
    contributor: str | None = None,
    status: ContributionStatus | None = None,
    confidential: bool | None = None,
) -> list[ContributionView]:
    """Redacted first, filtered after: a filter never sees what the caller may not (an
    anonymous giver included)."""
    views = [redact(actor, c) for c in found]
    return [
        v
        for v in views
        if (contributor is None or v.contributor == contributor.upper())
        and status in (None, v.status)
        and confidential in (None, v.confidential)
    ]


@router.get("/contributions", response_model=Page[ContributionRead])
def list_contributions(
    listing: ListReader,
    contributor: Annotated[str | None, Query(max_length=40)] = None,
    status: ContributionStatus | None = None,
    confidential: bool | None = None,
) -> dict[str, Any]:
    """Contributions by id, as you may see them. Without `contributor` a page is counted and
    cut in SQL: status and confidentiality are never hidden, so filtering on them before the
    redaction keeps exactly the same rows; a contributor's are read (its own only) and
    filtered after the redaction, which may hide a giver."""
    uow = listing.application.uow
    if contributor is None:
        paging = listing.paging
        with uow() as reading:
            found, total = reading.contributions.page(
                status=status, confidential=confidential, offset=paging.offset,
                limit=paging.limit,
            )  # fmt: skip
        views = [redact(listing.actor, c) for c in found]
        return listing.cut(views, total, ContributionRead.of)
    code = ParticipantCode(contributor.upper())
    views = _visible(
        listing.actor, contributions.list_all(uow(), contributor=code), contributor=contributor,
        status=status, confidential=confidential,
    )  # fmt: skip
    return listing.page(views, ContributionRead.of)


@router.get("/contributions/totals", response_model=ContributionTotals)
def contribution_totals(
    actor: Reader,
    application: Wired,
    contributor: Annotated[str | None, Query(max_length=40)] = None,
    status: ContributionStatus | None = None,
) -> ContributionTotals:
    """Sums of the amounts you may see; confidential ones are counted as undisclosed. Summed
    in SQL, over what the redaction shows you: a filter on `contributor` never finds the
    contributions it gave anonymously to you."""
    summed = contribution_pages.contribution_totals(
        application.reader(), viewer=actor.viewer, status=status,
        contributor=None if contributor is None else ParticipantCode(contributor.upper()),
    )  # fmt: skip
    return ContributionTotals.of(summed)


@router.get("/contributions/{contribution_id}", response_model=ContributionRead)
def get_contribution(contribution_id: Id, actor: Reader, application: Wired) -> ContributionRead:
    found = contributions.get(application.uow(), contribution_id=ContributionId(contribution_id))
    return ContributionRead.of(redact(actor, found))


def _contribution(
    contribution: Contribution, actor: Actor, _uow: UnitOfWork, _application: Application
) -> ContributionRead:
    return ContributionRead.of(redact(actor, contribution))


def _refund(
    result: tuple[Contribution, Money], actor: Actor, uow: UnitOfWork, application: Application
) -> RefundRead:
    refunded, left = result
    return RefundRead(
        contribution=_contribution(refunded, actor, uow, application), refunded_minor=left.minor,
        currency=left.currency,
    )  # fmt: skip


write = CommandRoutes(router, response_model=ContributionRead, present=_contribution)


@write.post("/contributions", contributions.Pledge, status_code=201)
def pledge(body: PledgeCreate) -> contributions.Pledge:
    """Pledge in the contributor's own currency; a contributor pledges for itself only,
    optionally earmarked (see `earmark`); a group may list its members' parts (`members`)."""
    given = body.earmark
    earmark = UNRESTRICTED if given is None else earmarks.parse_earmark(
        aid_classes=given.aid_classes, areas=given.areas, package=given.package,
        expires_on=given.expires_on,
    )  # fmt: skip
    return contributions.Pledge(
        contributor=body.contributor, amount=Money.parse(body.amount, body.currency),
        pledged_on=body.pledged_on, confidential=body.confidential, anonymous=body.anonymous,
        purpose=body.purpose, source=body.source, earmark=earmark,
        members=tuple(
            member_parts.member_amount(m.member, m.amount, m.currency) for m in body.members
        ),
    )  # fmt: skip


@write.post("/contributions/{contribution_id}/disclosure", contributions.SetDisclosure)
def set_disclosure(contribution_id: Id, body: DisclosureUpdate) -> contributions.SetDisclosure:
    """Choose what others see of your own contribution: its amount, and that you gave it."""
    return contributions.SetDisclosure(
        contribution_id=ContributionId(contribution_id), confidential=body.confidential,
        anonymous=body.anonymous,
    )  # fmt: skip


@write.post("/contributions/{contribution_id}/commit", contributions.Commit)
def commit(contribution_id: Id) -> contributions.Commit:
    """The contributor's formal commitment; no money moves."""
    return contributions.Commit(contribution_id=ContributionId(contribution_id))


@write.post("/contributions/{contribution_id}/receive", contributions.Receive)
def receive(contribution_id: Id, body: OnDate) -> contributions.Receive:
    """The money arrived on `on`: converted to USD at the ECB rate of that day and pooled."""
    return contributions.Receive(contribution_id=ContributionId(contribution_id), on=body.on)


@write.post("/contributions/{contribution_id}/cancel", contributions.Cancel)
def cancel(contribution_id: Id, body: OnDate) -> contributions.Cancel:
    """Withdraw a pledge not yet paid."""
    return contributions.Cancel(contribution_id=ContributionId(contribution_id), on=body.on)


@write.post(
    "/contributions/{contribution_id}/refund", contributions.Refund, response_model=RefundRead,
    present=_refund,
)  # fmt: skip
def refund(contribution_id: Id, body: OnDate) -> contributions.Refund:
    """Return a contribution's unallocated USD to its contributor."""
    return contributions.Refund(contribution_id=ContributionId(contribution_id), on=body.on)
