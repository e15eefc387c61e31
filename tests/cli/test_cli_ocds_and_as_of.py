"""`purldesk reports ocds` (a package's releases, its record, every release) and `purldesk
ledger balances --as-of DAY`, on the demo taken through its packages' lifecycle (recorded on
2025-12-05, the lifecycle from 2025-12-06 on), on both databases."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from typer.testing import CliRunner

from database_world import Seeded
from demo_lifecycle import DELIVERED, build_lifecycle
from purldesk.entrypoints.cli.app import app

pytestmark = pytest.mark.both_databases


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def ok(db: str, *args: str) -> Any:
    code, out, err = run(db, *args)
    assert code == 0, out + err
    return json.loads(out, parse_float=Decimal)


@pytest.fixture
def lifecycle(seeded: Seeded) -> str:
    return seeded("lifecycle", build_lifecycle)


def test_balances_as_of_a_day_count_what_was_recorded_by_its_end(lifecycle: str) -> None:
    db = lifecycle
    everything = ok(db, "ledger", "balances", "--json")
    assert ok(db, "ledger", "balances", "--json", "--as-of", "2025-12-04") == []
    demo_only = ok(db, "ledger", "balances", "--json", "--as-of", "2025-12-05")
    accounts = {b["account"].split(":")[0] for b in demo_only}
    assert "pool" in accounts and "obligated" not in accounts  # allocated on 2025-12-06
    assert demo_only != everything
    assert ok(db, "ledger", "balances", "--json", "--as-of", "2025-12-31") == everything
    code, _, err = run(db, "ledger", "balances", "--as-of", "2999-01-01")
    assert code == 2 and "as_of" in err
    code, _, err = run(db, "ledger", "balances", "--as-of", "soon")
    assert code == 2 and "as_of" in err


def test_reports_ocds_writes_a_package_s_releases_its_record_or_every_release(
    lifecycle: str,
) -> None:
    db = lifecycle
    ref = f"P-{DELIVERED:04d}"
    releases = ok(db, "reports", "ocds", ref)["releases"]
    assert releases[-1]["tag"] == ["contractTermination"]
    (record,) = ok(db, "reports", "ocds", ref, "--record")["records"]
    assert record["ocid"] == f"ocds-purldesk-{ref}"
    assert record["releases"] == releases
    assert record["compiledRelease"]["contracts"][0]["status"] == "terminated"
    assert record["compiledRelease"]["tag"] == ["compiled"]
    every = ok(db, "reports", "ocds")["releases"]
    assert [r for r in every if r["ocid"] == record["ocid"]] == releases
    code, _, err = run(db, "reports", "ocds", "--record")
    assert code == 2 and "record" in err
