"""Response shapes of the reports (`adapters/exports/reports.py` builds them; these describe and
check them). Money is `Amount`, the shared `MoneyRead` shape `{amount_minor, amount, currency}`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from purldesk.entrypoints.api.schemas import MoneyRead, Schema


# Named apart from MoneyRead only so the reports' OpenAPI components keep the name `Amount`.
class Amount(MoneyRead):
    pass


class CycleRef(Schema):
    name: str
    status: str


class PackageSummaryRead(Schema):
    id: int
    ref: str
    name: str
    status: str
    cycle: str
    cost: Amount | None  # null: withheld, as the report's `withheld` says why
    target: Amount


class CoverageRead(Schema):
    label: str
    funded: Amount
    cost: Amount


class ContributorReceived(Schema):
    name: str
    received_usd: Amount


class DeliveryReport(Schema):
    shipment: str
    package: str
    line: str
    item: str
    quantity: int
    shipped_on: date
    received_on: date | None


class TransparencyReport(Schema):
    """Where the mechanism stands, as the public sees it: confidential amounts enter no sum and
    are only counted, as `undisclosed`."""

    as_of: date
    cycle: CycleRef | None
    contributions: int
    undisclosed: int
    pledged: list[Amount]
    received_usd: Amount
    allocated_usd: Amount | None
    disbursed_usd: Amount | None
    lines: int
    funded_through_rank: int
    packages: list[PackageSummaryRead]
    coverage_by_rank: list[CoverageRead]
    coverage_by_area: list[CoverageRead]
    coverage_by_aid_class: list[CoverageRead]
    contributors_by: str  # groups: a group as one; members: by the parts its members gave
    contributors: list[ContributorReceived]
    deliveries_since: date
    deliveries: list[DeliveryReport]
    cycles: list[str]  # the cycles the report can show (`cycle=`)
    withheld: str | None  # why the null figures are withheld: they would reveal a hidden amount


class StatementContribution(Schema):
    ref: str
    status: str
    pledged_on: date
    received_on: date | None
    confidential: bool
    amount: Amount | None
    usd: Amount | None


class StatementLine(Schema):
    contribution: str
    package: str
    package_status: str
    line: str
    item: str
    amount: Amount
    shipped: int
    received: int


class SubstitutionLine(Schema):
    line: str
    amount: Amount | None  # null: withheld, as the line's cost is in the package report


class StatementSubstitution(Schema):
    """One allocation's substitution effect of the contributor's restricted money: the lines it
    took over, the other lines other money left, the lines that money went to, and how much
    more of it stayed unallocated (negative: less); `lines_not_named` says some lines, in packages the
    reader may not see, are left out. Lines and line amounts only, never whose money moved."""

    on: date
    recorded_at: datetime
    packages: list[str]
    standing: Literal["restricted", "additional"]
    took_over: list[SubstitutionLine]
    left: list[SubstitutionLine]
    went_to: list[SubstitutionLine]
    unallocated: Amount | None
    lines_not_named: bool
    sentence: str


class MemberPartReport(Schema):
    """The member's part of a group's contribution: its own currency, and USD at the rate of
    the pledge day; `group_usd` is null where the group's amount is confidential to you."""

    contribution: str
    group: str
    group_name: str
    status: str
    amount: Amount
    usd: Amount
    fx_rate: str
    fx_rate_date: date
    fx_source: str
    group_usd: Amount | None
    shares_shown: bool  # false: the shares would trace the group's confidential spending


class MemberShareReport(Schema):
    """The member's share of what its group's contribution paid for one line."""

    contribution: str
    group: str
    package: str
    package_status: str
    line: str
    item: str
    amount: Amount
    group_amount: Amount
    shipped: int
    received: int


class ThroughGroupsReport(Schema):
    """What a member gave through its groups and its shares of what that bought: each payment
    split in proportion to the parts' USD values (largest remainder, ties to the part listed
    first), so the members' shares add up to it exactly."""

    parts: list[MemberPartReport]
    rows: list[MemberShareReport]
    spent_usd: Amount


class StatementReport(Schema):
    """What a contributor's money bought, line by line, and what is still unallocated; a
    member nation's also what it gave through its groups.

    Each long list is a page (`contributions_limit`, `lines_limit`, `effects_limit` and their
    offsets), counted whole by its `…_count`; the pages of a list laid end to end are the whole
    list, in the order each field says. The sums (`spent_usd`, `unallocated_usd`) are over the
    whole statement, whatever page is read. A CSV or XLSX file holds every item of each list."""

    contributor: str
    name: str
    contributions: list[StatementContribution] = Field(
        description="A page of its contributions, the newest (highest reference) first."
    )
    contribution_count: int = Field(description="Its contributions in all.")
    contributions_offset: int
    rows: list[StatementLine] = Field(
        description="A page of the lines its money paid that you may see the amount of: the "
        "newest package first, each package's lines in the order of its attributions."
    )
    line_count: int = Field(description="The lines its money paid that you may see, in all.")
    lines_offset: int
    spent_usd: Amount = Field(description="What every line it paid that you may see adds up to.")
    unallocated_usd: Amount
    substitutions: list[StatementSubstitution] = Field(
        description="A page of its substitution effects, one per allocation, the newest first."
    )
    effect_count: int = Field(description="Its substitution effects in all.")
    effects_offset: int
    through_groups: ThroughGroupsReport


class PackageLineReport(Schema):
    line_id: int
    line: str
    rank: int
    item: str
    lots: int
    quantity: int
    lot_price: Amount | None
    cost: Amount | None
    shipped: int
    received: int


class PaymentReport(Schema):
    """Money of one contribution on one line; `undisclosed` (no contribution, no line) holds
    what the caller may not see."""

    contributor: str
    contribution: str | None
    line: str | None
    amount: Amount


class PackageReport(PackageSummaryRead):
    """A package as you may see it. `payments` is a page of them (`attributions_limit`,
    `attributions_offset`) in the package's order, the `undisclosed` one last, as
    `GET /packages/{id}` pages its attributions; a CSV or XLSX file holds them all."""

    short: Amount | None
    lines: list[PackageLineReport]
    payments: list[PaymentReport]
    attribution_count: int = Field(description="The payments you may see in all.")
    attributions_offset: int
    shipments: list[DeliveryReport]
    withheld: str | None  # why the null figures are withheld: they would reveal a hidden amount
    restricted: str | None = None  # why lines and shipments are left out: contents restricted
