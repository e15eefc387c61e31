"""Time every command that reads on one or more databases, side by side, to see what grows.

    .venv/bin/python bench/commands.py --db sqlite:////tmp/demo.sqlite3 --db sqlite:////tmp/grown.sqlite3
    .venv/bin/python bench/commands.py --db ... --runs 3 --only "export,ledger verify" --markdown

Each database is timed in a process of its own (one process timing several in turn slows the
later ones), and each command runs there through Typer's CliRunner, as `purldesk ... --db URL`
would (its own engine, its unit of work, its output), `--runs` times after one warm-up. The table gives the median wall and CPU milliseconds (`time.process_time`:
SQLite works in this process, PostgreSQL elsewhere, so read wall time there) per database, the
ratios of the last database's times to the first's, the rows the command fetched from the
database (as the tests count them, `tests/sql_costs.py`, over every engine) and the size of
its output (standard output, or the file it writes). A command that fails shows its exit code.

The subjects are found in each database as `bench/reads.py` finds them (the latest cycle, its
first package and line, the contributor NLD), with the latest endorsed cycle for `allocate` (a
preview: never --commit) and `whatif`, and NLD's first contribution for `ledger prove`. The
files some commands read (an export, a backup, a proof) are written once per database,
untimed. An SQLite file is copied first and the copy is read, so the file given is left as it
was (a copy with no checkpoint gets one signed, so that it has a proof). A command that writes
(`import` and `restore` into an empty database, `ledger checkpoint`) runs against a database
made for each run, untimed: an empty one (a temporary SQLite file, or a new schema at a
PostgreSQL URL, dropped after) or a copy (SQLite: the file copied; PostgreSQL: a new schema
the export is imported into).

Commands that only write, or serve, are not timed; `WRITES` names them, and a test
(tests/unit/test_bench_commands.py) fails when the CLI has a command in neither list.
"""

from __future__ import annotations

import argparse
import multiprocessing
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from purldesk import bootstrap
from purldesk.adapters.storage.tables import LedgerEntryRow
from purldesk.config import Settings
from purldesk.domain.requirements import CycleStatus
from purldesk.entrypoints.cli.app import app as cli
from purldesk.services import contributions, packages, requirements

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from growth import database, machine
from reads import CONTRIBUTOR, database_heading, print_markdown, ratio, readable_copy, subjects_of
from sql_costs import SqlCounter

# Where a command that writes runs: a new empty database, or a copy of the one given.
EMPTY, COPY = "empty", "copy"

# (name, arguments with {cycle}, {endorsed}, {package}, {ref}, {contributor}, {contribution},
# {org}, {today}, {key}, {export}, {backup}, {proof} and {out} (a file to write) filled in;
# `--db` is added to every command that takes it, on a fresh database for those marked EMPTY or
# COPY).
COMMANDS: tuple[tuple[str, str, str | None], ...] = (
    ("participants list", "participants list", None),
    ("catalog list", "catalog list", None),
    ("cycles list", "cycles list", None),
    ("requirements list", "requirements list --cycle {cycle}", None),
    ("requirements list --json", "requirements list --cycle {cycle} --json", None),
    ("requirements history", "requirements history {ref} --cycle {cycle}", None),
    ("contributions list", "contributions list", None),
    ("contributions list --json", "contributions list --json", None),
    ("contributions list NLD", "contributions list --contributor {contributor}", None),
    ("packages list", "packages list", None),
    ("packages list --json", "packages list --json", None),
    ("packages show", "packages show {package}", None),
    ("deliveries list", "deliveries list", None),
    ("deliveries list --package", "deliveries list --package {package}", None),
    ("ledger verify", "ledger verify", None),
    ("ledger verify --json", "ledger verify --json", None),
    ("ledger balances", "ledger balances", None),
    ("ledger balances --as-of", "ledger balances --as-of {today}", None),
    ("ledger prove", "ledger prove {contribution} --out {out}", None),
    ("ledger checkpoint (copy)", "ledger checkpoint --json", COPY),
    ("proof check", "proof check {proof} --key {key}", None),
    ("keys public", "keys public", None),
    ("indicators list", "indicators list", None),
    ("fx show", "fx show", None),
    ("reference gdp list", "reference gdp list", None),
    ("policy show", "policy show {org}", None),
    ("policy explain", "policy explain {org} --cycle {endorsed}", None),
    ("users list", "users list", None),
    ("reports transparency", "reports transparency", None),
    ("reports transparency csv", "reports transparency --format csv", None),
    ("reports statement", "reports statement {contributor}", None),
    ("reports statement csv", "reports statement {contributor} --format csv", None),
    ("reports statement xlsx", "reports statement {contributor} --format xlsx --out {out}", None),
    ("reports package", "reports package {package}", None),
    ("reports ocds", "reports ocds {package}", None),
    ("reports ocds --record", "reports ocds {package} --record", None),
    ("reports burden-sharing", "reports burden-sharing", None),
    ("reports forecast", "reports forecast", None),
    ("whatif", "whatif --cycle {endorsed}", None),
    ("allocate (preview)", "allocate --cycle {endorsed}", None),
    ("export", "export", None),
    ("export -o", "export -o {out}", None),
    ("backup", "backup {out}", None),
    ("import (empty db)", "import {export}", EMPTY),
    ("restore (empty db)", "restore {backup}", EMPTY),
)
# Commands not timed: they only write (or serve, or make a database).
WRITES = frozenset({
    "demo", "serve", "db upgrade", "participants add", "catalog import", "cycles open",
    "cycles submit", "cycles endorse", "cycles close", "requirements import", "requirements move",
    "requirements edit", "requirements withdraw", "contributions import", "contributions pledge",
    "contributions commit", "contributions receive", "contributions cancel", "contributions refund",
    "packages propose", "packages validate", "packages accept", "packages top-up",
    "packages close", "packages restrict", "deliveries ship", "deliveries confirm",
    "keys generate", "indicators record", "indicators import", "fx update", "fx set",
    "reference gdp import", "policy set", "users add", "users revoke", "ledger rebuild-balances",
})  # fmt: skip
POLICY_ORG = "KOR"  # the demo's contributor with a policy


