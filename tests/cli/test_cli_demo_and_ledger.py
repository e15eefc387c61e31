"""The demo database, `ledger verify` against tampering, and `export`, on both databases."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

pytestmark = pytest.mark.both_databases


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def demo_db(demo_url: str) -> str:
    return demo_url


def test_demo_builds_the_history_and_building_again_changes_nothing(database_url: str) -> None:
    code, out, err = run(database_url, "demo")
    assert code == 0, out + err
    assert "history to 2026-02-16" in out
    demo_db = database_url
    participants = {
        p["code"]: p for p in json.loads(run(demo_db, "participants", "list", "--json")[1])
    }
    assert participants["KOR"]["kind"] == "partner"
    assert participants["KOR"]["status"] == "reviewing"
    assert set(participants["NB8"]["members"]) >= {
        "DNK",
        "EST",
        "FIN",
        "ISL",
        "LVA",
        "LTU",
        "NOR",
        "SWE",
    }
    lines = json.loads(run(demo_db, "requirements", "list", "--json")[1])
    assert len(lines) >= 150
    assert [line["rank"] for line in lines] == list(range(1, len(lines) + 1))
    assert {line["aid_class"] for line in lines} == {
        "humanitarian",
        "nonlethal",
        "defensive",
        "lethal",
    }
    assert len({line["area"] for line in lines}) >= 8
    contributions = json.loads(run(demo_db, "contributions", "list", "--json")[1])
    nld = next(c for c in contributions if c["contributor"] == "NLD")
    assert nld["usd_minor"] == 57825000000
    assert all(c["source"].startswith("https://") for c in contributions)
    cycles = json.loads(run(demo_db, "cycles", "list", "--json")[1])
    assert [c["name"] for c in cycles][-2:] == ["2026-01", "2026-02"]
    assert [c["status"] for c in cycles][-2:] == ["endorsed", "draft"]
    first = run(demo_db, "export", "--format", "json")[1]
    code, out, err = run(demo_db, "demo")
    assert code == 0, out + err
    again = run(demo_db, "export", "--format", "json")[1]
    assert without_the_audit_log(again) == without_the_audit_log(first)


def without_the_audit_log(export: str) -> Any:
    """The export but for the audit log and its tree, which record the second run too."""
    document = json.loads(export)
    tables = document["tables"]
    del tables["audit_entries"]
    tables["merkle_nodes"] = [n for n in tables["merkle_nodes"] if n["tree"] != "audit"]
    tables["merkle_trees"] = [t for t in tables["merkle_trees"] if t["name"] != "audit"]
    return document


def test_ledger_verifies_on_the_demo(demo_db: str) -> None:
    code, out, err = run(demo_db, "ledger", "verify")
    assert code == 0, out + err
    assert "ledger holds" in out


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE ledger_postings SET amount_minor = amount_minor + 1 WHERE entry_seq = 2 AND account LIKE 'pool:%'",
        "UPDATE ledger_entries SET memo = 'edited' WHERE seq = 2",
        "UPDATE ledger_entries SET occurred_on = '2020-01-01' WHERE seq = 2",
        "UPDATE ledger_postings SET account = 'pool:C-00002' WHERE entry_seq = 2 AND account LIKE 'pool:%'",
    ],
)
def test_verify_names_the_entry_altered_in_sql(demo_db: str, tamper: str) -> None:
    engine = sa.create_engine(demo_db)
    with engine.begin() as connection:
        assert connection.execute(sa.text(tamper)).rowcount == 1
    engine.dispose()
    code, out, _err = run(demo_db, "ledger", "verify", "--json")
    assert code == 6
    report = json.loads(out)
    assert report["ok"] is False
    assert 2 in {finding["seq"] for finding in report["findings"]}
    code, out, _err = run(demo_db, "ledger", "verify")
    assert code == 6
    assert "entry 2" in out


def test_export_json_holds_everything(demo_db: str) -> None:
    document = json.loads(run(demo_db, "export", "--format", "json")[1])
    assert document["format"] == "purldesk.export/4"
    assert len(document["ledger"]) > 0
    assert document["ledger"][0]["prev_hash"] == "0" * 64
    assert document["ledger"][1]["prev_hash"] == document["ledger"][0]["hash"]
    assert len(document["requirement_lines"]) >= 150
    assert [p["contributor"] for p in document["policies"]] == ["KOR"]
    assert {o["name"] for o in document["observations"]} == {"dprk_troops_in_theatre"}


def test_export_refuses_an_unknown_format(demo_db: str) -> None:
    code, _, err = run(demo_db, "export", "--format", "yaml")
    assert code == 2
    assert "format" in err


@pytest.mark.parametrize("day", ["2025-13-01", "2025-07-01"])
def test_demo_refuses_a_day_that_is_not_one_of_its_history(database_url: str, day: str) -> None:
    code, out, err = run(database_url, "demo", "--as-of", day)
    assert code == 2, out + err
    assert "as_of" in err
    assert "Traceback" not in out + err
