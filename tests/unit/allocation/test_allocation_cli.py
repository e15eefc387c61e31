"""`purldesk allocate` through Typer's CliRunner, on a Typer app of our own."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from purldesk.entrypoints.cli.allocate import register

PROBLEM = {
    "format": "purldesk.allocation/1",
    "currency": "USD",
    "cap_minor": None,
    "lines": [
        {
            "id": "L-1",
            "rank": 1,
            "aid_class": "nonlethal",
            "area": "medical",
            "lot_price_minor": 100,
            "lots": 5,
        },
        {
            "id": "L-2",
            "rank": 2,
            "aid_class": "lethal",
            "area": "artillery",
            "lot_price_minor": 100,
            "lots": 7,
        },
    ],
    "funds": [
        {
            "id": "F-A",
            "contributor": "NLD",
            "available_minor": 600,
            "aid_classes": None,
            "areas": None,
        },
        {
            "id": "F-B",
            "contributor": "DEU",
            "available_minor": 500,
            "aid_classes": ["nonlethal"],
            "areas": None,
        },
    ],
}


def app() -> typer.Typer:
    built = typer.Typer()
    register(built)

    @built.command()
    def version() -> None:  # a second command, so `allocate` stays a named subcommand
        typer.echo("0")

    return built


def write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "problem.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_json_output_is_compact_sorted_and_stable(tmp_path: Path) -> None:
    path = write(tmp_path, PROBLEM)
    runner = CliRunner()
    first = runner.invoke(app(), ["allocate", "--input", str(path), "--json"])
    second = runner.invoke(app(), ["allocate", "--input", str(path), "--json"])
    assert first.exit_code == 0, first.output
    assert first.stdout == second.stdout
    document = json.loads(first.stdout)
    assert first.stdout == json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n"
    assert document["format"] == "purldesk.allocation-result/1"
    assert [x["funded_lots"] for x in document["lines"]] == [5, 6]
    assert document["lines"][1]["blocked_by"]["reason"] == "eligible_money_exhausted"
    assert document["funds"] == [
        {"id": "F-A", "left_minor": 0, "used_minor": 600},
        {"id": "F-B", "left_minor": 0, "used_minor": 500},
    ]


def test_table_output_lists_every_line(tmp_path: Path) -> None:
    path = write(tmp_path, PROBLEM)
    result = CliRunner().invoke(app(), ["allocate", "--input", str(path)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "L-1" in result.stdout and "5/5" in result.stdout
    assert "L-2" in result.stdout and "6/7" in result.stdout
    assert "eligible_money_exhausted (short USD 1.00)" in result.stdout
    assert "used USD 11.00  left USD 0.00" in result.stdout
    assert "minor units" not in result.stdout


def test_amounts_of_a_currency_purldesk_does_not_know_stay_in_minor_units(tmp_path: Path) -> None:
    path = write(tmp_path, {**PROBLEM, "currency": "XAU"})
    result = CliRunner().invoke(app(), ["allocate", "--input", str(path)], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    assert "Allocation (XAU minor units)" in result.stdout
    assert "eligible_money_exhausted (short 100)" in result.stdout
    assert "used 1,100  left 0" in result.stdout


def test_invalid_input_prints_the_path_and_exits_2(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(PROBLEM))
    bad["lines"][1]["lot_price_minor"] = 0
    path = write(tmp_path, bad)
    result = CliRunner().invoke(app(), ["allocate", "--input", str(path), "--json"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "error: $.lines[1].lot_price_minor: must be at least 1, got 0\n"


def test_malformed_json_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{", encoding="utf-8")
    result = CliRunner().invoke(app(), ["allocate", "--input", str(path)])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: $: not JSON")
