"""Control characters (NUL and the other C0 controls but tab, newline and CR) in a command's
text options and in imported files: refused naming the option, or the file, line and field,
with exit code 2 and no traceback; nothing is written. On both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

pytestmark = pytest.mark.both_databases

CONTRIBUTIONS = "contributor,amount,currency,pledged_on,received_on,confidential,purpose\n"
POLICY = """\
contributor = "NLD"
valid_from = 2025-01-01
title = "a\\u0000b"

[default]
name = "baseline"
aid_classes = ["humanitarian"]
note = "bell\\u0007"
"""


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def refused(db: str, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 2, out + err
    assert "Traceback" not in out + err
    return err


def listed(db: str, *args: str) -> list[dict[str, object]]:
    code, out, err = run(db, *args, "--json")
    assert code == 0, err
    found: list[dict[str, object]] = json.loads(out)
    return found


@pytest.fixture
def db(database_url: str) -> str:
    code, _out, err = run(database_url, "participants", "add", "NLD", "--name", "Netherlands",
                          "--kind", "ally")  # fmt: skip
    assert code == 0, err
    return database_url


MEMBERS = ("--member", "NLD", "--member", "D\x00EU")


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("contributions", "pledge", "NLD", "1000", "EUR", "--purpose", "a\x00b"), "purpose"),
        (("contributions", "pledge", "NLD", "1000", "EUR", "--purpose", "esc\x1b[1m"), "purpose"),
        (("contributions", "pledge", "NL\x01D", "1000", "EUR"), "contributor"),
        (("users", "add", "--org", "NLD", "--role", "contributor", "--name", "x\x7f"), "name"),
        (("participants", "add", "NB8", "--name", "N", "--kind", "ally", *MEMBERS), "member"),
    ],
)
def test_a_text_option_with_a_control_character_is_refused_naming_it(
    db: str, args: tuple[str, ...], field: str
) -> None:
    err = refused(db, *args)
    assert f"{field}: contains the control character" in err
    assert listed(db, "contributions", "list") == []
    assert [p["code"] for p in listed(db, "participants", "list")] == ["NLD"]


def test_a_justification_with_nul_is_refused_and_the_line_kept(db: str, tmp_path: Path) -> None:
    (tmp_path / "catalog.csv").write_text(
        "code,name,area,aid_class,unit_price_usd,lot_size,available_per_cycle,lead_time_days\n"
        "MED-1,Field hospital kit,medical,humanitarian,2500.00,2,50,30\n"
    )
    (tmp_path / "lines.csv").write_text(
        "ref,rank,item_code,quantity,needed_by,justification\nL-1,1,MED-1,2,2026-01-31,winter\n"
    )
    for args in (
        ("catalog", "import", str(tmp_path / "catalog.csv")),
        ("cycles", "open", "2025-10", "--on", "2025-10-01"),
        ("requirements", "import", str(tmp_path / "lines.csv")),
    ):
        assert run(db, *args)[0] == 0

    err = refused(db, "requirements", "edit", "L-1", "--justification", "cold\x00")

    assert "justification: contains the control character U+0000 at character 5" in err
    (line,) = listed(db, "requirements", "list")
    assert line["justification"] == "winter"


def test_an_imported_row_with_nul_names_file_line_and_field(db: str, tmp_path: Path) -> None:
    path = tmp_path / "contributions.csv"
    path.write_text(
        CONTRIBUTIONS
        + "NLD,1000,EUR,2025-08-04,,false,fine\tand tabbed\n"
        + "NLD,2000,EUR,2025-08-04,,false,bad\x00purpose\n",
        encoding="utf-8",
    )

    err = refused(db, "contributions", "import", str(path))

    assert f"{path}: line 3, purpose: contains the control character U+0000" in err
    assert listed(db, "contributions", "list") == []


def test_a_field_over_the_csv_size_limit_is_a_row_error(db: str, tmp_path: Path) -> None:
    path = tmp_path / "contributions.csv"
    path.write_text(CONTRIBUTIONS + "NLD,1000,EUR,2025-08-04,,false," + "x" * 200_000 + "\n")

    err = refused(db, "contributions", "import", str(path))

    assert "line 2, row: field larger than field limit" in err
    assert listed(db, "contributions", "list") == []


def test_an_indicator_file_with_a_control_character_is_refused(db: str, tmp_path: Path) -> None:
    path = tmp_path / "indicators.csv"
    path.write_text("name,value,observed_on,source\ntroops,100,2025-09-01,re\x07port\n")

    err = refused(db, "indicators", "import", str(path))

    assert "line 2, source: contains the control character U+0007" in err
    assert listed(db, "indicators", "list") == []


def test_a_policy_file_with_escaped_control_characters_names_line_and_key(
    db: str, tmp_path: Path
) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(POLICY, encoding="utf-8")

    err = refused(db, "policy", "set", "NLD", str(path))

    assert "line 3, title: contains the control character U+0000" in err
    assert "line 8, default.note: contains the control character U+0007" in err
    code, out, _ = run(db, "policy", "show", "NLD", "--json")
    assert code == 0 and json.loads(out)["versions"] == 0
