"""Contributions: money pledged in its own currency, received and converted, then spent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import NewType

from purldesk.domain.catalog import AidClass
from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.lifecycle import transition
from purldesk.domain.money import Conversion, Money
from purldesk.domain.participants import ParticipantCode

ContributionId = NewType("ContributionId", int)


class ContributionStatus(StrEnum):
    PLEDGED = "pledged"
    COMMITTED = "committed"
    RECEIVED = "received"
    ALLOCATED = "allocated"
    DISBURSED = "disbursed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


_S = ContributionStatus
CONTRIBUTION_TRANSITIONS: Mapping[ContributionStatus, frozenset[ContributionStatus]] = {
    _S.PLEDGED: frozenset({_S.COMMITTED, _S.RECEIVED, _S.CANCELLED}),
    _S.COMMITTED: frozenset({_S.RECEIVED, _S.CANCELLED}),
    _S.RECEIVED: frozenset({_S.ALLOCATED, _S.REFUNDED}),
    _S.ALLOCATED: frozenset({_S.RECEIVED, _S.DISBURSED, _S.REFUNDED}),
    _S.DISBURSED: frozenset(),
    _S.CANCELLED: frozenset(),
    _S.REFUNDED: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Earmark:
    """Restrictions a contributor puts on one contribution; None means unrestricted."""

    package_id: int | None = None
    areas: frozenset[str] | None = None
    aid_classes: frozenset[AidClass] | None = None
    expires_on: date | None = None

    def allows(self, *, area: str, aid_class: AidClass) -> bool:
        return (self.areas is None or area in self.areas) and (
            self.aid_classes is None or aid_class in self.aid_classes
        )

    def is_expired(self, on: date) -> bool:
        return self.expires_on is not None and on > self.expires_on


UNRESTRICTED = Earmark()


@dataclass(frozen=True, slots=True)
class Contribution:
    """One contribution; its amount stays in the pledged currency, USD is fixed at receipt."""

    id: ContributionId
    contributor: ParticipantCode
    amount: Money
    pledged_on: date
    status: ContributionStatus = ContributionStatus.PLEDGED
    confidential: bool = False
    purpose: str = ""
    source: str = ""
    earmark: Earmark = UNRESTRICTED
    received_on: date | None = None
    conversion: Conversion | None = None

    def __post_init__(self) -> None:
        if self.amount.minor <= 0:
            raise InvalidInput("amount", "must be positive")

    @property
    def ref(self) -> str:
        return contribution_ref(self.id)

    @property
    def usd(self) -> Money | None:
        return None if self.conversion is None else self.conversion.converted

    def move_to(self, target: ContributionStatus) -> Contribution:
        return replace(
            self,
            status=transition("contribution", CONTRIBUTION_TRANSITIONS, self.status, target),
        )

    def commit(self) -> Contribution:
        return self.move_to(ContributionStatus.COMMITTED)

    def cancel(self) -> Contribution:
        return self.move_to(ContributionStatus.CANCELLED)

    def receive(self, *, on: date, conversion: Conversion) -> Contribution:
        """Mark the money as arrived, converted to USD at the rate of the day of receipt."""
        if on < self.pledged_on:
            raise InvalidInput("received_on", f"{on} is before the pledge of {self.pledged_on}")
        if conversion.original != self.amount:
            raise Conflict(f"conversion is of {conversion.original}, not of {self.amount}")
        moved = self.move_to(ContributionStatus.RECEIVED)
        return replace(moved, received_on=on, conversion=conversion)


def contribution_ref(contribution_id: int) -> str:
    return f"C-{contribution_id:05d}"


def parse_contribution_ref(text: str, *, field: str = "contribution") -> ContributionId:
    """Accept 'C-00012' or '12'."""
    raw = text.strip().upper().removeprefix("C-")
    if not raw.isdigit() or int(raw) < 1:
        raise InvalidInput(field, f"{text!r} is not a contribution reference like C-00012")
    return ContributionId(int(raw))
