"""Contributions: money pledged in its own currency, received and converted, then spent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import NewType, Protocol

from purldesk.domain.catalog import AidClass
from purldesk.domain.dates import not_before
from purldesk.domain.errors import Conflict, IllegalTransition, InvalidInput, PurldeskError
from purldesk.domain.lifecycle import transition
from purldesk.domain.member_parts import MemberPart, check_parts
from purldesk.domain.money import USD, Conversion, Money, bounded
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


# Statuses whose unallocated money (its pool) may be attributed to packages.
SPENDABLE = (ContributionStatus.RECEIVED, ContributionStatus.ALLOCATED)

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

AWAITING_MONEY = frozenset({_S.PLEDGED, _S.COMMITTED})


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


class ContributionTerms(Protocol):
    """What rules a contribution's pooled money in an allocation: whose it is, its earmark and
    when it arrived. A `Contribution` has them; `SpendingTerms` are them read alone."""

    @property
    def id(self) -> ContributionId: ...
    @property
    def ref(self) -> str: ...
    @property
    def contributor(self) -> ParticipantCode: ...
    @property
    def earmark(self) -> Earmark: ...
    @property
    def received_on(self) -> date | None: ...


@dataclass(frozen=True, slots=True)
class SpendingTerms:
    """A contribution's terms without its amount, conversion or members' parts: what an
    allocation weighing the money of hundreds of pools reads of each."""

    id: ContributionId
    contributor: ParticipantCode
    earmark: Earmark = UNRESTRICTED
    received_on: date | None = None

    @property
    def ref(self) -> str:
        return contribution_ref(self.id)


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
    anonymous: bool = False
    # The digest of the file row it was imported from (see services.contributions); None for a
    # pledge made by hand. No two contributions share one, so a row cannot be imported twice.
    import_digest: str | None = None
    # A group's members' parts, as pledged (see domain/member_parts.py); none: given as one.
    members: tuple[MemberPart, ...] = ()

    def __post_init__(self) -> None:
        if self.amount.minor <= 0:
            raise InvalidInput("amount", "must be positive")
        bounded(self.amount, "amount")
        check_parts(self.amount, self.members)

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

    def cancel_on(self, on: date) -> Contribution:
        """Withdraw the pledge on `on`, which is not before it was made."""
        not_before(on, self.pledged_on, field="on", fact=f"the pledge of {self.ref}")
        return self.cancel()

    def refund_on(self, on: date) -> date:
        """`on`, unless it is before the money to refund arrived (or, not yet arrived, was
        pledged)."""
        if self.received_on is None:
            return not_before(on, self.pledged_on, field="on", fact=f"the pledge of {self.ref}")
        return not_before(on, self.received_on, field="on", fact=f"the receipt of {self.ref}")

    def spending_obstacle(self, *, on: date, today: date) -> PurldeskError | None:
        """Why a write dated `on` and recorded `today` may not spend this money, or None.

        Not before the money arrived; and once its earmark has expired, not at all, whatever
        date the write names: an expiry is judged on the day the spending is recorded, so a
        back-dated write cannot dodge it.
        """
        if self.received_on is None:
            return Conflict(f"{self.ref} is {self.status}; its money has not arrived")
        if on < self.received_on:
            return InvalidInput(
                "on", f"{on} is before the receipt of {self.ref} ({self.received_on})"
            )
        if self.earmark.is_expired(today):
            return Conflict(
                f"the earmark of {self.ref} expired on {self.earmark.expires_on}; "
                "its money can no longer be spent"
            )
        return None

    def disclose(self, *, confidential: bool, anonymous: bool) -> Contribution:
        """The contributor's choice of what others may see: the amount, and who gave it."""
        return replace(self, confidential=confidential, anonymous=anonymous)

    def receive(self, *, on: date, conversion: Conversion) -> Contribution:
        """Mark the money as arrived, converted to USD at the rate of the day of receipt."""
        not_before(on, self.pledged_on, field="received_on", fact=f"the pledge of {self.ref}")
        if conversion.converted.currency != USD:
            raise InvalidInput(
                "conversion", f"pooled money is USD, not {conversion.converted.currency}"
            )
        if conversion.original != self.amount:
            raise Conflict(f"conversion is of {conversion.original}, not of {self.amount}")
        if self.members and conversion.converted != self.amount:
            # Its parts sum to the USD pledged; received at another value, they would not.
            raise Conflict(f"{self.ref} has members' parts: it is received as the USD pledged")
        bounded(conversion.converted, "amount", what=f"{self.ref} converted to USD")
        if self.status not in AWAITING_MONEY:
            # RECEIVED is also where allocated money returns to; arriving twice is not allowed.
            raise IllegalTransition("contribution", self.status, ContributionStatus.RECEIVED)
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


def status_after_movement(
    current: ContributionStatus,
    *,
    unallocated_minor: int,
    spent_minor: int,
    disbursed_minor: int,
    refunded_minor: int,
) -> ContributionStatus:
    """The status a received contribution's money puts it in, derived from its balances.

    Allocated once any of it pays for a package; disbursed once all of it has been paid to
    the supplier; refunded once what is left has gone back and none of it was spent.
    """
    if current in (
        ContributionStatus.PLEDGED,
        ContributionStatus.COMMITTED,
        ContributionStatus.CANCELLED,
    ):
        return current
    if spent_minor == 0:
        return (
            ContributionStatus.REFUNDED
            if refunded_minor and not unallocated_minor
            else (ContributionStatus.RECEIVED)
        )
    if unallocated_minor == 0 and disbursed_minor == spent_minor:
        return ContributionStatus.DISBURSED
    return ContributionStatus.ALLOCATED
