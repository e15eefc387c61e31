"""Members' parts as people give them (`DNK:580000000:DKK`, or a member, an amount and a
currency), priced at the reference rates of the pledge day when the group pledges.

Every edge reads a part with the same parser and every refusal names the field `members`: the
command line's `--member`, the API's `members`, a CSV file's `members` column and the
dashboard's form. The rule the parts follow is `domain/member_parts.py`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from purldesk.domain.errors import InvalidInput
from purldesk.domain.member_parts import (
    FIELD,
    MAX_PARTS,
    MemberPart,
    check_members_once,
    check_membership,
)
from purldesk.domain.money import USD, Money, convert, convertible, currency
from purldesk.domain.participants import Participant, ParticipantCode
from purldesk.services.ports import FxRates

FORM = "MEMBER:AMOUNT:CURRENCY, such as DNK:580000000:DKK"


@dataclass(frozen=True, slots=True)
class MemberAmount:
    """A member's part as given: who, and how much of its own currency (in USD once pledged)."""

    member: str
    amount: Money

    def __post_init__(self) -> None:
        if not self.amount.is_positive:
            raise InvalidInput(FIELD, f"{self.member}'s part must be positive")

    @property
    def code(self) -> ParticipantCode:
        return ParticipantCode(self.member.strip().upper())


def member_amount(member: str, amount: str, code: str, *, field: str = FIELD) -> MemberAmount:
    """A part from its member, its amount in major units and its currency, as people write
    them; a refusal names `field` and the member."""
    who = member.strip().upper()
    if not who:
        raise InvalidInput(field, "a part names its member, such as DNK")
    try:
        money = Money.parse(amount, currency(code.strip().upper()), field=field)
    except InvalidInput as error:
        raise InvalidInput(field, f"{who}: {error.message}") from None
    return MemberAmount(who, money)


def parse_member(text: str, *, field: str = FIELD) -> MemberAmount:
    """One part written `MEMBER:AMOUNT:CURRENCY`, the amount in major units."""
    pieces = text.split(":")
    if len(pieces) != 3:
        raise InvalidInput(field, f"{text.strip()!r} is not {FORM}")
    return member_amount(*pieces, field=field)


def parse_members(texts: Iterable[str], *, field: str = FIELD) -> tuple[MemberAmount, ...]:
    """Parts, one per text (empty ones skipped): each member at most once, MAX_PARTS at most."""
    given = [text for text in texts if text.strip()]
    if len(given) > MAX_PARTS:
        raise InvalidInput(field, f"at most {MAX_PARTS} parts")
    parts = tuple(parse_member(text, field=field) for text in given)
    check_members_once(part.code for part in parts)
    return parts


def parse_member_list(text: str, *, field: str = FIELD) -> tuple[MemberAmount, ...]:
    """Parts in one text, separated by `;` or new lines (a CSV cell)."""
    return parse_members(text.replace("\n", ";").split(";"), field=field)


def priced(
    fx: FxRates, group: Participant, given: Sequence[MemberAmount], *, on: date
) -> tuple[MemberPart, ...]:
    """The parts of `group`'s pledge made `on`: each member the group's, once, converted to USD
    at its currency's reference rate of that day. Whether they sum to the pledge is the
    contribution's own check."""
    codes = [part.code for part in given]
    check_members_once(codes)
    check_membership(group, codes)
    rated = fx.currencies()
    parts = []
    for part, code in zip(given, codes, strict=True):
        convertible(part.amount.currency, rated, field=FIELD)
        rate, rate_date, source = fx.rate(part.amount.currency, USD, on)
        conversion = convert(part.amount, target=USD, rate=rate, rate_date=rate_date, source=source)
        parts.append(MemberPart(code, conversion))
    return tuple(parts)
