"""`purldesk reports burden-sharing`, `purldesk reports forecast` and `purldesk reference gdp` on
the demo: every nation with its GDP's year and source, the Netherlands' share of its GDP checked by
hand, Latvia's confidential money given back by no ratio, the back-test of the forecast, and GDP
figures imported over the bundled ones."""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from purldesk.demo import scenario
from purldesk.entrypoints.cli.app import app
from report_files import csv_rows, same_number, xlsx_rows

# Latvia's contribution C-00005 is confidential: EUR 2M, USD 2,331,600.00 on receipt.
SECRET_MARKS = ("2331600", "233160000")
DEMO_DATA = Path(scenario.__file__).parent / "data"


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def ok(db: str, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, f"{args}: {out}{err}"
    return out


def document(db: str, *args: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(ok(db, *args))
    return found


def demo_nations() -> list[str]:
    """The contributing nations of the demo's participants: allies and partners, not groups."""
    rows = csv_rows((DEMO_DATA / "participants.csv").read_text())
    return sorted(
        r["code"] for r in rows
        if r["kind"] in ("ally", "partner") and not r["members"]
        and (r["status"] == "joined" or r["code"] == "KOR")  # Korea gave (hypothetically)
    )  # fmt: skip


def test_the_report_lists_each_nation_with_its_gdps_year_and_source(demo_url: str) -> None:
    report = document(demo_url, "reports", "burden-sharing")
    listed = {n["code"]: n for n in report["nations"]}
    assert sorted(listed) == demo_nations()
    for nation in listed.values():
        assert nation["gdp"]["year"] == 2023, nation["code"]
        assert nation["gdp"]["source"].startswith("World Bank, World Development Indicators")
        assert nation["gdp"]["url"].startswith("https://data.worldbank.org/"), nation["code"]
    # By hand: the Netherlands received EUR 500M at 1.1565, USD 578,250,000.00, of a GDP of
    # USD 1,118.1 billion: 0.0517% of it.
    netherlands = listed["NLD"]
    assert netherlands["received_usd"]["amount"] == "578250000.00"
    assert netherlands["gdp"]["gdp_usd"] == 1_118_100_000_000
    exact = Fraction(578_250_000, 1_118_100_000_000) * 100
    assert Decimal(netherlands["share_of_gdp_percent"]) == Decimal("0.0517")
    assert abs(Decimal(netherlands["share_of_gdp_percent"]) - Decimal(float(exact))) < Decimal(
        "0.00005"
    )
    # The demo's group contributions list no members' parts: said so, never split by guess.
    unsplit = {g["code"]: g for g in report["groups_not_split"]}
    assert sorted(unsplit) == ["NB8", "NORDIC-3"]
    assert unsplit["NORDIC-3"]["members"] == ["DNK", "NOR", "SWE"]
    assert listed["DNK"]["received_usd"]["amount"] == "0.00"


def test_as_the_public_sees_it_latvias_confidential_money_is_in_no_figure(demo_url: str) -> None:
    public = document(demo_url, "reports", "burden-sharing", "--public")
    latvia = next(n for n in public["nations"] if n["code"] == "LVA")
    assert latvia["withheld"] and latvia["received_usd"] is None
    assert latvia["share_of_gdp_percent"] is None and latvia["share_of_pool_percent"] is None
    assert not public["pool_complete"]
    text = ok(demo_url, "reports", "burden-sharing", "--public", "--format", "csv")
    assert not any(mark in text for mark in SECRET_MARKS)
    assert not any(mark in json.dumps(public) for mark in SECRET_MARKS)
    operator = document(demo_url, "reports", "burden-sharing")
    latvia_in_full = next(n for n in operator["nations"] if n["code"] == "LVA")
    assert latvia_in_full["received_usd"]["amount"] == "2331600.00"


def test_the_report_as_csv_and_xlsx_files(demo_url: str, tmp_path: Path) -> None:
    ok(demo_url, "reports", "burden-sharing", "--format", "csv", "--out", str(tmp_path / "b.csv"))
    ok(demo_url, "reports", "burden-sharing", "--format", "xlsx", "--out", str(tmp_path / "b.xlsx"))
    rows = csv_rows((tmp_path / "b.csv").read_text())
    from_xlsx = xlsx_rows((tmp_path / "b.xlsx").read_bytes())
    assert len(rows) == len(from_xlsx)
    for a, b in zip(rows, from_xlsx, strict=True):
        assert all(same_number(a[k], b[k]) for k in a), (a, b)
    netherlands = next(r for r in rows if r["code"] == "NLD")
    assert netherlands["share_of_gdp_percent"] == "0.0517"


def test_gdp_figures_imported_replace_the_bundled_ones(demo_url: str, tmp_path: Path) -> None:
    source = "IMF, World Economic Outlook database, October 2025: NGDPD"
    url = "https://www.imf.org/external/datamapper/NGDPD@WEO/NLD"
    (tmp_path / "gdp.csv").write_text(
        "nation,year,gdp_usd,source,url\n"
        f'NLD,2024,1227000000000,"{source}",{url}\n'
        f'DNK,2023,407100000000,"{source}",{url}\n'
    )
    said = ok(demo_url, "reference", "gdp", "import", str(tmp_path / "gdp.csv"))
    assert "2 figure(s) added, 0 replaced" in said
    listed = {
        f["nation"]: f for f in json.loads(ok(demo_url, "reference", "gdp", "list", "--json"))
    }
    assert (listed["NLD"]["year"], listed["NLD"]["bundled"]) == (2024, False)
    assert (listed["DNK"]["gdp_usd"], listed["DNK"]["source"]) == (407_100_000_000, source)
    assert listed["SWE"]["bundled"]
    report = document(demo_url, "reports", "burden-sharing")
    netherlands = next(n for n in report["nations"] if n["code"] == "NLD")
    assert netherlands["gdp"]["year"] == 2024 and netherlands["gdp"]["source"] == source


def test_a_gdp_file_with_a_bad_row_is_refused_whole(demo_url: str, tmp_path: Path) -> None:
    good = "NLD,2024,1227000000000,IMF,https://www.imf.org\n"
    (tmp_path / "bad.csv").write_text(
        f"nation,year,gdp_usd,source,url\n{good}NOR,24,5,IMF,https://www.imf.org\n"
        "SWE,2024,5,IMF,imf.org\n"
    )
    code, _out, err = run(demo_url, "reference", "gdp", "import", str(tmp_path / "bad.csv"))
    assert code == 2
    assert "line 3, year: 24 is not a year" in err and "line 4, url" in err
    (tmp_path / "group.csv").write_text(
        f"nation,year,gdp_usd,source,url\n{good}NB8,2024,5,IMF,https://www.imf.org\n"
        "XKX,2024,5,IMF,https://www.imf.org\n"
    )
    code, _out, err = run(demo_url, "reference", "gdp", "import", str(tmp_path / "group.csv"))
    assert code == 2
    assert "line 3, nation: NB8 is a group" in err
    assert "line 4, nation: XKX is not a registered participant" in err
    listed = json.loads(ok(demo_url, "reference", "gdp", "list", "--json"))
    assert all(f["bundled"] for f in listed)  # nothing written


def test_the_forecast_and_its_backtest_on_the_demos_history(demo_url: str) -> None:
    forecast = document(demo_url, "reports", "forecast", "--target", "500,000,000")
    assert forecast["target"]["amount"] == "500000000.00"
    assert forecast["cycle"] == "2025-09"
    assert forecast["ranks"][0]["rank"] == 1
    backtest = document(demo_url, "reports", "forecast", "--backtest", "--until", "2025-12-31")
    # Forecasts from 2025-10-01 (August and September measured) to 2025-12-01.
    assert [t["origin"] for t in backtest["trials"]] == ["2025-10-01", "2025-11-01", "2025-12-01"]
    # USD 500M more came in with the Nordic-Baltic package on 2025-11-13, in both months.
    assert [t["actual_on"] for t in backtest["trials"]] == ["2025-11-13", "2025-11-13", None]
    assert backtest["scored"] == 2 and backtest["coverage"] == 1.0
    errors = [abs(t["error_days"]) for t in backtest["trials"][:2]]
    assert backtest["mean_absolute_error_days"] == sum(errors) / 2
    code, _out, err = run(demo_url, "reports", "forecast", "--until", "2025-12-31")
    assert code == 2 and "--backtest only" in err
