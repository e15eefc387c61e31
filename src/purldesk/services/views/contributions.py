"""Contributions: a contributor's own in full, and every one, redacted, for other readers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from purldesk.domain.access import ContributionView, Permission, Viewer, redact, totals
from purldesk.domain.contributions import Contribution, ContributionStatus
from purldesk.domain.money import Money
from purldesk.domain.participants import ParticipantCode
from purldesk.services.ports import Reader
from purldesk.services.views.rows import giver_of


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
    received_usd: Money
    undisclosed_count: int


UNPAID = (ContributionStatus.PLEDGED, ContributionStatus.COMMITTED)


def _actions(viewer: Viewer, view: ContributionView) -> list[str]:
    """What the viewer may do to the contribution now: its own, or any it may act on for all."""
    own = viewer.owns(view.contributor)
    mine_to_act_on = own or not viewer.own_only
    actions = []
    status = view.status
    if status is ContributionStatus.PLEDGED and own and viewer.can(Permission.COMMIT_CONTRIBUTION):
        actions.append("commit")
    if status in UNPAID and mine_to_act_on and viewer.can(Permission.RECEIVE_CONTRIBUTION):
        actions.append("receive")
    if status in UNPAID and own and viewer.can(Permission.CANCEL_CONTRIBUTION):
        actions.append("cancel")
    if own and viewer.can(Permission.SET_DISCLOSURE):
        actions.append("disclosure")
    return actions


def row(
    viewer: Viewer, contribution: Contribution, names: Mapping[ParticipantCode, str]
) -> ContributionRow:
    view = redact(viewer, contribution)
    usd = view.conversion.converted if view.conversion is not None else None
    return ContributionRow(view, giver_of(view, names), usd, _actions(viewer, view))


def contributions(reader: Reader, *, viewer: Viewer) -> ContributionsView:
    """A viewer that reads only its own sees its own contributions in full; other readers see
    all of them, redacted."""
    with reader:
        names = {p.code: p.name for p in reader.participants()}
        found = reader.contributions(contributor=viewer.organization if viewer.own_only else None)
    rows = [row(viewer, c, names) for c in found]
    summed = totals(r.view for r in rows)
    return ContributionsView(
        rows=rows, own_only=viewer.own_only, can_pledge=viewer.can(Permission.PLEDGE),
        organization=viewer.organization or "", received_usd=summed.received_usd,
        undisclosed_count=summed.undisclosed_count,
    )  # fmt: skip