@dataclass
class Measured:
    wall_ms: float  # negative: the exit code of a command that failed
    cpu_ms: float
    rows: int
    size: int


def place(url: str) -> dict[str, str]:
    """The subjects of the database at `url`, each as its command-line argument."""
    app = bootstrap.build(Settings(database_url=url))
    try:
        found = subjects_of(app)
        cycles = requirements.list_cycles(app.uow())
        endorsed = [c for c in cycles if c.status is CycleStatus.ENDORSED] or cycles
        package = next(p for p in packages.list_all(app.uow()) if p.id == found.package)
        given = contributions.list_all(app.uow(), contributor=CONTRIBUTOR)
        return {
            "cycle": found.cycle, "endorsed": max(endorsed, key=lambda c: c.id).name,
            "package": package.ref, "ref": found.ref, "contributor": CONTRIBUTOR,
            "contribution": given[0].ref if given else "C-00001", "org": POLICY_ORG,
            "today": app.clock.now().date().isoformat(),
        }  # fmt: skip
    finally:
        app.close()


def invoke(arguments: list[str]) -> tuple[int, bytes]:
    result = CliRunner().invoke(cli, arguments)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout_bytes


def takes_db(arguments: list[str]) -> bool:
    return arguments[:2] not in (["proof", "check"], ["keys", "public"])


@contextmanager
def fresh(url: str, kind: str | None, export: str) -> Iterator[str]:
    """The database a run works on: `url` itself, a new empty one, or a copy of `url`."""
    if kind is None:
        yield url
        return
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and kind == COPY:
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "copy.sqlite3"
            shutil.copyfile(str(parsed.database), copy)
            yield parsed.set(database=str(copy)).render_as_string(hide_password=False)
        return
    with database(None if parsed.get_backend_name() == "sqlite" else url) as made:
        if kind == COPY:
            code, output = invoke(["import", export, "--db", made])
            assert code == 0, output.decode()
        yield made


def measure(
    arguments: list[str], url: str, kind: str | None, export: str, runs: int, out: Path
) -> Measured:
    """Median wall and CPU milliseconds of `runs` runs after a warm-up, rows fetched and
    output size."""
    walls, cpus, code, size = [], [], 0, 0
    counter = SqlCounter(Engine)  # type: ignore[arg-type]  # every engine: commands make theirs
    for run in range(runs + 2):  # a warm-up, a counted run, then the timed runs
        with fresh(url, kind, export) as target:
            given = [a.replace("{out}", str(out)) for a in arguments]
            given += ["--db", target] if takes_db(arguments) else []
            out.unlink(missing_ok=True)
            if run == 1:
                (code, output), cost = counter.measure(partial(invoke, given))
                rows = cost.rows
                size = out.stat().st_size if out.exists() else len(output)
                continue
            started_wall, started_cpu = time.perf_counter(), time.process_time()
            invoke(given)
            if run:
                cpus.append(time.process_time() - started_cpu)
                walls.append(time.perf_counter() - started_wall)
    if code:
        return Measured(-code, -code, rows, size)
    return Measured(statistics.median(walls) * 1000, statistics.median(cpus) * 1000, rows, size)


