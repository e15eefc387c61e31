"""A write from the command line is audited like one over the API: same action, same target
spelling, same command document; the operator is named, and no user account is claimed."""

from __future__ import annotations

import json

from api_world import World
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

PLEDGE = {"contributor": "NLD", "amount": "1000000", "currency": "EUR", "pledged_on": "2025-08-04"}


def test_a_cli_pledge_is_in_the_audit_log_as_an_api_pledge_is(world: World) -> None:
    database = world.wired.settings.database_url
    result = CliRunner().invoke(
        app,
        [
            "contributions",
            "pledge",
            "NLD",
            "1000000",
            "EUR",
            "--on",
            "2025-08-04",
            "--db",
            database,
        ],
    )
    assert result.exit_code == 0, result.stderr
    world.post("contributor", "/api/v1/contributions", PLEDGE)

    from_cli, from_api = world.get("auditor", "/api/v1/audit")["items"][-2:]

    assert from_cli["action"] == from_api["action"] == "contributions.pledge"
    assert (from_cli["target"], from_api["target"]) == ("C-00001", "C-00002")
    assert json.loads(from_cli["changes"])["command"] == json.loads(from_api["changes"])["command"]
    assert (from_cli["role"], from_cli["user_id"], from_cli["organization"]) == (
        "operator",
        None,
        None,
    )
    assert from_cli["user_name"]  # the login of whoever ran it
    assert (from_api["role"], from_api["user_name"]) == ("contributor", "mof@nld")
    assert world.get("auditor", "/api/v1/audit/verify")["ok"] is True


def test_a_refused_cli_write_leaves_no_audit_entry(world: World) -> None:
    database = world.wired.settings.database_url
    before = world.get("auditor", "/api/v1/audit")["total"]

    result = CliRunner().invoke(
        app,
        [
            "contributions",
            "pledge",
            "NLD",
            "1000000",
            "EUR",
            "--purpose",
            "x" * 2001,
            "--db",
            database,
        ],
    )

    assert result.exit_code == 2
    assert "purpose" in result.stderr
    assert world.get("auditor", "/api/v1/audit")["total"] == before
