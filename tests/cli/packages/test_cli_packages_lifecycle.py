"""`purldesk packages` and `purldesk deliveries` on the demo: the whole lifecycle, re-pricing
with a surplus and a deficit, shipments, receipt, closing, and the ledger verifying after."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from database_world import Seeded, build_demo
from purldesk.entrypoints.cli.app import app

pytestmark = pytest.mark.both_databases


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def ok(db: str, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, f"{args}: {out}{err}"
    return out


def as_json(db: str, *args: str) -> Any:
    return json.loads(ok(db, *args, "--json"))


def demo_allocated(url: str) -> None:
    build_demo(url)
    ok(url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit")


@pytest.fixture
def allocated(seeded: Seeded) -> str:
    """The demo with the allocation of 2025-12-05 committed (built once, then copied)."""
    return seeded("demo allocated on 2025-12-05", demo_allocated)


def balance(db: str, prefix: str) -> int:
    return sum(
        b["balance_minor"]
        for b in as_json(db, "ledger", "balances")
        if b["account"].startswith(prefix)
    )


def test_a_package_goes_from_draft_to_closed_and_the_money_follows(allocated: str) -> None:
    db = allocated
    listed = as_json(db, "packages", "list", "--cycle", "2025-09")
    assert [p["status"] for p in listed] == ["draft"] * len(listed)
    first = as_json(db, "packages", "show", "P-0001")
    assert first["ref"] == "P-0001" and first["shipments"] == []
    cost = first["cost_minor"]
    assert balance(db, "obligated:P-0001:") == cost

    assert "P-0001 is proposed" in ok(db, "packages", "propose", "P-0001")
    assert "P-0001 is funded" in ok(db, "packages", "validate", "P-0001")

    # Re-pricing: one line cheaper by a cent per lot (surplus back to the pool), one dearer by
    # USD 1 per lot (a deficit: the package goes back to validated, nothing owed yet).
    cheaper, dearer = first["lines"][0], first["lines"][1]
    pool_before = balance(db, "pool:")
    cheap_price = f"{(cheaper['lot_price_minor'] - 1) / 100:.2f}"
    dear_price = f"{(dearer['lot_price_minor'] + 100) / 100:.2f}"
    out = ok(
        db, "packages", "accept", "P-0001", "--on", "2025-12-06",
        "--price", f"{cheaper['line_ref']}={cheap_price}",
        "--price", f"{dearer['line_ref']}={dear_price}",
    )  # fmt: skip
    assert "P-0001 is validated" in out
    repriced = as_json(db, "packages", "show", "P-0001")
    assert repriced["status"] == "validated"
    assert repriced["lines"][0]["lot_price_minor"] == cheaper["lot_price_minor"] - 1
    surplus = cheaper["lots"]
    assert balance(db, "pool:") == pool_before + surplus
    assert balance(db, "payable:") == 0
    assert run(db, "packages", "accept", "P-0001")[0] == 4  # validated, not funded

    ok(db, "packages", "top-up", "P-0001", "--on", "2025-12-06")
    topped = as_json(db, "packages", "show", "P-0001")
    assert topped["status"] == "funded"
    assert sum(a["amount_minor"] for a in topped["attributions"]) == topped["cost_minor"]
    assert topped["cost_minor"] == cost - surplus + 100 * dearer["lots"]

    assert "P-0001 is accepted" in ok(db, "packages", "accept", "P-0001", "--on", "2025-12-07")
    assert balance(db, "obligated:P-0001:") == 0
    assert balance(db, "payable:P-0001:") == topped["cost_minor"]
    assert run(db, "packages", "close", "P-0001")[0] == 4  # not delivered yet

    lot_sizes = {item["code"]: item["lot_size"] for item in as_json(db, "catalog", "list")}
    for line in topped["lines"]:
        units = line["lots"] * lot_sizes[line["item_code"]]
        ok(db, "deliveries", "ship", "P-0001", line["line_ref"], str(units), "--on", "2025-12-10")
    shipped_line = topped["lines"][0]["line_ref"]
    code, _, err = run(db, "deliveries", "ship", "P-0001", shipped_line, "1")
    assert code == 2 and "quantity" in err  # everything is shipped already
    assert f"unit(s) of line {shipped_line} left to ship" in err  # its ref, not an internal id
    assert as_json(db, "packages", "show", "P-0001")["status"] == "delivering"

    shipments = as_json(db, "deliveries", "list", "--package", "P-0001")
    assert len(shipments) == len(topped["lines"])
    assert all(s["received_on"] is None and s["line_ref"] for s in shipments)
    for shipment in shipments:
        ok(db, "deliveries", "confirm", str(shipment["id"]), "--on", "2025-12-12")
    assert run(db, "deliveries", "confirm", str(shipments[0]["id"]), "--on", "2025-12-12")[0] == 4
    assert as_json(db, "packages", "show", "P-0001")["status"] == "delivered"
    lines = {ln["ref"]: ln for ln in as_json(db, "requirements", "list", "--cycle", "2025-09")}
    assert lines[first["lines"][0]["line_ref"]]["status"] == "delivered"

    ok(db, "packages", "close", "P-0001", "--on", "2025-12-15")
    assert as_json(db, "packages", "show", "P-0001")["status"] == "closed"
    assert balance(db, "payable:") == 0
    assert balance(db, "disbursed:P-0001:") == topped["cost_minor"]
    assert "ledger holds" in ok(db, "ledger", "verify")


def test_illegal_steps_and_bad_input_are_refused_by_name(allocated: str) -> None:
    db = allocated
    code, _, err = run(db, "packages", "accept", "P-0002")
    assert code == 4 and "draft to accepted" in err
    code, _, err = run(db, "packages", "close", "P-0002")
    assert code == 4 and "draft to closed" in err
    code, _, err = run(db, "packages", "accept", "P-0002", "--price", "NOPE=1")
    assert code == 2 and "price" in err
    code, _, err = run(db, "packages", "show", "P-9999")
    assert code == 3
    code, _, err = run(db, "packages", "show", "X-1")
    assert code == 2 and "package" in err
    line_ref = as_json(db, "packages", "show", "P-0002")["lines"][0]["line_ref"]
    code, _, err = run(db, "deliveries", "ship", "P-0002", line_ref, "1")
    assert code == 4 and "draft to delivering" in err
    code, _, err = run(db, "deliveries", "ship", "P-0002", "UKR-2025-001", "1")
    assert code == 2 and "line" in err  # a line of another package
    assert as_json(db, "deliveries", "list") == []
    assert "ledger holds" in ok(db, "ledger", "verify")


def test_restricting_a_package_hides_its_contents_from_the_public_until_lifted(
    allocated: str,
) -> None:
    db = allocated

    def public_items() -> list[Any]:
        releases = json.loads(ok(db, "reports", "ocds", "P-0001"))["releases"]
        return [item for release in releases for item in release["tender"].get("items", [])]

    assert public_items()
    said = ok(db, "packages", "restrict", "P-0001", "--clear", "NLD", "--clear", "DEU")
    assert said.strip() == "P-0001: contents restricted; cleared: DEU, NLD"
    assert public_items() == []
    assert as_json(db, "packages", "show", "P-0001")["lines"]  # the operator sees everything

    code, _, err = run(db, "packages", "restrict", "P-0001", "--clear", "XYZ")
    assert code == 2 and "cleared" in err
    assert public_items() == []  # the refusal changed nothing

    assert ok(db, "packages", "restrict", "P-0001", "--lift").strip() == (
        "P-0001: contents published"
    )
    assert public_items()


def test_packages_list_sums_each_package_as_show_gives_it_whole(allocated: str) -> None:
    listed = as_json(allocated, "packages", "list")
    assert [p["ref"] for p in listed] == ["P-0001", "P-0002", "P-0003"]
    shared = ("id", "ref", "cycle_id", "name", "target_minor", "currency", "created_on",
              "status", "cost_minor")  # fmt: skip
    rows = []
    for summary in listed:
        package = as_json(allocated, "packages", "show", summary["ref"])
        paid = sum(a["amount_minor"] for a in package["attributions"])
        assert summary == {
            **{key: package[key] for key in shared},
            "attributed_minor": paid, "line_count": len(package["lines"]),
            "suppressed": None, "restricted": None,
        }  # fmt: skip
        cost, attributed = (
            f"USD {minor // 100:,}.{minor % 100:02d}" for minor in (package["cost_minor"], paid)
        )
        rows.append([package["ref"], package["name"], package["status"],
                     str(len(package["lines"])), cost, attributed])  # fmt: skip
    table = ok(allocated, "packages", "list")
    cells = [
        [c.strip() for c in row.split("│")[1:-1]] for row in table.splitlines() if "P-0" in row
    ]
    assert cells == rows
