"""A write reads what it changes, not the ledger's history.

The same writes (allocate --commit on the demo cycle, then one package's accept, shipment,
receipt and close, and a pledge, a receipt and a refund) are run on the demo database and on
the demo followed by ten times its ledger in closed history. They must issue the same number
of SQL statements and read the same number of rows on both, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

import scenario_world as demo
from database_world import CHEAP_PASSWORDS
from purldesk import bootstrap
from purldesk.adapters.fx import EcbRates
from purldesk.adapters.storage.migrate import upgrade
from purldesk.adapters.storage.tables import LedgerEntryRow, metadata
from purldesk.config import Settings
from purldesk.domain.catalog import ItemCode
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId
from purldesk.domain.requirements import CycleStatus, LineId
from purldesk.services import (
    allocations,
    catalog,
    contributions,
    deliveries,
    packages,
    requirements,
)
from purldesk.services.contribution_rows import ContributionRow
from purldesk.services.requirements import LineRow
from sql_costs import Cost, SqlCounter

T = TypeVar("T")

HISTORY_MONTHS = 3
PAYERS_PER_MONTH = 20  # each pays one lot of the month's package: 5 ledger entries each
HISTORY_PAYERS = ("NLD", "DEU", "CAN", "BEL", "FIN", "LVA", "AUS", "NZL", "NB8", "NORDIC-3")
# One set of FX rates for every application of the test: they take a while to load.
FX = EcbRates()
HISTORY_ITEM = ItemCode("ART-155-HE")
HISTORY_START = date(2024, 1, 1)
AT = datetime(2025, 12, 5, 12, tzinfo=UTC)
ON = date(2025, 12, 5)


def grow_history(app: bootstrap.Application, *, months: int) -> None:
    """Closed months before today's work: a cycle, pledges paid in full, one package that is
    funded exactly, accepted, delivered and closed, so all its money is disbursed."""
    item = next(i for i in catalog.list_all(app.uow()) if i.code == HISTORY_ITEM)
    for month in range(months):
        opens_on = HISTORY_START + timedelta(days=31 * month)
        cycle = requirements.open_cycle(app.uow(), name=f"history-{month:03d}", opens_on=opens_on)
        row = LineRow(1, f"H-{month:03d}-001", 1, item.code, item.lot_size * PAYERS_PER_MONTH,
                      opens_on + timedelta(days=90), "history")  # fmt: skip
        [line] = requirements.import_lines(
            app.uow(), cycle_id=cycle.id, rows=[row], at=AT, by="UKR"
        )
        for status in (CycleStatus.SUBMITTED, CycleStatus.ENDORSED):
            requirements.move_cycle(app.uow(), cycle_id=cycle.id, status=status)
        paid = contributions.import_rows(
            app.uow(), app.fx, at=AT,
            rows=[
                ContributionRow(i + 1, HISTORY_PAYERS[i % len(HISTORY_PAYERS)], item.lot_price,
                                opens_on, opens_on, False, "history")
                for i in range(PAYERS_PER_MONTH)
            ],
        )  # fmt: skip
        package = packages.create_draft(
            app.uow(), cycle_id=cycle.id, name=f"history {month}", target=Money.of(500_000_000, USD),
            lots=[(line.id, PAYERS_PER_MONTH)], on=opens_on, at=AT,
            attributions=[Attribution(c.id, line.id, item.lot_price) for c in paid],
        )  # fmt: skip
        deliver_and_close(app, package.id, on=opens_on)


def deliver_and_close(app: bootstrap.Application, package_id: PackageId, *, on: date) -> None:
    packages.propose(app.uow(), package_id=package_id)
    packages.validate(app.uow(), package_id=package_id)
    packages.accept(app.uow(), package_id=package_id, on=on, at=AT)
    ship_and_confirm(app, package_id, on=on)
    packages.close(app.uow(), package_id=package_id, on=on, at=AT)


def ship_and_confirm(app: bootstrap.Application, package_id: PackageId, *, on: date) -> None:
    for line_id, units in units_to_ship(app, package_id).items():
        shipment = deliveries.ship(
            app.uow(), package_id=package_id, line_id=line_id, quantity=units, shipped_on=on, at=AT
        )
        deliveries.confirm_receipt(app.uow(), shipment_id=shipment.id, received_on=on, at=AT)


def units_to_ship(app: bootstrap.Application, package_id: PackageId) -> dict[LineId, int]:
    """Units of each line of the package not yet shipped."""
    with app.uow() as uow:
        units = deliveries.units_in(uow, uow.packages.get(package_id))
        for shipment in uow.shipments.list(package_id=package_id):
            units[shipment.line_id] -= shipment.quantity
    return {line_id: left for line_id, left in units.items() if left}


def todays_writes(app: bootstrap.Application, counter: SqlCounter) -> dict[str, Cost]:
    """The measured writes, on the demo's cycle and money: the same work on either database."""
    costs: dict[str, Cost] = {}
    cycle = requirements.resolve_cycle(app.uow(), name=demo.CYCLE_NAME)
    proposal, costs["allocate --commit"] = counter.measure(
        lambda: allocations.propose(
            app.uow(),
            cycle_id=cycle.id,
            on=ON,
            target=Money.of(500_000_000, USD),
            at=AT,
            commit=True,
        )
    )
    # The package with the fewest lines, so that delivering it all takes the fewest calls.
    first = min(proposal.committed, key=lambda p: (len(p.lines), p.id)).id
    second = next(p.id for p in proposal.committed if p.id != first)
    packages.propose(app.uow(), package_id=first)
    packages.validate(app.uow(), package_id=first)
    _, costs["accept"] = counter.measure(
        lambda: packages.accept(app.uow(), package_id=first, on=ON, at=AT)
    )
    line_id, units = next(iter(units_to_ship(app, first).items()))
    shipment, costs["ship"] = counter.measure(
        lambda: deliveries.ship(
            app.uow(), package_id=first, line_id=line_id, quantity=units, shipped_on=ON, at=AT
        )
    )
    _, costs["confirm receipt"] = counter.measure(
        lambda: deliveries.confirm_receipt(
            app.uow(), shipment_id=shipment.id, received_on=ON, at=AT
        )
    )
    ship_and_confirm(app, first, on=ON)  # the rest of its lines
    _, costs["close"] = counter.measure(
        lambda: packages.close(app.uow(), package_id=first, on=ON, at=AT)
    )
    _, costs["cancel"] = counter.measure(
        lambda: packages.cancel(app.uow(), package_id=second, on=ON, at=AT)
    )
    pledged, costs["pledge"] = counter.measure(
        lambda: contributions.pledge(
            app.uow(), contributor="NLD", amount=Money.of(1_000_000, "EUR"), pledged_on=ON, at=AT
        )
    )
    _, costs["receive"] = counter.measure(
        lambda: contributions.receive(
            app.uow(), app.fx, contribution_id=pledged.id, received_on=ON, at=AT
        )
    )
    _, costs["refund"] = counter.measure(
        lambda: contributions.refund(
            app.uow(), contribution_id=ContributionId(pledged.id), on=ON, at=AT
        )
    )
    return costs


