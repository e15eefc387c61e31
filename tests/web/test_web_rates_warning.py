"""The coordinator's overview warns when the reference rates are not current, before receipts
in other currencies fail for want of a rate; loading today's rate clears it. Others are not told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi.testclient import TestClient

from purldesk.bootstrap import Application
from purldesk.domain.access import operator
from purldesk.services import rates

WARNING = 'id="rates-warning"'


def test_current_rates_raise_no_warning(client_for: Callable[[str | None], TestClient]) -> None:
    assert WARNING not in client_for("coordinator").get("/").text  # the demo's day: 2025-12-06


def test_stale_rates_are_named_to_the_coordinator_until_current_ones_are_loaded(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    wired.clock.at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    coordinator, contributor = client_for("coordinator"), client_for("contributor-nld")
    page = coordinator.get("/").text
    latest = wired.fx.latest_day(date(2026, 11, 30))
    assert latest is not None and latest < date(2026, 11, 23)
    assert WARNING in page
    assert f"the latest is of {latest}" in page
    assert "cannot be received today" in page and "purldesk fx update" in page
    assert WARNING not in contributor.get("/").text

    today_rate = rates.SetRate(
        currency="USD", rate_date=date(2026, 11, 30), per_eur=Decimal("1.0412"), source="test"
    )
    wired.run(today_rate, actor=operator("test"), request_id="t")
    assert WARNING not in coordinator.get("/").text
