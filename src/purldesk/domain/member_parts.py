"""Members' parts of a group's contribution: what each member nation gave through its group.

The rule, as an auditor checks it: a group's contribution that lists its members' parts is
pledged in USD, and its amount is the sum, to the cent, of the parts' USD values. Each part is
the member's amount in its own currency, converted at that currency's reference rate of the
pledge day and recorded as every conversion is (`Conversion`: rate, the rate's date, source).
Nothing is apportioned and nothing is rounded but each conversion (half-even, to the cent), so
every figure can be recomputed and a part stated in USD stays exactly that. A pledge whose
amount is not that sum is refused, saying what the parts sum to. The parts are fixed with the
pledge: they are written once and never revised.

What the group's money bought is shared among its members in proportion to their parts' USD
values (`shares`): each payment is split by largest remainder, ties to the part listed first,
so the members' shares of every payment add up to it exactly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from purldesk.domain.errors import InvalidInput
from purldesk.domain.money import USD, Conversion, Money, bounded, split, total
from purldesk.domain.participants import Participant, ParticipantCode

FIELD = "members"  # how every edge names the parts: an option, a body field, a CSV column
MAX_PARTS = 100  # more parts than any group has members; bounds what an edge takes in


@dataclass(frozen=True, slots=True)
class MemberPart:
    """One member's part: its amount in its own currency, and that in USD at the rate of the
    pledge day (`conversion.original` is the amount, `conversion.converted` the USD)."""

    member: ParticipantCode
    conversion: Conversion

    def __post_init__(self) -> None:
        what = f"{self.member}'s part"
        if self.usd.currency != USD:
            raise InvalidInput(FIELD, f"{what} is converted to {self.usd.currency}, not USD")
        if not self.amount.is_positive:
            raise InvalidInput(FIELD, f"{what} must be positive")
        bounded(self.amount, FIELD, what=f"{what}, {self.amount},")
        if not self.usd.is_positive:
            raise InvalidInput(FIELD, f"{what}, {self.amount}, is less than a cent in USD")

    @property
    def amount(self) -> Money:
        return self.conversion.original

    @property
    def usd(self) -> Money:
        return self.conversion.converted


def check_members_once(members: Iterable[str]) -> None:
    """Each member gives one part at most, and a pledge lists at most MAX_PARTS."""
    seen: set[str] = set()
    for count, member in enumerate(members, start=1):
        if count > MAX_PARTS:
            raise InvalidInput(FIELD, f"at most {MAX_PARTS} parts")
        if member in seen:
            raise InvalidInput(FIELD, f"{member} is listed twice; give each member's part once")
        seen.add(member)


def check_membership(group: Participant, members: Iterable[ParticipantCode]) -> None:
    """Only a group's contribution lists parts, and only of the group's own members."""
    listed = list(members)
    if not listed:
        return
    if not group.is_group:
        raise InvalidInput(
            FIELD, f"{group.code} is not a group; only a group's contribution lists members' parts"
        )
    for member in listed:
        if member not in group.members:
            raise InvalidInput(
                FIELD,
                f"{member} is not a member of {group.code} ({', '.join(group.members)})",
            )


def parts_total(parts: Sequence[MemberPart]) -> Money:
    """The parts' USD values summed: the amount of the contribution they are parts of."""
    return total((part.usd for part in parts), USD)


def check_parts(amount: Money, parts: Sequence[MemberPart]) -> None:
    """Parts of a contribution of `amount`: each member once, the whole in USD, and the parts'
    USD values summing to it exactly. No parts is a contribution given as one."""
    if not parts:
        return
    check_members_once(part.member for part in parts)
    if amount.currency != USD:
        raise InvalidInput(
            "currency",
            f"a contribution with members' parts is pledged in USD, the sum of the parts' USD "
            f"values, not in {amount.currency}",
        )
    summed = parts_total(parts)
    if summed != amount:
        raise InvalidInput(
            FIELD,
            f"the parts sum to {summed} at their reference rates, not {amount}; "
            f"pledge {summed.format()}",
        )


def shares(paid: Money, parts: Sequence[MemberPart]) -> list[Money]:
    """`paid` (money of the group's contribution, such as what it paid for one line) shared
    among the parts in proportion to their USD values; the shares add up to `paid` exactly."""
    return [
        Money(minor, paid.currency) for minor in split(paid.minor, [p.usd.minor for p in parts])
    ]