def application(url: str) -> bootstrap.Application:
    # The demo's dashboard users need argon2 hashes: cheap ones, as nothing here measures them.
    return replace(bootstrap.build(Settings(database_url=url), passwords=CHEAP_PASSWORDS), fx=FX)


def ledger_size(app: bootstrap.Application) -> int:
    with app.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0


@pytest.fixture
def demo_twice(
    database_url: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[str, str]]:
    """The demo, built once in `database_url` and copied into a second database of its kind."""
    app = application(database_url)
    try:
        demo.build(app)
    finally:
        app.close()
    if database_url.startswith("sqlite"):
        copy = tmp_path / "copy.sqlite3"
        source = sqlite3.connect(make_url(database_url).database or "")
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        yield database_url, f"sqlite:///{copy}"
        return
    server = make_url(request.getfixturevalue("postgres_server"))
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    options = make_url(database_url).query["options"]
    source_schema = str(options).removeprefix("-csearch_path=")
    schema = f"purldesk_t_{uuid.uuid4().hex}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = server.update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = url.render_as_string(hide_password=False)
        upgrade(rendered)
        with psycopg.connect(admin) as connection:
            for table in metadata.sorted_tables:
                connection.execute(
                    f'INSERT INTO "{schema}"."{table.name}" '
                    f'SELECT * FROM "{source_schema}"."{table.name}"'
                )
                serial = table.autoincrement_column
                if serial is not None:
                    qualified = f'"{schema}"."{table.name}"'
                    connection.execute(
                        f"SELECT setval(pg_get_serial_sequence('{qualified}', '{serial.name}'), "
                        f"(SELECT COALESCE(MAX({serial.name}), 0) + 1 FROM {qualified}), false)"
                    )
        yield database_url, rendered
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def test_writes_read_the_same_on_the_demo_and_on_ten_times_its_history(
    demo_twice: tuple[str, str],
) -> None:
    found: dict[str, dict[str, Cost]] = {}
    grown: dict[str, int] = {}
    for name, url, months in (("demo", demo_twice[0], 0), ("10x", demo_twice[1], HISTORY_MONTHS)):
        app = application(url)
        try:
            before = ledger_size(app)
            grow_history(app, months=months)
            grown[name] = ledger_size(app) - before
            found[name] = todays_writes(app, SqlCounter(app.engine))
        finally:
            app.close()
    assert grown["demo"] == 0
    assert grown["10x"] >= 10 * before, (grown, before)  # the demo's ledger, ten times over
    assert found["10x"] == found["demo"]
