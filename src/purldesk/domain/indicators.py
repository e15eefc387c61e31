"""Indicators: named, dated, sourced observations, never edited; a correction supersedes.

The value of an indicator on a date is derived from the observations: the latest one observed
on or before that date that no other observation supersedes. Nothing here is stored by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NewType

from purldesk.domain.errors import Conflict, InvalidInput

ObservationId = NewType("ObservationId", int)

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_MAX_VALUE_CHARS = 64  # values are kept as exact decimal strings
# Words of the policy condition language; an indicator may not take one of these names.
RESERVED_NAMES = frozenset({"and", "or", "not", "true", "false", "observed"})
# An observation recorded more than this after the day it describes is late: it may change
# what is derived for dates already decided (docs/SECURITY.md, "As known then").
LATE_AFTER = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class Observation:
    """One dated, sourced value of one indicator, as recorded at `recorded_at`."""

    id: ObservationId
    name: str
    value: Decimal
    observed_on: date
    source: str
    recorded_at: datetime
    note: str = ""
    supersedes: ObservationId | None = None

    def __post_init__(self) -> None:
        if type(self.value) is not Decimal:
            raise TypeError(f"an indicator value is a Decimal, not {type(self.value).__name__}")
        if not self.value.is_finite():
            raise InvalidInput("value", f"{self.value!r} is not a finite decimal")
        if len(str(self.value)) > _MAX_VALUE_CHARS:
            raise InvalidInput("value", f"has more than {_MAX_VALUE_CHARS} characters")
        if not self.source.strip():
            raise InvalidInput("source", "is empty; say where the value comes from")

    @property
    def ref(self) -> str:
        return f"#{self.id}"

    @property
    def is_late(self) -> bool:
        """Recorded more than `LATE_AFTER` after the day it describes."""
        return self.recorded_at.date() - self.observed_on > LATE_AFTER

    def describe(self) -> str:
        """'dprk_troops_in_theatre = 14000 on 2025-04-15 (#7, https://...)', for people;
        a late one ends with '[late: recorded 2025-12-05]'."""
        text = f"{self.name} = {self.value} on {self.observed_on} ({self.ref}, {self.source})"
        return f"{text} [late: recorded {self.recorded_at.date()}]" if self.is_late else text


def parse_indicator_name(text: str, *, field: str = "name") -> str:
    name = text.strip()
    if not _NAME.match(name):
        raise InvalidInput(
            field,
            f"{text!r} is not an indicator name (a-z, 0-9, '_', starting with a letter, up to 40)",
        )
    if name in RESERVED_NAMES:
        raise InvalidInput(field, f"{name!r} is a reserved word of policy conditions")
    return name


def parse_value(text: str, *, field: str = "value") -> Decimal:
    """An exact decimal; thousands separators ',' and '_' are allowed, nothing else."""
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise InvalidInput(field, f"{text!r} is not a decimal number") from None
    if not cleaned or not value.is_finite():
        raise InvalidInput(field, f"{text!r} is not a finite decimal number")
    return value


class ObservationConflict(Conflict):
    """A new observation would make the history ambiguous; `field` names the value at fault."""

    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def check_new(observation: Observation, existing: Sequence[Observation]) -> None:
    """Refuse an observation that would make the history ambiguous; raise on the first finding.

    A correction supersedes an observation of the same indicator that nothing supersedes yet.
    Two observations in force for one indicator on one date would leave "the latest" undefined,
    so the second must be recorded as a correction of the first.
    """
    by_id = {o.id: o for o in existing}
    superseded = {o.supersedes: o for o in existing if o.supersedes is not None}
    target = observation.supersedes
    if target is not None:
        old = by_id.get(target)
        if old is None:
            raise InvalidInput("supersedes", f"observation #{target} does not exist")
        if old.name != observation.name:
            raise InvalidInput(
                "supersedes", f"observation #{target} is of {old.name}, not of {observation.name}"
            )
        if target in superseded:
            raise ObservationConflict(
                "supersedes",
                f"observation #{target} is already superseded by #{superseded[target].id}; "
                "correct that one instead",
            )
    for other in in_force(existing):
        if (
            other.name == observation.name
            and other.observed_on == observation.observed_on
            and other.id != target
        ):
            raise ObservationConflict(
                "observed_on",
                f"{observation.name} already has observation #{other.id} on "
                f"{observation.observed_on}; record a correction that supersedes #{other.id}",
            )


def in_force(
    observations: Iterable[Observation], *, known_at: datetime | None = None
) -> list[Observation]:
    """The observations no other supersedes, counting only those recorded by `known_at`."""
    known = [o for o in observations if known_at is None or o.recorded_at <= known_at]
    superseded = {o.supersedes for o in known if o.supersedes is not None}
    return [o for o in known if o.id not in superseded]


def values_on(
    observations: Iterable[Observation], on: date, *, known_at: datetime | None = None
) -> dict[str, Observation]:
    """Per indicator, the latest observation in force observed on or before `on`."""
    latest: dict[str, Observation] = {}
    for o in in_force(observations, known_at=known_at):
        if o.observed_on > on:
            continue
        held = latest.get(o.name)
        if held is None or (o.observed_on, o.id) > (held.observed_on, held.id):
            latest[o.name] = o
    return latest


def superseded_by(observations: Iterable[Observation]) -> Mapping[ObservationId, ObservationId]:
    """Old observation id -> the id of the correction that supersedes it."""
    return {o.supersedes: o.id for o in observations if o.supersedes is not None}
