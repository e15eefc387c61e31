"""Parsing `purldesk.allocation/1` and rendering `purldesk.allocation-result/1`."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from purldesk.allocation import (
    AidClass,
    InvalidProblem,
    parse_problem,
    problem_to_json,
    result_to_json,
    solve,
)


def document() -> dict[str, Any]:
    return {
        "format": "purldesk.allocation/1",
        "currency": "USD",
        "cap_minor": None,
        "lines": [
            {
                "id": "L-1",
                "rank": 1,
                "aid_class": "defensive",
                "area": "air_defence",
                "lot_price_minor": 410_000_000,
                "lots": 12,
            },
            {
                "id": "L-2",
                "rank": 2,
                "aid_class": "lethal",
                "area": "artillery",
                "lot_price_minor": 3_000_000,
                "lots": 0,
            },
        ],
        "funds": [
            {
                "id": "F-NLD-1",
                "contributor": "NLD",
                "available_minor": 57_825_000_000,
                "aid_classes": None,
                "areas": None,
            },
            {
                "id": "F-DEU-1",
                "contributor": "DEU",
                "available_minor": 1_000,
                "aid_classes": ["nonlethal", "humanitarian"],
                "areas": ["medical"],
            },
        ],
    }


def test_parses_the_documented_example() -> None:
    problem = parse_problem(document())
    assert problem.currency == "USD"
    assert problem.cap_minor is None
    assert [x.id for x in problem.lines] == ["L-1", "L-2"]
    assert problem.lines[0].aid_class is AidClass.DEFENSIVE
    assert problem.funds[1].aid_classes == frozenset({AidClass.NONLETHAL, AidClass.HUMANITARIAN})
    assert problem.funds[1].areas == frozenset({"medical"})
    assert problem.funds[0].aid_classes is None
    assert problem_to_json(problem)["funds"][1]["aid_classes"] == ["humanitarian", "nonlethal"]
    assert parse_problem(problem_to_json(problem)) == problem


def test_renders_the_documented_result() -> None:
    assert result_to_json(solve(parse_problem(document()))) == {
        "format": "purldesk.allocation-result/1",
        "currency": "USD",
        "lines": [
            {
                "id": "L-1",
                "funded_lots": 12,
                "funded_minor": 4_920_000_000,
                "by_fund": {"F-NLD-1": 4_920_000_000},
                "blocked_by": None,
            },
            {
                "id": "L-2",
                "funded_lots": 0,
                "funded_minor": 0,
                "by_fund": {},
                "blocked_by": None,
            },
        ],
        "funds": [
            {"id": "F-DEU-1", "used_minor": 0, "left_minor": 1_000},
            {"id": "F-NLD-1", "used_minor": 4_920_000_000, "left_minor": 52_905_000_000},
        ],
    }


def test_supply_items_and_units_are_optional_and_round_trip() -> None:
    doc = document()
    assert "units_available" not in problem_to_json(parse_problem(doc))
    assert "item" not in problem_to_json(parse_problem(doc))["lines"][0]
    doc["lines"][0] |= {"item": "PAT-PAC3MSE", "units_per_lot": 4}
    doc["lines"][1]["item"] = None  # the same as no item
    doc["units_available"] = {"PAT-PAC3MSE": 24, "UNUSED": 0}
    problem = parse_problem(doc)
    first, second = problem.lines
    assert (first.item, first.units_per_lot) == ("PAT-PAC3MSE", 4)
    assert (second.item, second.units_per_lot) == (None, 1)
    assert problem.units_available == {"PAT-PAC3MSE": 24, "UNUSED": 0}
    assert parse_problem(problem_to_json(problem)) == problem
    (l1, _) = result_to_json(solve(problem))["lines"]
    assert l1["funded_lots"] == 6
    assert l1["blocked_by"]["reason"] == "capacity_reached"
    assert l1["blocked_by"]["message"].startswith("Supplier capacity for PAT-PAC3MSE is reached")


def test_units_available_null_means_no_limit() -> None:
    doc = document() | {"units_available": None}
    assert parse_problem(doc).units_available == {}


def _set(doc: dict[str, Any], path: list[str | int], value: object) -> None:
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _delete(doc: dict[str, Any], path: list[str | int]) -> None:
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]


MISSING = object()

CASES: list[tuple[list[str | int], object, str, str]] = [
    (["format"], "purldesk.allocation/2", "$.format", "expected 'purldesk.allocation/1'"),
    (["format"], MISSING, "$.format", "missing field"),
    (["currency"], "usd", "$.currency", "ISO 4217"),
    (["cap_minor"], -1, "$.cap_minor", "at least 0"),
    (["cap_minor"], 10.0, "$.cap_minor", "expected an integer, got number"),
    (["lines"], {}, "$.lines", "expected an array, got object"),
    (["lines", 1], "L-2", "$.lines[1]", "expected an object, got string"),
    (["lines", 1, "id"], MISSING, "$.lines[1].id", "missing field"),
    (["lines", 1, "id"], "L-1", "$.lines[1].id", "duplicate line id 'L-1'"),
    (["lines", 1, "id"], "", "$.lines[1].id", "must not be empty"),
    (["lines", 0, "rank"], True, "$.lines[0].rank", "expected an integer, got boolean"),
    (["lines", 0, "aid_class"], "offensive", "$.lines[0].aid_class", "unknown aid class"),
    (["lines", 0, "area"], "Air Defence", "$.lines[0].area", "lowercase identifier"),
    (["lines", 0, "lot_price_minor"], 0, "$.lines[0].lot_price_minor", "at least 1"),
    (["lines", 0, "lot_price_minor"], -5, "$.lines[0].lot_price_minor", "at least 1"),
    (["lines", 0, "lot_price_minor"], 4.1e8, "$.lines[0].lot_price_minor", "got number"),
    (["lines", 0, "lot_price_minor"], "410", "$.lines[0].lot_price_minor", "got string"),
    (["lines", 0, "lots"], -1, "$.lines[0].lots", "at least 0"),
    (["lines", 0, "lots"], False, "$.lines[0].lots", "got boolean"),
    (["funds", 1, "id"], "F-NLD-1", "$.funds[1].id", "duplicate fund id 'F-NLD-1'"),
    (["funds", 0, "available_minor"], -1, "$.funds[0].available_minor", "at least 0"),
    (["funds", 0, "available_minor"], 1.5, "$.funds[0].available_minor", "got number"),
    (["funds", 0, "available_minor"], None, "$.funds[0].available_minor", "got null"),
    (["funds", 0, "aid_classes"], MISSING, "$.funds[0].aid_classes", "missing field"),
    (["funds", 1, "aid_classes"], "lethal", "$.funds[1].aid_classes", "expected an array"),
    (["funds", 1, "aid_classes", 1], "kinetic", "$.funds[1].aid_classes[1]", "unknown aid"),
    (["funds", 1, "areas", 0], 7, "$.funds[1].areas[0]", "expected a string, got integer"),
    (["funds", 0, "contributor"], MISSING, "$.funds[0].contributor", "missing field"),
    (["lines", 0, "item"], "", "$.lines[0].item", "must not be empty"),
    (["lines", 0, "item"], 7, "$.lines[0].item", "expected a string, got integer"),
    (["lines", 0, "units_per_lot"], 0, "$.lines[0].units_per_lot", "at least 1"),
    (["lines", 0, "units_per_lot"], 4.0, "$.lines[0].units_per_lot", "got number"),
    (["lines", 0, "units_per_lot"], 10**9 + 1, "$.lines[0].units_per_lot", "at most 1,000,000,000"),
    (["units_available"], [24], "$.units_available", "expected an object, got array"),
    (["units_available"], {"PAC-3": -1}, "$.units_available['PAC-3']", "at least 0"),
    (["units_available"], {"PAC-3": True}, "$.units_available['PAC-3']", "got boolean"),
    (["units_available"], {"PAC-3": "24"}, "$.units_available['PAC-3']", "got string"),
    (["units_available"], {"PAC-3": 10**9 + 1}, "$.units_available['PAC-3']", "at most"),
    (["units_available"], {"": 3}, "$.units_available['']", "must not be empty"),
]


@pytest.mark.parametrize(("path", "value", "where", "fragment"), CASES)
def test_invalid_documents_name_the_json_path(
    path: list[str | int], value: object, where: str, fragment: str
) -> None:
    doc = copy.deepcopy(document())
    if value is MISSING:
        _delete(doc, path)
    else:
        _set(doc, path, value)
    with pytest.raises(InvalidProblem) as raised:
        parse_problem(doc)
    assert raised.value.path == where
    assert fragment in raised.value.message
    assert str(raised.value) == f"{where}: {raised.value.message}"


def test_a_document_must_be_an_object() -> None:
    with pytest.raises(InvalidProblem) as raised:
        parse_problem([])
    assert raised.value.path == "$"
