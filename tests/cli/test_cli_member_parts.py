"""`purldesk contributions pledge … --member`, a contributions file's `members` column, the
statement of a member and `reports transparency --by members`, at the ECB rates bundled for
2025-08-05 (the day of the Nordic package)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli.app import app

NORDIC = ("--member", "DNK:580000000:DKK", "--member", "NOR:1500000000:NOK",
          "--member", "SWE:275000000:USD")  # fmt: skip
NORDIC_SUM = "510794953.87"  # USD 89,729,338.62 + 146,065,615.25 + 275,000,000.00
HEADER = "contributor,amount,currency,pledged_on,received_on,confidential,purpose,members\n"


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(database_url: str) -> str:
    for code, name in [("DNK", "Denmark"), ("NOR", "Norway"), ("SWE", "Sweden"),
                       ("NLD", "Netherlands")]:  # fmt: skip
        assert (
            run(database_url, "participants", "add", code, "--name", name, "--kind", "ally")[0] == 0
        )
    members = ("--member", "DNK", "--member", "NOR", "--member", "SWE")
    code, _out, err = run(
        database_url, "participants", "add", "NORDIC-3", "--name", "Nordic three", "--kind",
        "ally", *members,
    )  # fmt: skip
    assert code == 0, err
    return database_url


def pledge(db: str, amount: str, *parts: str, who: str = "NORDIC-3") -> tuple[int, str, str]:
    return run(db, "contributions", "pledge", who, amount, "USD", "--on", "2025-08-05", *parts)


def listed(db: str) -> list[dict[str, object]]:
    code, out, err = run(db, "contributions", "list", "--json")
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_a_group_pledges_with_its_members_parts_at_their_own_rates(db: str) -> None:
    code, out, err = pledge(db, NORDIC_SUM, *NORDIC)
    assert code == 0, err
    assert "C-00001: NORDIC-3 pledged USD 510,794,953.87" in out
    flat = " ".join(out.split())  # the console wraps long lines
    assert "DNK: DKK 580,000,000.00 = USD 89,729,338.62 at 0.154705756244 (ECB, 2025-08-05)" in flat
    (group,) = listed(db)
    assert [
        (m["member"], m["currency"], m["usd_minor"], m["fx_rate"]) for m in group["members"]
    ] == [  # type: ignore[index,union-attr]
        ("DNK", "DKK", 8_972_933_862, "0.154705756244"),
        ("NOR", "NOK", 14_606_561_525, "0.0973770768323"),
        ("SWE", "USD", 27_500_000_000, "1"),
    ]
    assert run(db, "contributions", "receive", "C-00001", "--on", "2025-08-06")[0] == 0
    code, out, _err = run(db, "reports", "statement", "DNK")
    parts = json.loads(out)["through_groups"]["parts"]
    assert [(p["contribution"], p["usd"]["amount"]) for p in parts] == [("C-00001", "89729338.62")]
    code, out, _err = run(db, "reports", "transparency", "--by", "members")
    assert code == 0
    report = json.loads(out)
    assert report["contributors_by"] == "members"
    assert [c["name"] for c in report["contributors"]] == ["Sweden", "Norway", "Denmark"]
    groups = json.loads(run(db, "reports", "transparency")[1])["contributors"]
    assert [c["name"] for c in groups] == ["Nordic three"]
    document = json.loads(run(db, "export", "--format", "json")[1])
    assert [m["member"] for m in document["contributions"][0]["members"]] == ["DNK", "NOR", "SWE"]


@pytest.mark.parametrize(
    ("amount", "parts", "who", "says"),
    [
        ("500000000", NORDIC, "NORDIC-3", "parts sum to USD 510,794,953.87"),
        ("1", ("--member", "FIN:1:USD"), "NORDIC-3", "FIN is not a member of NORDIC-3"),
        ("1", ("--member", "NLD:1:USD"), "NLD", "NLD is not a group"),
        ("2", ("--member", "DNK:1:USD", "--member", "DNK:1:USD"), "NORDIC-3", "listed twice"),
        ("1", ("--member", "DNK:1:DKX"), "NORDIC-3", "unknown ISO 4217 currency 'DKX'"),
        ("1", ("--member", "DNK:1" + "0" * 16 + ":DKK"), "NORDIC-3", "bound on one amount"),
        ("1", ("--member", "DNK=1=DKK"), "NORDIC-3", "is not MEMBER:AMOUNT:CURRENCY"),
    ],
)
def test_a_bad_part_is_refused_naming_members_and_nothing_is_written(
    db: str, amount: str, parts: tuple[str, ...], who: str, says: str
) -> None:
    code, _out, err = pledge(db, amount, *parts, who=who)
    assert code == 2
    assert "members" in err and says in " ".join(err.split())
    assert listed(db) == []


def test_transparency_by_something_else_is_refused_naming_by(db: str) -> None:
    code, _out, err = run(db, "reports", "transparency", "--by", "nations")
    assert code == 2 and "by" in err and "groups, members" in err


def test_a_contributions_file_gives_parts_in_its_members_column(db: str, tmp_path: Path) -> None:
    path = tmp_path / "contributions.csv"
    parts = "DNK:580000000:DKK;NOR:1500000000:NOK;SWE:275000000:USD"
    path.write_text(
        HEADER
        + f"NORDIC-3,{NORDIC_SUM},USD,2025-08-05,2025-08-05,false,Second package,{parts}\n"
        + "NLD,500000000,EUR,2025-08-04,2025-08-04,false,First package,\n",
        encoding="utf-8",
    )
    code, _out, err = run(db, "contributions", "import", str(path))
    assert code == 0, err
    group, nation = listed(db)
    assert [m["member"] for m in group["members"]] == ["DNK", "NOR", "SWE"]  # type: ignore[union-attr]
    assert group["usd_minor"] == 51_079_495_387 and nation["members"] == []


def test_a_file_row_with_bad_parts_is_reported_with_line_and_members(
    db: str, tmp_path: Path
) -> None:
    path = tmp_path / "contributions.csv"
    path.write_text(
        HEADER
        + "NORDIC-3,500000000,USD,2025-08-05,,false,x,DNK:580000000:DKK;SWE:275000000:USD\n"
        + "NORDIC-3,1,USD,2025-08-05,,false,x,DNK:1:DKK;dnk:1:DKK\n"
        + "NLD,1,USD,2025-08-05,,false,x,NLD:1:USD\n",
        encoding="utf-8",
    )
    code, _out, err = run(db, "contributions", "import", str(path))
    assert code == 2
    flat = " ".join(err.split())
    assert "line 2, members: the parts sum to USD 364,729,338.62" in flat
    assert "line 3, members: DNK is listed twice" in flat
    assert "line 4, members: NLD is not a group" in flat
    assert listed(db) == []
