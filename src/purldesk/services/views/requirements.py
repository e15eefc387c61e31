"""The list: a cycle's lines with what packages fund of them, and one line's history."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from purldesk.domain.access import PUBLIC, Viewer
from purldesk.domain.catalog import CatalogItem, ItemCode
from purldesk.domain.errors import Conflict, NotFound
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
from purldesk.services.read_ports import HELD_STATUSES, HeldLine, LineFilter, Reader
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
from purldesk.services.views.paging import Page, page
from purldesk.services.views.rows import percent, restricted_from

LotsByLine = Mapping[LineId, int]
PAGE_SIZES = (25, 50, 100, 200)
DEFAULT_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ListQuery:
    """What the list's page asks for: the lines a filter keeps, page `page` of `size`."""

    matching: LineFilter = field(default_factory=LineFilter)
    page: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @property
    def is_filtered(self) -> bool:
        return self.matching != LineFilter()

    def params(self) -> dict[str, str]:
        """The page's parameters that ask for this (left out where they are the default), so
        a link to another page, or a form posted from this one, keeps them."""
        wanted = self.matching
        found = {
            "q": wanted.text.strip(), "area": wanted.area or "",
            "aid_class": wanted.aid_class.value if wanted.aid_class else "",
            "status": wanted.status.value if wanted.status else "",
            "funding": wanted.funding.value if wanted.funding else "",
            "per_page": "" if self.size == DEFAULT_PAGE_SIZE else str(self.size),
            "page": "" if self.page == 1 else str(self.page),
        }  # fmt: skip
        return {name: value for name, value in found.items() if value}


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
    lines: list[LineRow]  # the page asked for: by rank, withdrawn lines last
    can_edit: bool  # the viewer may reorder now (its permissions, and a draft list)
    can_submit: bool
    can_endorse: bool
    can_allocate: bool
    can_open: bool = False  # the viewer may open a new cycle
    # Cycles a new one may carry the unfunded lines of (endorsed or closed), newest first.
    carry_choices: tuple[str, ...] = ()
    query: ListQuery = field(default_factory=ListQuery)
    page: Page = field(default_factory=lambda: Page(1, DEFAULT_PAGE_SIZE, 0))
    active_count: int = 0  # lines not withdrawn: their ranks run from 1 to this
    areas: tuple[str, ...] = ()  # the catalog's capability areas, to filter by

    @property
    def active_lines(self) -> list[LineRow]:
        """The page's lines in the priority order, withdrawn ones left out."""
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


def _held_row(held: HeldLine, items: Mapping[ItemCode, CatalogItem]) -> LineRow:
    line = held.line
    funded = funded_minor([line], items, {line.id: held.lots_shown})
    return _line_row(line, items, funded, {line.id: held.lots_hidden})


def requirements(
    reader: Reader, *, viewer: Viewer, cycle_name: str | None, query: ListQuery | None = None
) -> RequirementsView:
    """A page of a cycle's lines (the latest cycle's if none is named), those `query` asks
    for, and what the viewer may do now. The lines are searched, filtered and paged by the
    reader, so the page costs the same however long the list."""
    asked = query or ListQuery()
    with reader:
        cycles = reader.cycles()
        cycle = (
            next((c for c in cycles if c.name == cycle_name), None) if cycle_name
            else (cycles[-1] if cycles else None)
        )  # fmt: skip
        if cycle_name and cycle is None:
            raise NotFound("cycle", cycle_name)
        items = reader.items()
        held: list[HeldLine] = []
        shown, active = page(1, size=asked.size, total=0), 0
        if cycle is not None:
            hidden = restricted_from(reader, viewer)
            counts = reader.count_lines(cycle.id, matching=asked.matching, excluding=hidden)
            shown, active = page(asked.page, size=asked.size, total=counts.matching), counts.active
            held = reader.held_lines(
                cycle.id, matching=asked.matching, excluding=hidden, offset=shown.offset,
                limit=shown.size,
            )  # fmt: skip
    return RequirementsView(
        cycles=cycles, cycle=cycle, lines=[_held_row(h, items) for h in held],
        can_edit=cycle is not None and may_change_line(viewer, MoveLine, cycle),
        can_submit=cycle is not None and is_offered(viewer, SubmitCycle, cycle.status),
        can_endorse=cycle is not None and is_offered(viewer, EndorseCycle, cycle.status),
        can_allocate=cycle is not None and is_offered(viewer, allocations.Commit, cycle.status),
        can_open=is_offered(viewer, OpenCycle),
        carry_choices=tuple(c.name for c in reversed(cycles) if c.status in CARRIED_FROM),
        query=asked, page=shown, active_count=active,
        areas=tuple(sorted({item.area for item in items.values()})),
    )  # fmt: skip


def line_in_order(reader: Reader, *, cycle_name: str, ref: str) -> RequirementLine:
    """The line `ref` of the cycle, if it has a place in the order (it is not withdrawn)."""
    with reader:
        cycle = reader.find_cycle(cycle_name)
        line = None if cycle is None else reader.find_line(cycle.id, ref)
    if cycle is None:
        raise NotFound("cycle", cycle_name)
    if line is None:
        raise NotFound("requirement line", ref)
    if line.status is LineStatus.WITHDRAWN:
        raise Conflict(f"line {ref} is {line.status}; it has no place in the order")
    return line


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
