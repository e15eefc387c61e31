"""A contributor's statement: where each of its dollars went (contribution, package, line,
delivery), for the contributor itself and for those who read every ledger account; a member
nation's also lists what it gave through its groups (`member_statement`).

The page (`statement`) shows its two long lists a page at a time, with totals the reader sums
over all of them, and its substitutions a page of allocations at a time; its groups' part is
still read whole (docs/BENCHMARKS.md, "Three years of history"). The report's JSON
(`statement_report_page`) is read the same way, a page of each list from the offsets asked;
its files (`statement_report`, the page's downloads) are the whole statement, as an export
may be."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from purldesk.domain import ledger
from purldesk.domain.access import Owned, Permission, Viewer
from purldesk.domain.contributions import contribution_ref
from purldesk.domain.errors import NotFound
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import package_ref
from purldesk.domain.participants import Participant, ParticipantCode
from purldesk.services.read_ports import PaidLine, Reader
from purldesk.services.views.contributions import ContributionRow, row
from purldesk.services.views.member_statement import ThroughGroups, read_through_groups
from purldesk.services.views.paging import NONE_READ, WHOLE, Page, Slice, Window, page
from purldesk.services.views.substitutions import SubstitutionRow, substitutions

# How a long list is read, given its length: (offset, limit).
Span = Callable[[int], tuple[int, int]]

# Rows of each long list on a page: the newest first, as the contributions page lists them.
PAGE_SIZE = 50
# Allocations' substitution effects on a page, the newest first: each is a paragraph naming
# the lines its money moved, some dozens at a time.
EFFECTS_PAGE_SIZE = 10


@dataclass(frozen=True, slots=True)
class StatementRow:
    contribution_ref: str
    package_ref: str
    package_status: str
    line_ref: str
    item_name: str
    amount: Money
    shipped: int
    received: int


@dataclass(frozen=True, slots=True)
class StatementView:
    contributor: str
    contributor_name: str
    contributions: list[ContributionRow]
    rows: list[StatementRow]
    unallocated_usd: Money
    spent_usd: Money
    # what its restricted money took over in each allocation, and where the other money went
    substitutions: list[SubstitutionRow] = field(default_factory=list)
    # Its parts of its groups' contributions, and its shares of what they bought.
    through_groups: ThroughGroups = field(default_factory=ThroughGroups)
    # Where `contributions`, `rows` and `substitutions` start in the whole statement's lists
    # and how long those are: each whole from 0 (`statement_report`), or a page of each
    # (`statement_report_page`).
    contributions_slice: Slice = NONE_READ
    lines_slice: Slice = NONE_READ
    effects_slice: Slice = NONE_READ


@dataclass(frozen=True, slots=True)
class StatementPage:
    """The statement page: a page of each long list (`contributions`, `rows`, `substitutions`,
    the newest first) and the totals over every page."""

    contributor: str
    contributor_name: str
    contributions: list[ContributionRow]
    contributions_page: Page
    rows: list[StatementRow]
    lines_page: Page
    unallocated_usd: Money
    spent_usd: Money
    substitutions: list[SubstitutionRow] = field(default_factory=list)
    through_groups: ThroughGroups = field(default_factory=ThroughGroups)
    substitutions_page: Page = field(
        default_factory=lambda: page(1, size=EFFECTS_PAGE_SIZE, total=0)
    )


def _readable(viewer: Viewer, contributor: str) -> ParticipantCode:
    """The contributor's code, where the viewer may read its statement: another organization's
    statement, or one the viewer may not read at all, is not found, so its existence does not
    leak."""
    code = contributor.strip().upper()
    if not viewer.can(Permission.READ_LEDGER) or (viewer.own_only and not viewer.owns(code)):
        raise NotFound("statement", code)
    return ParticipantCode(code)


def statement(
    reader: Reader,
    *,
    viewer: Viewer,
    contributor: str,
    contributions_asked: int = 1,
    lines_asked: int = 1,
    substitutions_asked: int = 1,
    size: int = PAGE_SIZE,
    effects_size: int = EFFECTS_PAGE_SIZE,
) -> StatementPage:
    """The statement page: page `contributions_asked` of the contributions and page
    `lines_asked` of the lines their money paid (`size` each, the newest first) and page
    `substitutions_asked` of its substitution effects (`effects_size` allocations, the newest
    first),
    with the totals over all of them, summed by the reader under the rule `statement_report` applies
    row by row (a line paid by money whose amount is hidden from the viewer is neither listed
    nor summed)."""

    def paged(asked: int, size: int) -> Span:
        def span(total: int) -> tuple[int, int]:
            shown = page(asked, size=size, total=total)  # a page past the end: the last
            return shown.offset, shown.size

        return span

    view = _windows(
        reader, viewer=viewer, code=_readable(viewer, contributor),
        contributions=paged(contributions_asked, size), lines=paged(lines_asked, size),
        effects=paged(substitutions_asked, effects_size),
    )  # fmt: skip
    return StatementPage(
        view.contributor, view.contributor_name, view.contributions,
        page(contributions_asked, size=size, total=view.contributions_slice.total), view.rows,
        page(lines_asked, size=size, total=view.lines_slice.total), view.unallocated_usd,
        view.spent_usd, view.substitutions, view.through_groups,
        page(substitutions_asked, size=effects_size, total=view.effects_slice.total),
    )  # fmt: skip


def statement_export(reader: Reader, *, viewer: Viewer, contributor: str) -> StatementView:
    """The whole statement, for the page's downloads: refused as the page is."""
    return _statement(reader, viewer=viewer, code=_readable(viewer, contributor))


