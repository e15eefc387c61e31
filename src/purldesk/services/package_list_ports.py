"""The read port's queries for the list of packages and for one package: a page of them with
the sums of their parts, how many contributors pay the money a viewer may not see in each,
and one package's lines with a page of its payments, so that neither costs more however many
attributions and payers the packages have.

Part of `Reader` (`read_ports.py`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from purldesk.domain.access import Viewer
from purldesk.domain.money import Money
from purldesk.domain.package_money import PaymentFacts
from purldesk.domain.packages import Package, PackageId, PackageStatus, short_of
from purldesk.domain.requirements import CycleId, LineId


@dataclass(frozen=True, slots=True)
class HiddenPayerCount:
    """How many contributors pay money a viewer may not see the amount of, on one line of a
    package, or (`line_id` None) on the whole package: all the disclosure rule needs."""

    package_id: PackageId
    line_id: LineId | None
    payers: int


@dataclass(frozen=True, slots=True)
class PackageListing:
    """A package as a list shows it: its own fields and the sums of its parts, not the parts."""

    id: PackageId
    cycle_id: CycleId
    name: str
    status: PackageStatus
    target: Money
    created_on: date
    cost_minor: int  # its lines' lots x lot prices, in USD
    attributed_minor: int  # the money attributed to its lines, in USD
    line_count: int


@dataclass(frozen=True, slots=True)
class PackageOutline:
    """A package without its attributions (`package.attributions` is empty: read them a page
    at a time with `package_payments`), and what is attributed to each of its lines."""

    package: Package
    paid_by_line: Mapping[LineId, int]

    @property
    def shortfall(self) -> dict[LineId, int]:
        """`packages.shortfall` of the whole package."""
        return short_of(self.package, self.paid_by_line)


class PackageListQueries(Protocol):
    """The list's queries: each one statement, whatever the listed packages hold."""

    def count_packages(
        self, *, cycle_id: CycleId | None = None, status: PackageStatus | None = None
    ) -> int:
        """How many packages `package_listings` pages through."""
        ...

    def package_listings(
        self,
        *,
        cycle_id: CycleId | None = None,
        status: PackageStatus | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[PackageListing]:
        """One page of the packages by id (of one cycle, in one status, or all; None: no
        limit), each with the sums of its lines and attributions."""
        ...

    def hidden_payer_counts(
        self, viewer: Viewer, package_ids: Collection[PackageId]
    ) -> list[HiddenPayerCount]:
        """For each of these packages that `viewer` may not see some of the money of: how many
        contributors pay that money, on the whole package (first, `line_id` None) and on each
        line; by package, then line."""
        ...

    def package_outline(self, package_id: PackageId) -> PackageOutline:
        """The package without its attributions, with what is attributed to each line;
        NotFound if there is no such package."""
        ...

    def package_payments(
        self, viewer: Viewer, package_id: PackageId, *, own_only: bool, offset: int, limit: int
    ) -> PaymentFacts:
        """`package_money.payment_facts` of the package for `viewer`, counted by the database:
        at most `limit` of the attributions it may see from `offset` (only its own where
        `own_only`), in the package's order."""
        ...
