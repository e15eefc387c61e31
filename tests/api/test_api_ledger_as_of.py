"""GET /api/v1/ledger/balances?as_of=DAY over HTTP: the balances of the entries recorded by the
end of that day (UTC), as each reader may see them; a day after today is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from api_world import World
from test_api_package_lifecycle import endorsed_with_money

pytestmark = pytest.mark.both_databases

API = "/api/v1"


def balances(world: World, who: str, **params: Any) -> dict[str, int]:
    rows = world.get(who, f"{API}/ledger/balances", limit=500, **params)["items"]
    return {r["account"]: r["balance_minor"] for r in rows}


def test_balances_as_of_a_day_are_those_recorded_by_its_end(world: World) -> None:
    endorsed_with_money(world)  # NLD's money received on 2025-10-01 (the clock's day)
    first_day = balances(world, "auditor")
    world.clock.at += timedelta(days=1)
    world.post("coordinator", f"{API}/cycles/1/allocation", {"on": "2025-10-01"})
    later = balances(world, "auditor")
    assert any(account.startswith("obligated:") for account in later)
    assert balances(world, "auditor", as_of="2025-10-01") == first_day != later
    assert balances(world, "auditor", as_of="2025-10-02") == later
    assert balances(world, "auditor", as_of="2025-09-30") == {}
    # A contributor reads its own accounts only, as of a day too.
    own = balances(world, "contributor", as_of="2025-10-01")
    assert own == {a: v for a, v in first_day.items() if a.endswith("C-00001")} != {}
    assert balances(world, "contributor_other", as_of="2025-10-02") == {}


def test_a_day_after_today_is_refused_naming_the_field(world: World) -> None:
    response = world.client.get(
        f"{API}/ledger/balances", params={"as_of": "2025-10-02"}, headers=world.headers("auditor")
    )
    assert response.status_code == 422
    assert response.json()["field"] == "as_of"
