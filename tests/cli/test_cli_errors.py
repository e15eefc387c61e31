"""Errors at the edge of the CLI: one clear line and an exit code, never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app


def test_a_database_without_schema_is_named_with_the_remedy(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["contributions", "list", "--db", f"sqlite:///{tmp_path}/x.db"]
    )
    assert result.exit_code == 1
    assert "db upgrade" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_an_unreachable_database_is_named_and_exits_7_unavailable() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))  # a port nothing listens on
        url = f"postgresql+psycopg://postgres@127.0.0.1:{s.getsockname()[1]}/test"
        result = CliRunner().invoke(app, ["contributions", "list", "--db", url])
    assert result.exit_code == 7
    assert "the database is unavailable" in result.stderr
    assert "is it running and reachable?" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_db_upgrade_then_empty_lists(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    assert CliRunner().invoke(app, ["db", "upgrade", "--db", db]).exit_code == 0
    result = CliRunner().invoke(app, ["contributions", "list", "--json", "--db", db])
    assert result.exit_code == 0
    assert result.stdout.strip() == "[]"


def test_participant_codes_are_validated(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    CliRunner().invoke(app, ["db", "upgrade", "--db", db])
    cases = {
        ("XYZ", "ally"): "ISO 3166-1 alpha-3",
        ("NLD", "friend"): "kind",
        ("A", "ally"): "code",
    }
    for (code, kind), expected in cases.items():
        result = CliRunner().invoke(
            app, ["participants", "add", code, "--name", "N", "--kind", kind, "--db", db]
        )
        assert result.exit_code == 2, (code, kind)
        assert expected in result.stderr
    result = CliRunner().invoke(
        app,
        [
            "participants",
            "add",
            "NB8",
            "--name",
            "N",
            "--kind",
            "ally",
            "--member",
            "XXX",
            "--db",
            db,
        ],
    )
    assert result.exit_code == 2
    assert "member" in result.stderr


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/x.db"
    CliRunner().invoke(app, ["db", "upgrade", "--db", db])
    result = CliRunner().invoke(app, ["catalog", "import", str(tmp_path / "nope.csv"), "--db", db])
    assert result.exit_code == 2
    assert "nope.csv" in result.stderr and "no such file" in result.stderr


def test_production_with_a_placeholder_secret_is_one_line_naming_the_remedy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PURLDESK_ENVIRONMENT", "production")
    monkeypatch.setenv("PURLDESK_WEB__SESSION_SECRET", "s" * 40)
    result = CliRunner().invoke(app, ["serve", "--db", f"sqlite:///{tmp_path}/x.db"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("error: PURLDESK_AUTH__TOKEN_PEPPER: must be a secret")
    assert "secrets.token_urlsafe" in result.stderr
    assert result.stdout == ""  # refused before announcing anything


def test_a_malformed_setting_names_its_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PURLDESK_SERVER__PORT", "eighty")
    result = CliRunner().invoke(app, ["contributions", "list", "--db", f"sqlite:///{tmp_path}/x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: PURLDESK_SERVER__PORT: ")
    assert "Traceback" not in result.stderr + result.stdout


def test_serve_on_a_port_in_use_is_one_line_naming_the_remedy(tmp_path: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            app, ["serve", "--port", str(port), "--db", f"sqlite:///{tmp_path}/x.db"]
        )
    assert result.exit_code == 4
    assert f"cannot listen on 127.0.0.1:{port} (Address already in use)" in result.stderr
    assert "--port" in result.stderr
    assert result.stdout == ""
