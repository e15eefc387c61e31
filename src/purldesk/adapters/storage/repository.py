"""What most repositories share: a record type kept in one table under its primary key.

A row and its record mostly name the same things alike, so they are mapped field by field
(an enum field by its value), and a repository spells out only what is stored in another
form (money in two columns, decimals as text, rows of other tables).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast, get_type_hints

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.orm import Session

from purldesk.adapters.storage.rows import _insert, _rowcount, _save_versioned, _Versions
from purldesk.domain.errors import NotFound

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

R = TypeVar("R", bound="DataclassInstance")
RowT = TypeVar("RowT")
RecordT = TypeVar("RecordT", bound="DataclassInstance")


@cache
def _fields_of(record_type: type[DataclassInstance]) -> tuple[tuple[str, type[Enum] | None], ...]:
    """Each field's name, with its enum type if it is an enum (from the class's annotations)."""
    hints = get_type_hints(record_type)
    return tuple(
        (
            f.name,
            hint if isinstance(hint := hints[f.name], type) and issubclass(hint, Enum) else None,
        )
        for f in fields(record_type)
    )


def from_row(record_type: type[R], row: object, **converted: object) -> R:
    """The record whose fields are the row's columns of the same names (an enum from its
    value); `converted` gives the fields the row keeps in another form."""
    stored = {
        name: getattr(row, name) if enum is None else enum(getattr(row, name))
        for name, enum in _fields_of(record_type)
        if name not in converted
    }
    return record_type(**stored, **converted)


def columns_of(table: type[Any], record_type: type[DataclassInstance]) -> list[Any]:
    """The table's columns of the record's fields, in their order, for `from_columns`."""
    return [getattr(table, name) for name, _ in _fields_of(record_type)]


def from_columns(record_type: type[R], values: Sequence[Any]) -> R:
    """`from_row` for a row of `columns_of` the record's table: plain values by position,
    cheaper than an ORM object's attributes by name where a read gives hundreds of records."""
    return record_type(
        *[
            value if enum is None or value is None else enum(value)
            for value, (_, enum) in zip(values, _fields_of(record_type), strict=True)
        ]
    )


def to_columns(
    record: DataclassInstance, *, skip: Sequence[str] = (), **converted: object
) -> dict[str, Any]:
    """The record's fields as the columns of the same names, enums by value; `converted` adds
    or replaces columns, for the fields (named in `skip`) the row keeps in another form."""
    columns = {
        f.name: _stored(getattr(record, f.name))
        for f in fields(record)
        if f.name not in skip and f.name not in converted
    }
    return columns | converted


def _stored(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


class TableRepository(Generic[RowT, RecordT]):
    """Records (`record_type`) of one table (`table`, an ORM class) under its primary key
    `key`, a column and a record field of that name. `_record` and `_columns` map one row; a
    repository whose records span more tables loads them for many rows at once in `_load`."""

    table: ClassVar[type[Any]]
    record_type: ClassVar[type[Any]]
    entity: ClassVar[str]  # as errors name it
    key: ClassVar[str] = "id"

    def __init__(self, session: Session) -> None:
        self._session = session

    def _record(self, row: RowT) -> RecordT:
        return cast("RecordT", from_row(self.record_type, row))

    def _columns(self, record: RecordT) -> dict[str, Any]:
        """Every column of the record's row, its key included."""
        return to_columns(record)

    def _load(self, rows: Sequence[RowT]) -> list[RecordT]:
        return [self._record(row) for row in rows]

    def _saw(self, rows: Sequence[RowT]) -> None:
        """Every row read passes here before it becomes a record."""

    def _shown(self, key: Any) -> object:
        """The key as errors show it."""
        return key

    @property
    def _key_column(self) -> Any:
        return getattr(self.table, self.key)

    def _loaded(self, rows: Sequence[RowT]) -> list[RecordT]:
        self._saw(rows)
        return self._load(rows)

    def find(self, key: Any) -> RecordT | None:
        row = self._session.get(self.table, key)
        return None if row is None else self._loaded([row])[0]

    def get(self, key: Any) -> RecordT:
        found = self.find(key)
        if found is None:
            raise NotFound(self.entity, self._shown(key))
        return found

    def _first(self, *criteria: ColumnElement[bool]) -> RecordT | None:
        row = self._session.scalars(select(self.table).where(*criteria)).first()
        return None if row is None else self._loaded([row])[0]

    def _where(self, *criteria: ColumnElement[bool], order_by: Sequence[Any]) -> list[RecordT]:
        rows = self._session.scalars(select(self.table).where(*criteria).order_by(*order_by))
        return self._loaded(rows.all())

    def _unique(self, record: RecordT) -> list[tuple[ColumnElement[bool], object]]:
        """What an insert of the record may find taken, each with how an error names it."""
        key = getattr(record, self.key)
        return [(self._key_column == key, self._shown(key))]

    def _row(self, record: RecordT) -> object:
        return self.table(**self._columns(record))

    def _insert(self, record: RecordT, *children: object) -> None:
        """Insert the record's row, then `children`; a taken key becomes AlreadyExists."""
        _insert(self._session, self.entity, self._row(record), *children, keys=self._unique(record))

    def _update(self, record: RecordT) -> None:
        """UPDATE the record's row with its columns; NotFound if there is none."""
        values = self._columns(record)
        key = values.pop(self.key)
        result = self._session.execute(
            update(self.table).where(self._key_column == key).values(**values)
        )
        if _rowcount(result) == 0:
            raise NotFound(self.entity, self._shown(key))


class StoredRecords(TableRepository[RowT, RecordT]):
    """`add` inserts a record, `save` updates it; rows of the `children` tables (each with the
    column that refers to the record) belong to it, and a save replaces them all."""

    children: ClassVar[Sequence[tuple[type[Any], str]]] = ()

    def _children(self, record: RecordT) -> list[object]:
        """The record's rows in the `children` tables."""
        return []

    def add(self, record: RecordT) -> None:
        self._insert(record, *self._children(record))

    def save(self, record: RecordT) -> None:
        self._update(record)
        if not self.children:
            return
        key = getattr(record, self.key)
        for child, parent in self.children:
            self._session.execute(delete(child).where(getattr(child, parent) == key))
        self._session.add_all(self._children(record))
        self._session.flush()


class NamedRecords(StoredRecords[RowT, RecordT]):
    """Records whose `name` is unique besides their key, and by which they are found."""

    def _unique(self, record: RecordT) -> list[tuple[ColumnElement[bool], object]]:
        name = getattr(record, "name")  # noqa: B009
        return [*super()._unique(record), (self.table.name == name, name)]

    def find_by_name(self, name: str) -> RecordT | None:
        return self._first(self.table.name == name)


class VersionedRecords(StoredRecords[RowT, RecordT]):
    """Aggregates people edit at the same time: a save applies only over the version this
    unit of work loaded (a `version` column), and bumps it."""

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._versions = _Versions(self.entity)

    def _saw(self, rows: Sequence[RowT]) -> None:
        for row in rows:
            self._versions.saw(getattr(row, self.key), getattr(row, "version"))  # noqa: B009

    def _row(self, record: RecordT) -> object:
        return self.table(**self._columns(record), version=1)

    def add(self, record: RecordT) -> None:
        super().add(record)
        self._versions.saw(getattr(record, self.key), 1)

    def _update(self, record: RecordT) -> None:
        values = self._columns(record)
        key = values.pop(self.key)
        _save_versioned(self._session, self.table, self._versions, key, values)
