"""A CSV row with several bad fields reports every one of them, each named with its line."""

from __future__ import annotations

from purldesk.adapters.imports import csv_files
from purldesk.adapters.imports.indicator_files import parse_observations


def findings(parsed: csv_files.Parsed[object]) -> list[tuple[int, str]]:
    return [(error.line, error.field) for error in parsed.errors]


def test_a_contribution_row_reports_each_bad_field_and_the_good_rows_are_kept() -> None:
    parsed = csv_files.parse_contributions(
        "contributor,amount,currency,pledged_on,received_on,confidential,purpose\n"
        "NLD,-5,USD,2025-13-01,yesterday,maybe,Air defence\n"
        "DEU,100,EUR,2025-08-04,,false,Artillery\n"
    )
    assert findings(parsed) == [
        (2, "amount"), (2, "pledged_on"), (2, "received_on"), (2, "confidential"),
    ]  # fmt: skip
    assert [row.contributor for row in parsed.rows] == ["DEU"]


def test_a_bad_currency_is_reported_once_and_its_amount_is_not_guessed() -> None:
    parsed = csv_files.parse_contributions(
        "contributor,amount,currency,pledged_on,received_on,confidential,purpose\n"
        ",12,XXQ,2025-08-04,,false,\n"
    )
    assert findings(parsed) == [(2, "contributor"), (2, "currency")]


def test_catalog_requirement_participant_and_indicator_rows_report_every_bad_field() -> None:
    catalog = csv_files.parse_catalog(
        "code,name,area,aid_class,unit_price_usd,lot_size,available_per_cycle,lead_time_days\n"
        "AD-1,,air_defence,lethal,abc,0,-1,x\n"
    )
    assert findings(catalog) == [
        (2, "name"), (2, "unit_price_usd"), (2, "lot_size"), (2, "available_per_cycle"),
        (2, "lead_time_days"),
    ]  # fmt: skip
    lines = csv_files.parse_requirements(
        "ref,rank,item_code,quantity,needed_by,justification\nL-1,0,AD-1,0,soon,why\n"
    )
    assert findings(lines) == [(2, "rank"), (2, "quantity"), (2, "needed_by")]
    participants = csv_files.parse_participants(
        "code,name,kind,status,members\nNLD,,king,lost,\n", is_nation_code=lambda c: c == "NLD"
    )
    assert findings(participants) == [(2, "name"), (2, "kind"), (2, "status")]
    observations = parse_observations("name,value,observed_on,source\n,ten,2025-02-30,\n")
    assert findings(observations) == [(2, "name"), (2, "value"), (2, "observed_on"), (2, "source")]
