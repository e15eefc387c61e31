"""Every row of the tables an export carries, as JSON values, and back: what `purldesk import`
restores with the original ids (docs/CLI.md, "Import").

Credentials and short-lived request state (users, tokens, passwords, sessions, failed
authentications, idempotency keys) are never dumped, and a restore leaves them empty. The
running balances are not dumped either, nor the contributions' kept totals and the
substitution effects kept apart from the allocation bases: a restore rebuilds them from the
postings, the contributions and the bases, so a file written before they were kept restores
as well.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    Enum,
    Integer,
    LargeBinary,
    String,
    Table,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from purldesk.adapters.storage import (  # noqa: F401  (every table is in the metadata dumped)
    balance_tables,
    balances,
    bases,
    checkpoint_tables,
    contribution_totals,
    history_tables,
    reference_tables,
    substitution_tables,
)
from purldesk.adapters.storage.tables import UtcDateTime, metadata
from purldesk.domain.errors import Conflict, InvalidInput

NOT_DUMPED = frozenset(
    {"users", "api_tokens", "user_passwords", "web_sessions", "auth_failures", "idempotency_keys"}
)
# Derived from the dumped rows, and rebuilt from them by `load`.
REBUILT = frozenset(
    {"account_balances", "kind_balances", "contribution_totals", "allocation_substitutions"}
)
# Bounds of the integer columns (BIGINT on both databases; INTEGER is 32-bit on PostgreSQL).
INT_BOUNDS = {Integer: 2**31, BigInteger: 2**63}
# Insert in chunks, so a large table reports progress and binds no more than SQLite allows.
CHUNK = 500

JsonRow = dict[str, Any]
T = TypeVar("T")


def dumped_tables() -> list[Table]:
    """The tables an export carries, parents before children."""
    return [t for t in metadata.sorted_tables if t.name not in NOT_DUMPED | REBUILT]


class SqlTableRows:
    def __init__(self, session: Session) -> None:
        self._session = session

    def dump(self) -> dict[str, list[JsonRow]]:
        """Every row of every dumped table, by primary key (sorted here, not by the database,
        so that both databases give one order whatever their collation)."""
        return {table.name: self._rows(table) for table in dumped_tables()}

    def streamed(self) -> Mapping[str, Iterable[JsonRow]]:
        """`dump`'s tables, each read when iterated, `CHUNK` rows at a time in key order
        (the database orders the keys it orders as Python does; the others are sorted here)."""
        return _Streamed(self)

    def occupied(self) -> dict[str, int]:
        """The number of rows of each table that has any, credentials' tables included."""
        counts = {
            table.name: self._session.scalar(select(func.count()).select_from(table)) or 0
            for table in metadata.sorted_tables
        }
        return {name: count for name, count in counts.items() if count}

    def load(
        self,
        tables: Mapping[str, list[JsonRow]],
        *,
        progress: Callable[[str, int], None] = lambda _name, _count: None,
    ) -> int:
        """Insert every row as given (after checking all of them), rebuild the running balances
        from the postings, the kept totals from the contributions and the substitution effects
        from the bases, then move every counter the database keeps past the largest id;
        `progress(table, rows)` after each chunk. The number of rows written (of the file)."""
        decoded = decode_tables(tables)
        written = 0
        for table in dumped_tables():
            rows = decoded.get(table.name, [])
            for start in range(0, len(rows), CHUNK):
                chunk = rows[start : start + CHUNK]
                try:
                    self._session.execute(insert(table), chunk)
                except IntegrityError as error:
                    # A file whose rows collide or refer to nothing, or a concurrent writer.
                    raise Conflict(
                        f"{table.name}: a row cannot be written, nothing was written ({error.orig})"
                    ) from None
                written += len(chunk)
                progress(table.name, len(chunk))
        self._session.flush()
        balances.rebuild(self._session)
        bases.rebuild_substitutions(self._session)
        contribution_totals.rebuild(self._session)
        self._advance_serial_sequences()
        return written

    def _rows(self, table: Table) -> list[JsonRow]:
        key = [c.name for c in table.primary_key.columns]
        result = self._session.execute(select(table)).mappings().all()
        rows = [{c.name: encode(row[c.name]) for c in table.columns} for row in result]
        return sorted(rows, key=lambda r: tuple(r[k] for k in key))

    def _each(self, table: Table) -> Iterator[JsonRow]:
        """The table's rows as `_rows` orders them, read a chunk at a time where the database
        orders the key as Python orders its JSON values: integers, and text by code point
        (UTF-8's byte order: SQLite's BINARY, PostgreSQL's "C")."""
        keys = list(table.primary_key.columns)
        if not all(_orderable(c) for c in keys):
            yield from self._rows(table)
            return
        binary = "C" if self._session.get_bind().dialect.name == "postgresql" else "BINARY"
        order = [c.collate(binary) if isinstance(c.type, String) else c for c in keys]
        query = select(table).order_by(*order).execution_options(yield_per=CHUNK)
        columns = [c.name for c in table.columns]
        for row in self._session.execute(query).mappings():
            yield {name: encode(row[name]) for name in columns}

    def _advance_serial_sequences(self) -> None:
        """PostgreSQL numbers SERIAL keys from a sequence, which explicit ids do not move."""
        if self._session.get_bind().dialect.name != "postgresql":
            return
        for table in dumped_tables():
            column = table.autoincrement_column
            if column is None:
                continue
            self._session.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence(:t, :c), "
                    f"COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"
                ),
                {"t": table.name, "c": column.name},
            )


