"""`purldesk import` on SQLite and PostgreSQL: the demo, and the demo allocated with packages
moved along (closed, funded, restricted), exported, imported into an empty database and
exported again give the same bytes, the same ledger head, a ledger that verifies against a
checkpoint published before; a database with anything in it, a tampered file and a file that is
no export are refused and leave nothing written."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from database_world import Seeded, build_demo
from purldesk.entrypoints.cli.app import app

pytestmark = pytest.mark.both_databases

GDP = (
    "nation,year,gdp_usd,source,url\n"
    'NLD,2024,1227000000000,"IMF WEO October 2025",https://www.imf.org/external/datamapper\n'
)


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def ok(db: str, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, f"{args}: {out}{err}"
    return out


def as_json(db: str, *args: str) -> Any:
    return json.loads(ok(db, *args, "--json"))


def demo_moved_along(url: str) -> None:
    """The demo allocated, P-0001 re-priced, topped up, shipped, received and closed, P-0002
    funded and restricted, a rate set, a GDP figure imported and a checkpoint signed."""
    build_demo(url)
    ok(url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit")
    first = as_json(url, "packages", "show", "P-0001")
    ok(url, "packages", "propose", "P-0001")
    ok(url, "packages", "validate", "P-0001")
    line = first["lines"][0]
    cheaper = f"{(line['lot_price_minor'] - 1) / 100:.2f}"
    ok(url, "packages", "accept", "P-0001", "--on", "2025-12-06",
       "--price", f"{line['line_ref']}={cheaper}")  # fmt: skip
    lot_sizes = {item["code"]: item["lot_size"] for item in as_json(url, "catalog", "list")}
    for ln in first["lines"]:
        units = str(ln["lots"] * lot_sizes[ln["item_code"]])
        ok(url, "deliveries", "ship", "P-0001", ln["line_ref"], units, "--on", "2025-12-10")
    for shipment in as_json(url, "deliveries", "list", "--package", "P-0001"):
        ok(url, "deliveries", "confirm", str(shipment["id"]), "--on", "2025-12-12")
    ok(url, "packages", "close", "P-0001", "--on", "2025-12-15")
    ok(url, "packages", "propose", "P-0002")
    ok(url, "packages", "validate", "P-0002")
    ok(url, "packages", "restrict", "P-0002", "--clear", "NLD")
    ok(url, "fx", "set", "UAH", "2025-12-01", "48.5", "--source", "National Bank of Ukraine")
    with tempfile.TemporaryDirectory() as folder:
        gdp = Path(folder) / "gdp.csv"
        gdp.write_text(GDP)
        ok(url, "reference", "gdp", "import", str(gdp))
    ok(url, "ledger", "checkpoint")


@pytest.fixture
def moved_along(seeded: Seeded) -> str:
    return seeded("demo allocated, packages moved along", demo_moved_along)


def export_bytes(db: str, path: Path) -> bytes:
    ok(db, "export", "--format", "json", "--output", str(path))
    return path.read_bytes()


def rows(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            count = connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            return int(count)
    finally:
        engine.dispose()


def round_trip(source: str, target: str, tmp_path: Path) -> dict[str, Any]:
    """Export `source`, import into `target`, export again: the same bytes, the same head."""
    first = export_bytes(source, tmp_path / "first.json")
    said = ok(target, "import", str(tmp_path / "first.json"))
    document = json.loads(first)
    head = document["ledger"][-1]["hash"]
    assert head in said.replace("\n", "")
    assert "ledger holds" in ok(target, "ledger", "verify")
    assert export_bytes(target, tmp_path / "second.json") == first
    return dict(document)


def test_the_demo_round_trips_byte_for_byte(
    demo_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    document = round_trip(demo_url, empty_database_url, tmp_path)
    assert document["format"] == "purldesk.export/4"
    assert len(document["tables"]["ledger_entries"]) == len(document["ledger"]) > 0
    assert len(document["tables"]["audit_entries"]) > 0
    assert rows(empty_database_url, "users") == 0  # credentials are never exported


def test_a_demo_moved_along_round_trips_and_verifies_against_its_checkpoint(
    moved_along: str, empty_database_url: str, tmp_path: Path
) -> None:
    published = tmp_path / "checkpoint.json"
    ok(moved_along, "ledger", "checkpoint", "--out", str(published))
    document = round_trip(moved_along, empty_database_url, tmp_path)
    statuses = {p["ref"]: p["status"] for p in document["packages"]}
    assert (statuses["P-0001"], statuses["P-0002"]) == ("closed", "funded")
    for table in ("shipments", "package_clearances", "fx_rates", "gdp_figures", "allocation_bases"):
        assert document["tables"][table], table
    assert "ledger holds" in ok(
        empty_database_url, "ledger", "verify", "--checkpoint", str(published)
    )
    # Ids go on from where the original stopped: a new cycle's line, its rank, a pledge.
    ok(empty_database_url, "cycles", "open", "2026-09", "--on", "2026-09-01")
    item = document["catalog"][0]["code"]
    lines = tmp_path / "lines.csv"
    lines.write_text(
        f"ref,rank,item_code,quantity,needed_by,justification\nX-1,1,{item},1,2026-12-31,t\n"
    )
    ok(empty_database_url, "requirements", "import", str(lines), "--cycle", "2026-09")
    said = ok(empty_database_url, "contributions", "pledge", "NLD", "100", "USD")
    assert f"C-{len(document['contributions']) + 1:05d}" in said
    assert "ledger holds" in ok(empty_database_url, "ledger", "verify")


def test_a_database_with_anything_in_it_is_refused_and_keeps_what_it_has(
    demo_url: str, other_database_url: str, tmp_path: Path
) -> None:
    export_bytes(demo_url, tmp_path / "demo.json")
    ok(other_database_url, "participants", "add", "NLD", "--name", "Netherlands", "--kind", "ally")
    before = export_bytes(other_database_url, tmp_path / "before.json")
    code, _out, err = run(other_database_url, "import", str(tmp_path / "demo.json"))
    assert code == 4
    assert "not empty" in err and "participants (1 rows)" in err
    assert export_bytes(other_database_url, tmp_path / "after.json") == before


def tampered(source: Path, target: Path, change: Any) -> Path:
    document = json.loads(source.read_text())
    change(document)
    target.write_text(json.dumps(document))
    return target


def test_a_tampered_file_is_refused_naming_the_finding_and_writes_nothing(
    demo_url: str, empty_database_url: str, tmp_path: Path
) -> None:
    original = tmp_path / "demo.json"
    export_bytes(demo_url, original)

    def posting(document: Any) -> None:
        document["tables"]["ledger_postings"][0]["amount_minor"] += 100

    def contribution_row(document: Any) -> None:
        document["tables"]["contributions"][0]["amount_minor"] += 100

    def contribution_view(document: Any) -> None:
        document["contributions"][0]["amount_minor"] += 1

    def duplicate(document: Any) -> None:
        document["tables"]["participants"].append(document["tables"]["participants"][0])

    for name, change, exit_code, named in (
        ("duplicate", duplicate, 4, "participants: a row cannot be written"),
        ("posting", posting, 6, "entry 1: hash"),
        ("row", contribution_row, 6, "C-00001: contribution-amount"),
        ("view", contribution_view, 2, "contributions[0].amount_minor"),
    ):
        file = tampered(original, tmp_path / f"{name}.json", change)
        code, _out, err = run(empty_database_url, "import", str(file))
        assert (code, named in err.replace("\n", " ")) == (exit_code, True), err
        assert "nothing was written" in err
        for table in ("participants", "ledger_entries", "contributions"):
            assert rows(empty_database_url, table) == 0


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d.update(format="purldesk.export/3"), "format"),
        (lambda d: d.pop("tables"), "tables"),
        (lambda d: d["tables"].update(secrets=[]), "tables.secrets"),
        (lambda d: d["tables"]["ledger_entries"][0].update(seq="1"), "tables.ledger_entries[0].seq"),
        (lambda d: d["tables"]["ledger_entries"][0].update(recorded_at="2025-01-01T00:00:00"),
         "tables.ledger_entries[0].recorded_at"),
        (lambda d: d["tables"]["participants"][0].update(code="X" * 17), "tables.participants[0].code"),
        (lambda d: d["tables"]["cycles"][0].update(opens_on=None), "tables.cycles[0].opens_on"),
        (lambda d: d["tables"]["contributions"][0].update(amount_minor=2**63), "amount_minor"),
    ],
)  # fmt: skip
def test_a_file_that_is_no_export_is_refused_naming_the_json_path(
    demo_url: str, empty_database_url: str, tmp_path: Path, change: Any, named: str
) -> None:
    original = tmp_path / "demo.json"
    if not original.exists():
        export_bytes(demo_url, original)
    file = tampered(original, tmp_path / "bad.json", change)
    code, _out, err = run(empty_database_url, "import", str(file))
    assert code == 2 and named in err, err


def test_a_file_that_is_not_json_is_refused(empty_database_url: str, tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    code, _out, err = run(empty_database_url, "import", str(tmp_path / "bad.json"))
    assert code == 2 and "is not JSON" in err