def prepared(url: str, folder: Path, *, copied: bool) -> dict[str, str]:
    """The subjects and the files the commands read, made once for the database at `url`.
    A database with no checkpoint (bench/growth.py signs none) has no proof: a copy gets one
    signed first; at any other URL `ledger prove` and `proof check` fail (exit 4 and 2)."""
    values = place(url)
    values["key"] = invoke(["keys", "public"])[1].decode().strip()
    proving = ["ledger", "prove", values["contribution"], "--out"]
    if copied and invoke([*proving, str(folder / "proof.json"), "--db", url])[0] == 4:
        invoke(["ledger", "checkpoint", "--db", url])
    for name, command in (("export", ["export", "-o"]), ("backup", ["backup"]), ("proof", proving)):
        values[name] = str(folder / f"{name}.json")
        code, output = invoke([*command, values[name], "--db", url])
        assert code == 0 or name == "proof", f"{command}: {output.decode()}"
    return values


def entries_in(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(LedgerEntryRow)) or 0)
    finally:
        engine.dispose()


def time_commands(url: str, runs: int, only: set[str]) -> tuple[dict[str, Measured], int]:
    """What each command costs on the database at `url`, and its ledger's size."""
    with readable_copy(url) as readable, tempfile.TemporaryDirectory() as folder:
        values = prepared(readable, Path(folder), copied=readable != url)
        found: dict[str, Measured] = {}
        for name, line, kind in COMMANDS:
            if only and name not in only:
                continue
            arguments = [word.format_map(_Keep(values)) for word in line.split()]
            out = Path(folder) / "out"
            found[name] = measure(arguments, readable, kind, values["export"], runs, out)
        return found, entries_in(readable)


class _Keep(dict[str, str]):
    """Fills in the subjects, keeping {out} for each run."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def size_text(size: int) -> str:
    return f"{size / 1e6:,.1f} MB" if size >= 1e6 else f"{size / 1e3:,.1f} kB"


def report(results: list[tuple[str, dict[str, Measured], int]], runs: int, markdown: bool) -> None:
    console = Console()
    table = Table(title=f"median ms of {runs} runs (wall, then CPU)")
    table.add_column("command")
    for url, _found, entries in results:
        table.add_column("wall, " + database_heading(url, entries), justify="right")
    for url, _found, entries in results:
        table.add_column("CPU, " + database_heading(url, entries), justify="right")
    table.add_column("wall last / first", justify="right")
    table.add_column("CPU last / first", justify="right")
    for k in range(len(results)):
        table.add_column(f"rows, db {k + 1}", justify="right")
    for k in range(len(results)):
        table.add_column(f"output, db {k + 1}", justify="right")
    rows = []
    names = [name for name, _line, _kind in COMMANDS]
    for name in (n for n in names if n in results[0][1]):
        measured = [found[name] for _url, found, _entries in results]
        rows.append([
            name, *(cell(m.wall_ms) for m in measured), *(cell(m.cpu_ms) for m in measured),
            ratio([m.wall_ms for m in measured]), ratio([m.cpu_ms for m in measured]),
            *(f"{m.rows:,}" for m in measured),
            *(size_text(m.size) for m in measured),
        ])  # fmt: skip
        table.add_row(*rows[-1])
    console.print(table)
    if markdown:
        dbs = range(1, len(results) + 1)
        print_markdown(
            ["command", *(f"wall, db {k} (ms)" for k in dbs), *(f"CPU, db {k} (ms)" for k in dbs),
             "wall last / first", "CPU last / first", *(f"rows, db {k}" for k in dbs),
             *(f"output, db {k}" for k in dbs)],
            rows,
        )  # fmt: skip


def cell(value: float) -> str:
    return f"{value:,.0f}" if value >= 0 else f"exit {-value:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="a database URL (repeat)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (default 3)")
    parser.add_argument("--only", default="", help="comma-separated names of commands to time")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table too")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = only - {name for name, _line, _kind in COMMANDS}
    if unknown:
        parser.error(f"no such command timed: {', '.join(sorted(unknown))}")
    console = Console()
    console.print(machine())
    results = []
    for url in args.db:
        # Each database in a fresh process: one process timing several in turn slows the
        # later ones (its heap grown by the earlier ones).
        with multiprocessing.get_context("spawn").Pool(1) as fresh:
            found, entries = fresh.apply(time_commands, (url, args.runs, only))
        console.print(f"{url}: {entries:,} ledger entries")
        results.append((url, found, entries))
    report(results, args.runs, args.markdown)


if __name__ == "__main__":
    main()
