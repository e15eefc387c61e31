"""`purldesk requirements edit|withdraw|history`: changes printed, refusals naming the field
with their exit code, and the history with every edit under the rank it was made at."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

CATALOG = """code,name,area,aid_class,unit_price_usd,lot_size,available_per_cycle,lead_time_days
MED-1,Field hospital kit,medical,humanitarian,2500.00,2,50,30
"""
LINES = """ref,rank,item_code,quantity,needed_by,justification
L-1,1,MED-1,2,2026-01-31,winter
L-2,2,MED-1,4,2026-02-28,cities
L-3,3,MED-1,2,2026-03-31,front
"""


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("LOGNAME", "ops")  # the login the command line acts as
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    (tmp_path / "catalog.csv").write_text(CATALOG)
    (tmp_path / "lines.csv").write_text(LINES)
    for args in (
        ("db", "upgrade"),
        ("catalog", "import", str(tmp_path / "catalog.csv")),
        ("cycles", "open", "2025-10", "--on", "2025-10-01"),
        ("requirements", "import", str(tmp_path / "lines.csv")),
    ):
        code, out, err = run(url, *args)
        assert code == 0, out + err
    return url


def test_edit_prints_each_changed_field_and_history_keeps_it(db: str) -> None:
    code, out, err = run(
        db, "requirements", "edit", "L-2", "--quantity", "6", "--needed-by", "2026-02-28",
        "--justification", "surgery",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == [
        "L-2: quantity '4' -> '6'",
        "L-2: justification 'cities' -> 'surgery'",
    ]
    code, out, _ = run(db, "requirements", "history", "L-2", "--json")
    (period,) = json.loads(out)
    assert (period["rank"], period["by"]) == (2, "ops")
    assert [(c["field"], c["before"], c["after"], c["by"]) for c in period["changes"]] == [
        ("quantity", "4", "6", "ops"),
        ("justification", "cities", "surgery", "ops"),
    ]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--quantity", "5"), "quantity"),
        (("--quantity", "4"), "quantity"),
        (("--needed-by", "tomorrow"), "needed_by"),
        ((), "line"),
    ],
)
def test_a_refused_edit_names_the_field_and_exits_2(
    db: str, args: tuple[str, ...], field: str
) -> None:
    code, _, err = run(db, "requirements", "edit", "L-2", *args)
    assert code == 2
    assert f"{field}:" in err


def test_withdraw_closes_up_the_list_and_needs_a_reason(db: str) -> None:
    code, _, err = run(db, "requirements", "withdraw", "L-1", "--reason", " ")
    assert (code, "reason:" in err) == (2, True)
    code, out, err = run(db, "requirements", "withdraw", "L-1", "--reason", "met bilaterally")
    assert code == 0, err
    assert out.strip() == "L-1 withdrawn; 2 line(s) moved up"
    _, out, _ = run(db, "requirements", "list", "--json")
    assert [(ln["ref"], ln["rank"], ln["status"]) for ln in json.loads(out)] == [
        ("L-2", 1, "open"),
        ("L-3", 2, "open"),
        ("L-1", 1, "withdrawn"),  # out of the order, after it, with its last rank
    ]
    code, _, err = run(db, "requirements", "withdraw", "L-1", "--reason", "again")
    assert code == 4
    assert "withdrawn" in err


def test_a_submitted_list_is_not_changed(db: str) -> None:
    assert run(db, "cycles", "submit", "2025-10")[0] == 0
    code, _, err = run(db, "requirements", "edit", "L-1", "--justification", "x")
    assert code == 4
    assert "only a draft list can change" in err


def test_list_as_of_a_day_shows_the_list_as_it_stood_then(db: str) -> None:
    assert run(db, "requirements", "withdraw", "L-1", "--reason", "met bilaterally")[0] == 0
    today = datetime.now(UTC).date().isoformat()
    code, out, err = run(db, "requirements", "list", "--as-of", today, "--json")
    assert code == 0, err
    assert [(ln["ref"], ln["rank"]) for ln in json.loads(out)] == [("L-2", 1), ("L-3", 2)]
    assert all("status" not in ln for ln in json.loads(out))  # funding then is not recorded
    code, out, _ = run(db, "requirements", "list", "--as-of", "2025-09-30", "--json")
    assert (code, json.loads(out)) == (0, [])  # imported later
    code, out, _ = run(db, "requirements", "list", "--as-of", today)
    assert "as it stood at the end of" in out
    code, _, err = run(db, "requirements", "list", "--as-of", "1 October")
    assert code == 2
    assert "--as-of" in err
