"""A member nation's part of its statement that came through its groups: what it gave in each
of its groups' contributions, and its share of what that money bought.

The share rule (`domain/member_parts.shares`): each payment of the group's contribution for a
line is split among the members in proportion to their parts' USD values, by largest remainder,
ties to the part listed first; the members' shares of a payment add up to it exactly.

What a viewer may see follows `domain/confidentiality`: every part, and the shares, where it sees
the group's contribution in full (amount and giver); the member's own part also where the amount
is confidential, without the shares, which would trace the group's hidden spending. A group's
anonymous contribution is not listed to whoever may not know who gave it, its members included.
Lines of packages whose contents are restricted from the viewer are left out.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from purldesk.domain.access import Viewer
from purldesk.domain.confidentiality import can_see_own_part, can_see_parts
from purldesk.domain.contributions import Contribution
from purldesk.domain.member_parts import MemberPart, shares
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import PackageId, package_ref
from purldesk.domain.participants import ParticipantCode
from purldesk.services.read_ports import PaidLine, Reader
from purldesk.services.views.rows import restricted_from


@dataclass(frozen=True, slots=True)
class MemberPartRow:
    """The member's part of one of its groups' contributions, as the viewer may see it."""

    contribution_ref: str
    group: ParticipantCode
    group_name: str
    status: str
    part: MemberPart
    whole_usd: Money | None  # the group's pledge (USD); None: confidential to the viewer
    shares_shown: bool  # whether the member's share of what it bought is listed


@dataclass(frozen=True, slots=True)
class MemberShareRow:
    """The member's share of one payment its group's contribution made for a line."""

    contribution_ref: str
    group: ParticipantCode
    package_ref: str
    package_status: str
    line_ref: str
    item_name: str
    amount: Money  # the member's share
    group_amount: Money  # what the group's contribution paid for the line
    shipped: int
    received: int


@dataclass(frozen=True, slots=True)
class ThroughGroups:
    """What a member gave through its groups, and its shares of what that bought."""

    parts: list[MemberPartRow] = field(default_factory=list)
    rows: list[MemberShareRow] = field(default_factory=list)

    @property
    def spent_usd(self) -> Money:
        return Money(sum(r.amount.minor for r in self.rows), USD)


def read_through_groups(
    reader: Reader, *, viewer: Viewer, member: ParticipantCode, names: Mapping[ParticipantCode, str]
) -> ThroughGroups:
    """`member`'s parts of its groups' contributions and its shares of their lines, on the
    reader's open transaction."""
    found = reader.member_contributions(member)
    if not found:
        return ThroughGroups()
    paid = reader.member_paid_lines(member)
    hidden = restricted_from(reader, viewer)
    return through_groups(
        viewer, member=member, contributions=found, paid=paid, names=names, restricted=hidden
    )


def through_groups(
    viewer: Viewer,
    *,
    member: ParticipantCode,
    contributions: Sequence[Contribution],
    paid: Sequence[PaidLine],
    names: Mapping[ParticipantCode, str],
    restricted: Collection[PackageId] = frozenset(),
) -> ThroughGroups:
    """The rows of `ThroughGroups` from the member's groups' contributions and their lines."""
    parts = [
        _part_row(viewer, c, member, names)
        for c in contributions
        if can_see_own_part(viewer, c, member)
    ]
    by_id = {c.id: c for c in contributions}
    shown = {row.contribution_ref for row in parts if row.shares_shown}
    rows = [
        _share_row(by_id[line.contribution_id], member, line)
        for line in paid
        if line.contribution_id in by_id
        and by_id[line.contribution_id].ref in shown
        and line.package_id not in restricted
    ]
    return ThroughGroups(parts, rows)


def _part_row(
    viewer: Viewer,
    contribution: Contribution,
    member: ParticipantCode,
    names: Mapping[ParticipantCode, str],
) -> MemberPartRow:
    full = can_see_parts(viewer, contribution)
    own = next(p for p in contribution.members if p.member == member)
    return MemberPartRow(
        contribution.ref, contribution.contributor,
        names.get(contribution.contributor, contribution.contributor),
        contribution.status.value, own, contribution.amount if full else None, full,
    )  # fmt: skip


def _share_row(
    contribution: Contribution, member: ParticipantCode, line: PaidLine
) -> MemberShareRow:
    index = next(i for i, p in enumerate(contribution.members) if p.member == member)
    share = shares(line.amount, contribution.members)[index]
    return MemberShareRow(
        contribution.ref, contribution.contributor, package_ref(line.package_id),
        line.package_status.value, line.line_ref, line.item_name, share, line.amount,
        line.shipped, line.received,
    )  # fmt: skip
