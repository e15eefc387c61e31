"""Request and response shapes of the contributions router: pledges, disclosure, totals."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from purldesk.domain.confidentiality import ContributionView, Totals
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.member_parts import MAX_PARTS, MemberPart
from purldesk.domain.money import MAX_AMOUNT_MINOR, Money
from purldesk.entrypoints.api.schemas import Code, Day, Input, MoneyRead, Schema, Text, decimal_text


class EarmarkCreate(Input):
    """What the pledged money may pay for; an absent or empty part is unrestricted. Areas must
    be areas of catalog items, the package an existing one of a cycle not closed."""

    aid_classes: list[Code] = Field(default_factory=list, max_length=10)
    areas: list[Code] = Field(default_factory=list, max_length=100)
    package: Code | None = Field(default=None, description="A package reference, such as P-0001.")
    expires_on: Day | None = Field(default=None, description="Not to be spent after this day.")


AmountText = Annotated[
    str,
    Field(
        pattern=r"^[0-9][0-9,]{0,20}(\.[0-9]{1,3})?$",
        description="Major units as an exact decimal, such as 500000000 or 1,250.50; at most "
        f"{MAX_AMOUNT_MINOR:,} minor units (USD 10,000,000,000,000.00, KRW "
        "1,000,000,000,000,000).",
    ),
]
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]


class MemberPartCreate(Input):
    """A group's member's part, in the member's own currency: converted to USD at the
    reference rate of the pledge day."""

    member: Code = Field(description="The member nation, such as DNK.")
    amount: AmountText
    currency: CurrencyCode


class PledgeCreate(Input):
    contributor: Code
    amount: AmountText
    currency: CurrencyCode
    pledged_on: Day | None = None
    confidential: bool = False
    anonymous: bool = Field(
        default=False, description="Only you, the coordinator and auditors see who gave it."
    )
    purpose: Text = ""
    source: Text = ""
    earmark: EarmarkCreate | None = None
    members: list[MemberPartCreate] = Field(
        default_factory=list,
        max_length=MAX_PARTS,
        description="A group's members' parts, each member of the group once; the pledge is "
        "then in USD and its amount the parts' USD values summed, to the cent.",
    )


class DisclosureUpdate(Input):
    """What others may see of your contribution: its amount, and who gave it."""

    confidential: bool
    anonymous: bool


class EarmarkRead(Schema):
    package_id: int | None
    areas: list[str] | None
    aid_classes: list[str] | None
    expires_on: date | None


class MemberPartRead(Schema):
    """A member's part: its amount, and that in USD at the recorded rate of the pledge day."""

    member: str
    amount_minor: int
    amount: str
    currency: str
    usd_minor: int
    fx_rate: str
    fx_rate_date: date
    fx_source: str

    @classmethod
    def of(cls, part: MemberPart) -> MemberPartRead:
        conversion = part.conversion
        return cls(
            member=part.member, amount_minor=part.amount.minor, amount=decimal_text(part.amount),
            currency=part.amount.currency, usd_minor=part.usd.minor, fx_rate=str(conversion.rate),
            fx_rate_date=conversion.rate_date, fx_source=conversion.source,
        )  # fmt: skip


class ContributionRead(Schema):
    """A contribution; the amount and money fields are null where it is confidential to you,
    the contributor is null where it gave anonymously (except to itself, coordinator, auditor).
    """

    id: int
    ref: str
    contributor: str | None
    status: ContributionStatus
    pledged_on: date
    received_on: date | None
    confidential: bool
    anonymous: bool
    disclosed: bool
    amount_minor: int | None
    amount: str | None
    currency: str | None
    usd_minor: int | None
    fx_rate: str | None
    fx_rate_date: date | None
    fx_source: str | None
    purpose: str | None
    source: str | None
    earmark: EarmarkRead
    # A group's members' parts; [] where it gave as one, null where hidden from you.
    members: list[MemberPartRead] | None

    @classmethod
    def of(cls, v: ContributionView) -> ContributionRead:
        conversion, earmark = v.conversion, v.earmark
        return cls(
            id=v.id, ref=v.ref, contributor=v.contributor, status=v.status,
            pledged_on=v.pledged_on, received_on=v.received_on, confidential=v.confidential,
            anonymous=v.anonymous, disclosed=v.disclosed,
            amount_minor=None if v.amount is None else v.amount.minor,
            amount=None if v.amount is None else decimal_text(v.amount),
            currency=None if v.amount is None else v.amount.currency,
            usd_minor=None if conversion is None else conversion.converted.minor,
            fx_rate=None if conversion is None else str(conversion.rate),
            fx_rate_date=None if conversion is None else conversion.rate_date,
            fx_source=None if conversion is None else conversion.source,
            purpose=v.purpose, source=v.source,
            earmark=EarmarkRead(
                package_id=earmark.package_id,
                areas=None if earmark.areas is None else sorted(earmark.areas),
                aid_classes=None
                if earmark.aid_classes is None
                else sorted(a.value for a in earmark.aid_classes),
                expires_on=earmark.expires_on,
            ),
            members=None if v.members is None else [MemberPartRead.of(p) for p in v.members],
        )  # fmt: skip


class RefundRead(Schema):
    contribution: ContributionRead
    refunded_minor: int
    currency: str


# The fields of MoneyRead, in the order this response has always given them (currency first).
class AmountRead(Schema):
    currency: str
    amount_minor: int
    amount: str

    @classmethod
    def of(cls, money: Money) -> AmountRead:
        return cls(**MoneyRead.of(money).model_dump())


class ContributionTotals(Schema):
    """Sums of what you may see; confidential amounts are only counted, as undisclosed."""

    contributions: int
    undisclosed: int
    pledged: list[AmountRead]
    received_usd_minor: int

    @classmethod
    def of(cls, t: Totals) -> ContributionTotals:
        return cls(
            contributions=t.counted, undisclosed=t.undisclosed_count,
            pledged=[AmountRead.of(m) for m in t.pledged.values()],
            received_usd_minor=t.received_usd.minor,
        )  # fmt: skip