def statement_report(reader: Reader, *, viewer: Viewer, contributor: str) -> StatementView:
    """The whole statement as a report's file: refused (not permitted) to a viewer that reads
    no ledger account; another contributor's is not found."""
    return _statement(reader, viewer=viewer, code=_reportable(viewer, contributor))


def statement_report_page(
    reader: Reader,
    *,
    viewer: Viewer,
    contributor: str,
    contributions: Window = WHOLE,
    lines: Window = WHOLE,
    effects: Window = WHOLE,
) -> StatementView:
    """The statement as the report's JSON reads it, refused as `statement_report` is: a part
    of each long list from its window's offset (no limit: the rest of it), in the statement
    page's order: the contributions the newest first, the lines the newest package first (its
    lines in attribution order), the substitution effects the newest first; with how many each
    list holds and the totals over the whole statement, summed by the reader under the rule
    `statement_report` applies row by row."""
    return _windows(
        reader, viewer=viewer, code=_reportable(viewer, contributor),
        contributions=_as_asked(contributions), lines=_as_asked(lines),
        effects=_as_asked(effects),
    )  # fmt: skip


def _as_asked(window: Window) -> Span:
    """The window asked for, whatever the list's length; no limit: as many as it holds."""
    return lambda total: (window.offset, total if window.limit is None else window.limit)


def _windows(
    reader: Reader,
    *,
    viewer: Viewer,
    code: ParticipantCode,
    contributions: Span,
    lines: Span,
    effects: Span,
) -> StatementView:
    """The statement's long lists, each read from the offset and to the limit its length gives
    (the page's and the report's JSON alike), with how many each holds and the totals over all
    of them."""
    with reader:
        participant, names = _participant(reader, code)
        totals = reader.statement_totals(viewer, contributor=code)
        listed, listed_limit = contributions(totals.contributions)
        own = reader.contribution_page(contributor=code, offset=listed, limit=listed_limit)
        paid, paid_limit = lines(totals.lines)
        shown = reader.paid_line_page(viewer, contributor=code, offset=paid, limit=paid_limit)
        effect_count = reader.count_substitution_runs(code)
        told, told_limit = effects(effect_count)
        substituted = substitutions(
            reader, viewer=viewer, contributor=code, name=participant.name,
            offset=told, limit=told_limit, newest_first=True,
        )  # fmt: skip
        groups = read_through_groups(reader, viewer=viewer, member=code, names=names)
    return StatementView(
        code, participant.name, [row(viewer, c, names) for c in own],
        [_row(contribution_ref(part.contribution_id), part) for part in shown],
        Money(totals.unallocated_minor, USD), Money(totals.spent_minor, USD), substituted, groups,
        Slice(listed, totals.contributions), Slice(paid, totals.lines), Slice(told, effect_count),
    )  # fmt: skip


def _reportable(viewer: Viewer, contributor: str) -> ParticipantCode:
    """The contributor's code, where the viewer may read its statement as a report."""
    code = contributor.strip().upper()
    viewer.check(Permission.READ_LEDGER, owner=Owned(code, "statement", code))
    return ParticipantCode(code)


def _participant(reader: Reader, code: str) -> tuple[Participant, dict[ParticipantCode, str]]:
    """The contributor, and every participant's name by code; inside `with reader:`."""
    participants = reader.participants()
    participant = next((p for p in participants if p.code == code), None)
    if participant is None:
        raise NotFound("participant", code)
    return participant, {p.code: p.name for p in participants}


def _statement(reader: Reader, *, viewer: Viewer, code: str) -> StatementView:
    with reader:
        participant, names = _participant(reader, code)
        own = reader.contributions(contributor=participant.code)
        paid = reader.paid_lines(participant.code)
        unallocated = reader.balance_of([ledger.pool(c.id) for c in own], currency=USD)
        substituted = substitutions(
            reader, viewer=viewer, contributor=participant.code, name=participant.name
        )
        groups = read_through_groups(reader, viewer=viewer, member=participant.code, names=names)
    rows_by_id = {c.id: row(viewer, c, names) for c in own}
    rows = [
        _row(rows_by_id[part.contribution_id].view.ref, part)
        for part in paid
        if rows_by_id[part.contribution_id].view.amount is not None
    ]
    return StatementView(
        participant.code, participant.name, list(rows_by_id.values()), rows,
        Money(unallocated, USD), Money(sum(r.amount.minor for r in rows), USD), substituted,
        groups, Slice(0, len(rows_by_id)), Slice(0, len(rows)), Slice(0, len(substituted)),
    )  # fmt: skip


def _row(ref: str, part: PaidLine) -> StatementRow:
    return StatementRow(
        ref, package_ref(part.package_id), part.package_status.value, part.line_ref,
        part.item_name, part.amount, part.shipped, part.received,
    )  # fmt: skip
