"""Request and response shapes of the API; amounts are integer minor units beside a currency."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Generic, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from purldesk.domain.access import Actor, AttributionView, ContributionView, Totals
from purldesk.domain.audit import AuditEntry
from purldesk.domain.catalog import AidClass, CatalogItem
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.deliveries import Shipment
from purldesk.domain.errors import InvalidInput
from purldesk.domain.ledger import Finding, LedgerEntry
from purldesk.domain.money import Money
from purldesk.domain.packages import Package, PackageStatus
from purldesk.domain.participants import Participant, ParticipantKind, ParticipantStatus
from purldesk.domain.requirements import (
    Cycle,
    CycleStatus,
    LineChange,
    LineStatus,
    RankChange,
    RequirementLine,
)
from purldesk.domain.text import check_text, strings_in

T = TypeVar("T")

MinorUnits = Annotated[
    int, Field(description="Integer minor units (cents; KRW and JPY have none).")
]
# Bounded so that no generated input overflows a 64-bit column.
PositiveMinor = Annotated[int, Field(ge=1, le=10**15)]
Text = Annotated[str, Field(max_length=2000)]
Code = Annotated[str, Field(min_length=1, max_length=40)]
Day = Annotated[date, Field(ge=date(1999, 1, 4), le=date(2100, 12, 31))]


def decimal_text(money: Money) -> str:
    return f"{money.to_decimal():.{money.exponent}f}"


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Input(Schema):
    """A request body: no string in it, however nested, may hold a control character.

    Response models stay plain `Schema`, so that text stored before this rule can be read.
    """

    @field_validator("*")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        for where, text in strings_in(value):
            try:
                check_text("value", text)
            except InvalidInput as error:
                inside = "".join(f"[{part}]" for part in where)  # within a list or dict field
                message = f"{inside} {error.message}".lstrip()
                raise PydanticCustomError(
                    "control_character", "{message}", {"message": message}
                ) from None
        return value


class Page(Schema, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class MeRead(Schema):
    user_id: int
    name: str
    organization: str
    role: str
    permissions: list[str]

    @classmethod
    def of(cls, actor: Actor, permissions: list[str]) -> MeRead:
        return cls(
            user_id=actor.user_id, name=actor.name, organization=actor.organization,
            role=actor.role.value, permissions=permissions,
        )  # fmt: skip


class ParticipantRead(Schema):
    code: str
    name: str
    kind: ParticipantKind
    status: ParticipantStatus
    members: list[str]

    @classmethod
    def of(cls, p: Participant) -> ParticipantRead:
        return cls(code=p.code, name=p.name, kind=p.kind, status=p.status, members=list(p.members))


class CatalogItemFields(Schema):
    code: Annotated[str, Field(pattern=r"^[A-Z0-9][A-Z0-9-]{0,39}$")]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    area: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")]
    aid_class: AidClass
    unit_price_minor: PositiveMinor
    lot_size: Annotated[int, Field(ge=1, le=10**9)]
    available_per_cycle: Annotated[int, Field(ge=0, le=10**9)]
    lead_time_days: Annotated[int, Field(ge=0, le=10**5)]


class CatalogItemWrite(CatalogItemFields, Input):
    """A catalog item as a client sends it."""


class CatalogItemRead(CatalogItemFields):
    currency: str
    unit_price: str

    @classmethod
    def of(cls, item: CatalogItem) -> CatalogItemRead:
        return cls(
            code=item.code, name=item.name, area=item.area, aid_class=item.aid_class,
            unit_price_minor=item.unit_price.minor, currency=item.unit_price.currency,
            unit_price=decimal_text(item.unit_price), lot_size=item.lot_size,
            available_per_cycle=item.available_per_cycle, lead_time_days=item.lead_time_days,
        )  # fmt: skip


class CatalogImport(Input):
    items: Annotated[list[CatalogItemWrite], Field(min_length=1, max_length=1000)]


class CatalogImported(Schema):
    added: int
    updated: int


class CycleCreate(Input):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    opens_on: Day


class CycleRead(Schema):
    id: int
    name: str
    opens_on: date
    status: CycleStatus

    @classmethod
    def of(cls, c: Cycle) -> CycleRead:
        return cls(id=c.id, name=c.name, opens_on=c.opens_on, status=c.status)


class LineCreate(Input):
    ref: Annotated[str, Field(min_length=1, max_length=40)]
    rank: Annotated[int, Field(ge=1, le=100_000)]
    item_code: Code
    quantity: Annotated[int, Field(ge=1, le=10**9)]
    needed_by: Day
    justification: Text = ""


class LinesImport(Input):
    lines: Annotated[list[LineCreate], Field(min_length=1, max_length=1000)]


class LineMove(Input):
    rank: Annotated[int, Field(ge=1, le=100_000)]


class LineUpdate(Input):
    """The fields to change; those left out (or null) are kept."""

    quantity: Annotated[int, Field(ge=1, le=10**9)] | None = None
    needed_by: Day | None = None
    justification: Text | None = None


class LineWithdraw(Input):
    reason: Annotated[str, Field(min_length=1, max_length=2000)]


class LineAsItStoodRead(Schema):
    """A line as the list held it at the end of a past day; funding states are not kept as
    history, so no status is claimed."""

    id: int
    ref: str
    rank: int
    item_code: str
    area: str
    aid_class: AidClass
    quantity: int
    needed_by: date
    justification: str

    @classmethod
    def of(cls, line: RequirementLine) -> Self:
        return cls.model_validate(_line_fields(line, cls))


class LineRead(LineAsItStoodRead):
    """A line as it stands now."""

    cycle_id: int
    status: LineStatus


def _line_fields(line: RequirementLine, schema: type[Schema]) -> dict[str, Any]:
    return {name: getattr(line, name) for name in schema.model_fields}


class LineChangeRead(Schema):
    field: str
    before: str
    after: str
    at: datetime
    by: str

    @classmethod
    def of(cls, change: LineChange) -> LineChangeRead:
        return cls(
            field=change.field, before=change.before, after=change.after, at=change.at,
            by=change.by,
        )  # fmt: skip


class RankChangeRead(Schema):
    rank: int
    at: datetime
    by: str
    changes: list[LineChangeRead] = Field(
        default=[], description="Edits of other fields made while the line held this rank."
    )

    @classmethod
    def of(cls, change: RankChange, edits: Sequence[LineChange] = ()) -> RankChangeRead:
        return cls(
            rank=change.rank, at=change.at, by=change.by,
            changes=[LineChangeRead.of(edit) for edit in edits],
        )  # fmt: skip


class PledgeCreate(Input):
    contributor: Code
    amount: Annotated[
        str,
        Field(
            pattern=r"^[0-9][0-9,]{0,20}(\.[0-9]{1,3})?$",
            description="Major units as an exact decimal, such as 500000000 or 1,250.50.",
        ),
    ]
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    pledged_on: Day | None = None
    confidential: bool = False
    anonymous: bool = Field(
        default=False, description="Only you, the coordinator and auditors see who gave it."
    )
    purpose: Text = ""
    source: Text = ""


class DisclosureUpdate(Input):
    """What others may see of your contribution: its amount, and who gave it."""

    confidential: bool
    anonymous: bool


class OnDate(Input):
    on: Day | None = Field(default=None, description="The day it happened; default today.")


class EarmarkRead(Schema):
    package_id: int | None
    areas: list[str] | None
    aid_classes: list[str] | None
    expires_on: date | None


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
        )  # fmt: skip


class RefundRead(Schema):
    contribution: ContributionRead
    refunded_minor: int
    currency: str


class AmountRead(Schema):
    currency: str
    amount_minor: int
    amount: str


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
            pledged=[
                AmountRead(currency=m.currency, amount_minor=m.minor, amount=decimal_text(m))
                for m in t.pledged.values()
            ],
            received_usd_minor=t.received_usd.minor,
        )  # fmt: skip


class PackageLineRead(Schema):
    line_id: int
    item_code: str
    lots: int
    lot_price_minor: int
    cost_minor: int


class AttributionRead(Schema):
    """Money of one contribution on one line; a null contribution is the undisclosed bucket."""

    contribution_id: int | None
    line_id: int | None
    amount_minor: int


class PackageRead(Schema):
    id: int
    ref: str
    cycle_id: int
    name: str
    status: PackageStatus
    target_minor: int
    currency: str
    created_on: date
    cost_minor: int
    lines: list[PackageLineRead]
    attributions: list[AttributionRead]

    @classmethod
    def of(cls, p: Package, attributions: list[AttributionView]) -> PackageRead:
        return cls(
            id=p.id, ref=p.ref, cycle_id=p.cycle_id, name=p.name, status=p.status,
            target_minor=p.target.minor, currency=p.target.currency, created_on=p.created_on,
            cost_minor=p.cost.minor,
            lines=[
                PackageLineRead(line_id=ln.line_id, item_code=ln.item_code, lots=ln.lots,
                                lot_price_minor=ln.lot_price.minor, cost_minor=ln.cost.minor)
                for ln in p.lines
            ],
            attributions=[
                AttributionRead(contribution_id=a.contribution_id, line_id=a.line_id,
                                amount_minor=a.amount.minor)
                for a in attributions
            ],
        )  # fmt: skip


class PackageLots(Input):
    line_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    lots: Annotated[int, Field(ge=1, le=10**6)]


class PackageAttribution(Input):
    contribution_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    line_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    amount_minor: PositiveMinor


class PackageCreate(Input):
    """A draft package: whole lots of lines, paid exactly by the money attributed to them."""

    cycle_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    name: Annotated[str, Field(min_length=1, max_length=200)]
    target_minor: PositiveMinor = 50_000_000_000
    lines: Annotated[list[PackageLots], Field(min_length=1, max_length=500)]
    attributions: Annotated[list[PackageAttribution], Field(min_length=1, max_length=5000)]
    on: Day | None = None


class BalanceRead(Schema):
    account: str
    currency: str
    balance_minor: MinorUnits


class PostingRead(Schema):
    account: str
    currency: str
    amount_minor: int


class LedgerEntryRead(Schema):
    """An entry; the hashes are null where they would seal amounts you may not see."""

    seq: int
    recorded_at: datetime
    kind: str
    occurred_on: date
    memo: str
    contribution_id: int | None
    package_id: int | None
    reverses: int | None
    prev_hash: str | None
    hash: str | None
    postings: list[PostingRead]

    @classmethod
    def of(cls, e: LedgerEntry, *, with_hashes: bool) -> LedgerEntryRead:
        tx = e.transaction
        return cls(
            seq=e.seq, recorded_at=e.recorded_at, kind=tx.kind.value, occurred_on=tx.occurred_on,
            memo=tx.memo, contribution_id=tx.contribution_id, package_id=tx.package_id,
            reverses=tx.reverses, prev_hash=e.prev_hash if with_hashes else None,
            hash=e.hash if with_hashes else None,
            postings=[
                PostingRead(account=p.account, currency=p.amount.currency,
                            amount_minor=p.amount.minor)
                for p in tx.postings
            ],
        )  # fmt: skip


class FindingRead(Schema):
    rule: str
    seq: int | None
    contribution: str | None
    message: str

    @classmethod
    def of(cls, f: Finding) -> FindingRead:
        return cls(rule=f.rule, seq=f.seq, contribution=f.contribution, message=f.message)


class VerifyRead(Schema):
    entries: int
    ok: bool
    findings: list[FindingRead]


class AuditEntryRead(Schema):
    seq: int
    at: datetime
    user_id: int | None
    user_name: str
    organization: str | None
    role: str | None
    request_id: str
    action: str
    target: str
    changes: str
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryRead:
        return cls(
            seq=e.seq, at=e.at, user_id=e.user_id, user_name=e.user_name,
            organization=e.organization, role=e.role, request_id=e.request_id,
            action=e.action, target=e.target, changes=e.changes, prev_hash=e.prev_hash,
            hash=e.hash,
        )  # fmt: skip


class AuditFindingRead(Schema):
    seq: int
    rule: str
    message: str


class AuditVerifyRead(Schema):
    entries: int
    ok: bool
    findings: list[AuditFindingRead]


class LinePrice(Input):
    line_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    lot_price_minor: PositiveMinor


class PackageAccept(Input):
    """Acceptance, optionally at new lot prices: a surplus goes back to the pools, a deficit
    returns the package to `validated` until it is topped up."""

    on: Day | None = None
    prices: Annotated[list[LinePrice], Field(max_length=500)] = []


class ShipmentCreate(Input):
    line_id: Annotated[int, Field(ge=1, le=2**31 - 1)]
    quantity: Annotated[int, Field(ge=1, le=10**9, description="Units, not lots.")]
    shipped_on: Day | None = None


class ReceiptConfirm(Input):
    received_on: Day | None = Field(default=None, description="Default today.")


class ShipmentRead(Schema):
    id: int
    package_id: int
    line_id: int
    quantity: int
    shipped_on: date
    received_on: date | None

    @classmethod
    def of(cls, s: Shipment) -> ShipmentRead:
        return cls(
            id=s.id, package_id=s.package_id, line_id=s.line_id, quantity=s.quantity,
            shipped_on=s.shipped_on, received_on=s.received_on,
        )  # fmt: skip


class AllocationRun(Input):
    on: Day | None = None
    target_minor: PositiveMinor = 50_000_000_000


class IndicatorCreate(Input):
    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
    value: Annotated[
        str,
        Field(
            pattern=r"^-?[0-9][0-9,]{0,30}(\.[0-9]{1,12})?$",
            description="An exact decimal, such as 12000 or 0.5.",
        ),
    ]
    observed_on: Day
    source: Annotated[str, Field(min_length=1, max_length=2000)]
    note: Text = ""
    supersedes: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class PolicyWrite(Input):
    """A policy document (TOML, see docs/CLI.md) as text."""

    document: Annotated[str, Field(min_length=1, max_length=100_000)]
    filename: Annotated[str, Field(min_length=1, max_length=200)] = "policy.toml"
