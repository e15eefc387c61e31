"""The list: a cycle's lines with what packages fund of them, and one line's history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from purldesk.domain.access import PUBLIC, Viewer
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.requirements import (
    REASON,
    Cycle,
    CycleId,
    LineChange,
    LineId,
    LineStatus,
    RequirementLine,
    rank_periods,
)
from purldesk.services import allocations
from purldesk.services.carrying import CARRIED_FROM
from purldesk.services.handle import Command
from purldesk.services.read_ports import Reader
from purldesk.services.requirements import (
    EditLine,
    EndorseCycle,
    MoveLine,
    OpenCycle,
    SubmitCycle,
    WithdrawLine,
)
from purldesk.services.views.offers import is_offered
from purldesk.services.views.overview import funded_minor
from purldesk.services.views.rows import percent, restricted_from

LotsByLine = Mapping[LineId, int]


@dataclass(frozen=True, slots=True)
class LineRow:
    id: LineId
    rank: int
    ref: str
    item_name: str
    area: str
    aid_class: str
    quantity: int
    cost: Money
    funded: Money
    needed_by: date
    status: str

    @property
    def funded_percent(self) -> int:
        return percent(self.funded.minor, self.cost.minor)


@dataclass(frozen=True, slots=True)
class RequirementsView:
    cycles: list[Cycle]
    cycle: Cycle | None
    lines: list[LineRow]
    can_edit: bool  # the viewer may reorder now (its permissions, and a draft list)
    can_submit: bool
    can_endorse: bool
    can_allocate: bool
    can_open: bool = False  # the viewer may open a new cycle
    # Cycles a new one may carry the unfunded lines of (endorsed or closed), newest first.
    carry_choices: tuple[str, ...] = ()

    @property
    def active_lines(self) -> list[LineRow]:
        """The lines in the priority order, withdrawn ones left out."""
        return [line for line in self.lines if line.status != LineStatus.WITHDRAWN.value]

    @property
    def withdrawn_lines(self) -> list[LineRow]:
        return [line for line in self.lines if line.status == LineStatus.WITHDRAWN.value]


@dataclass(frozen=True, slots=True)
class RankHistoryRow:
    """One entry of a line's history: a rank it took, or an edit made while it held `rank`."""

    rank: int
    at: str
    by: str
    change: str = ""


@dataclass(frozen=True, slots=True)
class LineHistoryView:
    cycle: Cycle
    line: LineRow
    history: list[RankHistoryRow]  # newest first
    justification: str = ""
    lot_size: int = 1
    can_edit: bool = False  # the viewer may edit the line now (permissions, draft list, status)
    can_withdraw: bool = False


# The statuses a line takes from the lots packages hold of it.
HELD_STATUSES = frozenset(
    {LineStatus.OPEN, LineStatus.PARTLY_FUNDED, LineStatus.FUNDED, LineStatus.DELIVERED}
)


def _line_row(
    line: RequirementLine,
    items: Mapping[ItemCode, CatalogItem],
    funded: Mapping[LineId, int],
    hidden_lots: Mapping[LineId, int],
) -> LineRow:
    item = items[line.item_code]
    return LineRow(
        line.id, line.rank, line.ref, item.name, line.area, line.aid_class.value, line.quantity,
        line.cost(item), Money(funded.get(line.id, 0), USD), line.needed_by,
        _shown_status(line, item, funded, hidden_lots).value,
    )  # fmt: skip


def _shown_status(
    line: RequirementLine,
    item: CatalogItem,
    funded: Mapping[LineId, int],
    hidden_lots: Mapping[LineId, int],
) -> LineStatus:
    """The line's status, or where packages whose contents the viewer may not see hold some of
    it, the status the other packages' lots alone would give it."""
    if not hidden_lots.get(line.id) or line.status not in HELD_STATUSES:
        return line.status
    held = funded.get(line.id, 0)
    if held >= line.cost(item).minor:
        return LineStatus.FUNDED
    return LineStatus.PARTLY_FUNDED if held else LineStatus.OPEN