class _Streamed(Mapping[str, Iterable[JsonRow]]):
    """The dumped tables by name; a table's rows are read as they are iterated."""

    def __init__(self, rows: SqlTableRows) -> None:
        self._rows = rows
        self._tables = {table.name: table for table in dumped_tables()}

    def __getitem__(self, name: str) -> Iterable[JsonRow]:
        return self._rows._each(self._tables[name])

    def __iter__(self) -> Iterator[str]:
        return iter(self._tables)

    def __len__(self) -> int:
        return len(self._tables)


def _orderable(column: Column[Any]) -> bool:
    """Whether the database orders the column's values as Python orders what `encode` makes
    of them (a time or bytes key is sorted in Python)."""
    kind = column.type
    return isinstance(kind, Integer | String) and not isinstance(kind, UtcDateTime | Enum)


def encode(value: Any) -> Any:
    """A stored value as JSON: dates and instants in ISO 8601, bytes in hex."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def decode_tables(tables: Mapping[str, Any]) -> dict[str, list[JsonRow]]:
    """Every row checked against its table's columns and converted for insertion; the first
    value that does not fit is InvalidInput naming its JSON path (`tables.NAME[i].COLUMN`)."""
    known = {t.name: t for t in dumped_tables()}
    for name in tables:
        if name not in known:
            raise InvalidInput(f"tables.{name}", "is no table an export carries")
    decoded: dict[str, list[JsonRow]] = {}
    for name, table in known.items():
        rows = tables.get(name)
        if not isinstance(rows, list):
            raise InvalidInput(f"tables.{name}", "must be a list of rows")
        decoded[name] = [
            _decode_row(table, row, f"tables.{name}[{i}]") for i, row in enumerate(rows)
        ]
    return decoded


def _decode_row(table: Table, row: Any, path: str) -> JsonRow:
    if not isinstance(row, dict):
        raise InvalidInput(path, "must be an object")
    columns = {c.name: c for c in table.columns}
    extra = sorted(set(row) - set(columns))
    if extra:
        raise InvalidInput(f"{path}.{extra[0]}", f"is no column of {table.name}")
    return {
        name: _decode(column, row.get(name), f"{path}.{name}") for name, column in columns.items()
    }


def _decode(column: Column[Any], value: Any, path: str) -> Any:
    if value is None:
        if not column.nullable:
            raise InvalidInput(path, "is required")
        return None
    kind = column.type
    if isinstance(kind, Boolean):
        return _typed(value, bool, path, "true or false")
    if isinstance(kind, Integer):  # BigInteger too
        number = _typed(value, int, path, "an integer")
        bound = INT_BOUNDS[BigInteger if isinstance(kind, BigInteger) else Integer]
        if isinstance(number, bool) or not -bound <= number < bound:
            raise InvalidInput(path, f"must be an integer within ±{bound}")
        return number
    textual = _typed(value, str, path, "a string")
    if isinstance(kind, UtcDateTime):
        return _parsed(datetime.fromisoformat, textual, path, "an ISO 8601 instant with offset")
    if isinstance(kind, Date):
        return _parsed(date.fromisoformat, textual, path, "a date (YYYY-MM-DD)")
    if isinstance(kind, LargeBinary):
        return _parsed(bytes.fromhex, textual, path, "hexadecimal bytes")
    if isinstance(kind, String) and kind.length is not None and len(textual) > kind.length:
        raise InvalidInput(path, f"must be at most {kind.length} characters")
    return textual


def _typed(value: Any, kind: type[T], path: str, what: str) -> T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise InvalidInput(path, f"must be {what}")
    return value


def _parsed(parse: Callable[[str], T], value: str, path: str, what: str) -> T:
    try:
        parsed = parse(value)
    except ValueError:
        raise InvalidInput(path, f"{value!r} is not {what}") from None
    if isinstance(parsed, datetime) and parsed.tzinfo is None:
        raise InvalidInput(path, f"{value!r} is not {what}")
    return parsed
