"""Contributions: a contributor's own in full, and every one, redacted, for other readers; a
page of them at a time, with totals summed over them all by the reader."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from purldesk.domain.access import Owned, Viewer
from purldesk.domain.confidentiality import ContributionView, Totals, redact
from purldesk.domain.contributions import Contribution, ContributionStatus
from purldesk.domain.money import Money
from purldesk.domain.participants import ParticipantCode
from purldesk.services.contributions import Cancel, Commit, Pledge, Receive, SetDisclosure
from purldesk.services.handle import Command
from purldesk.services.read_ports import Reader
from purldesk.services.views.offers import is_offered
from purldesk.services.views.overview import group_totals
from purldesk.services.views.paging import Page, page
from purldesk.services.views.rows import giver_of

PAGE_SIZE = 50  # contributions listed on a page, the newest first


@dataclass(frozen=True, slots=True)
class ContributionRow:
    view: ContributionView
    contributor_name: str
    usd: Money | None
    actions: list[str]


@dataclass(frozen=True, slots=True)
class ContributionsView:
    rows: list[ContributionRow]
    own_only: bool
    can_pledge: bool
    organization: str
    received_usd: Money  # over every contribution listed, on this page or another
    undisclosed_count: int
    page: Page


# The page's name for each command it may offer on a contribution, in the order it offers them.
CONTRIBUTION_COMMANDS: Mapping[str, type[Command[Any]]] = {
    "commit": Commit,
    "receive": Receive,
    "cancel": Cancel,
    "disclosure": SetDisclosure,
}


def _actions(viewer: Viewer, contribution: Contribution) -> list[str]:
    """What the viewer may do to the contribution now: its own, or any it may act on for all."""
    owner = Owned(contribution.contributor, "contribution", contribution.id)
    return [
        action
        for action, command in CONTRIBUTION_COMMANDS.items()
        if is_offered(viewer, command, contribution.status, owner=owner)
    ]


def row(
    viewer: Viewer, contribution: Contribution, names: Mapping[ParticipantCode, str]
) -> ContributionRow:
    view = redact(viewer, contribution)
    usd = view.conversion.converted if view.conversion is not None else None
    return ContributionRow(view, giver_of(view, names), usd, _actions(viewer, contribution))


def contribution_totals(
    reader: Reader,
    *,
    viewer: Viewer,
    contributor: ParticipantCode | None = None,
    status: ContributionStatus | None = None,
) -> Totals:
    """`confidentiality.totals` of the views redacted for `viewer` (those of `contributor` as
    it knows them, those in `status`), summed by the reader: a hidden amount never leaves it."""
    with reader:
        return _totals(reader, viewer, contributor=contributor, status=status)


def _totals(
    reader: Reader,
    viewer: Viewer,
    *,
    contributor: ParticipantCode | None,
    status: ContributionStatus | None = None,
) -> Totals:
    statuses = tuple(ContributionStatus) if status is None else (status,)
    return group_totals(
        reader.contribution_groups(viewer, statuses=statuses, contributor=contributor)
    )


def contributions(
    reader: Reader, *, viewer: Viewer, asked: int = 1, size: int = PAGE_SIZE
) -> ContributionsView:
    """Page `asked` of the contributions (`size` a page), the newest first: a viewer that reads
    only its own sees its own contributions in full; other readers see all of them, redacted.
    The totals are over every page."""
    own = viewer.organization if viewer.own_only else None
    with reader:
        names = {p.code: p.name for p in reader.participants()}
        shown = page(asked, size=size, total=reader.count_contributions(contributor=own))
        found = reader.contribution_page(contributor=own, offset=shown.offset, limit=shown.size)
        summed = _totals(reader, viewer, contributor=own)
    return ContributionsView(
        rows=[row(viewer, c, names) for c in found], own_only=viewer.own_only,
        can_pledge=is_offered(viewer, Pledge), organization=viewer.organization or "",
        received_usd=summed.received_usd, undisclosed_count=summed.undisclosed_count,
        page=shown,
    )  # fmt: skip
