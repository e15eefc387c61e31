"""The read queries of the burden-sharing report and the funding forecast: received money by
giver as a viewer may see it, the undisclosed money summed (both from the contributions' kept
totals, a row per key), receipts by day, and the GDP figures imported. Each is one
statement of aggregates, whatever the history's length."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import ColumnElement, and_, case, false, func, or_, select

from purldesk.adapters.storage.balance_tables import ContributionTotalRow
from purldesk.adapters.storage.engine import ReadSession
from purldesk.adapters.storage.gdp import SqlGdpRepository
from purldesk.adapters.storage.statement_queries import sees_everything_of as _sees_all_of
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
    """The kept totals of the contributions in `statuses` that have a USD value."""
    t = ContributionTotalRow
    return and_(t.status.in_(sorted(s.value for s in statuses)), t.converted > 0)


def _converted(statuses: Collection[ContributionStatus]) -> ColumnElement[bool]:
    """The contributions in `statuses` that have a USD value."""
    c = ContributionRow
    return and_(c.status.in_(sorted(s.value for s in statuses)), c.usd_minor.is_not(None))


class ShareQueries:
    """Mixed into `SqlQueries`: these queries over its read-only session."""

    _session: ReadSession

    def gdp_figures(self) -> list[GdpFigure]:
        return SqlGdpRepository(self._session).list()

    def received_by_giver(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> list[ReceivedBy]:
        t = ContributionTotalRow
        sees_all = _sees_all_of(viewer, t.contributor)
        shown = or_(t.confidential == false(), sees_all)
        named = or_(t.anonymous == false(), sees_all)
        # From the kept totals, each masked as its contributions would be one by one: a hidden
        # amount is nulled before anything is summed; it is only counted.
        each = (
            select(
                case((named, t.contributor), else_=None).label("giver"),
                case((shown, t.usd_high), else_=None).label("usd_high"),
                case((shown, t.usd_low), else_=None).label("usd_low"),
                case((shown, 0), else_=t.converted).label("hidden"),
            )
            .where(_received(statuses))
            .subquery()
        )
        e = each.c
        rows = self._session.execute(
            select(e.giver, func.sum(e.usd_high), func.sum(e.usd_low), func.sum(e.hidden))
            .group_by(e.giver)
            .order_by(e.giver.nulls_first())
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
        t = ContributionTotalRow
        hidden = and_(t.confidential.is_(True), ~_sees_all_of(viewer, t.contributor))
        high, low, givers, count = self._session.execute(
            select(
                func.sum(t.usd_high),
                func.sum(t.usd_low),
                func.count(t.contributor.distinct()),
                func.sum(t.converted),
            ).where(_received(statuses), hidden)
        ).one()
        return HiddenReceived(joined(high, low), int(givers), int(count or 0))

    def receipts(self, *, since: date | None = None) -> list[Receipts]:
        c = ContributionRow
        # Only the window is in WHERE; the live receipts in it are picked by the aggregates'
        # FILTER. With the status there too, SQLite's planner (no statistics: nothing here runs
        # ANALYZE) prefers an equality on ix_contributions_status, which selects nearly every
        # contribution ever received, to the window's range on ix_contributions_received_on.
        window = c.received_on.is_not(None) if since is None else c.received_on >= since
        live = _converted(LIVE_RECEIPTS)
        counted = func.count().filter(live)
        days = self._session.execute(
            select(c.received_on, *halves(c.usd_minor.expression, where=live), counted)
            .where(window)
            .group_by(c.received_on)
            .having(counted > 0)
            .order_by(c.received_on)
        )
        return [Receipts(day, joined(high, low), int(n)) for day, high, low, n in days]

    def received_before(self, day: date) -> bool:
        c = ContributionRow
        earlier = select(c.id).where(_converted(LIVE_RECEIPTS), c.received_on < day).limit(1)
        return self._session.execute(earlier).first() is not None
