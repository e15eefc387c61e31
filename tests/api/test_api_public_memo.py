"""The public transparency report is kept while nothing changes, and never served stale: a
command, a new day or another cycle asked for reads it anew. On both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from api_world import World
from fastapi.testclient import TestClient
from test_api_reports import build_world

from purldesk.bootstrap import build
from purldesk.entrypoints.web.app import create_app
from purldesk.services.memo import StateMark, ViewMemo
from purldesk.services.views.transparency import transparency
from sql_costs import SqlCounter

pytestmark = pytest.mark.both_databases

REPORT = "/api/v1/reports/transparency"


def public_report(world: World) -> Any:
    response = world.client.get(REPORT)
    assert response.status_code == 200, response.text
    return response.json()


def fresh_report(world: World) -> Any:
    """The report as a process that never read it before computes it."""
    other = build(world.wired.settings, clock=world.clock)
    try:
        with other.reader() as reader:
            mark = reader.state_mark()
        assert mark == reader_mark(world)
        view = transparency(other.reader(), today=world.clock.at.date())
        return view
    finally:
        other.close()


def reader_mark(world: World) -> StateMark:
    with world.wired.reader() as reader:
        return reader.state_mark()


def test_a_second_read_is_served_from_the_memo_and_reads_only_the_mark(world: World) -> None:
    build_world(world)
    counter = SqlCounter(world.wired.engine)
    first, cost_first = counter.measure(lambda: public_report(world))
    second, cost_second = counter.measure(lambda: public_report(world))
    assert second == first
    # The state mark only (and, on PostgreSQL, the statement that makes the read a snapshot).
    assert cost_second.rows == 1 and cost_second.statements <= 2
    assert cost_first.statements > 5


def test_a_command_moves_the_mark_and_the_report_shows_it_at_once(world: World) -> None:
    build_world(world)
    before = public_report(world)
    mark = reader_mark(world)
    refused = world.client.post(
        "/api/v1/packages/1/shipments", json={}, headers=world.headers("coordinator")
    )
    assert refused.status_code == 403  # refused: nothing moves
    assert reader_mark(world) == mark
    world.post(
        "contributor",
        "/api/v1/contributions",
        {"contributor": "NLD", "amount": "250000", "currency": "USD", "pledged_on": "2025-08-05"},
    )
    assert reader_mark(world) > mark
    after = public_report(world)
    assert after["pledged"] != before["pledged"]
    assert {"amount_minor": 25_000_000, "amount": "250000.00", "currency": "USD"} in after[
        "pledged"
    ]
    assert after["contributions"] == before["contributions"] + 1


def test_the_memo_keeps_each_day_and_cycle_apart(world: World) -> None:
    build_world(world)
    today = public_report(world)
    world.clock.at += timedelta(days=1)
    tomorrow = public_report(world)
    assert tomorrow["as_of"] != today["as_of"]
    assert world.client.get(REPORT, params={"cycle": "no-such-cycle"}).status_code == 404
    assert public_report(world) == tomorrow


def test_what_the_memo_serves_equals_what_a_fresh_process_computes(world: World) -> None:
    build_world(world)
    public_report(world)
    kept = world.wired.reader().memo
    assert isinstance(kept, ViewMemo)
    mark = reader_mark(world)
    key = ("transparency", mark, world.clock.at.date(), None, "groups")
    fresh = fresh_report(world)
    served = kept.get(key, lambda: None)  # present: never computed again
    assert served is not None
    assert served == fresh


def test_the_memo_keeps_only_the_latest_views() -> None:
    memo = ViewMemo(kept=2)
    calls: list[str] = []

    def compute(name: str) -> str:
        calls.append(name)
        return name.upper()

    assert memo.get("a", lambda: compute("a")) == "A"
    assert memo.get("a", lambda: compute("a")) == "A"
    assert memo.get("b", lambda: compute("b")) == "B"
    assert memo.get("a", lambda: compute("a")) == "A"  # a is the latest used now
    assert memo.get("c", lambda: compute("c")) == "C"  # b goes
    assert memo.get("b", lambda: compute("b")) == "B"
    assert calls == ["a", "b", "c", "b"]


BURDEN = "/api/v1/reports/burden-sharing"


def test_the_public_burden_sharing_is_kept_too_and_follows_a_pledge(world: World) -> None:
    build_world(world)
    counter = SqlCounter(world.wired.engine)
    first, _ = counter.measure(lambda: world.client.get(BURDEN).json())
    second, cost = counter.measure(lambda: world.client.get(BURDEN).json())
    assert second == first
    assert cost.rows == 1 and cost.statements <= 2  # the state mark
    made = world.post(
        "contributor",
        "/api/v1/contributions",
        {"contributor": "NLD", "amount": "250000", "currency": "USD", "pledged_on": "2025-08-05"},
    )
    world.post("coordinator", f"/api/v1/contributions/{made['id']}/receive", {"on": "2025-08-05"})
    after = world.client.get(BURDEN).json()
    assert after != first
    other = build(world.wired.settings, clock=world.clock)
    try:
        fresh = other.reader()
        with fresh:
            assert fresh.state_mark() == reader_mark(world)
        fresh_app = create_app(other.settings, wired=other)
        assert TestClient(fresh_app).get(BURDEN).json() == after
    finally:
        other.close()
