"""`purldesk fx update/set/show`: current rates from a file or another official source, used
before the bundled ECB rates."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

TODAY = date.today().isoformat()


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(database_url: str) -> str:
    for code, name, kind in [("NLD", "Netherlands", "ally"), ("UKR", "Ukraine", "recipient")]:
        assert (
            run(database_url, "participants", "add", code, "--name", name, "--kind", kind)[0] == 0
        )
    return database_url


def ecb_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "eurofxref-hist.csv"
    path.write_text(f"Date,USD,JPY,CYP,\n{body}", encoding="utf-8")
    return path


def pledge_and_receive(db: str, currency: str) -> tuple[int, str, str]:
    code, _out, err = run(db, "contributions", "pledge", "NLD", "1,000", currency, "--on", TODAY)
    assert code == 0, err
    assert run(db, "contributions", "commit", "C-00001")[0] == 0
    return run(db, "contributions", "receive", "C-00001", "--on", TODAY)


def received(db: str) -> dict[str, object]:
    code, out, err = run(db, "contributions", "list", "--json")
    assert code == 0, err
    (contribution,) = json.loads(out)
    return contribution  # type: ignore[no-any-return]


def test_without_current_rates_the_error_names_the_latest_date_and_fx_update(db: str) -> None:
    code, _out, err = pledge_and_receive(db, "EUR")
    assert code != 0
    assert "the latest is 2026-10-30" in err and "purldesk fx update" in err


def test_an_euro_pledge_is_received_today_at_the_rate_loaded_from_an_ecb_file(
    db: str, tmp_path: Path
) -> None:
    path = ecb_file(tmp_path, f"{TODAY},1.2000,150.10,N/A,\n2026-11-02,1.1000,N/A,N/A,\n")
    code, out, err = run(db, "fx", "update", "--file", str(path))
    assert code == 0, err
    assert "3 new rate(s) of 3" in out
    code, out, err = run(db, "fx", "update", "--file", str(path))
    assert code == 0 and "0 new rate(s) of 3" in out, err
    code, out, err = pledge_and_receive(db, "EUR")
    assert code == 0, err
    assert "USD 1,200.00" in out
    contribution = received(db)
    assert contribution["fx_rate"] == "1.2"
    assert contribution["fx_rate_date"] == TODAY
    assert contribution["fx_source"] == "ECB eurofxref-hist"


def test_a_zip_is_read_and_a_revised_rate_is_refused_naming_it(db: str, tmp_path: Path) -> None:
    archive = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("eurofxref-hist.csv", "Date,USD,\n2026-11-02,1.1000,\n")
    assert run(db, "fx", "update", "--file", str(archive))[0] == 0
    revised = ecb_file(tmp_path, "2026-11-02,1.1001,N/A,N/A,\n")
    code, _out, err = run(db, "fx", "update", "--file", str(revised))
    assert code == 4
    assert "USD on 2026-11-02 is already 1.1000" in err
    code, out, err = run(db, "fx", "show", "USD", "--json")
    assert code == 0, err
    assert [(r["currency"], r["per_eur"], r["rate_date"]) for r in json.loads(out)] == [
        ("USD", "1.1000", "2026-11-02")
    ]


def test_a_uah_rate_from_the_nbu_makes_uah_pledges_receivable(db: str, tmp_path: Path) -> None:
    assert (
        run(db, "fx", "update", "--file", str(ecb_file(tmp_path, f"{TODAY},1.2,N/A,N/A,\n")))[0]
        == 0
    )
    code, _out, err = run(db, "contributions", "pledge", "NLD", "1,000", "UAH", "--on", TODAY)
    assert code == 2 and "UAH has no reference rate" in err
    code, _out, err = run(
        db, "fx", "set", "UAH", TODAY, "48", "--source", "National Bank of Ukraine"
    )
    assert code == 0, err
    code, _out, err = pledge_and_receive(db, "UAH")
    assert code == 0, err
    contribution = received(db)
    assert contribution["usd_minor"] == 2500
    assert contribution["fx_rate"] == "0.025"
    assert contribution["fx_source"] == "National Bank of Ukraine; ECB eurofxref-hist"
