"""CSV files in, parsed rows out: every finding is gathered with its line number and field."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Generic, TypeVar

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
    text: str, required: Sequence[str], parse_row: Callable[[int, Mapping[str, str]], T]
) -> Parsed[T]:
    rows: list[T] = []
    errors: list[RowError] = []
    try:
        for line, record in _records(text, required):
            try:
                for field, value in record.items():
                    check_text(field, value)
                rows.append(parse_row(line, record))
            except RowError as error:
                errors.append(error)
            except InvalidInput as error:
                errors.append(RowError(line, error.field, error.message))
    except RowError as error:
        errors.append(error)
    return Parsed(rows, errors)


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

    def row(line: int, record: Mapping[str, str]) -> ContributionRow:
        code = currency(_required(record, "currency", line))
        amount = Money.parse(_required(record, "amount", line), code)
        if not amount.is_positive:
            raise RowError(line, "amount", "must be positive")
        return ContributionRow(
            line=line,
            contributor=_required(record, "contributor", line).upper(),
            amount=amount,
            pledged_on=_date(record, "pledged_on", line),
            received_on=_date(record, "received_on", line) if record["received_on"] else None,
            confidential=_bool(record, "confidential", line),
            purpose=record["purpose"],
            source=record.get("source", ""),
            anonymous=_bool(record, "anonymous", line),
            earmark=_earmark(record, line),
            members=parse_member_list(record.get("members", "")),
        )

    return _parse(text, CONTRIBUTION_COLUMNS, row)


def parse_catalog(text: str) -> Parsed[CatalogItem]:
    def row(line: int, record: Mapping[str, str]) -> CatalogItem:
        return CatalogItem(
            code=parse_item_code(record["code"]),
            name=_required(record, "name", line),
            area=parse_area(record["area"]),
            aid_class=parse_aid_class(record["aid_class"]),
            unit_price=Money.parse(record["unit_price_usd"], USD, field="unit_price_usd"),
            lot_size=_int(record, "lot_size", line, minimum=1),
            available_per_cycle=_int(record, "available_per_cycle", line),
            lead_time_days=_int(record, "lead_time_days", line),
        )

    return _parse(text, CATALOG_COLUMNS, row)


def parse_requirements(text: str) -> Parsed[LineRow]:
    def row(line: int, record: Mapping[str, str]) -> LineRow:
        return LineRow(
            line=line,
            ref=_required(record, "ref", line),
            rank=_int(record, "rank", line, minimum=1),
            item_code=parse_item_code(record["item_code"], field="item_code"),
            quantity=_int(record, "quantity", line, minimum=1),
            needed_by=_date(record, "needed_by", line),
            justification=record["justification"],
        )

    return _parse(text, REQUIREMENT_COLUMNS, row)


def parse_participants(text: str, *, is_nation_code: Callable[[str], bool]) -> Parsed[Participant]:
    def row(line: int, record: Mapping[str, str]) -> Participant:
        code = parse_code(record["code"], is_nation_code=is_nation_code)
        members = tuple(
            parse_code(m, is_nation_code=is_nation_code, field="members")
            for m in record["members"].split(";")
            if m.strip()
        )
        check_members(code, members, is_nation_code=is_nation_code)
        return Participant(
            code=code,
            name=_required(record, "name", line),
            kind=parse_kind(record["kind"]),
            status=parse_status(record["status"]),
            members=tuple(ParticipantCode(m) for m in members),
        )

    return _parse(text, PARTICIPANT_COLUMNS, row)
