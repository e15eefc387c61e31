"""Build the demo database (`purldesk demo`) on a fresh SQLite file, in this process, and print
the CPU seconds and the SQL statements it took: the median of `--runs` builds.

    .venv/bin/python bench/demo_build.py --runs 3
    PYTHONPATH=/tmp/older/src .venv/bin/python bench/demo_build.py --runs 3   # an older tree

Statements are counted by an engine listener (every cursor execution); the CPU time is the
process's (`time.process_time`: SQLite works in this process). Each build also prints the
ledger and audit heads, so that two trees can be shown to write the same history.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

import purldesk
from purldesk import bootstrap
from purldesk.adapters.storage.tables import AuditEntryRow, LedgerEntryRow
from purldesk.config import Settings
from purldesk.entrypoints.cli.app import app

STATEMENTS = [0]


@event.listens_for(Engine, "after_cursor_execute")
def _counted(*_args: Any) -> None:
    STATEMENTS[0] += 1


def build(path: Path) -> tuple[float, int]:
    """CPU seconds and statements of one `purldesk demo` into the fresh file `path`."""
    STATEMENTS[0] = 0
    started = time.process_time()
    result = CliRunner().invoke(app, ["demo", "--db", f"sqlite:///{path}"])
    cpu = time.process_time() - started
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return cpu, STATEMENTS[0]


def heads(path: Path) -> str:
    application = bootstrap.build(Settings(database_url=f"sqlite:///{path}"))
    try:
        with application.engine.connect() as connection:
            found = []
            for table in (LedgerEntryRow, AuditEntryRow):
                last = select(func.max(table.seq)).scalar_subquery()
                found.append(
                    connection.execute(select(table.seq, table.hash).where(table.seq == last)).one()
                )
        return ", ".join(f"{seq} {digest[:16]}…" for seq, digest in found)
    finally:
        application.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="builds to time (default 3)")
    args = parser.parse_args()
    print(f"purldesk from {Path(purldesk.__file__).parent}")
    cpus, counts = [], []
    with tempfile.TemporaryDirectory() as folder:
        for run in range(args.runs):
            path = Path(folder) / f"demo-{run}.sqlite3"
            cpu, statements = build(path)
            cpus.append(cpu)
            counts.append(statements)
            print(
                f"build {run + 1}: {cpu:.2f} s CPU, {statements:,} statements; heads {heads(path)}"
            )
    print(
        f"median: {statistics.median(cpus):.2f} s CPU, {statistics.median(counts):,.0f} statements"
    )


if __name__ == "__main__":
    main()
