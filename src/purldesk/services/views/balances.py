"""The ledger's balances as they stood at the end of a past day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from purldesk.domain.dates import not_after
from purldesk.services.read_ports import Reader


def balances_as_of(reader: Reader, *, day: date, today: date) -> dict[tuple[str, str], int]:
    """(account, currency) -> non-zero balance over the entries recorded by the end of `day`
    (UTC), summed in SQL; `day` may not be after `today`.

    What was recorded, not what it is dated: an entry recorded late with an earlier date
    (`occurred_on`) counts from the day it was recorded, so a balance as of a day that has
    ended never changes again, as the ledger before that moment never does."""
    with reader:
        return reader.balances_recorded_before(end_of(day, today=today))


def end_of(day: date, *, today: date) -> datetime:
    """The instant `day` ends (UTC), before which an entry counts as of that day; `day` may
    not be after `today` (InvalidInput naming `as_of`)."""
    not_after(day, today, field="as_of")
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=UTC)
