"""`purldesk contributions pledge --anonymous` and the optional `anonymous` import column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.adapters.imports.csv_files import parse_contributions
from purldesk.entrypoints.cli.app import app

HEADER = "contributor,amount,currency,pledged_on,received_on,confidential,purpose"


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(database_url: str) -> str:
    for code, name in (("NLD", "Netherlands"), ("DEU", "Germany")):
        status, _out, err = run(
            database_url, "participants", "add", code, "--name", name, "--kind", "ally"
        )
        assert status == 0, err
    return database_url


def listed(db: str) -> list[dict[str, object]]:
    code, out, err = run(db, "contributions", "list", "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_pledge_with_anonymous_is_stored_anonymous(db: str) -> None:
    code, out, err = run(
        db, "contributions", "pledge", "NLD", "1000", "EUR", "--on", "2025-08-04", "--anonymous"
    )
    assert code == 0, err
    assert out.strip() == "C-00001: NLD pledged EUR 1,000.00 anonymously"
    code, out, err = run(db, "contributions", "pledge", "DEU", "5", "EUR", "--on", "2025-08-04")
    assert code == 0, err
    assert "anonymously" not in out
    assert [(c["contributor"], c["anonymous"]) for c in listed(db)] == [
        ("NLD", True),
        ("DEU", False),
    ]


def test_import_reads_the_optional_anonymous_column(db: str, tmp_path: Path) -> None:
    path = tmp_path / "contributions.csv"
    path.write_text(
        f"{HEADER},anonymous\n"
        "NLD,100,EUR,2025-08-04,,false,quiet,yes\n"
        "DEU,200,EUR,2025-08-04,,true,loud,\n"
        "DEU,300,EUR,2025-08-04,,false,loud,false\n",
        encoding="utf-8",
    )
    code, _out, err = run(db, "contributions", "import", str(path))
    assert code == 0, err
    assert [(c["confidential"], c["anonymous"]) for c in listed(db)] == [
        (False, True),
        (True, False),
        (False, False),
    ]


def test_a_file_without_the_column_imports_named(db: str, tmp_path: Path) -> None:
    path = tmp_path / "contributions.csv"
    path.write_text(f"{HEADER}\nNLD,100,EUR,2025-08-04,,false,x\n", encoding="utf-8")
    assert run(db, "contributions", "import", str(path))[0] == 0
    assert [c["anonymous"] for c in listed(db)] == [False]


def test_a_bad_anonymous_value_is_a_row_error_naming_the_field(db: str, tmp_path: Path) -> None:
    path = tmp_path / "contributions.csv"
    path.write_text(
        f"{HEADER},anonymous\n"
        "NLD,100,EUR,2025-08-04,,false,x,true\n"
        "DEU,100,EUR,2025-08-04,,false,x,perhaps\n",
        encoding="utf-8",
    )
    code, _out, err = run(db, "contributions", "import", str(path))
    assert code == 2
    assert "line 3, anonymous:" in err and "perhaps" in err
    assert "nothing was written" in err
    assert listed(db) == []


def test_the_parser_reports_the_field_with_its_line() -> None:
    parsed = parse_contributions(
        f"{HEADER},anonymous\nNLD,100,EUR,2025-08-04,,false,x,maybe\n"
        "NLD,100,EUR,2025-08-04,,false,x,1\n"
    )
    assert [(e.line, e.field) for e in parsed.errors] == [(2, "anonymous")]
    assert [r.anonymous for r in parsed.rows] == [True]
