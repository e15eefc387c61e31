"""The read port's queries for the list of packages: a page of them with the sums of their
parts, and how many contributors pay the money a viewer may not see in each, so the list
costs the same however many attributions and payers its packages have.

Part of `Reader` (`read_ports.py`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from purldesk.domain.access import Viewer
from purldesk.domain.money import Money
from purldesk.domain.packages import PackageId, PackageStatus
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
