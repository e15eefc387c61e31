"""Checkpoint, prove and verify on a ledger of a million entries.

    .venv/bin/python bench/merkle.py                         # 1,000,000 entries, temporary SQLite
    .venv/bin/python bench/merkle.py --entries 100000
    .venv/bin/python bench/merkle.py --db postgresql+psycopg://postgres@127.0.0.1:5432/test

The ledger is made of real entries, written by the ledger adapter (`SqlLedger.append`, in
transactions of 10,000), so entries, postings, the hash chain and the Merkle tree are what the
product stores; only the services are bypassed, which would take hours to write a million
entries. Each of 10,000 USD contributions (rows stored too) is pledged, received, then moved
to a package and back 49 times: 100 entries each, 2 or 4 postings each. Not timed as a result.

Timed, on that database (`time.perf_counter`, median of --repeats runs where repeatable):
  tree        the Merkle tree of all the entries' hashes, built in memory (merkle.extend)
  append      one more transaction appended (entries, postings, tree), committed
  checkpoint  `purldesk ledger checkpoint`'s command through the handler: sign both trees'
              heads, store, audit, commit
  prove       `ledger prove`'s service: one contribution's 100 entries, their inclusion
              proofs and a consistency proof from the first checkpoint
  check       `proof check`'s work on that proof, offline: parse, two signatures, 100
              inclusion proofs, one consistency proof
  verify      `ledger verify --checkpoint` whole: read every entry and posting, the chain,
              balances and accounting, derived rows, both trees against both checkpoints
  verify-tree the Merkle part of verify alone: the tree of a million recomputed leaves,
              with its roots at each checkpoint's size
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TypeVar

from rich.console import Console
from rich.table import Table

from growth import database, machine
from purldesk import bootstrap
from purldesk.config import Settings
from purldesk.domain import checkpoints, ledger, merkle, proofs
from purldesk.domain.access import OPERATOR, operator
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.ledger import LedgerTransaction, TransactionKind
from purldesk.domain.money import USD, Money, convert
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.services import ledger as ledger_service
from purldesk.services import proofs as proving

T = TypeVar("T")
AT = datetime(2025, 12, 5, 12, tzinfo=UTC)
ON = date(2025, 12, 5)
PER_CONTRIBUTION = 100  # pledge, receipt, then 49 times to a package and back
BATCH = 10_000
AMOUNT = Money(10_000_000, USD)
MOVED = Money(1_000_000, USD)


def history(contribution_id: int) -> Iterator[LedgerTransaction]:
    yield ledger.transfer(
        TransactionKind.PLEDGE, source=ledger.pledged(contribution_id),
        destination=ledger.receivable(contribution_id), amount=AMOUNT, occurred_on=ON,
        contribution_id=contribution_id,
    )  # fmt: skip
    conversion = convert(AMOUNT, target=USD, rate=Decimal(1), rate_date=ON, source="ECB")
    yield ledger.receipt(contribution_id, conversion, occurred_on=ON)
    pool, obligated = ledger.pool(contribution_id), ledger.obligated(1, contribution_id)
    for _ in range((PER_CONTRIBUTION - 2) // 2):
        for kind, source, destination in (
            (TransactionKind.ALLOCATION, pool, obligated),
            (TransactionKind.RELEASE, obligated, pool),
        ):
            yield ledger.transfer(
                kind, source=source, destination=destination, amount=MOVED, occurred_on=ON,
                contribution_id=contribution_id, package_id=1,
            )  # fmt: skip


def contribution(contribution_id: int) -> Contribution:
    conversion = convert(AMOUNT, target=USD, rate=Decimal(1), rate_date=ON, source="ECB")
    return Contribution(
        id=ContributionId(contribution_id), contributor=ParticipantCode("NLD"), amount=AMOUNT,
        pledged_on=ON, status=ContributionStatus.RECEIVED, received_on=ON, conversion=conversion,
    )  # fmt: skip


def fill(app: bootstrap.Application, entries: int, console: Console) -> None:
    """`entries` entries, in contributions of PER_CONTRIBUTION, and the contributions' rows."""
    count = entries // PER_CONTRIBUTION
    with app.uow() as uow:
        uow.participants.add(
            Participant(ParticipantCode("NLD"), "Netherlands", ParticipantKind.ALLY,
                        ParticipantStatus.JOINED)
        )  # fmt: skip
        for contribution_id in range(1, count + 1):
            uow.contributions.add(contribution(contribution_id))
        uow.commit()
    pending: list[LedgerTransaction] = []
    started = time.perf_counter()
    for contribution_id in range(1, count + 1):
        pending.extend(history(contribution_id))
        if len(pending) >= BATCH or contribution_id == count:
            with app.uow() as uow:
                uow.ledger.append(pending, recorded_at=AT)
                uow.commit()
            pending = []
            if contribution_id % (count // 10 or 1) == 0:
                done = contribution_id * PER_CONTRIBUTION
                console.print(f"  {done:,} entries written ({time.perf_counter() - started:.0f} s)")


Seconds = tuple[float, float]  # wall, CPU


def timed(work: Callable[[], T], repeats: int) -> tuple[T, Seconds]:
    """The result of the first run, and the median wall and CPU time of `repeats` runs (on
    SQLite the database works in this process: CPU time is steadier on a busy machine)."""
    walls, cpus, results = [], [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        results.append(work())
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return results[0], (statistics.median(walls), statistics.median(cpus))


def measure(
    url: str, entries: int, repeats: int, console: Console
) -> list[tuple[str, Seconds, str]]:
    app = bootstrap.build(Settings(database_url=url))
    rows: list[tuple[str, Seconds, str]] = []
    try:
        started = time.perf_counter()
        fill(app, entries, console)
        console.print(f"setup: {entries:,} entries in {time.perf_counter() - started:.0f} s")
        as_operator = {"actor": operator("bench"), "request_id": "bench"}
        first = app.run(ledger_service.TakeCheckpoint(), **as_operator)
        with app.uow() as uow:
            hashes = [checkpoints.leaf(e.hash) for e in uow.ledger.entries_of(1)]
        leaves = hashes * (entries // len(hashes))  # a million leaves; their values do not matter
        _, seconds = timed(lambda: merkle.extend(merkle.Frontier(), leaves), repeats)
        rows.append(("tree", seconds, f"{len(leaves):,} leaves in memory"))

        def append_one() -> None:
            moves = list(history(1))[2:4]  # to the package and back: no derived row changes
            with app.uow() as uow:
                uow.ledger.append(moves, recorded_at=AT + timedelta(days=1))
                uow.commit()

        _, seconds = timed(append_one, repeats)
        rows.append(("append", seconds, "1 write of 2 entries, committed"))
        _, seconds = timed(lambda: app.run(ledger_service.TakeCheckpoint(), **as_operator), repeats)
        rows.append(("checkpoint", seconds, "sign, store, audit, commit"))
        contribution_id = ContributionId(entries // PER_CONTRIBUTION // 2)
        document, seconds = timed(
            lambda: proving.prove(
                app.uow(), viewer=OPERATOR, contribution_id=contribution_id, since=first.seq
            ),
            repeats,
        )
        rows.append(("prove", seconds, f"{len(document['entries'])} entries + consistency"))
        signer = app.signer
        text = proofs.proof_text(document)
        _, seconds = timed(
            lambda: proofs.check(text, key_id=signer.key_id, verify=signer.verify), repeats
        )
        rows.append(("check", seconds, f"{len(text):,} bytes, offline"))
        latest = app.run(ledger_service.TakeCheckpoint(), **as_operator)
        (checked, found), seconds = timed(
            lambda: ledger_service.verify(app.uow(), signer=signer, against=latest), 1
        )  # once: it takes a while
        assert not found, found[:5]
        rows.append(("verify", seconds, f"{checked:,} entries, no finding"))
        with app.uow() as uow:
            every = uow.ledger.entries()
        recomputed = [checkpoints.leaf(ledger.rehash(e)) for e in every]
        _, seconds = timed(
            lambda: checkpoints.roots_at(recomputed, (first.ledger.size, latest.ledger.size)),
            repeats,
        )
        rows.append(("verify-tree", seconds, "the Merkle part of verify"))
    finally:
        app.close()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--db", help="a PostgreSQL URL (default: a temporary SQLite file)")
    options = parser.parse_args()
    console = Console()
    console.print(machine())
    with database(options.db) as url:
        rows = measure(url, options.entries, options.repeats, console)
    table = Table("operation", "wall (s)", "CPU (s)", "what")
    for name, (wall, cpu), what in rows:
        table.add_row(name, f"{wall:.3f}", f"{cpu:.3f}", what)
    console.print(table)


if __name__ == "__main__":
    main()
