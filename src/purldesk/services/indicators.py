"""Use cases for indicators: record an observation (or a correction), import a file, list."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from purldesk.domain.access import Permission
from purldesk.domain.dates import not_after
from purldesk.domain.errors import InvalidInput
from purldesk.domain.indicators import (
    Observation,
    ObservationConflict,
    ObservationId,
    check_new,
    parse_indicator_name,
)
from purldesk.services.handle import Command, Context, check_lengths, command
from purldesk.services.imports import FileRow, each_row
from purldesk.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class ObservationRow(FileRow):
    """One parsed row of an indicators file."""

    name: str
    value: Decimal
    observed_on: date
    source: str
    note: str = ""


def record(
    uow: UnitOfWork,
    *,
    name: str,
    value: Decimal,
    observed_on: date,
    source: str,
    at: datetime,
    note: str = "",
    supersedes: ObservationId | None = None,
) -> Observation:
    """Record one observation; with `supersedes`, it is a correction and both stay visible.

    Nothing is observed after the day it is recorded: a later `observed_on` is refused."""
    with uow:
        observation = _observation(
            uow, name=name, value=value, observed_on=observed_on, source=source, at=at,
            note=note, supersedes=supersedes,
        )  # fmt: skip
        check_new(observation, uow.indicators.list(name=observation.name))
        uow.indicators.add(observation)
        uow.commit()
        return observation


def import_rows(
    uow: UnitOfWork, *, rows: Sequence[ObservationRow], at: datetime, source_name: str
) -> list[Observation]:
    """Record every row in one transaction, or none: all findings are reported together."""
    with uow:
        existing = uow.indicators.list()
        accepted: list[Observation] = []

        def accept(row: ObservationRow) -> None:
            observation = _observation(
                uow, name=row.name, value=row.value, observed_on=row.observed_on,
                source=row.source, at=at, note=row.note, supersedes=None,
                observation_id=ObservationId(0),
            )  # fmt: skip
            try:
                check_new(observation, [*existing, *accepted])
            except ObservationConflict as conflict:  # reported with its row, as invalid ones are
                raise InvalidInput(conflict.field, conflict.message) from conflict
            # Ids are taken only once the row is known good, so a refused file leaves no gap.
            accepted.append(observation)

        each_row(rows, accept, source=source_name)
        recorded = []
        for observation in accepted:
            numbered = replace(observation, id=ObservationId(uow.next_id("indicator_observation")))
            uow.indicators.add(numbered)
            recorded.append(numbered)
        uow.commit()
        return recorded


def list_observations(uow: UnitOfWork, *, name: str | None = None) -> list[Observation]:
    """Every observation in the order recorded, superseded ones included."""
    with uow:
        return uow.indicators.list(name=name)


def known_names(uow: UnitOfWork) -> list[str]:
    with uow:
        return uow.indicators.names()


def _observation(
    uow: UnitOfWork,
    *,
    name: str,
    value: Decimal,
    observed_on: date,
    source: str,
    at: datetime,
    note: str,
    supersedes: ObservationId | None,
    observation_id: ObservationId | None = None,
) -> Observation:
    checked = parse_indicator_name(name)
    not_after(observed_on, at.date(), field="observed_on")
    if observation_id is None:
        observation_id = ObservationId(uow.next_id("indicator_observation"))
    return Observation(
        id=observation_id, name=checked, value=value, observed_on=observed_on,
        source=source.strip(), recorded_at=at, note=note.strip(), supersedes=supersedes,
    )  # fmt: skip


# -- commands ----------------------------------------------------------------------------------


def _check_texts(row: ObservationRow) -> None:
    check_lengths(source=row.source, note=row.note)


@command("indicators.record", Permission.RECORD_INDICATOR)
class Record(Command[Observation]):
    """Record one observation; with `supersedes`, a correction, and both stay visible."""

    name: str
    value: Decimal
    observed_on: date
    source: str
    note: str = ""
    supersedes: ObservationId | None = None

    def __post_init__(self) -> None:
        check_lengths(source=self.source, note=self.note)

    def execute(self, uow: UnitOfWork, context: Context) -> Observation:
        return record(
            uow, name=self.name, value=self.value, observed_on=self.observed_on,
            source=self.source, at=context.at, note=self.note, supersedes=self.supersedes,
        )  # fmt: skip

    def target(self, result: Observation) -> str:
        return result.ref


@command("indicators.import", Permission.IMPORT)
class Import(Command[list[Observation]]):
    """Record every row of a file in one transaction, or none."""

    rows: tuple[ObservationRow, ...]
    source_name: str = "indicators"

    def __post_init__(self) -> None:
        each_row(self.rows, _check_texts, source=self.source_name)

    def execute(self, uow: UnitOfWork, context: Context) -> list[Observation]:
        return import_rows(uow, rows=self.rows, at=context.at, source_name=self.source_name)

    def target(self, result: list[Observation]) -> str:
        return self.source_name
