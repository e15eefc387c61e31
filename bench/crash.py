"""Crash run: `purldesk serve` SIGKILLed --kills times under --clients clients that pledge and
receive money with idempotency keys, restarted each time; then every acknowledged write must be
there exactly once, none half there, and the ledger and the audit log must verify.

The harness is tests/crash_world.py, which the short test (tests/integration/test_crash_kills.py)
runs with a few kills; this runs it long, on a fresh database (a temporary SQLite file, or a new
schema at the PostgreSQL URL given).

    .venv/bin/python bench/crash.py [--kills 20] [--clients 8] [--seed 1]
    .venv/bin/python bench/crash.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from growth import database, machine

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from crash_world import Plan, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs (default 20)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--db", default=None, help="SQLAlchemy URL (default: temporary SQLite)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the random moments")
    parser.add_argument("--min-s", type=float, default=0.5, help="least load before a kill")
    parser.add_argument("--max-s", type=float, default=3.0, help="most load before a kill")
    parser.add_argument("--give-up", type=float, default=0.1, help="chance a client gives up")
    args = parser.parse_args()
    plan = Plan(
        kills=args.kills, clients=args.clients, between_s=(args.min_s, args.max_s),
        give_up=args.give_up, seed=args.seed,
    )  # fmt: skip
    print(machine())
    with database(args.db) as url, tempfile.TemporaryDirectory() as folder:
        print(f"database: {make_url(url).get_backend_name()}; {plan}")
        started = time.monotonic()
        outcome = run(url, plan, log=Path(folder) / "serve.log")
        print(f"{time.monotonic() - started:.0f} s")
    print(outcome.summary())
    print(f"operations acknowledged: {outcome.pledges + outcome.receipts}")
    print(f"kills: {outcome.kills}")
    print(f"lost: {outcome.lost}")
    print(f"duplicated: {outcome.duplicated}")
    for finding in outcome.findings:
        print(f"finding: {finding}")
    if outcome.findings:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
