"""The contributions' sums as every viewer read them before the totals were kept: row by row
over the contributions table in SQL, each row masked for the viewer before anything is summed
(the reads as they were, kept here as the reference), and the same in Python over the
contributions themselves (for the fake, and to check the reference)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from sqlalchemy import and_, case, false, func, or_, select, true
from sqlalchemy.orm import Session

from purldesk.adapters.storage.statement_queries import sees_everything_of
from purldesk.adapters.storage.sums import halves, joined, joined_or_none
from purldesk.adapters.storage.tables import ContributionRow
from purldesk.domain.access import Viewer
from purldesk.domain.burden import HiddenReceived, ReceivedBy
from purldesk.domain.contributions import Contribution, ContributionStatus
from purldesk.domain.participants import ParticipantCode
from purldesk.services.read_ports import ContributionGroup


def _values(statuses: Collection[ContributionStatus]) -> list[str]:
    return sorted(s.value for s in statuses)


def row_by_row_groups(
    session: Session,
    viewer: Viewer,
    *,
    statuses: Collection[ContributionStatus],
    contributor: ParticipantCode | None = None,
) -> list[ContributionGroup]:
    c = ContributionRow
    sees_all = sees_everything_of(viewer, c.contributor)
    shown = or_(c.confidential == false(), sees_all)
    named = or_(c.anonymous == false(), sees_all)
    given = true() if contributor is None else and_(c.contributor == contributor, named)
    each = (
        select(
            case((shown, c.currency), else_=None).label("currency"),
            case((and_(shown, named), c.contributor), else_=None).label("giver"),
            case((shown, c.amount_minor), else_=None).label("amount_minor"),
            case((shown, c.usd_minor), else_=None).label("usd_minor"),
        )
        .where(c.status.in_(_values(statuses)), given)
        .subquery()
    )
    rows = session.execute(
        select(
            func.count(), each.c.currency, each.c.giver,
            *halves(each.c.amount_minor), *halves(each.c.usd_minor),
        )
        .group_by(each.c.currency, each.c.giver)
        .order_by(each.c.currency, each.c.giver)
    )  # fmt: skip
    return [
        ContributionGroup(
            count, code, None if who is None else ParticipantCode(who),
            joined_or_none(high, low), joined_or_none(usd_high, usd_low),
        )
        for count, code, who, high, low, usd_high, usd_low in rows
    ]  # fmt: skip


def _received(statuses: Collection[ContributionStatus]) -> Any:
    c = ContributionRow
    return and_(c.status.in_(_values(statuses)), c.usd_minor.is_not(None))


def row_by_row_received_by_giver(
    session: Session, viewer: Viewer, *, statuses: Collection[ContributionStatus]
) -> list[ReceivedBy]:
    c = ContributionRow
    sees_all = sees_everything_of(viewer, c.contributor)
    shown = or_(c.confidential == false(), sees_all)
    named = or_(c.anonymous == false(), sees_all)
    each = (
        select(
            case((named, c.contributor), else_=None).label("giver"),
            case((shown, c.usd_minor), else_=None).label("usd_minor"),
            case((shown, 0), else_=1).label("hidden"),
        )
        .where(_received(statuses))
        .subquery()
    )
    rows = session.execute(
        select(each.c.giver, *halves(each.c.usd_minor), func.sum(each.c.hidden))
        .group_by(each.c.giver)
        .order_by(each.c.giver.nulls_first())
    )
    return [
        ReceivedBy(None if giver is None else ParticipantCode(giver), joined(high, low), int(n))
        for giver, high, low, n in rows
    ]


def row_by_row_hidden_received(
    session: Session, viewer: Viewer, *, statuses: Collection[ContributionStatus]
) -> HiddenReceived:
    c = ContributionRow
    hidden = and_(c.confidential.is_(True), ~sees_everything_of(viewer, c.contributor))
    high, low, givers, count = session.execute(
        select(
            *halves(c.usd_minor.expression), func.count(c.contributor.distinct()), func.count()
        ).where(_received(statuses), hidden)
    ).one()
    return HiddenReceived(joined(high, low), int(givers), int(count))


def row_by_row_count(session: Session, *, contributor: ParticipantCode | None = None) -> int:
    c = ContributionRow
    given = true() if contributor is None else c.contributor == contributor
    return int(session.scalar(select(func.count()).select_from(c).where(given)) or 0)


# --- the same in Python, over the contributions -------------------------------------------


def expected_groups(
    contributions: Iterable[Contribution],
    viewer: Viewer,
    *,
    statuses: Collection[ContributionStatus],
    contributor: ParticipantCode | None = None,
) -> list[ContributionGroup]:
    """In a fixed order (`in_order`)."""
    summed: dict[tuple[str | None, str | None], list[Any]] = {}
    for c in contributions:
        sees = viewer.sees_everything_of(c.contributor)
        shown, named = not c.confidential or sees, not c.anonymous or sees
        # A giver anonymous to the viewer is no one's: asking for its money finds none.
        asked_for = contributor is None or (c.contributor == contributor and named)
        if c.status not in statuses or not asked_for:
            continue
        key = (c.amount.currency if shown else None, c.contributor if shown and named else None)
        group = summed.setdefault(key, [0, None, None])
        group[0] += 1
        if shown:
            group[1] = (group[1] or 0) + c.amount.minor
            if c.usd is not None:
                group[2] = (group[2] or 0) + c.usd.minor
    return in_order(
        ContributionGroup(n, code, None if who is None else ParticipantCode(who), minor, usd)
        for (code, who), (n, minor, usd) in summed.items()
    )


def in_order(groups: Iterable[ContributionGroup]) -> list[ContributionGroup]:
    """The databases order a hidden (NULL) currency or giver differently: an order for all."""
    return sorted(groups, key=lambda g: (g.currency or "", g.contributor or ""))


def expected_received_by_giver(
    contributions: Iterable[Contribution],
    viewer: Viewer,
    *,
    statuses: Collection[ContributionStatus],
) -> list[ReceivedBy]:
    summed: dict[str | None, tuple[int, int]] = {}
    for c in contributions:
        if c.status not in statuses or c.usd is None:
            continue
        sees = viewer.sees_everything_of(c.contributor)
        giver = c.contributor if not c.anonymous or sees else None
        usd, hidden = summed.get(giver, (0, 0))
        if not c.confidential or sees:
            summed[giver] = (usd + c.usd.minor, hidden)
        else:
            summed[giver] = (usd, hidden + 1)
    return [
        ReceivedBy(None if giver is None else ParticipantCode(giver), usd, hidden)
        for giver, (usd, hidden) in sorted(summed.items(), key=lambda kv: kv[0] or "")
    ]


def expected_hidden_received(
    contributions: Iterable[Contribution],
    viewer: Viewer,
    *,
    statuses: Collection[ContributionStatus],
) -> HiddenReceived:
    hidden = [
        c
        for c in contributions
        if c.status in statuses
        and c.usd is not None
        and c.confidential
        and not viewer.sees_everything_of(c.contributor)
    ]
    return HiddenReceived(
        sum(c.usd.minor for c in hidden if c.usd is not None),
        len({c.contributor for c in hidden}),
        len(hidden),
    )
