"""Request and response shapes of the lists router: cycles, requirement lines and their history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated

from pydantic import Field

from purldesk.domain.catalog import AidClass
from purldesk.domain.requirements import (
    Cycle,
    CycleStatus,
    LineChange,
    LineStatus,
    RankChange,
)
from purldesk.entrypoints.api.schemas import Code, Day, Input, Quantity, Schema, Text


class CycleCreate(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    opens_on: Day
    carry_from: Annotated[
        str | None,
        Field(
            max_length=200,
            description="An endorsed or closed cycle whose active lines not fully funded the "
            "new cycle carries, in their order, each asking for its unfunded lots.",
        ),
    ] = None


class CycleRead(Schema):
    id: int
    name: str
    opens_on: date
    status: CycleStatus

    @classmethod
    def of(cls, c: Cycle) -> CycleRead:
        return cls(id=c.id, name=c.name, opens_on=c.opens_on, status=c.status)


class LineCreate(Input):
    ref: Annotated[str, Field(min_length=1, max_length=40)]
    rank: Annotated[int, Field(ge=1, le=100_000)]
    item_code: Code
    quantity: Quantity
    needed_by: Day
    justification: Text = ""


class LinesImport(Input):
    lines: Annotated[list[LineCreate], Field(min_length=1, max_length=1000)]


class LineMove(Input):
    rank: Annotated[int, Field(ge=1, le=100_000)]


class LineUpdate(Input):
    """The fields to change; those left out (or null) are kept."""

    quantity: Quantity | None = None
    needed_by: Day | None = None
    justification: Text | None = None


class LineWithdraw(Input):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class LineAsItStoodRead(Schema):
    """A line as the list held it at the end of a past day; funding states are not kept as
    history, so no status is claimed."""

    id: int
    ref: str
    rank: int
    item_code: str
    area: str
    aid_class: AidClass
    quantity: int
    needed_by: date
    justification: str


class LineRead(LineAsItStoodRead):
    """A line as it stands now."""

    cycle_id: int
    status: LineStatus


class LineChangeRead(Schema):
    field: str
    before: str
    after: str
    at: datetime
    by: str


class RankChangeRead(Schema):
    rank: int
    at: datetime
    by: str
    changes: list[LineChangeRead] = Field(
        default=[], description="Edits of other fields made while the line held this rank."
    )

    @classmethod
    def of(cls, change: RankChange, edits: Sequence[LineChange] = ()) -> RankChangeRead:
        return cls(
            rank=change.rank, at=change.at, by=change.by,
            changes=[LineChangeRead.from_attributes(edit) for edit in edits],
        )  # fmt: skip
