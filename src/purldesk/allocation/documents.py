"""JSON documents of the engine: parse `purldesk.allocation/1`, render the result format."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, Protocol, TypeVar

from purldesk.allocation.problem import (
    MAX_UNITS,
    PROBLEM_FORMAT,
    RESULT_FORMAT,
    AidClass,
    AllocationProblem,
    AllocationResult,
    Fund,
    FundId,
    InvalidProblem,
    Line,
    LineId,
)

_AREA = re.compile(r"[a-z][a-z0-9_]*\Z")
_CURRENCY = re.compile(r"[A-Z]{3}\Z")
_AID_CLASSES = ", ".join(c.value for c in AidClass)
_AID_BY_NAME = {c.value: c for c in AidClass}


def _type_name(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array"}
    if value is None:
        return "null"
    if isinstance(value, Mapping):
        return "object"
    return names.get(type(value), type(value).__name__)


def _object(value: object, path: str) -> Mapping[str, object]:
    if not isinstance(value, Mapping):
        raise InvalidProblem(path, f"expected an object, got {_type_name(value)}")
    return value


def _field(obj: Mapping[str, object], key: str, path: str) -> object:
    if key not in obj:
        raise InvalidProblem(f"{path}.{key}", "missing field")
    return obj[key]


def _int(
    value: object, path: str, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    # bool is an int subclass and a float may hide a rounding; both are refused.
    if type(value) is not int:
        raise InvalidProblem(path, f"expected an integer, got {_type_name(value)}")
    if minimum is not None and value < minimum:
        raise InvalidProblem(path, f"must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise InvalidProblem(path, f"must be at most {maximum:,}, got {value}")
    return value


def _units(value: object, path: str, *, minimum: int) -> int:
    return _int(value, path, minimum=minimum, maximum=MAX_UNITS)


def _str(value: object, path: str) -> str:
    if not isinstance(value, str):
        raise InvalidProblem(path, f"expected a string, got {_type_name(value)}")
    if not value:
        raise InvalidProblem(path, "must not be empty")
    return value


def _aid_class(value: object, path: str) -> AidClass:
    text = _str(value, path)
    try:
        return AidClass(text)
    except ValueError:
        message = f"unknown aid class {text!r}; expected one of {_AID_CLASSES}"
        raise InvalidProblem(path, message) from None


def _area(value: object, path: str) -> str:
    text = _str(value, path)
    if not _AREA.match(text):
        raise InvalidProblem(path, f"area {text!r} is not a lowercase identifier")
    return text


def _array(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise InvalidProblem(path, f"expected an array, got {_type_name(value)}")
    return value


def _parse_line(value: object, path: str, areas: set[str]) -> Line:
    # Fast path for a well-formed line without a supply item; anything else goes through the
    # checks below, which produce the error message.
    if type(value) is dict and "item" not in value and "units_per_lot" not in value:
        id_, rank, aid_class = value.get("id"), value.get("rank"), value.get("aid_class")
        area, price, lots = value.get("area"), value.get("lot_price_minor"), value.get("lots")
        if (
            type(id_) is str
            and id_
            and type(rank) is int
            and type(aid_class) is str
            and aid_class in _AID_BY_NAME
            and type(area) is str
            and (area in areas or _AREA.match(area))
            and type(price) is int
            and price >= 1
            and type(lots) is int
            and lots >= 0
        ):
            areas.add(area)
            return Line(LineId(id_), rank, _AID_BY_NAME[aid_class], area, price, lots)
    obj = _object(value, path)
    return Line(
        id=LineId(_str(_field(obj, "id", path), f"{path}.id")),
        rank=_int(_field(obj, "rank", path), f"{path}.rank"),
        aid_class=_aid_class(_field(obj, "aid_class", path), f"{path}.aid_class"),
        area=_area(_field(obj, "area", path), f"{path}.area"),
        lot_price_minor=_int(
            _field(obj, "lot_price_minor", path), f"{path}.lot_price_minor", minimum=1
        ),
        lots=_int(_field(obj, "lots", path), f"{path}.lots", minimum=0),
        item=None if obj.get("item") is None else _str(obj["item"], f"{path}.item"),
        units_per_lot=_units(obj.get("units_per_lot", 1), f"{path}.units_per_lot", minimum=1),
    )


def _units_available(value: object, path: str) -> dict[str, int]:
    """Units available per supply item: an object of non-negative counts (null: none)."""
    if value is None:
        return {}
    obj = _object(value, path)
    return {
        _str(item, f"{path}[{item!r}]"): _units(units, f"{path}[{item!r}]", minimum=0)
        for item, units in obj.items()
    }


def _parse_fund(value: object, path: str) -> Fund:
    obj = _object(value, path)
    raw_classes = _field(obj, "aid_classes", path)
    raw_areas = _field(obj, "areas", path)
    aid_classes = None
    if raw_classes is not None:
        items = _array(raw_classes, f"{path}.aid_classes")
        aid_classes = frozenset(
            _aid_class(item, f"{path}.aid_classes[{k}]") for k, item in enumerate(items)
        )
    areas = None
    if raw_areas is not None:
        items = _array(raw_areas, f"{path}.areas")
        areas = frozenset(_area(item, f"{path}.areas[{k}]") for k, item in enumerate(items))
    return Fund(
        id=FundId(_str(_field(obj, "id", path), f"{path}.id")),
        contributor=_str(_field(obj, "contributor", path), f"{path}.contributor"),
        available_minor=_int(
            _field(obj, "available_minor", path), f"{path}.available_minor", minimum=0
        ),
        aid_classes=aid_classes,
        areas=areas,
    )


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


Item = TypeVar("Item", bound=_Identified)


def _unique(
    root: Mapping[str, object], key: str, noun: str, parse: Callable[[object, str], Item]
) -> list[Item]:
    """Each item of the array `root[key]`, parsed; an id used before is refused, naming where."""
    path = f"$.{key}"
    items: list[Item] = []
    first_at: dict[str, int] = {}
    for k, raw in enumerate(_array(_field(root, key, "$"), path)):
        item = parse(raw, f"{path}[{k}]")
        if item.id in first_at:
            raise InvalidProblem(
                f"{path}[{k}].id",
                f"duplicate {noun} id {item.id!r} (first at {path}[{first_at[item.id]}])",
            )
        first_at[item.id] = k
        items.append(item)
    return items


def parse_problem(data: object) -> AllocationProblem:
    """Validate a decoded `purldesk.allocation/1` document; `InvalidProblem` at the first fault."""
    root = _object(data, "$")
    tag = _field(root, "format", "$")
    if tag != PROBLEM_FORMAT:
        raise InvalidProblem("$.format", f"expected {PROBLEM_FORMAT!r}, got {tag!r}")
    currency = _str(_field(root, "currency", "$"), "$.currency")
    if not _CURRENCY.match(currency):
        raise InvalidProblem("$.currency", f"expected an ISO 4217 code, got {currency!r}")
    raw_cap = root.get("cap_minor")
    cap = None if raw_cap is None else _int(raw_cap, "$.cap_minor", minimum=0)
    units_available = _units_available(root.get("units_available"), "$.units_available")

    areas: set[str] = set()
    lines = _unique(root, "lines", "line", lambda item, path: _parse_line(item, path, areas))
    funds = _unique(root, "funds", "fund", _parse_fund)
    return AllocationProblem(
        currency=currency, lines=tuple(lines), funds=tuple(funds), cap_minor=cap,
        units_available=units_available,
    )  # fmt: skip


def problem_to_json(problem: AllocationProblem) -> dict[str, Any]:
    """Render a problem as a `purldesk.allocation/1` document (restrictions sorted).

    Supply items and units appear only where the problem has them, so a problem without them
    renders as it did before they existed."""
    document: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "currency": problem.currency,
        "cap_minor": problem.cap_minor,
        "lines": [_line_json(line) for line in problem.lines],
        "funds": [
            {
                "id": fund.id,
                "contributor": fund.contributor,
                "available_minor": fund.available_minor,
                "aid_classes": None
                if fund.aid_classes is None
                else sorted(c.value for c in fund.aid_classes),
                "areas": None if fund.areas is None else sorted(fund.areas),
            }
            for fund in problem.funds
        ],
    }
    if problem.units_available:
        document["units_available"] = dict(sorted(problem.units_available.items()))
    return document


def _line_json(line: Line) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "id": line.id,
        "rank": line.rank,
        "aid_class": line.aid_class.value,
        "area": line.area,
        "lot_price_minor": line.lot_price_minor,
        "lots": line.lots,
    }
    if line.item is not None:
        rendered["item"] = line.item
        rendered["units_per_lot"] = line.units_per_lot
    return rendered


def result_to_json(result: AllocationResult) -> dict[str, Any]:
    """Render a result as a `purldesk.allocation-result/1` document."""
    lines: list[dict[str, Any]] = []
    for line in result.lines:
        blocked = line.blocked_by
        lines.append(
            {
                "id": line.id,
                "funded_lots": line.funded_lots,
                "funded_minor": line.funded_minor,
                "by_fund": dict(line.by_fund),
                "blocked_by": None
                if blocked is None
                else {
                    "reason": blocked.reason,
                    "short_minor": blocked.short_minor,
                    "competing_lines": list(blocked.competing_lines),
                    "message": blocked.message,
                },
            }
        )
    return {
        "format": RESULT_FORMAT,
        "currency": result.currency,
        "lines": lines,
        "funds": [
            {"id": f.id, "used_minor": f.used_minor, "left_minor": f.left_minor}
            for f in result.funds
        ],
    }
