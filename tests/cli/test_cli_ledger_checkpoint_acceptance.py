"""Issue 14's acceptance on the demo, allocated, on SQLite and PostgreSQL: after a checkpoint,
deleting the last entry or the last three (with their postings) in SQL makes
`ledger verify --checkpoint` fail naming the truncation, even with the stored checkpoints
deleted too; rewriting an entry and re-sealing the chain after it fails too; an edited
contribution's usd_minor or attribution fails `ledger verify` naming the row; the audit log
cut short is named by the audit check."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from database_world import Seeded, build_demo
from purldesk.bootstrap import build
from purldesk.config import load_settings
from purldesk.domain import ledger
from purldesk.domain.access import Actor, Role, UserId
from purldesk.domain.participants import ParticipantCode
from purldesk.entrypoints.cli.app import app
from purldesk.services import audit

pytestmark = pytest.mark.both_databases


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def demo_allocated(url: str) -> None:
    build_demo(url)
    code, out, err = run(url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit")
    assert code == 0, out + err


@pytest.fixture
def allocated(seeded: Seeded) -> str:
    """The demo with the allocation of 2025-12-05 committed (built once, then copied)."""
    return seeded("demo allocated on 2025-12-05", demo_allocated)


def sql(url: str, *statements: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(sa.text(statement))
    finally:
        engine.dispose()


def scalar(url: str, query: str) -> Any:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(sa.text(query)).scalar_one()
    finally:
        engine.dispose()


def checkpoint(url: str, tmp_path: Path) -> Path:
    out = tmp_path / "checkpoint.json"
    code, _, err = run(url, "ledger", "checkpoint", "--out", str(out))
    assert code == 0, err
    return out


def findings(url: str, *options: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, err = run(url, "ledger", "verify", "--json", *options)
    assert code in (0, 6), err
    return code, json.loads(out)["findings"]


def test_the_allocated_demo_verifies_against_its_checkpoint(allocated: str, tmp_path: Path) -> None:
    published = checkpoint(allocated, tmp_path)
    assert findings(allocated, "--checkpoint", str(published)) == (0, [])
    code, out, _ = run(allocated, "ledger", "verify", "--checkpoint", str(published))
    assert code == 0
    assert "derived rows agree, every checkpoint extended" in out


@pytest.mark.parametrize("removed", [1, 3])
def test_entries_deleted_from_the_end_fail_naming_the_truncation(
    allocated: str, tmp_path: Path, removed: int
) -> None:
    published = checkpoint(allocated, tmp_path)
    size = scalar(allocated, "SELECT max(seq) FROM ledger_entries")
    last = f"seq > {size - removed}"
    sql(
        allocated,
        f"DELETE FROM ledger_postings WHERE entry_{last}",
        f"DELETE FROM ledger_entries WHERE {last}",
        "DELETE FROM ledger_checkpoints",  # the operator covers its tracks: only the file is left
    )
    code, found = findings(allocated, "--checkpoint", str(published))
    assert code == 6
    (truncated,) = [f for f in found if f["rule"] == "truncated"]
    first = size - removed + 1
    assert truncated["message"] == (
        f"the ledger has {size - removed} entries but CP-{_seq(published)} signed {size}: "
        f"{removed} removed from its end (entries {first}–{size})"
    )
    code, out, _ = run(allocated, "ledger", "verify", "--checkpoint", str(published))
    assert code == 6
    assert f"{removed} removed from its end" in out
    assert findings(allocated)[0] == 6  # the stored tree no longer matches the entries


def _seq(published: Path) -> int:
    return int(json.loads(published.read_text())["seq"])


def test_an_entry_rewritten_with_its_chain_resealed_fails_against_the_checkpoint(
    allocated: str, tmp_path: Path
) -> None:
    published = checkpoint(allocated, tmp_path)
    wired = build(load_settings(database_url=allocated))
    try:
        with wired.uow() as uow:
            entries = uow.ledger.entries()
    finally:
        wired.close()
    prev, statements = entries[0].hash, []
    for entry in entries[1:]:  # entry 2's memo changed, every hash after it recomputed
        tx = entry.transaction
        memo = "rewritten" if entry.seq == 2 else tx.memo
        digest = ledger.entry_hash(entry.seq, entry.recorded_at, _with_memo(tx, memo), prev)
        statements.append(
            f"UPDATE ledger_entries SET memo = '{memo.replace(chr(39), chr(39) * 2)}', "
            f"prev_hash = '{prev}', hash = '{digest}' WHERE seq = {entry.seq}"
        )
        prev = digest
    sql(allocated, *statements)
    code, found = findings(allocated, "--checkpoint", str(published))
    assert code == 6
    assert not [f for f in found if f["rule"] in ("hash", "chain")]  # the chain itself holds
    rewritten = {f["row"] for f in found if f["rule"] == "rewritten"}
    assert f"CP-{_seq(published)}" in rewritten
    assert "tree" in {f["rule"] for f in found}


def _with_memo(tx: ledger.LedgerTransaction, memo: str) -> ledger.LedgerTransaction:
    from dataclasses import replace

    return replace(tx, memo=memo)


def test_an_edited_received_usd_is_named(allocated: str) -> None:
    sql(allocated, "UPDATE contributions SET usd_minor = usd_minor + 1 WHERE id = 6")
    code, found = findings(allocated)
    assert code == 6
    # The row disagrees with the ledger, and the totals kept beside the contributions with it.
    assert [(f["row"], f["rule"]) for f in found if f["rule"] != "contribution-total"] == [
        ("contributions C-00006", "contribution-usd")
    ]
    assert [f["rule"] for f in found].count("contribution-total") == 1
    code, out, _ = run(allocated, "ledger", "verify")
    assert code == 6
    assert "contributions C-00006: contribution-usd: contributions C-00006 says USD" in out


def test_an_edited_attribution_is_named(allocated: str) -> None:
    package, contribution = (
        scalar(allocated, "SELECT min(package_id) FROM attributions"),
        scalar(allocated, "SELECT min(contribution_id) FROM attributions WHERE package_id = "
                          "(SELECT min(package_id) FROM attributions)"),
    )  # fmt: skip
    sql(
        allocated,
        "UPDATE attributions SET amount_minor = amount_minor + 100 WHERE position = "
        f"(SELECT min(position) FROM attributions WHERE package_id = {package} "
        f"AND contribution_id = {contribution}) AND package_id = {package}",
    )
    code, found = findings(allocated)
    assert code == 6
    row = f"attributions P-{package:04d} C-{contribution:05d}"
    assert (row, "attribution") in [(f["row"], f["rule"]) for f in found]
    assert (f"packages P-{package:04d}", "package-cost") not in [
        (f["row"], f["rule"]) for f in found
    ]


AUDITOR = Actor(UserId(1), "auditor", ParticipantCode("NATO-NSATU"), Role.AUDITOR)


def test_the_audit_log_cut_short_after_a_checkpoint_is_named(
    allocated: str, tmp_path: Path
) -> None:
    checkpoint(allocated, tmp_path)
    size = scalar(allocated, "SELECT max(seq) FROM audit_entries")
    sql(allocated, f"DELETE FROM audit_entries WHERE seq >= {size - 1}")
    wired = build(load_settings(database_url=allocated))
    try:
        _, found = audit.verify(wired.uow(), actor=AUDITOR)
    finally:
        wired.close()
    assert ("truncated", size - 1) in [(f.rule, f.seq) for f in found]
    code, ledger_found = findings(allocated)
    assert code == 6
    assert "audit-truncated" in {f["rule"] for f in ledger_found}


def test_a_drifted_kept_balance_is_found_by_verify_and_repaired_by_rebuild_balances(
    allocated: str,
) -> None:
    """A kept balance, a contribution total and a substitution effect moved behind the
    ledger's and the bases' back (as a server older than the schema would leave them): verify
    names them, `ledger rebuild-balances` recomputes every kept balance from the postings,
    every total from the contributions and every effect from the allocation bases, audited,
    and verify passes again with the same ledger head."""
    head = scalar(allocated, "SELECT hash FROM ledger_entries ORDER BY seq DESC LIMIT 1")
    audited = scalar(allocated, "SELECT COUNT(*) FROM audit_entries")
    pool = scalar(allocated, "SELECT account FROM account_balances WHERE kind = 'pool' LIMIT 1")
    giver = scalar(allocated, "SELECT min(contributor) FROM contribution_totals WHERE count > 0")
    package = scalar(allocated, "SELECT min(package_id) FROM allocation_substitutions")
    payer = scalar(
        allocated,
        f"SELECT min(contributor) FROM allocation_substitutions WHERE package_id = {package}",
    )
    sql(
        allocated,
        f"UPDATE account_balances SET amount_low = amount_low + 5 WHERE account = '{pool}'",
        "UPDATE kind_balances SET accounts = accounts + 1 WHERE kind = 'pool'",
        f"UPDATE contribution_totals SET count = count + 1 WHERE contributor = '{giver}'",
        "UPDATE allocation_substitutions SET document = '{}' "
        f"WHERE package_id = {package} AND contributor = '{payer}'",
    )
    code, found = findings(allocated)
    assert code == 6
    assert {f["rule"] for f in found} == {
        "account-balance", "kind-balance", "contribution-total", "substitution-effect",
    }  # fmt: skip
    assert any(f["row"] == f"account_balances {pool} USD" for f in found)
    assert any(f["row"].startswith(f"contribution_totals {giver} ") for f in found)
    effect = f"allocation_substitutions P-{package:04d} {payer}"
    assert [f["row"] for f in found if f["rule"] == "substitution-effect"] == [effect]

    code, out, err = run(allocated, "ledger", "rebuild-balances")
    assert code == 0, err
    assert "balances rebuilt from the postings" in out
    assert findings(allocated) == (0, [])
    assert scalar(allocated, "SELECT hash FROM ledger_entries ORDER BY seq DESC LIMIT 1") == head
    assert scalar(allocated, "SELECT COUNT(*) FROM audit_entries") == audited + 1
    last = scalar(allocated, "SELECT action FROM audit_entries ORDER BY seq DESC LIMIT 1")
    assert last == "ledger.rebuild-balances"


def test_an_unreadable_basis_is_named_beside_the_other_findings(allocated: str) -> None:
    """A basis replaced in SQL by a document that is not one is a finding naming its package,
    beside an unrelated one, not an error that stops verify; `ledger rebuild-balances` refuses
    to rebuild from it (exit 6, naming it) and writes nothing, audit entry included."""
    package = scalar(allocated, "SELECT min(package_id) FROM allocation_substitutions")
    sql(
        allocated,
        f"UPDATE allocation_bases SET document = '{{not json' WHERE package_id = {package}",
        "UPDATE contributions SET usd_minor = usd_minor + 1 WHERE id = 6",
    )
    code, found = findings(allocated)
    assert code == 6
    ref = f"P-{package:04d}"
    assert [(f["row"], f["rule"]) for f in found if f["rule"] != "contribution-total"] == [
        ("contributions C-00006", "contribution-usd"),
        (f"allocation_bases {ref}", "basis-unreadable"),
    ]
    code, out, _ = run(allocated, "ledger", "verify")
    assert code == 6
    assert f"allocation_bases {ref}: basis-unreadable: allocation basis altered: {ref}: " in out
    assert "contributions C-00006: contribution-usd" in out

    audited = scalar(allocated, "SELECT COUNT(*) FROM audit_entries")
    code, _, err = run(allocated, "ledger", "rebuild-balances")
    assert code == 6
    assert f"allocation basis altered: {ref}: " in err
    assert scalar(allocated, "SELECT COUNT(*) FROM audit_entries") == audited
    assert findings(allocated) == (6, found)
