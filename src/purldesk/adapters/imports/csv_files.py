"""CSV files in, parsed rows out: every finding is gathered with its line number and field."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from purldesk.domain.catalog import CatalogItem, parse_aid_class, parse_area, parse_item_code
from purldesk.domain.contributions import Earmark
from purldesk.domain.errors import InvalidInput, RowError
from purldesk.domain.money import USD, Money, currency
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    check_members,
    parse_code,
    parse_kind,
    parse_status,
)
from purldesk.domain.text import check_text
from purldesk.services.contribution_rows import ContributionRow
from purldesk.services.earmarks import parse_earmark
from purldesk.services.member_parts import parse_member_list
from purldesk.services.requirements import LineRow

T = TypeVar("T")

CONTRIBUTION_COLUMNS = (
    "contributor", "amount", "currency", "pledged_on", "received_on", "confidential", "purpose",
)  # fmt: skip
CATALOG_COLUMNS = (
    "code", "name", "area", "aid_class", "unit_price_usd", "lot_size", "available_per_cycle",
    "lead_time_days",
)  # fmt: skip
REQUIREMENT_COLUMNS = ("ref", "rank", "item_code", "quantity", "needed_by", "justification")
PARTICIPANT_COLUMNS = ("code", "name", "kind", "status", "members")


@dataclass(frozen=True, slots=True)
class Parsed(Generic[T]):
    rows: list[T]
    errors: list[RowError]


# Reads one column of a record (with its line number), or raises naming what is wrong.
FieldParser = Callable[[Mapping[str, str], int], Any]


def _records(text: str, required: Sequence[str]) -> Iterator[tuple[int, Mapping[str, str]]]:
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = reader.fieldnames or []
    missing = [column for column in required if column not in header]
    if missing:
        raise InvalidInput("header", f"missing column(s): {', '.join(missing)}")
    try:
        for record in reader:
            if None in record:
                raise RowError(reader.line_num, "row", "has more fields than the header")
            yield reader.line_num, {k: (v or "").strip() for k, v in record.items()}
    except csv.Error as error:  # such as a field over the size limit
        # The inner reader's count: DictReader's own is not advanced past a row that failed.
        raise RowError(reader.reader.line_num, "row", str(error)) from None


def _parse(
    text: str,
    required: Sequence[str],
    fields: Mapping[str, FieldParser],
    build: Callable[[Mapping[str, Any], int], T],
) -> Parsed[T]:
    """Every row of `text`, each of its `fields` read on its own so that a row reports every
    bad field, not only the first; a row whose fields all read is then built (which may refuse
    it for what its fields say together)."""
    rows: list[T] = []
    errors: list[RowError] = []
    try:
        for line, record in _records(text, required):
            found = _text_errors(line, record)
            values: dict[str, Any] = {}
            for name, parse in fields.items():
                try:
                    values[name] = parse(record, line)
                except InvalidInput as error:
                    found.append(_at(line, error))
            if not found:
                try:
                    rows.append(build(values, line))
                except InvalidInput as error:
                    found.append(_at(line, error))
            errors += _distinct(found)
    except RowError as error:
        errors.append(error)
    return Parsed(rows, errors)


def _text_errors(line: int, record: Mapping[str, str]) -> list[RowError]:
    found = []
    for field, value in record.items():
        try:
            check_text(field, value)
        except InvalidInput as error:
            found.append(_at(line, error))
    return found


def _at(line: int, error: InvalidInput) -> RowError:
    return error if isinstance(error, RowError) else RowError(line, error.field, error.message)


def _distinct(errors: list[RowError]) -> list[RowError]:
    """One finding per field: a column read by two parsers (a currency, for its amount too)
    is reported once."""
    seen: set[str] = set()
    kept = []
    for error in errors:
        if error.field not in seen:
            seen.add(error.field)
            kept.append(error)
    return kept


def _date(record: Mapping[str, str], field: str, line: int) -> date:
    text = record[field]
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise RowError(line, field, f"{text!r} is not a date (YYYY-MM-DD)") from None


def _int(record: Mapping[str, str], field: str, line: int, *, minimum: int = 0) -> int:
    text = record[field]
    if not text.lstrip("-").isdigit():
        raise RowError(line, field, f"{text!r} is not a whole number")
    value = int(text)
    if value < minimum:
        raise RowError(line, field, f"must be at least {minimum}")
    return value


def _bool(record: Mapping[str, str], field: str, line: int) -> bool:
    text = record.get(field, "").lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0", ""):
        return False
    raise RowError(line, field, f"{text!r} is not true or false")


def _required(record: Mapping[str, str], field: str, line: int) -> str:
    if not record[field]:
        raise RowError(line, field, "is empty")
    return record[field]


def _list(record: Mapping[str, str], field: str) -> list[str]:
    """A `;`-separated list in an optional column; empty or absent: none."""
    return [part.strip() for part in record.get(field, "").split(";") if part.strip()]


def _earmark(record: Mapping[str, str], line: int) -> Earmark:
    """The optional earmark_* columns: aid classes and areas `;`-separated, a package such as
    P-0001, an expiry date."""
    expires = (
        _date(record, "earmark_expires_on", line) if record.get("earmark_expires_on") else None
    )
    return parse_earmark(
        aid_classes=_list(record, "earmark_aid_classes"), areas=_list(record, "earmark_areas"),
        package=record.get("earmark_package") or None, expires_on=expires,
    )  # fmt: skip


def parse_contributions(text: str) -> Parsed[ContributionRow]:
    """Rows of contributor,amount,currency,pledged_on,received_on,confidential,purpose, and
    optionally source, anonymous (empty or absent: not anonymous), the earmark columns
    earmark_aid_classes, earmark_areas, earmark_package, earmark_expires_on (empty or absent:
    unrestricted) and members, a group's members' parts `;`-separated, each
    MEMBER:AMOUNT:CURRENCY (empty or absent: given as one)."""
    fields: dict[str, FieldParser] = {
        "contributor": lambda r, line: _required(r, "contributor", line).upper(),
        "amount": _amount,  # and its currency
        "pledged_on": lambda r, line: _date(r, "pledged_on", line),
        "received_on": lambda r, line: _date(r, "received_on", line) if r["received_on"] else None,
        "confidential": lambda r, line: _bool(r, "confidential", line),
        "anonymous": lambda r, line: _bool(r, "anonymous", line),
        "earmark": _earmark,
        "members": lambda r, _: parse_member_list(r.get("members", "")),
        "purpose": lambda r, _: r["purpose"],
        "source": lambda r, _: r.get("source", ""),
    }

    return _parse(
        text, CONTRIBUTION_COLUMNS, fields, lambda v, line: ContributionRow(line=line, **v)
    )


def _amount(record: Mapping[str, str], line: int) -> Money:
    code = currency(_required(record, "currency", line))
    amount = Money.parse(_required(record, "amount", line), code)
    if not amount.is_positive:
        raise RowError(line, "amount", "must be positive")
    return amount


def parse_catalog(text: str) -> Parsed[CatalogItem]:
    fields: dict[str, FieldParser] = {
        "code": lambda r, _: parse_item_code(r["code"]),
        "name": lambda r, line: _required(r, "name", line),
        "area": lambda r, _: parse_area(r["area"]),
        "aid_class": lambda r, _: parse_aid_class(r["aid_class"]),
        "unit_price": lambda r, _: Money.parse(r["unit_price_usd"], USD, field="unit_price_usd"),
        "lot_size": lambda r, line: _int(r, "lot_size", line, minimum=1),
        "available_per_cycle": lambda r, line: _int(r, "available_per_cycle", line),
        "lead_time_days": lambda r, line: _int(r, "lead_time_days", line),
    }
    return _parse(text, CATALOG_COLUMNS, fields, lambda v, _: CatalogItem(**v))


def parse_requirements(text: str) -> Parsed[LineRow]:
    fields: dict[str, FieldParser] = {
        "ref": lambda r, line: _required(r, "ref", line),
        "rank": lambda r, line: _int(r, "rank", line, minimum=1),
        "item_code": lambda r, _: parse_item_code(r["item_code"], field="item_code"),
        "quantity": lambda r, line: _int(r, "quantity", line, minimum=1),
        "needed_by": lambda r, line: _date(r, "needed_by", line),
        "justification": lambda r, _: r["justification"],
    }
    return _parse(text, REQUIREMENT_COLUMNS, fields, lambda v, line: LineRow(line=line, **v))


def parse_participants(text: str, *, is_nation_code: Callable[[str], bool]) -> Parsed[Participant]:
    def members(record: Mapping[str, str], _line: int) -> tuple[ParticipantCode, ...]:
        return tuple(
            parse_code(m, is_nation_code=is_nation_code, field="members")
            for m in record["members"].split(";")
            if m.strip()
        )

    fields: dict[str, FieldParser] = {
        "code": lambda r, _: parse_code(r["code"], is_nation_code=is_nation_code),
        "name": lambda r, line: _required(r, "name", line),
        "kind": lambda r, _: parse_kind(r["kind"]),
        "status": lambda r, _: parse_status(r["status"]),
        "members": members,
    }

    def build(values: Mapping[str, Any], _line: int) -> Participant:
        check_members(values["code"], values["members"], is_nation_code=is_nation_code)
        return Participant(**values)

    return _parse(text, PARTICIPANT_COLUMNS, fields, build)
