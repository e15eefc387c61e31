"""The server SIGKILLed at random moments under clients that pledge and receive money with
idempotency keys, on SQLite and on PostgreSQL: every acknowledged write is there exactly once,
none is half there, and the ledger and the audit log verify (tests/crash_world.py; the long
run is bench/crash.py)."""

from __future__ import annotations

from pathlib import Path

from crash_world import Plan, Tally, check, run, seed
from purldesk.bootstrap import build
from purldesk.config import load_settings
from purldesk.domain.access import operator
from purldesk.domain.money import USD, Money
from purldesk.services import contributions


def test_kills_lose_nothing_acknowledged_and_apply_nothing_twice(
    database_url: str, tmp_path: Path
) -> None:
    plan = Plan(kills=3, clients=4, between_s=(0.5, 1.5), give_up=0.2, seed=17)

    outcome = run(database_url, plan, log=tmp_path / "serve.log", say=lambda _line: None)

    assert outcome.findings == []
    assert (outcome.lost, outcome.duplicated, outcome.kills) == (0, 0, 3)
    assert outcome.pledges > 0
    assert outcome.receipts > 0
    assert outcome.retries + outcome.abandoned > 0  # the kills cut requests off


def test_the_check_finds_a_write_lost_and_a_write_applied_twice(database_url: str) -> None:
    seed(database_url, clients=1)
    wired = build(load_settings(database_url=database_url))
    try:
        for _twice in range(2):  # as a retry with a new key would
            pledge = contributions.Pledge(
                contributor="NLD", amount=Money(12_345, USD), purpose="c0-1-pledge"
            )
            wired.run(pledge, actor=operator("test"), request_id="r")
    finally:
        wired.close()
    tally = Tally(pledged={"c0-1-pledge": (1, "USD", 12_345), "c0-2-pledge": (3, "USD", 500)})

    outcome = check(database_url, tally, kills=0)

    assert (outcome.lost, outcome.duplicated) == (1, 1)
    assert outcome.findings == [
        "pledge c0-1-pledge is stored 2 times",
        "acknowledged pledge c0-2-pledge (id 3) is missing",
    ]
