"""What web tests share besides fixtures: the fixed clock, the secret pledge, CSRF scraping,
logging in."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from purldesk.demo import scenario
from purldesk.domain.money import Money

NOW = datetime(2025, 12, 6, 9, 0, tzinfo=UTC)
# A confidential Korean pledge, received and allocated, with an amount that appears nowhere else.
SECRET_AMOUNT = Money.of(9_876_543_210, "KRW")
SECRET_TEXT = "9,876,543,210"


class FixedClock:
    def __init__(self, at: datetime = NOW) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None, "the page has no form with a CSRF token"
    return found.group(1)


def log_in(client: TestClient, name: str) -> None:
    """Log `client` in as the named demo user."""
    form = client.get("/login")
    response = client.post("/login", data={
        "username": name, "password": scenario.DEMO_PASSWORD, "next": "/",
        "csrf_token": csrf_of(form.text),
    })  # fmt: skip
    assert response.status_code == 303, response.text
