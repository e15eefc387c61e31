"""Request and response shapes of the allocations router, and the reasons what-if shares."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field

from purldesk.entrypoints.api.schemas import Day, Input, MoneyRead, PositiveMinor, Schema

Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class AllocationRun(Input):
    on: Day | None = None
    target_minor: PositiveMinor = 50_000_000_000
    expected_digest: Digest | None = Field(
        default=None,
        description="The `digest` of the proposal a preview showed: the commit writes exactly "
        "those packages, or refuses (409) and writes nothing.",
    )


class HeldBackRead(Schema):
    """One contributor's money left after the allocation that may not pay the line, and why."""

    contributor: str
    name: str
    left: MoneyRead
    contributions: list[str]
    rule: str = Field(
        description="policy.aid_classes, policy.areas, policy.not_covered, earmark.aid_classes, "
        "earmark.areas, earmark.package, earmark.expired, cap.per_package, cap.per_cycle or "
        "not_received"
    )
    message: str
    phase: str | None
    policy_version: int | None
    observations: list[dict[str, Any]] = Field(
        description="The observations behind the phase in force, as GET /indicators shows them."
    )


class LineReasonRead(Schema):
    """Why a line got fewer lots than it asked for (docs/ALLOCATION.md, "Reasons")."""

    line: str
    cause: str = Field(
        description="capacity, package_target, money_exhausted or money_not_allowed (or the "
        "engine's reason, when it is none of these)"
    )
    engine_reason: str
    funded_lots: int
    lots: int
    short: MoneyRead
    competing_lines: list[str]
    message: str
    held_back: list[HeldBackRead]


class ProposedLotsRead(Schema):
    line: str
    lots: int


class ProposedAttributionRead(Schema):
    contribution: str
    line: str
    amount_minor: int


class ProposedPackageRead(Schema):
    name: str
    ref: str | None
    cost_minor: int
    lines: list[ProposedLotsRead]
    attributions: list[ProposedAttributionRead]


class AllocationProposalRead(Schema):
    """A proposal as `purldesk allocate --cycle NAME --json` prints it (docs/CLI.md)."""

    format: str
    cycle: str
    on: date
    target_minor: int
    committed: bool
    digest: str = Field(description="What a commit of these packages writes, as SHA-256 (hex).")
    packages: list[ProposedPackageRead]
    result: dict[str, Any] = Field(description="The engine's purldesk.allocation-result/1.")
    reasons: list[LineReasonRead]


class SubstitutedLineRead(Schema):
    line: str
    amount_minor: int


class WhatIfSubstitutionRead(Schema):
    """What a pledging contributor's money (the pledge included) took over under the
    hypotheses, and where the other money went (docs/ALLOCATION.md, "Substitution")."""

    contributor: str
    name: str
    standing: Literal["restricted", "unrestricted", "additional"]
    took_over: list[SubstitutedLineRead]
    left: list[SubstitutedLineRead]
    went_to: list[SubstitutedLineRead]
    unallocated_minor: int = Field(description="More other money left unallocated; < 0: less.")
    lines_not_named: bool
    sentence: str


class WhatIfRead(Schema):
    """A what-if as `purldesk whatif --json` prints it (docs/CLI.md)."""

    cycle: str
    on: date
    currency: str
    scenario: dict[str, Any]
    phases: list[dict[str, Any]]
    lines: list[dict[str, Any]]
    funds: list[dict[str, Any]]
    totals: dict[str, int]
    reasons: list[LineReasonRead] = Field(
        description="Why each line short under the hypotheses is short."
    )
    substitutions: list[WhatIfSubstitutionRead] = Field(
        description="Per pledging contributor, what its restricted money took over."
    )
