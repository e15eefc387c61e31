"""The read queries of the burden-sharing report and the funding forecast: received money by
giver as a viewer may see it, the undisclosed money summed, receipts by month or by day, and
the GDP figures imported. Each is one statement of aggregates, whatever the history's length."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Literal

from sqlalchemy import ColumnElement, and_, case, extract, false, func, or_, select, true

from purldesk.adapters.storage.engine import ReadSession
from purldesk.adapters.storage.gdp import SqlGdpRepository
from purldesk.adapters.storage.sums import halves, joined
from purldesk.adapters.storage.tables import ContributionRow
from purldesk.domain.access import Viewer
from purldesk.domain.burden import HiddenReceived, ReceivedBy
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.forecast import Receipts
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.participants import ParticipantCode

LIVE_RECEIPTS = frozenset(
    {ContributionStatus.RECEIVED, ContributionStatus.ALLOCATED, ContributionStatus.DISBURSED}
)


def _received(statuses: Collection[ContributionStatus]) -> ColumnElement[bool]:
    c = ContributionRow
    return and_(c.status.in_(sorted(s.value for s in statuses)), c.usd_minor.is_not(None))


def _sees_all_of(viewer: Viewer) -> ColumnElement[bool]:
    """`Viewer.sees_everything_of` over the contributor column."""
    c = ContributionRow
    if viewer.sees_all_amounts:
        return true()
    if viewer.organization is None:
        return false()
    return c.contributor == viewer.organization


class ShareQueries:
    """Mixed into `SqlQueries`: these queries over its read-only session."""

    _session: ReadSession

    def gdp_figures(self) -> list[GdpFigure]:
        return SqlGdpRepository(self._session).list()

    def received_by_giver(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> list[ReceivedBy]:
        c = ContributionRow
        sees_all = _sees_all_of(viewer)
        shown = or_(c.confidential == false(), sees_all)
        named = or_(c.anonymous == false(), sees_all)
        # A hidden amount is nulled row by row before anything is summed; it is only counted.
        each = (
            select(
                case((named, c.contributor), else_=None).label("giver"),
                case((shown, c.usd_minor), else_=None).label("usd_minor"),
                case((shown, 0), else_=1).label("hidden"),
            )
            .where(_received(statuses))
            .subquery()
        )
        rows = self._session.execute(
            select(each.c.giver, *halves(each.c.usd_minor), func.sum(each.c.hidden))
            .group_by(each.c.giver)
            .order_by(each.c.giver.nulls_first())
        )
        return [
            ReceivedBy(
                None if giver is None else ParticipantCode(giver), joined(high, low), int(hidden)
            )
            for giver, high, low, hidden in rows
        ]

    def hidden_received(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> HiddenReceived:
        c = ContributionRow
        hidden = and_(c.confidential.is_(True), ~_sees_all_of(viewer))
        high, low, givers, count = self._session.execute(
            select(
                *halves(c.usd_minor.expression),
                func.count(c.contributor.distinct()),
                func.count(),
            ).where(_received(statuses), hidden)
        ).one()
        return HiddenReceived(joined(high, low), int(givers), int(count))

    def receipts(self, *, by: Literal["month", "day"], since: date | None = None) -> list[Receipts]:
        c = ContributionRow
        received = _received(LIVE_RECEIPTS) & c.received_on.is_not(None)
        if since is not None:
            received = received & (c.received_on >= since)
        usd = halves(c.usd_minor.expression)
        if by == "day":
            days = self._session.execute(
                select(c.received_on, *usd, func.count())
                .where(received)
                .group_by(c.received_on)
                .order_by(c.received_on)
            )
            return [Receipts(day, joined(high, low), int(n)) for day, high, low, n in days]
        year, month = extract("year", c.received_on), extract("month", c.received_on)
        months = self._session.execute(
            select(year, month, *usd, func.count())
            .where(received)
            .group_by(year, month)
            .order_by(year, month)
        )
        return [
            Receipts(date(int(y), int(m), 1), joined(high, low), int(n))
            for y, m, high, low, n in months
        ]

    def received_before(self, day: date) -> bool:
        c = ContributionRow
        earlier = select(c.id).where(_received(LIVE_RECEIPTS), c.received_on < day).limit(1)
        return self._session.execute(earlier).first() is not None
