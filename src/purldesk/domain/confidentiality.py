"""Confidentiality: what of a contribution, and of the money paying a package, a viewer may see.

A confidential contribution's amount, and an anonymous one's giver, are seen only by their owner,
the coordinator, auditors and the operator; everyone else sees them folded into buckets that the
disclosure rule (`domain/disclosure.py`) publishes only when no hidden amount follows from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from purldesk.domain.access import Actor, Viewer, viewer_of
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus, Earmark
from purldesk.domain.member_parts import MemberPart
from purldesk.domain.money import USD, Conversion, Money
from purldesk.domain.packages import Package
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId


@dataclass(frozen=True, slots=True)
class ContributionView:
    """A contribution as one viewer may see it; `amount` and the money fields are None when the
    amount is confidential to someone else, `contributor` is None when the giver is anonymous
    to this viewer."""

    id: ContributionId
    ref: str
    contributor: ParticipantCode | None
    status: ContributionStatus
    pledged_on: date
    received_on: date | None
    confidential: bool
    disclosed: bool
    amount: Money | None
    conversion: Conversion | None
    purpose: str | None
    source: str | None
    earmark: Earmark
    anonymous: bool
    usd: Money | None = None  # what was received, in USD: shown wherever the amount is
    # Its members' parts (a group's); None where they are hidden (`can_see_parts`).
    members: tuple[MemberPart, ...] | None = ()


def can_see_amount(viewer: Actor | Viewer, contribution: Contribution) -> bool:
    return not contribution.confidential or viewer_of(viewer).sees_everything_of(
        contribution.contributor
    )


def can_see_contributor(viewer: Actor | Viewer, contribution: Contribution) -> bool:
    """Whether the viewer may know who gave it: the giver itself, coordinator and auditor do."""
    return not contribution.anonymous or viewer_of(viewer).sees_everything_of(
        contribution.contributor
    )


def can_see_parts(viewer: Actor | Viewer, contribution: Contribution) -> bool:
    """Whether the viewer may see every member's part: where it sees the amount and the giver.
    A part is a share of the amount, and its member (and currency) names the group that gave."""
    return can_see_amount(viewer, contribution) and can_see_contributor(viewer, contribution)


def can_see_own_part(viewer: Actor | Viewer, contribution: Contribution, member: str) -> bool:
    """Whether the viewer may see `member`'s part: as every part, or as the member itself where
    the group is named to it but the amount is confidential: no visible total then gives the
    other parts by subtraction. Where the group gave anonymously, not even its members see
    which contribution it was."""
    return can_see_parts(viewer, contribution) or (
        viewer_of(viewer).owns(member) and can_see_contributor(viewer, contribution)
    )


def redact(viewer: Actor | Viewer, contribution: Contribution) -> ContributionView:
    """The one place confidentiality and anonymity are applied: every read of a contribution
    goes through it.

    Free text goes with the amount and with the giver's name, since a purpose or a source may
    well state either. To a viewer that may not know who gave it, money is shown in USD only:
    a pledge's currency (and its rate) can name the giver.
    """
    shown = can_see_amount(viewer, contribution)
    named = can_see_contributor(viewer, contribution)
    text_shown = shown and named
    conversion = contribution.conversion if shown else None
    in_own_currency = named or contribution.amount.currency == USD
    return ContributionView(
        id=contribution.id, ref=contribution.ref,
        contributor=contribution.contributor if named else None,
        status=contribution.status, pledged_on=contribution.pledged_on,
        received_on=contribution.received_on, confidential=contribution.confidential,
        disclosed=shown, amount=contribution.amount if shown and in_own_currency else None,
        conversion=conversion if in_own_currency else None,
        purpose=contribution.purpose if text_shown else None,
        source=contribution.source if text_shown else None, earmark=contribution.earmark,
        anonymous=contribution.anonymous,
        usd=None if conversion is None else conversion.converted,
        members=contribution.members if can_see_parts(viewer, contribution) else None,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Totals:
    """Sums over what the viewer may see; everything else is only counted, as undisclosed."""

    pledged: Mapping[str, Money]  # by pledge currency
    received_usd: Money
    counted: int
    undisclosed_count: int


def totals(views: Iterable[ContributionView]) -> Totals:
    """Totals of redacted views: a hidden amount never enters a sum, so none can be subtracted."""
    pledged: dict[str, Money] = {}
    received = Money.zero(USD)
    counted = undisclosed = 0
    for view in views:
        counted += 1
        if not view.disclosed:
            undisclosed += 1
            continue
        if view.amount is not None:
            code = view.amount.currency
            pledged[code] = pledged.get(code, Money.zero(code)) + view.amount
        if view.usd is not None:
            received += view.usd
    return Totals(dict(sorted(pledged.items())), received, counted, undisclosed)


def hidden_parts(
    viewer: Actor | Viewer,
    package: Package,
    contributions: Mapping[ContributionId, Contribution],
) -> dict[tuple[LineId, ContributionId], int]:
    """The money of the package the viewer may not see the amount of, by line and contribution.

    Two states of a package with the same hidden parts give the same undisclosed figures (and
    the same seal); a published history shows money only in the states whose hidden parts are
    the latest's, so no difference between two of them isolates a hidden amount."""
    reader = viewer_of(viewer)
    parts: dict[tuple[LineId, ContributionId], int] = {}
    for part in package.attributions:
        owner = contributions.get(part.contribution_id)
        if owner is None or not can_see_amount(reader, owner):
            key = (part.line_id, part.contribution_id)
            parts[key] = parts.get(key, 0) + part.amount.minor
    return parts


def own_contribution_refs(
    viewer: Actor | Viewer, contributions: Iterable[Contribution]
) -> frozenset[str]:
    """References of the contributions whose ledger accounts the viewer may read."""
    return frozenset(c.ref for c in contributions if viewer_of(viewer).owns(c.contributor))
