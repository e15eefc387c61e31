"""The fake reader's queries of the burden-sharing report and the funding forecast, answered
from the fake's tables as `adapters/storage/share_queries.py` answers them in SQL."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date
from typing import TYPE_CHECKING

from purldesk.domain.access import Viewer
from purldesk.domain.burden import HiddenReceived, ReceivedBy
from purldesk.domain.contributions import Contribution, ContributionStatus
from purldesk.domain.forecast import Receipts
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.participants import ParticipantCode

if TYPE_CHECKING:
    from fakes import _Repositories

LIVE_RECEIPTS = frozenset(
    {ContributionStatus.RECEIVED, ContributionStatus.ALLOCATED, ContributionStatus.DISBURSED}
)


def _received_usd(contribution: Contribution) -> int | None:
    conversion = contribution.conversion
    return None if conversion is None else conversion.converted.minor


class FakeShareQueries:
    """Mixed into `FakeReader`."""

    def _repos(self) -> _Repositories:
        raise NotImplementedError

    def contributions(self) -> list[Contribution]:
        raise NotImplementedError

    def _received(self, statuses: Collection[ContributionStatus]) -> list[Contribution]:
        return [
            c for c in self.contributions()
            if c.status in statuses and _received_usd(c) is not None
        ]  # fmt: skip

    def gdp_figures(self) -> list[GdpFigure]:
        return self._repos().gdp.list()

    def received_by_giver(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> list[ReceivedBy]:
        usd: dict[ParticipantCode | None, int] = defaultdict(int)
        hidden: dict[ParticipantCode | None, int] = defaultdict(int)
        for c in self._received(statuses):
            sees_all = viewer.sees_everything_of(c.contributor)
            giver = c.contributor if sees_all or not c.anonymous else None
            if sees_all or not c.confidential:
                usd[giver] += _received_usd(c) or 0
            else:
                usd[giver] += 0
                hidden[giver] += 1
        ordered = sorted(usd, key=lambda giver: (giver is not None, giver or ""))
        return [ReceivedBy(giver, usd[giver], hidden[giver]) for giver in ordered]

    def hidden_received(
        self, viewer: Viewer, *, statuses: Collection[ContributionStatus]
    ) -> HiddenReceived:
        found = [
            c for c in self._received(statuses)
            if c.confidential and not viewer.sees_everything_of(c.contributor)
        ]  # fmt: skip
        return HiddenReceived(
            sum(_received_usd(c) or 0 for c in found),
            len({c.contributor for c in found}),
            len(found),
        )

    def receipts(self, *, since: date | None = None) -> list[Receipts]:
        summed: dict[date, list[int]] = defaultdict(lambda: [0, 0])
        for c in self._received(LIVE_RECEIPTS):
            if c.received_on is None or (since is not None and c.received_on < since):
                continue
            summed[c.received_on][0] += _received_usd(c) or 0
            summed[c.received_on][1] += 1
        return [Receipts(day, usd, count) for day, (usd, count) in sorted(summed.items())]

    def received_before(self, day: date) -> bool:
        return any(
            c.received_on is not None and c.received_on < day for c in self._received(LIVE_RECEIPTS)
        )