def _lots(reader: Reader, viewer: Viewer, cycle_id: CycleId) -> tuple[LotsByLine, LotsByLine]:
    """Lots of each line held by packages whose contents `viewer` sees, and by the others."""
    hidden = restricted_from(reader, viewer)
    shown = reader.funded_lots(cycle_id, excluding=hidden)
    every = reader.funded_lots(cycle_id) if hidden else shown
    return shown, {line: lots - shown.get(line, 0) for line, lots in every.items()}


def requirements(reader: Reader, *, viewer: Viewer, cycle_name: str | None) -> RequirementsView:
    """A cycle's lines (the latest cycle's if none is named), and what the viewer may do now."""
    with reader:
        cycles = reader.cycles()
        cycle = (
            next((c for c in cycles if c.name == cycle_name), None) if cycle_name
            else (cycles[-1] if cycles else None)
        )  # fmt: skip
        if cycle_name and cycle is None:
            raise NotFound("cycle", cycle_name)
        items = reader.items()
        lines = reader.lines(cycle.id) if cycle else []
        lots, hidden_lots = _lots(reader, viewer, cycle.id) if cycle else ({}, {})
    funded = funded_minor(lines, items, lots)
    return RequirementsView(
        cycles=cycles, cycle=cycle,
        lines=[_line_row(ln, items, funded, hidden_lots) for ln in lines],
        can_edit=cycle is not None and may_change_line(viewer, MoveLine, cycle),
        can_submit=cycle is not None and is_offered(viewer, SubmitCycle, cycle.status),
        can_endorse=cycle is not None and is_offered(viewer, EndorseCycle, cycle.status),
        can_allocate=cycle is not None and is_offered(viewer, allocations.Commit, cycle.status),
        can_open=is_offered(viewer, OpenCycle),
        carry_choices=tuple(c.name for c in reversed(cycles) if c.status in CARRIED_FROM),
    )  # fmt: skip


def may_change_line(
    viewer: Viewer,
    command: type[Command[Any]],
    cycle: Cycle,
    status: LineStatus | None = None,
) -> bool:
    """Whether `viewer` may run a line `command` on a line of `cycle` in `status` (None: on
    some line): only a draft list changes, and the command's own rule holds."""
    return cycle.is_editable and is_offered(viewer, command, status)


def line_history(
    reader: Reader, *, cycle_name: str, ref: str, viewer: Viewer | None = None
) -> LineHistoryView:
    """A line with every rank it held and every edit, newest first; what the viewer may do."""
    with reader:
        cycle = reader.find_cycle(cycle_name)
        if cycle is None:
            raise NotFound("cycle", cycle_name)
        line = reader.find_line(cycle.id, ref)
        if line is None:
            raise NotFound("requirement line", ref)
        items = reader.items()
        reader_of = viewer or PUBLIC
        lots, hidden_lots = _lots(reader, reader_of, cycle.id)
        periods = rank_periods(reader.rank_history(line.id), reader.change_history(line.id))
    funded = funded_minor([line], items, lots)
    oldest_first: list[RankHistoryRow] = []
    previous: int | None = None
    for period in periods:
        taken = period.rank
        moved = (
            f"rank {previous} → {taken.rank}" if previous is not None
            else f"added at rank {taken.rank}"
        )  # fmt: skip
        oldest_first.append(RankHistoryRow(taken.rank, _instant(taken.at), taken.by, moved))
        previous = taken.rank
        for edit in period.edits:
            oldest_first.append(
                RankHistoryRow(taken.rank, _instant(edit.at), edit.by, _edit_text(edit))
            )
    return LineHistoryView(
        cycle, _line_row(line, items, funded, hidden_lots), oldest_first[::-1],
        justification=line.justification, lot_size=items[line.item_code].lot_size,
        can_edit=may_change_line(reader_of, EditLine, cycle, line.status),
        can_withdraw=may_change_line(reader_of, WithdrawLine, cycle, line.status),
    )  # fmt: skip


def _instant(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC")


def _edit_text(edit: LineChange) -> str:
    if edit.field == REASON:
        return f"reason: {edit.after}"
    label = edit.field.replace("_", " ")
    return f"{label}: {edit.before} → {edit.after}"
