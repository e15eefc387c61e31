"""A command's message is one line however narrow the terminal: a URL, a reference or a hash
in it copies whole."""

from __future__ import annotations

from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app


def test_a_message_longer_than_the_terminal_is_not_broken(database_url: str) -> None:
    result = CliRunner(env={"COLUMNS": "20"}).invoke(app, ["db", "upgrade", "--db", database_url])
    assert result.exit_code == 0, result.output
    assert result.stdout == "database is at the latest schema\n"
