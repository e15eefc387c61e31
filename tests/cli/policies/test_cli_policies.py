"""`purldesk indicators` and `purldesk policy`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from purldesk.entrypoints.cli import common
from purldesk.entrypoints.cli.app import app

TROOPS = "dprk_troops_in_theatre"
POLICY = """\
contributor = "KOR"
valid_from = 2024-11-07

[parameters]
limit = 20000

[[phases]]
name = "defensive"
when = "dprk_troops_in_theatre >= limit"
aid_classes = ["humanitarian", "nonlethal", "defensive"]

[default]
name = "baseline"
aid_classes = ["humanitarian", "nonlethal"]
"""


def run(db: str, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", db])
    return result.exit_code, result.stdout, result.stderr


def ok(db: str, *args: str) -> str:
    code, out, err = run(db, *args)
    assert code == 0, out + err
    return out


def as_json(db: str, *args: str) -> Any:
    return json.loads(ok(db, *args, "--json"))


@pytest.fixture
def db(database_url: str) -> str:
    ok(
        database_url,
        "participants",
        "add",
        "KOR",
        "--name",
        "Republic of Korea",
        "--kind",
        "partner",
    )
    return database_url


def observe(db: str, value: str, on: str, *extra: str) -> dict[str, Any]:
    return as_json(
        db,
        "indicators",
        "record",
        TROOPS,
        value,
        "--on",
        on,
        "--source",
        "https://example.org",
        *extra,
    )  # type: ignore[no-any-return]


def test_a_correction_supersedes_and_both_stay_listed(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = observe(db, "25,000", "2025-10-01")
    assert first["value"] == "25000" and first["observed_on"] == "2025-10-01"
    second = observe(db, "15000", "2025-10-01", "--supersedes", str(first["id"]), "--note", "typo")
    assert second["supersedes"] == first["id"]
    listed = as_json(db, "indicators", "list")
    assert [(o["id"], o["superseded_by"]) for o in listed] == [
        (first["id"], second["id"]),
        (second["id"], None),
    ]
    monkeypatch.setattr(common.console, "width", 160)  # wide enough not to wrap the status
    out = ok(db, "indicators", "list")
    assert "superseded" in out and f"corrects #{first['id']}" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((TROOPS, "lots", "--on", "2025-01-01", "--source", "s"), "value: 'lots' is not a decimal"),
        ((TROOPS, "1", "--on", "2025-02-30", "--source", "s"), "on: '2025-02-30' is not a date"),
        ((TROOPS, "1", "--on", "2025-01-01", "--source", " "), "source: is empty"),
        (("Troops", "1", "--on", "2025-01-01", "--source", "s"), "name: 'Troops' is not an indicator name"),
        ((TROOPS, "1", "--on", "2025-01-01", "--source", "s", "--supersedes", "7"), "supersedes: observation #7 does not exist"),
    ],
)  # fmt: skip
def test_a_bad_record_is_refused_naming_the_field(
    db: str, args: tuple[str, ...], words: str
) -> None:
    code, _out, err = run(db, "indicators", "record", *args)
    assert code == 2
    assert words in err
    assert as_json(db, "indicators", "list") == []


def test_a_second_observation_of_a_day_is_a_conflict(db: str) -> None:
    observe(db, "1", "2025-01-01")
    code, _out, err = run(
        db, "indicators", "record", TROOPS, "2", "--on", "2025-01-01", "--source", "s"
    )
    assert code == 4
    assert "observed_on:" in err and "supersedes #1" in err


def test_a_bad_indicators_file_names_file_line_and_field(db: str, tmp_path: Path) -> None:
    path = tmp_path / "obs.csv"
    path.write_text(
        "name,value,observed_on,source,note\n"
        f"{TROOPS},10000,2024-10-17,https://a,\n"
        f"{TROOPS},ten,2024-10-18,https://b,\n"
        f"{TROOPS},1,2024-10-19,,\n",
        encoding="utf-8",
    )
    code, _out, err = run(db, "indicators", "import", str(path))
    assert code == 2
    assert f"{path}: line 3, value:" in err
    assert f"{path}: line 4, source: is empty" in err
    assert as_json(db, "indicators", "list") == []


def test_a_bad_policy_file_names_file_line_and_field(db: str, tmp_path: Path) -> None:
    observe(db, "14000", "2025-04-15")
    path = tmp_path / "KOR.toml"
    path.write_text(
        POLICY.replace("dprk_troops_in_theatre >=", "dprk_troop >=").replace(
            '"defensive"]', '"defense"]'
        ),
        encoding="utf-8",
    )
    code, _out, err = run(db, "policy", "set", "KOR", str(path))
    assert code == 2
    assert f"{path}: line 9, phases[1].when: unknown indicator 'dprk_troop'" in err
    assert f"{path}: line 10, phases[1].aid_classes: unknown aid class: 'defense'" in err
    assert "nothing was set" in err
    assert as_json(db, "policy", "show", "KOR", "--on", "2025-09-01")["versions"] == 0


def test_show_and_explain_give_the_phase_the_rule_and_the_observation(
    db: str, tmp_path: Path
) -> None:
    observe(db, "14000", "2025-04-15")
    path = tmp_path / "KOR.toml"
    path.write_text(POLICY, encoding="utf-8")
    assert "KOR policy v1, valid from 2024-11-07; phases: defensive, baseline (default)" in ok(
        db, "policy", "set", "KOR", str(path)
    ).replace("\n", " ")
    shown = as_json(db, "policy", "show", "KOR", "--on", "2025-09-01")
    assert shown["policy"]["version"] == 1 and shown["policy"]["parameters"] == {"limit": "20000"}
    in_force = shown["in_force"]
    assert in_force["phase"] == "baseline" and in_force["is_default"] is True
    assert [o["value"] for o in in_force["evidence"]] == ["14000"]
    assert in_force["checks"] == [
        {"phase": "defensive", "when": "dprk_troops_in_theatre >= limit (20000)", "holds": False,
         "observations": [1], "missing": []}
    ]  # fmt: skip
    assert as_json(db, "policy", "show", "KOR", "--on", "2024-01-01")["policy"] is None
    observe(db, "25000", "2025-10-01")
    later = as_json(db, "policy", "explain", "KOR", "--on", "2025-10-01")
    assert later["in_force"]["phase"] == "defensive" and later["lines"] == []
    assert [o["observed_on"] for o in later["in_force"]["evidence"]] == ["2025-10-01"]
    before = as_json(db, "policy", "show", "KOR", "--on", "2025-09-30")
    assert before["in_force"]["phase"] == "baseline"
    text = ok(db, "policy", "show", "KOR", "--on", "2025-10-01")
    assert "'defensive' is in force on 2025-10-01" in text.replace("\n", " ")
