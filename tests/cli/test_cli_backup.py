"""`purldesk backup` and `purldesk restore` on SQLite and PostgreSQL: a backup taken while
pledges and receipts keep being written restores into an empty database whose ledger verifies
and whose head is the backup's, one the source's ledger passed through; a backup only
replaces its file when complete; a database with anything in it is not restored into."""

from __future__ import annotations

import json
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from database_world import CHEAP_PASSWORDS
from purldesk.bootstrap import build
from purldesk.config import load_settings
from purldesk.domain.access import operator
from purldesk.domain.errors import InvalidInput
from purldesk.domain.ledger import LedgerEntry
from purldesk.domain.money import Money, currency
from purldesk.entrypoints.cli.app import app
from purldesk.entrypoints.cli.files import replace_file
from purldesk.services import contributions

pytestmark = pytest.mark.both_databases

WRITER = operator("test-writer")
# A day the bundled ECB rates cover, so each receipt converts EUR to USD.
PAID_AT = datetime(2025, 10, 6, 12, tzinfo=UTC)
WAIT_S = 120  # only reached if the code under test hangs


def run(db: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, (result.stdout + result.stderr).replace("\n", "")


def entries(url: str) -> list[LedgerEntry]:
    wired = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    try:
        with wired.uow() as uow:
            return uow.ledger.entries()
    finally:
        wired.close()


def pledge_and_receive_until(url: str, done: threading.Event, first: threading.Event) -> int:
    """Pledge and receive, one contribution after another, until `done` was set before one
    began: so at least one is written before `first` is set and one after `done`. How many."""
    wired = build(load_settings(database_url=url), passwords=CHEAP_PASSWORDS)
    written = 0
    try:
        while True:
            finishing = done.is_set()
            at = PAID_AT + timedelta(seconds=written)
            made = wired.run(
                contributions.Pledge(contributor="NLD", amount=Money(1_000_000 + written, currency("EUR"))),
                actor=WRITER, request_id=f"pledge-{written}", at=at,
            )  # fmt: skip
            wired.run(
                contributions.Receive(contribution_id=made.id, on=date(2025, 10, 6)),
                actor=WRITER, request_id=f"receive-{written}", at=at,
            )  # fmt: skip
            written += 1
            first.set()
            if finishing:
                return written
    finally:
        first.set()  # a writer that failed does not keep the backup waiting
        wired.close()


def test_a_backup_taken_while_money_is_written_restores_to_its_own_head(
    demo_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    before = len(entries(demo_url))
    done, first = threading.Event(), threading.Event()
    file = tmp_path / "backup.json"
    with ThreadPoolExecutor(max_workers=1) as pool:
        writer = pool.submit(pledge_and_receive_until, demo_url, done, first)
        assert first.wait(WAIT_S)
        code, said = run(demo_url, "backup", str(file))
        done.set()
        written = writer.result(timeout=WAIT_S)
    assert code == 0, said
    document = json.loads(file.read_text(encoding="utf-8"))
    backed_up = len(document["ledger"])
    head = document["ledger"][-1]["hash"]
    assert f"backed up {backed_up} ledger entries" in said and head in said
    # The backup holds a state the source's ledger passed through, while it went on growing.
    after = entries(demo_url)
    assert before < backed_up < len(after) == before + 2 * written  # a pledge, a receipt
    assert after[backed_up - 1].hash == head
    restored_code, restored = run(empty_database_url, "restore", str(file))
    assert restored_code == 0, restored
    assert f"{backed_up} entries, head {head}" in restored
    assert "the head equals the backup's" in restored
    verify_code, verified = run(empty_database_url, "ledger", "verify")
    assert verify_code == 0 and "ledger holds" in verified, verified
    assert [e.hash for e in entries(empty_database_url)] == [e.hash for e in after[:backed_up]]


def test_a_database_with_anything_in_it_is_not_restored_into(demo_url: str, tmp_path: Path) -> None:
    file = tmp_path / "backup.json"
    assert run(demo_url, "backup", str(file))[0] == 0
    held = len(entries(demo_url))
    code, said = run(demo_url, "restore", str(file))
    assert code == 4 and "the database is not empty" in said
    assert len(entries(demo_url)) == held


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_backup_that_cannot_be_written_leaves_nothing(demo_url: str, tmp_path: Path) -> None:
    code, said = run(demo_url, "backup", str(tmp_path / "missing" / "backup.json"))
    assert code == 2 and "cannot be written" in said
    assert not (tmp_path / "missing").exists()


def test_a_file_is_replaced_only_when_written_whole(tmp_path: Path) -> None:
    file = tmp_path / "backup.json"
    file.write_bytes(b"the previous backup")

    def interrupted(_written: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        replace_file(file, b"x" * 10, chunk_bytes=4, progress=interrupted)
    assert file.read_bytes() == b"the previous backup"
    assert [p.name for p in tmp_path.iterdir()] == ["backup.json"]
    pieces: list[int] = []
    replace_file(file, b"x" * 10, chunk_bytes=4, progress=pieces.append)
    assert (file.read_bytes(), pieces) == (b"x" * 10, [4, 4, 2])
    with pytest.raises(InvalidInput, match="cannot be written"):
        replace_file(tmp_path / "no" / "such.json", b"x")
    assert stat.filemode(file.stat().st_mode) == "-rw-------"  # a backup is everything
