"""The demo `purldesk demo` builds: PURL's history from July 2025 to February 2026, with each
announced package paid by its announcer, packages in the states their record supports,
deliveries in its last months, a draft cycle for the recipient, and no hypothetical money.

On SQLite, the database `make demo` builds (its build is measured once per worker)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from database_world import CHEAP_PASSWORDS, SqliteFiles
from purldesk.bootstrap import Application, build
from purldesk.config import load_settings
from purldesk.demo import history, scenario
from purldesk.domain.access import PUBLIC
from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.money import Money
from purldesk.domain.packages import PackageId, PackageStatus
from purldesk.domain.participants import ParticipantCode, ParticipantStatus
from purldesk.domain.requirements import CycleStatus
from purldesk.entrypoints.web.app import create_app
from purldesk.services import (
    contributions,
    deliveries,
    ledger,
    packages,
    participants,
    requirements,
)
from purldesk.services.views.overview import overview


@pytest.fixture
def demo(history_file: Path, sqlite_files: SqliteFiles, tmp_path: Path) -> Iterator[Application]:
    url = sqlite_files.copy(tmp_path / "demo.sqlite3", history_file)
    wired = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    yield wired
    wired.close()


def test_the_packages_stand_in_at_least_four_lifecycle_states(demo: Application) -> None:
    states = {p.status for p in packages.list_all(demo.uow())}
    assert states == {
        PackageStatus.CLOSED, PackageStatus.DELIVERED, PackageStatus.DELIVERING,
        PackageStatus.ACCEPTED, PackageStatus.FUNDED, PackageStatus.PROPOSED,
    }  # fmt: skip


def test_each_announced_package_is_paid_by_its_announcer_alone(demo: Application) -> None:
    announced = {1: "NLD", 2: "NORDIC-3", 3: "DEU", 4: "CAN", 6: "NB8"}
    for number, giver in announced.items():
        package = packages.get(demo.uow(), package_id=PackageId(number))
        payers = {
            contributions.get(demo.uow(), contribution_id=part.contribution_id).contributor
            for part in package.attributions
        }
        assert payers == {giver}, package.ref


def test_the_overview_shows_coverage_and_deliveries_of_the_last_months(
    demo: Application,
) -> None:
    view = overview(demo.reader(), viewer=PUBLIC, today=history.LAST_DAY)
    assert view.cycle is not None and view.cycle.name == "2026-01"
    assert any(bar.value_minor > 0 for bar in view.coverage_by_rank)
    assert view.deliveries
    assert max(d.received_on or d.shipped_on for d in view.deliveries) >= date(2026, 2, 1)
    assert len({p.status for p in view.packages}) >= 4


def test_the_current_cycle_is_a_draft_the_recipient_can_work_on(demo: Application) -> None:
    current = requirements.resolve_cycle(demo.uow(), name="2026-02")
    assert current.status is CycleStatus.DRAFT
    lines = requirements.list_lines(demo.uow(), cycle_id=current.id)
    assert len(lines) > 100  # what January left unfunded, carried


def test_korea_is_reviewing_gives_nothing_and_may_not_pledge(demo: Application) -> None:
    found = {p.code: p for p in participants.list_all(demo.uow())}
    assert found[ParticipantCode("KOR")].status is ParticipantStatus.REVIEWING
    assert contributions.list_all(demo.uow(), contributor=ParticipantCode("KOR")) == []
    everything = contributions.list_all(demo.uow())
    assert not [c for c in everything if "hypothetical" in c.purpose.lower()]
    for code, status in (("KOR", "reviewing"), ("JPN", "invited")):
        pledge = contributions.Pledge(contributor=code, amount=Money.of(1_000_000, "USD"))
        with pytest.raises(InvalidInput) as refused:
            demo.run(pledge, actor=scenario.DEMO_OPERATOR, request_id="t")
        assert refused.value.field == "contributor"
        assert status in refused.value.message
    assert len(contributions.list_all(demo.uow())) == len(everything)


def test_the_public_page_shows_no_korean_money(demo: Application) -> None:
    with TestClient(create_app(demo.settings, wired=demo)) as client:
        page = client.get("/public")
    assert page.status_code == 200
    assert "Republic of Korea" not in page.text
    assert "HYPOTHETICAL" not in page.text.upper().replace("NOTHING HYPOTHETICAL", "")


def test_burden_sharing_lists_the_nordic_members_each_with_its_own_share(
    demo: Application,
) -> None:
    with TestClient(create_app(demo.settings, wired=demo)) as client:
        report = client.get("/api/v1/reports/burden-sharing").json()
    nations = {n["code"]: n for n in report["nations"]}
    for member in ("DNK", "NOR", "SWE"):
        assert Decimal(nations[member]["through_groups_usd"]["amount"]) > 0, member
        assert nations[member]["gdp"]["year"] and nations[member]["gdp"]["source"], member
    assert "NORDIC-3" not in {g["code"] for g in report["groups_not_split"]}
    # By hand: the Netherlands received EUR 500M at 1.1565 (ECB, 2025-08-04) = USD 578.25M,
    # over its 2023 GDP of USD 1,118.1B (World Bank).
    netherlands = nations["NLD"]
    assert netherlands["received_usd"]["amount"] == "578250000.00"
    assert netherlands["gdp"]["gdp_usd"] == 1_118_100_000_000
    assert netherlands["share_of_gdp_percent"] == "0.0517"  # 578.25M / 1,118.1B = 0.05172%


def test_the_ledger_verifies_and_a_second_build_changes_nothing(demo: Application) -> None:
    head = ledger.head_hash(demo.uow())
    summary = history.build(demo)
    assert ledger.head_hash(demo.uow()) == head
    assert summary.last_day == history.LAST_DAY
    checked, findings = ledger.verify(demo.uow(), signer=demo.signer)
    assert checked > 40 and findings == []


def test_a_history_built_to_a_day_is_the_start_of_the_whole(
    demo: Application, sqlite_files: SqliteFiles, tmp_path: Path
) -> None:
    url = sqlite_files.copy(tmp_path / "early.sqlite3")
    early = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    try:
        summary = history.build(early, as_of=date(2025, 8, 7))
        assert summary.last_day == date(2025, 8, 7)
        made = packages.list_all(early.uow())
        assert [p.status for p in made] == [PackageStatus.DRAFT, PackageStatus.DRAFT]
        assert deliveries.list_all(early.uow()) == []
        with early.uow() as uow:
            first = [e.hash for e in uow.ledger.entries()]
        with demo.uow() as uow:
            whole = [e.hash for e in uow.ledger.entries()]
        assert len(first) == 6 and first == whole[: len(first)]  # two pledges, receipts, drafts
    finally:
        early.close()


def test_a_database_holding_anything_else_is_refused(demo_url: str) -> None:
    other = build(load_settings(database_url=demo_url), passwords=CHEAP_PASSWORDS)
    try:
        before = len(contributions.list_all(other.uow()))
        with pytest.raises(Conflict, match="not the demo"):
            history.build(other)
        assert len(contributions.list_all(other.uow())) == before
    finally:
        other.close()


def test_a_day_before_the_history_or_before_what_is_built_is_refused(
    demo: Application, sqlite_files: SqliteFiles, tmp_path: Path
) -> None:
    head = ledger.head_hash(demo.uow())
    with pytest.raises(Conflict, match="past 2025-09-01 already"):
        history.build(demo, as_of=date(2025, 9, 1))
    assert ledger.head_hash(demo.uow()) == head
    url = sqlite_files.copy(tmp_path / "none.sqlite3")
    empty = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    try:
        with pytest.raises(InvalidInput) as refused:
            history.build(empty, as_of=date(2025, 7, 1))
        assert refused.value.field == "as_of"
        assert participants.list_all(empty.uow()) == []
    finally:
        empty.close()
