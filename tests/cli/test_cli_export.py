"""`purldesk export` keeps every line's ranks and edits and every shipment, on both databases:
after a move, an edit, a withdrawal, two shipments and a receipt; and on the demo."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

pytestmark = pytest.mark.both_databases

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


def ok(db: str, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, f"{args}: {out}{err}"
    return out


def export(db: str) -> Any:
    return json.loads(ok(db, "export", "--format", "json"))


@pytest.fixture
def delivered(database_url: str, tmp_path: Path) -> str:
    """Three lines: L-3 moved to the top, L-2 edited, L-1 withdrawn; L-3 and L-2 packaged and
    shipped, L-3's shipment received."""
    db = database_url
    (tmp_path / "catalog.csv").write_text(CATALOG)
    (tmp_path / "lines.csv").write_text(LINES)
    for args in (
        ("participants", "add", "NLD", "--name", "Netherlands", "--kind", "ally"),
        ("catalog", "import", str(tmp_path / "catalog.csv")),
        ("cycles", "open", "2025-10", "--on", "2025-10-01"),
        ("requirements", "import", str(tmp_path / "lines.csv")),
        ("requirements", "move", "L-3", "--rank", "1"),
        ("requirements", "edit", "L-2", "--quantity", "6"),
        ("requirements", "withdraw", "L-1", "--reason", "no longer needed"),
        ("cycles", "submit", "2025-10"),
        ("cycles", "endorse", "2025-10"),
        ("contributions", "pledge", "NLD", "100000", "USD", "--on", "2025-10-02"),
        ("contributions", "receive", "C-00001", "--on", "2025-10-03"),
        ("allocate", "--cycle", "2025-10", "--on", "2025-10-05", "--commit"),
        ("packages", "propose", "P-0001"),
        ("packages", "validate", "P-0001"),
        ("packages", "accept", "P-0001", "--on", "2025-10-06"),
        ("deliveries", "ship", "P-0001", "L-3", "2", "--on", "2025-10-10"),
        ("deliveries", "confirm", "1", "--on", "2025-10-12"),
        ("deliveries", "ship", "P-0001", "L-2", "6", "--on", "2025-10-11"),
    ):
        ok(db, *args)
    return db


def line_ids(document: Any) -> dict[str, int]:
    return {line["ref"]: line["id"] for line in document["requirement_lines"]}


def test_the_export_keeps_every_rank_each_line_held(delivered: str) -> None:
    document = export(delivered)
    assert document["format"] == "purldesk.export/4"
    ids = line_ids(document)
    ranks = document["rank_changes"]
    assert [r["line_id"] for r in ranks] == sorted(r["line_id"] for r in ranks)
    held = {ref: [r["rank"] for r in ranks if r["line_id"] == ids[ref]] for ref in ids}
    # L-3 moved to the top; the withdrawal of L-1 (which keeps its last rank) moved L-2 up.
    assert held == {"L-1": [1, 2], "L-2": [2, 3, 2], "L-3": [3, 1]}
    for change in ranks:
        assert datetime.fromisoformat(change["at"]).utcoffset() == timedelta(0)


def test_the_export_keeps_every_edit_and_withdrawal(delivered: str) -> None:
    document = export(delivered)
    ids = line_ids(document)
    assert [
        (c["line_id"], c["field"], c["before"], c["after"]) for c in document["line_changes"]
    ] == [
        (ids["L-1"], "status", "open", "withdrawn"),
        (ids["L-1"], "reason", "", "no longer needed"),
        (ids["L-2"], "quantity", "4", "6"),
    ]
    lines = {line["ref"]: line for line in document["requirement_lines"]}
    assert (lines["L-1"]["status"], lines["L-2"]["quantity"]) == ("withdrawn", 6)


def test_the_export_holds_what_each_line_history_shows(delivered: str) -> None:
    document = export(delivered)
    for ref, line_id in line_ids(document).items():
        history = json.loads(ok(delivered, "requirements", "history", ref, "--json"))
        assert [
            {"line_id": line_id, "rank": p["rank"], "at": p["at"], "by": p["by"]} for p in history
        ] == [r for r in document["rank_changes"] if r["line_id"] == line_id]
        assert [{"line_id": line_id, **c} for p in history for c in p["changes"]] == [
            c for c in document["line_changes"] if c["line_id"] == line_id
        ]


def test_the_export_keeps_every_shipment_and_receipt(delivered: str) -> None:
    document = export(delivered)
    ids = line_ids(document)
    (package,) = document["packages"]
    assert package["status"] == "delivering"
    assert document["shipments"] == [
        {"id": 1, "package_id": package["id"], "line_id": ids["L-3"], "line_ref": "L-3",
         "quantity": 2, "shipped_on": "2025-10-10", "received_on": "2025-10-12"},
        {"id": 2, "package_id": package["id"], "line_id": ids["L-2"], "line_ref": "L-2",
         "quantity": 6, "shipped_on": "2025-10-11", "received_on": None},
    ]  # fmt: skip
    assert document["shipments"] == json.loads(ok(delivered, "deliveries", "list", "--json"))


def test_two_exports_of_one_database_are_byte_identical(delivered: str, tmp_path: Path) -> None:
    first = ok(delivered, "export", "--format", "json")
    assert ok(delivered, "export", "--format", "json") == first
    written = tmp_path / "export.json"
    ok(delivered, "export", "--format", "json", "--output", str(written))
    assert written.read_text(encoding="utf-8") == first


@pytest.fixture
def demo_db(demo_url: str) -> str:
    return demo_url


def test_the_demo_export_has_every_lines_rank_and_the_policy_as_set(demo_db: str) -> None:
    document = export(demo_db)
    lines = document["requirement_lines"]
    assert {r["line_id"] for r in document["rank_changes"]} == {line["id"] for line in lines}
    (policy,) = document["policies"]
    korea = resources.files("purldesk.demo").joinpath("data", "policies", "KOR.toml")
    assert policy["document"] == korea.read_text(encoding="utf-8")


def test_the_streamed_export_is_the_whole_documents_json_text(demo_db: str) -> None:
    """The export is written as it is read; its bytes are those of the whole document made
    in memory (what `import` compares a restored database with)."""
    from purldesk.adapters.exports import json as views
    from purldesk.bootstrap import build
    from purldesk.config import load_settings
    from purldesk.entrypoints.cli.common import json_text
    from purldesk.services import exports

    wired = build(load_settings(database_url=demo_db))
    try:
        whole = json_text(views.export_document(exports.snapshot(wired.uow())))
    finally:
        wired.close()
    assert ok(demo_db, "export", "--format", "json") == whole
