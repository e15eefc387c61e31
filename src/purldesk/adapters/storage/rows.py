"""Shared by the repositories: keyed inserts, matched rows, optimistic versions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, exists, select, update
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from purldesk.domain.errors import AlreadyExists, Conflict, NotFound

if TYPE_CHECKING:
    from sqlalchemy.dialects import postgresql, sqlite

# Any fixed bigint will do; it only has to be the same in every process that appends.
LEDGER_LOCK_KEY = 0x7075726C_6C656467  # "purlledg"
# Keys per IN (...) list: well under SQLite's oldest limit of 999 bound parameters.
IN_LIST_CHUNK = 500


def _exists(session: Session, criterion: ColumnElement[bool]) -> bool:
    return bool(session.scalar(select(exists().where(criterion))))


def _insert(
    session: Session,
    entity: str,
    row: object,
    *children: object,
    keys: Sequence[tuple[ColumnElement[bool], object]],
) -> None:
    """Insert a row, then its children; a taken key (criterion, key) becomes AlreadyExists.

    The savepoint keeps the transaction usable after a refused insert. Parent and children
    are flushed apart because, without relationships, the ORM does not order them.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
            session.add_all(children)
            session.flush()
    except IntegrityError:
        for criterion, key in keys:
            if _exists(session, criterion):
                raise AlreadyExists(entity, key) from None
        raise


def _upsert(session: Session, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` that can say what to do ON CONFLICT, in the session's dialect.

    Each dialect is imported when used: PostgreSQL's loads all its drivers' modules, which a
    command on SQLite has no use for.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    raise RuntimeError(f"purldesk stores data in SQLite or PostgreSQL, not {dialect}")


def _rowcount(result: Result[Any]) -> int:
    """Rows matched by an UPDATE (a DML result is always a CursorResult)."""
    return cast("CursorResult[Any]", result).rowcount


class _Versions:
    """The version of each aggregate as first loaded in this unit of work.

    Domain dataclasses carry no version, so the repository remembers what it handed out; a
    later read in the same unit of work does not move it, or a stale object could be saved.
    """

    def __init__(self, entity: str) -> None:
        self.entity = entity
        self._seen: dict[int, int] = {}

    def saw(self, key: int, version: int) -> None:
        self._seen.setdefault(key, version)

    def expected(self, key: int) -> int:
        try:
            return self._seen[key]
        except KeyError:
            raise Conflict(
                f"{self.entity} {key} was not loaded in this unit of work; "
                "load it before saving, so concurrent changes can be detected"
            ) from None

    def bumped(self, key: int, version: int) -> None:
        self._seen[key] = version


def _save_versioned(
    session: Session, table: Any, versions: _Versions, key: int, values: dict[str, Any]
) -> None:
    """UPDATE ... WHERE id = :id AND version = :loaded; no row means someone saved first."""
    loaded = versions.expected(key)
    result = session.execute(
        update(table)
        .where(table.id == key, table.version == loaded)
        .values(**values, version=loaded + 1)
    )
    if _rowcount(result) == 0:
        if not _exists(session, table.id == key):
            raise NotFound(versions.entity, key)
        raise Conflict(
            f"{versions.entity} {key} was changed by someone else since it was loaded "
            f"(version {loaded}); reload it and try again"
        )
    versions.bumped(key, loaded + 1)
