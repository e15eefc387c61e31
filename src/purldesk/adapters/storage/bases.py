"""Allocation bases on SQLAlchemy: each committed package's, as its canonical JSON document,
with its substitution effects kept apart (`substitution_tables.py`) in the same insert;
append-only."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import Any

from sqlalchemy import Row, delete, insert, select
from sqlalchemy.orm import Session

from purldesk.adapters.storage.repository import TableRepository
from purldesk.adapters.storage.substitution_tables import AllocationSubstitutionRow
from purldesk.adapters.storage.tables import AllocationBasisRow
from purldesk.domain import basis, kept_substitutions
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.kept_substitutions import HeldEffects, KeptEffect
from purldesk.domain.packages import PackageId, package_ref

# Bases read at a time by `held_effects` (so by `verify`) and `rebuild_substitutions`.
REBUILT_PER_CHUNK = 200
# The columns of `allocation_substitutions`, named as the fields of a kept effect.
KEPT_COLUMNS = tuple(field.name for field in fields(KeptEffect))


class SqlBasisRepository(TableRepository[AllocationBasisRow, AllocationBasis]):
    table, record_type, entity = AllocationBasisRow, AllocationBasis, "allocation basis"
    key = "package_id"

    def _record(self, row: AllocationBasisRow) -> AllocationBasis:
        return basis.parse(PackageId(row.package_id), row.document)

    def _columns(self, record: AllocationBasis) -> dict[str, Any]:
        return {"package_id": record.package_id, "document": basis.document(record)}

    def _shown(self, key: Any) -> object:
        return package_ref(key)

    def add(self, record: AllocationBasis) -> None:
        rows = [AllocationSubstitutionRow(**columns) for columns in substitution_rows(record)]
        self._insert(record, *rows)

    def kept_effects(self) -> list[KeptEffect]:
        return kept_effects(self._session)

    def held_effects(self) -> HeldEffects:
        return held_effects(self._session)

    def rebuild_effects(self) -> int:
        return rebuild_substitutions(self._session)


def substitution_rows(kept: AllocationBasis) -> list[dict[str, Any]]:
    """The rows of `allocation_substitutions` that the basis holds: one per effect."""
    return [_columns_of(effect) for effect in kept_substitutions.effects_of(kept)]


def _columns_of(effect: KeptEffect) -> dict[str, Any]:
    return {field: getattr(effect, field) for field in KEPT_COLUMNS}


def _effect_of(row: Row[Any]) -> KeptEffect:
    return KeptEffect(*(row._mapping[field] for field in KEPT_COLUMNS))


def kept_effects(session: Session) -> list[KeptEffect]:
    """Every row of `allocation_substitutions`, by package and contributor."""
    columns = [getattr(AllocationSubstitutionRow, field) for field in KEPT_COLUMNS]
    found = session.execute(
        select(*columns).order_by(
            AllocationSubstitutionRow.package_id, AllocationSubstitutionRow.contributor
        )
    )
    return [_effect_of(row) for row in found]


def held_effects(session: Session) -> HeldEffects:
    """The effects the bases hold, each basis read without its funds, and each stored basis
    that is not a basis document (set aside for `verify` to name)."""
    effects: list[KeptEffect] = []
    unreadable: list[kept_substitutions.UnreadableBasis] = []
    for chunk in _stored_bases(session):
        held = kept_substitutions.held(chunk)
        effects += held.effects
        unreadable += held.unreadable
    return HeldEffects(effects, unreadable)


def _stored_bases(session: Session) -> Iterator[list[tuple[PackageId, str]]]:
    """Each stored basis as (package id, document), a chunk of them at a time by package id."""
    after = -1
    while True:
        chunk = session.execute(
            select(AllocationBasisRow.package_id, AllocationBasisRow.document)
            .where(AllocationBasisRow.package_id > after)
            .order_by(AllocationBasisRow.package_id)
            .limit(REBUILT_PER_CHUNK)
        ).all()
        if not chunk:
            return
        yield [(PackageId(package_id), document) for package_id, document in chunk]
        after = chunk[-1][0]


def rebuild_substitutions(session: Session) -> int:
    """Write `allocation_substitutions` anew from the bases, a chunk of them at a time;
    returns how many rows it keeps. A basis that is not a basis document raises BasisAltered
    naming its package (it cannot be rebuilt from): the caller's transaction, rolled back,
    keeps the rows it had."""
    session.execute(delete(AllocationSubstitutionRow))
    written = 0
    for chunk in _stored_bases(session):
        effects = [
            effect
            for package_id, document in chunk
            for effect in kept_substitutions.effects_of(
                basis.parse(package_id, document, with_funds=False)
            )
        ]
        if effects:
            session.execute(insert(AllocationSubstitutionRow), [_columns_of(e) for e in effects])
            written += len(effects)
    return written
