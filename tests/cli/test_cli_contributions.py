"""`purldesk contributions import/list` and the lifecycle commands; the ledger, the bound and a
file imported twice on both databases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

HEADER = "contributor,amount,currency,pledged_on,received_on,confidential,purpose\n"


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(database_url: str) -> str:
    for code, name, kind in [
        ("NLD", "Netherlands", "ally"),
        ("DEU", "Germany", "ally"),
        ("KOR", "Republic of Korea", "partner"),
        ("UKR", "Ukraine", "recipient"),
    ]:
        code_, _out, err = run(
            database_url, "participants", "add", code, "--name", name, "--kind", kind
        )
        assert code_ == 0, err
    return database_url


def write(tmp_path: Path, body: str) -> str:
    path = tmp_path / "contributions.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return str(path)


def listed(db: str) -> list[dict[str, object]]:
    code, out, err = run(db, "contributions", "list", "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_import_converts_received_money_at_the_ecb_rate_of_the_day(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "NLD,500000000,EUR,2025-08-04,2025-08-04,false,First package\n"
        "KOR,15000000000,KRW,2025-12-01,,true,Non-lethal equipment\n",
    )
    code, _out, err = run(db, "contributions", "import", path)
    assert code == 0, err
    nld, kor = listed(db)
    assert nld["amount_minor"] == 50000000000
    assert nld["currency"] == "EUR"
    assert nld["status"] == "received"
    assert nld["usd_minor"] == 57825000000
    assert nld["fx_rate"] == "1.1565"
    assert nld["fx_rate_date"] == "2025-08-04"
    assert kor["amount_minor"] == 15000000000  # KRW has no minor unit
    assert kor["status"] == "pledged"
    assert kor["usd_minor"] is None and kor["fx_rate"] is None and kor["fx_rate_date"] is None
    assert kor["confidential"] is True


def test_weekend_receipt_takes_the_last_published_rate(db: str, tmp_path: Path) -> None:
    path = write(tmp_path, "DEU,100,EUR,2025-08-02,2025-08-03,false,\n")  # a Sunday
    assert run(db, "contributions", "import", path)[0] == 0
    (deu,) = listed(db)
    assert deu["fx_rate_date"] == "2025-08-01"
    assert deu["usd_minor"] == 11404  # EUR 100.00 at 1.1404


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ("NLD,100,XYZ,2025-08-04,,false,x", "currency"),
        ("NLD,-100,EUR,2025-08-04,,false,x", "amount"),
        ("NLD,12abc,EUR,2025-08-04,,false,x", "amount"),
        ("NLD,1.234,EUR,2025-08-04,,false,x", "amount"),
        ("NLD,1.5,KRW,2025-08-04,,false,x", "amount"),
        ("FRA,100,EUR,2025-08-04,,false,x", "contributor"),
        ("UKR,100,EUR,2025-08-04,,false,x", "contributor"),
        ("NLD,100,EUR,2025-02-30,,false,x", "pledged_on"),
        ("NLD,100,EUR,2025-08-04,2025-13-01,false,x", "received_on"),
        ("NLD,100,EUR,2025-08-04,2025-08-01,false,x", "received_on"),
        ("NLD,100,EUR,2099-01-04,,false,x", "pledged_on"),  # after today
        ("NLD,100,EUR,2025-08-04,2099-01-04,false,x", "received_on"),  # after today
        ("NLD,100,EUR,2025-08-04,,maybe,x", "confidential"),
        ("NLD,9223372036854775807,KRW,2025-08-04,,false,x", "amount"),
        ('NLD,"10,000,000,000,000.01",USD,2025-08-04,,false,x', "amount"),
        ("NLD,100,KWD,2025-08-04,,false,x", "currency"),
    ],
)
def test_a_bad_row_is_reported_with_line_and_field_and_nothing_is_written(
    db: str, tmp_path: Path, row: str, field: str
) -> None:
    path = write(tmp_path, "DEU,100,EUR,2025-08-04,2025-08-04,false,good\n" + row + "\n")
    code, out, err = run(db, "contributions", "import", path)
    assert code == 2
    assert f"line 3, {field}:" in err
    assert "nothing was written" in err
    assert listed(db) == []
    code, out, err = run(db, "ledger", "verify", "--json")
    assert json.loads(out)["entries"] == 0


def test_every_bad_row_is_reported_at_once(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "FRA,100,EUR,2025-08-04,,false,x\nNLD,100,XYZ,2025-08-04,,false,x\nNLD,-1,EUR,2025-08-04,,false,x\n",
    )
    code, _, err = run(db, "contributions", "import", path)
    assert code == 2
    assert "line 2, contributor:" in err
    assert "line 3, currency:" in err
    assert "line 4, amount:" in err


def test_a_file_without_the_required_columns_is_refused(db: str, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("contributor,amount\nNLD,1\n", encoding="utf-8")
    code, _, err = run(db, "contributions", "import", str(path))
    assert code == 2
    assert "header" in err and "currency" in err


@pytest.mark.both_databases
def test_lifecycle_pledge_commit_receive_refund_keeps_the_ledger_verified(db: str) -> None:
    code, out, err = run(
        db, "contributions", "pledge", "DEU", "1,000,000", "EUR", "--on", "2025-08-01"
    )
    assert code == 0, err
    assert "C-00001" in out
    assert run(db, "contributions", "commit", "C-00001")[0] == 0
    code, out, err = run(db, "contributions", "receive", "C-00001", "--on", "2025-08-04")
    assert code == 0, err
    assert "USD 1,156,500.00" in out and "1.1565" in out
    code, out, err = run(db, "contributions", "refund", "C-00001", "--on", "2025-08-05")
    assert code == 0, err
    (deu,) = listed(db)
    assert deu["status"] == "refunded"
    code, out, err = run(db, "ledger", "verify")
    assert code == 0, out + err


def test_an_illegal_transition_is_a_conflict_and_changes_nothing(db: str) -> None:
    run(db, "contributions", "pledge", "DEU", "100", "EUR", "--on", "2025-08-01")
    assert run(db, "contributions", "cancel", "C-00001", "--on", "2025-08-02")[0] == 0
    code, _, err = run(db, "contributions", "receive", "C-00001", "--on", "2025-08-04")
    assert code == 4
    assert "cannot go from cancelled to received" in err
    (deu,) = listed(db)
    assert deu["status"] == "cancelled"
    balances = json.loads(run(db, "ledger", "balances", "--json")[1])
    assert balances == []  # pledge and its cancellation cancel out


def test_unknown_contribution_is_not_found(db: str) -> None:
    code, _, err = run(db, "contributions", "commit", "C-00042")
    assert code == 3
    assert "42" in err


@pytest.mark.parametrize(
    ("amount", "currency", "field", "says"),
    [("9223372036854775807", "KRW", "amount", "bound on one amount, KRW 1,000,000,000,000,000"),
     ("1" + "0" * 21, "USD", "amount", "bound on one amount, USD 10,000,000,000,000.00"),
     ("100", "KWD", "currency", "accepted currencies are AUD, BGN")],
)  # fmt: skip
def test_a_pledge_beyond_the_bound_or_without_a_rate_is_refused_naming_the_field(
    db: str, amount: str, currency: str, field: str, says: str
) -> None:
    code, _, err = run(db, "contributions", "pledge", "DEU", amount, currency, "--on", "2025-08-01")
    assert code == 2
    assert field in err and says in " ".join(err.split())
    assert listed(db) == []


@pytest.mark.both_databases
def test_a_pledge_at_the_bound_is_accepted(db: str) -> None:
    code, _, err = run(
        db, "contributions", "pledge", "KOR", "1,000,000,000,000,000", "KRW", "--on", "2025-08-01"
    )
    assert code == 0, err
    (kor,) = listed(db)
    assert kor["amount_minor"] == 10**15


def with_catalog(db: str, tmp_path: Path) -> str:
    (tmp_path / "catalog.csv").write_text(
        "code,name,area,aid_class,unit_price_usd,lot_size,available_per_cycle,lead_time_days\n"
        "MED-1,Field hospital kit,medical,humanitarian,2500.00,2,50,30\n",
        encoding="utf-8",
    )
    code, _out, err = run(db, "catalog", "import", str(tmp_path / "catalog.csv"))
    assert code == 0, err
    return db


def test_a_pledge_takes_its_earmark_from_the_options(db: str, tmp_path: Path) -> None:
    code, out, err = run(
        with_catalog(db, tmp_path), "contributions", "pledge", "DEU", "100", "EUR",
        "--on", "2025-08-01", "--earmark-aid-class", "humanitarian", "--earmark-area", "medical",
        "--earmark-expires-on", "2026-08-01",
    )  # fmt: skip
    assert code == 0, err
    assert out.startswith("C-00001: DEU pledged")
    assert listed(db)[0]["earmark"] == {
        "package_id": None, "areas": ["medical"], "aid_classes": ["humanitarian"],
        "expires_on": "2026-08-01",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("--earmark-area", "tanks", "earmark.areas"),
        ("--earmark-aid-class", "tanks", "earmark.aid_classes"),
        ("--earmark-package", "P-0001", "earmark.package"),
        ("--earmark-expires-on", "2025-07-31", "earmark.expires_on"),
    ],
)
def test_an_earmark_that_could_never_be_honoured_is_refused_naming_the_field(
    db: str, tmp_path: Path, option: str, value: str, field: str
) -> None:
    code, _, err = run(
        with_catalog(db, tmp_path), "contributions", "pledge", "DEU", "100", "EUR",
        "--on", "2025-08-01", option, value,
    )  # fmt: skip
    assert code == 2
    assert field in err
    assert listed(db) == []


def test_import_reads_the_earmark_columns_and_refuses_unknown_areas_by_row(
    db: str, tmp_path: Path
) -> None:
    path = tmp_path / "earmarked.csv"
    columns = "earmark_aid_classes,earmark_areas,earmark_package,earmark_expires_on"
    path.write_text(
        f"{HEADER.strip()},{columns}\n"
        "NLD,100,EUR,2025-08-04,,false,kits,humanitarian;nonlethal,medical,,2026-01-31\n"
        "DEU,100,EUR,2025-08-04,,false,tanks,,tanks,,\n",
        encoding="utf-8",
    )
    code, _out, err = run(with_catalog(db, tmp_path), "contributions", "import", str(path))
    assert code == 2
    assert "3" in err and "earmark.areas" in err and "tanks" in err
    assert listed(db) == []
    path.write_text(path.read_text().replace("tanks,,tanks", "tanks,,medical"))
    code, _out, err = run(db, "contributions", "import", str(path))
    assert code == 0, err
    assert listed(db)[0]["earmark"]["aid_classes"] == ["humanitarian", "nonlethal"]  # type: ignore[index]


@pytest.mark.both_databases
def test_a_file_imported_twice_records_its_money_once(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "NLD,500000000,EUR,2025-08-04,2025-08-04,false,First package\n"
        "KOR,15000000000,KRW,2025-12-01,,true,Non-lethal equipment\n",
    )
    assert run(db, "contributions", "import", path)[0] == 0
    code, _out, err = run(db, "contributions", "import", path)
    assert code == 2
    assert "line 2, row: already imported as C-00001" in err
    assert "line 3, row: already imported as C-00002" in err
    assert "nothing was written" in err
    assert [c["amount_minor"] for c in listed(db)] == [50000000000, 15000000000]


@pytest.mark.both_databases
def test_skip_imported_imports_only_the_new_rows_and_counts_the_skipped(
    db: str, tmp_path: Path
) -> None:
    first = "NLD,500000000,EUR,2025-08-04,2025-08-04,false,First package\n"
    assert run(db, "contributions", "import", write(tmp_path, first))[0] == 0
    path = write(tmp_path, first + "DEU,100,EUR,2025-08-05,,false,Second\n")
    code, out, err = run(db, "contributions", "import", path, "--skip-imported")
    assert code == 0, err
    assert "1 contribution(s) imported, 0 received, 1 already imported and skipped" in out
    assert [c["contributor"] for c in listed(db)] == ["NLD", "DEU"]
