"""`purldesk reports` on the demo, allocated: the public transparency report and OCDS export
(never Latvia's confidential money), and the operator's statements and package reports, as
JSON, CSV and XLSX, to standard output or a file."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from database_world import Seeded, build_demo
from disclosure_world import pay_one_lot_in_secret
from purldesk.bootstrap import build
from purldesk.config import load_settings
from purldesk.domain.disclosure import withheld_reason
from purldesk.entrypoints.cli.app import app
from report_files import csv_rows, same_number, xlsx_rows

# Latvia's contribution C-00005 is confidential: EUR 2M, USD 2,331,600.00 on receipt.
SECRET_MARKS = ("2331600", "233160000", "Latvia", '"LVA"')


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def ok(db: str, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, f"{args}: {out}{err}"
    return out


def demo_allocated(url: str) -> None:
    build_demo(url)
    ok(url, "allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit")


@pytest.fixture
def allocated(seeded: Seeded) -> str:
    """The demo with the allocation of 2025-12-05 committed (built once, then copied)."""
    return seeded("demo allocated on 2025-12-05", demo_allocated)


SECRETLY, OPENLY = ("NLD", "DEU", "CAN"), ("BEL", "FIN")


def demo_with_a_lot_paid_by_three_in_secret(url: str) -> None:
    build_demo(url)
    wired = build(load_settings(database_url=url))
    try:
        pay_one_lot_in_secret(wired, SECRETLY, in_public=OPENLY)
    finally:
        wired.close()


@pytest.fixture
def three_in_secret(seeded: Seeded) -> str:
    """The demo, unallocated, with one package, P-0001, paid by three confidential
    contributors and two public ones."""
    return seeded(
        "demo with a lot paid by three in secret", demo_with_a_lot_paid_by_three_in_secret
    )


def test_the_transparency_report_follows_the_configured_k(
    three_in_secret: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three hidden contributors are enough for the public with k = 2 (k + 1), not with 3."""
    (shown,) = json.loads(ok(three_in_secret, "reports", "transparency"))["packages"]
    assert shown["cost"] is not None
    assert shown["cost"]["amount_minor"] > 0
    monkeypatch.setenv("PURLDESK_REPORTS__MIN_HIDDEN_CONTRIBUTORS", "3")
    report = json.loads(ok(three_in_secret, "reports", "transparency"))
    (withheld,) = report["packages"]
    assert (withheld["ref"], withheld["cost"]) == (shown["ref"], None)
    assert (report["allocated_usd"], report["withheld"]) == (None, withheld_reason(4))


def test_the_transparency_report_is_the_public_view_in_every_format(
    allocated: str, tmp_path: Path
) -> None:
    db = allocated
    report = json.loads(ok(db, "reports", "transparency"))
    assert (report["contributions"], report["undisclosed"]) == (14, 2)  # LVA and DEU C-00011
    assert len(report["packages"]) == 3
    assert "Latvia" not in [c["name"] for c in report["contributors"]]
    as_csv = ok(db, "reports", "transparency", "--format", "csv")
    rows = {(r["record"], r["label"]): r for r in csv_rows(as_csv)}
    assert rows["received", ""]["amount"] == report["received_usd"]["amount"]
    assert rows["contributions", "undisclosed"]["count"] == "2"
    out = tmp_path / "transparency.xlsx"
    assert "wrote" in ok(db, "reports", "transparency", "--format", "xlsx", "--out", str(out))
    from_xlsx = xlsx_rows(out.read_bytes())
    for a, b in zip(csv_rows(as_csv), from_xlsx, strict=True):
        assert all(same_number(a[k], b[k]) for k in a), (a, b)
    for text in (json.dumps(report), as_csv, str(from_xlsx)):
        assert not any(mark in text for mark in SECRET_MARKS)


def test_the_operator_reads_a_confidential_contributors_statement(
    allocated: str, tmp_path: Path
) -> None:
    db = allocated
    statement = json.loads(ok(db, "reports", "statement", "lva"))
    (contribution,) = statement["contributions"]
    assert (contribution["ref"], contribution["usd"]["amount"]) == ("C-00005", "2331600.00")
    spent = sum(r["amount"]["amount_minor"] for r in statement["rows"])
    assert spent == statement["spent_usd"]["amount_minor"]
    assert spent + statement["unallocated_usd"]["amount_minor"] == 233_160_000
    rows = csv_rows(ok(db, "reports", "statement", "LVA", "--format", "csv"))
    assert [Decimal(r["amount_usd"]) for r in rows] == [
        Decimal(r["amount"]["amount"]) for r in statement["rows"]
    ]
    out = tmp_path / "statement.xlsx"
    ok(db, "reports", "statement", "LVA", "--format", "xlsx", "--out", str(out))
    *listed, total = xlsx_rows(out.read_bytes())
    assert [r["contribution"] for r in listed] == ["C-00005"] * len(rows)
    assert Decimal(total["amount_usd"]) == sum(Decimal(r["amount_usd"]) for r in rows)
    code, _out, err = run(db, "reports", "statement", "XXX")
    assert code == 3 and "XXX" in err


