"""Contributions: a contributor's own in full, and every one, redacted, for other readers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from purldesk.domain.access import Owned, Viewer
from purldesk.domain.confidentiality import ContributionView, redact, totals
from purldesk.domain.contributions import Contribution
from purldesk.domain.money import Money
from purldesk.domain.participants import ParticipantCode
from purldesk.services.contributions import Cancel, Commit, Pledge, Receive, SetDisclosure
from purldesk.services.handle import Command
from purldesk.services.read_ports import Reader
from purldesk.services.views.offers import is_offered
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


def contributions(reader: Reader, *, viewer: Viewer) -> ContributionsView:
    """A viewer that reads only its own sees its own contributions in full; other readers see
    all of them, redacted."""
    with reader:
        names = {p.code: p.name for p in reader.participants()}
        found = reader.contributions(contributor=viewer.organization if viewer.own_only else None)
    rows = [row(viewer, c, names) for c in found]
    summed = totals(r.view for r in rows)
    return ContributionsView(
        rows=rows, own_only=viewer.own_only, can_pledge=is_offered(viewer, Pledge),
        organization=viewer.organization or "", received_usd=summed.received_usd,
        undisclosed_count=summed.undisclosed_count,
    )  # fmt: skip
