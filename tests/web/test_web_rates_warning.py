"""The coordinator's overview warns when the reference rates are not current, before receipts
in other currencies fail for want of a rate; loading today's rate clears it. Others are not told.
The coordinator and the auditor see the latest rate of USD and of each pledged currency, marked
stale when it is."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from fastapi.testclient import TestClient

from purldesk.bootstrap import Application
from purldesk.domain.access import operator
from purldesk.services import contributions, rates

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


def rate_row(html: str, code: str) -> str:
    found = re.search(rf'<tr id="rate-{code}">(.*?)</tr>', html, re.S)
    assert found is not None, f"no reference rate row for {code}"
    return " ".join(found.group(1).split())


def test_the_coordinator_and_the_auditor_see_the_rates_of_the_pledged_currencies(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    pledged = {c.amount.currency for c in contributions.list_all(wired.uow())} - {"EUR"}
    for name in ("coordinator", "auditor"):
        page = client_for(name).get("/").text
        assert 'id="reference-rates"' in page
        shown = set(re.findall(r'<tr id="rate-([A-Z]{3})">', page))
        assert shown == pledged | {"USD"}
        usd = rate_row(page, "USD")
        latest = wired.fx.latest_day(date(2025, 12, 6))
        assert f"<td>{latest}</td>" in usd and "ECB (bundled)" in usd and "current" in usd
    for name in ("recipient", "contributor-nld", "supplier", None):
        assert 'id="reference-rates"' not in client_for(name).get("/").text


def test_a_stale_rate_is_marked_and_a_rate_loaded_today_is_current(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    wired.clock.at = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    coordinator = client_for("coordinator")
    assert '<b class="status">stale</b>: 31 days old' in rate_row(coordinator.get("/").text, "USD")

    today_rate = rates.SetRate(
        currency="USD", rate_date=date(2026, 11, 30), per_eur=Decimal("1.0412"), source="test"
    )
    wired.run(today_rate, actor=operator("test"), request_id="t")
    usd = rate_row(coordinator.get("/").text, "USD")
    assert "1.0412" in usd and "test, loaded 2026-11-30" in usd and "current" in usd