def test_the_package_report_names_every_payer_for_the_operator(
    allocated: str, tmp_path: Path
) -> None:
    db = allocated
    report = json.loads(ok(db, "reports", "package", "P-0003"))
    payers = {p["contributor"] for p in report["payments"]}
    assert "Latvia" in payers and "undisclosed" not in payers
    paid = sum(p["amount"]["amount_minor"] for p in report["payments"])
    assert paid == sum(ln["cost"]["amount_minor"] for ln in report["lines"])
    assert paid == report["cost"]["amount_minor"]
    out = tmp_path / "package.csv"
    ok(db, "reports", "package", "3", "--format", "csv", "--out", str(out))
    rows = csv_rows(out.read_text(encoding="utf-8"))
    paid_csv = sum(Decimal(r["amount_usd"]) for r in rows if r["record"] == "payment")
    assert paid_csv == Decimal(report["cost"]["amount"])


def test_the_report_options_are_checked(allocated: str, tmp_path: Path) -> None:
    db = allocated
    code, out, err = run(db, "reports", "package", "P-0001", "--format", "xlsx")
    assert (code, out) == (2, "") and "--out" in err
    code, _out, err = run(db, "reports", "transparency", "--format", "pdf")
    assert code == 2 and "format" in err
    code, _out, err = run(db, "reports", "package", "P-0099")
    assert code == 3
    code, _out, err = run(
        db, "reports", "ocds", "P-0001", "--out", str(tmp_path / "missing" / "x.json")
    )
    assert code == 2 and "out" in err


def ocds_document(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


def test_the_ocds_export_is_the_public_view_with_exact_amounts(
    three_in_secret: str, tmp_path: Path
) -> None:
    db = three_in_secret
    text = ok(db, "reports", "ocds", "P-0001")
    document = ocds_document(text)
    (release,) = document["releases"]  # drafted by the allocation, not changed since
    assert release["ocid"] == "ocds-purldesk-P-0001"
    assert (release["tag"], release["tender"]["status"]) == (["planning"], "planning")
    funders = {p["id"] for p in release["parties"] if "funder" in p["roles"]}
    assert funders == set(OPENLY)  # the confidential three are not named
    budget = release["planning"]["budget"]
    parts = budget["budgetBreakdown"]
    assert sum(p["amount"]["amount"] for p in parts) == budget["amount"]["amount"]
    assert budget["amount"] == release["tender"]["value"]
    items = release["tender"]["items"]
    assert sum(i["quantity"] * i["unit"]["value"]["amount"] for i in items) == Decimal(
        json.loads(ok(db, "reports", "package", "P-0001"))["cost"]["amount"]
    )
    assert [p for p in parts if "sourceParty" not in p] == [parts[-1]]  # one undisclosed bucket
    assert not any(mark in text for mark in SECRET_MARKS)
    out = tmp_path / "P-0001.json"
    ok(db, "reports", "ocds", "1", "--out", str(out))
    written = ocds_document(out.read_text(encoding="utf-8"))
    assert written["releases"][0]["id"] == release["id"]


def test_the_ocds_export_leaves_out_what_latvia_alone_would_follow_from(allocated: str) -> None:
    """P-0003 is paid in part by Latvia alone in secret: no total, bucket or price of its
    lines is published, only the public parts."""
    text = ok(allocated, "reports", "ocds", "P-0003")
    (release,) = ocds_document(text)["releases"]
    funders = {p["id"] for p in release["parties"] if "funder" in p["roles"]}
    assert {"BEL", "CAN", "FIN", "KOR"} <= funders and "LVA" not in funders
    budget = release["planning"]["budget"]
    assert "amount" not in budget and "value" not in release["tender"]
    assert budget["description"].endswith(withheld_reason(3))
    assert all("sourceParty" in p for p in budget["budgetBreakdown"])  # no undisclosed bucket
    package = json.loads(ok(allocated, "reports", "package", "P-0003"))  # as the operator
    latvias = {r["line"] for r in package["payments"] if r["contributor"] == "Latvia"}
    unpriced = {i["id"] for i in release["tender"]["items"] if "value" not in i["unit"]}
    assert latvias and latvias <= unpriced
    assert not any(mark in text for mark in SECRET_MARKS)
