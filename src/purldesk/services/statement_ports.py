"""The read port's queries for a contributor's statement page: a page of the lines its money
paid, and the totals over all of them, and a page of its substitution effects, so the page
costs the same however long its history.

Part of `Reader` (`read_ports.py`); the contributions themselves are paged by
`count_contributions` and `contribution_page`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from purldesk.domain.access import Viewer
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import Money
from purldesk.domain.packages import PackageId, PackageStatus
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.domain.substitution import Substitution


@dataclass(frozen=True, slots=True)
class PaidLine:
    """Money of one contribution on one line of a package, with what that line has shipped."""

    contribution_id: ContributionId
    package_id: PackageId
    package_status: PackageStatus
    line_id: LineId
    line_ref: str
    item_name: str
    amount: Money
    shipped: int  # units of the line shipped in the package
    received: int  # of which confirmed received


@dataclass(frozen=True, slots=True)
class StatementTotals:
    """A contributor's statement summed over its whole history, as one viewer may see it."""

    contributions: int  # every one it gave, as `count_contributions` counts them
    lines: int  # the lines its money paid that the viewer may see the amount of
    spent_minor: int  # what those lines add up to (USD)
    unallocated_minor: int  # what the pools of its contributions hold (USD)


@dataclass(frozen=True, slots=True)
class SubstitutionRun:
    """A contributor's substitution effect in one committed allocation, with the packages of
    that allocation its money pays, by id."""

    on: date  # the allocation date
    recorded_at: datetime  # when it was committed
    packages: tuple[PackageId, ...]
    effect: Substitution[LineId]


class StatementQueries(Protocol):
    """A contributor's paid lines as one viewer may see them (`confidentiality.redact`: a line
    is shown where the amount of the contribution that paid it is), paged and summed."""

    def statement_totals(self, viewer: Viewer, *, contributor: ParticipantCode) -> StatementTotals:
        """The totals of the statement, in one statement: the lines counted and summed are
        those of `paid_lines(contributor)` the viewer may see; the pools, `balance_of` the
        `ledger.pool` of each of its contributions, in USD."""
        ...

    def paid_line_page(
        self, viewer: Viewer, *, contributor: ParticipantCode, offset: int, limit: int
    ) -> list[PaidLine]:
        """One page of the lines `statement_totals` counts: the newest package first (by id), each
        package's lines in attribution order."""
        ...

    def paid_packages(self, contributor: ParticipantCode) -> list[PackageId]:
        """The packages the contributor's money pays (any of it, seen or not), by id."""
        ...

    def count_substitution_runs(self, contributor: ParticipantCode) -> int:
        """How many runs `substitution_runs` gives in all."""
        ...

    def substitution_runs(
        self,
        contributor: ParticipantCode,
        *,
        offset: int = 0,
        limit: int | None = None,
        newest_first: bool = False,
    ) -> list[SubstitutionRun]:
        """The contributor's effects kept with the bases of the packages its money pays: one
        run per allocation (an effect kept at the same time, date and alike with several
        packages is one run of them all), the oldest first (by when committed, then date, then
        first package), or the newest first; `offset` and `limit` (None: all) page them. Read
        without the bases."""
        ...
