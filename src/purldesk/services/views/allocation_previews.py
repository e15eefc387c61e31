"""The dry run of an allocation as the dashboard shows it before "Commit"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from purldesk.domain.money import USD, Money, total
from purldesk.services.allocations import Proposal
from purldesk.services.reasons import HeldBack, LineReason
from purldesk.services.views import labels


@dataclass(frozen=True, slots=True)
class PreviewPackage:
    name: str
    lines: int
    lots: int
    cost: Money


@dataclass(frozen=True, slots=True)
class ShortLine:
    """A line funded short of its lots, with its binding cause and whose money may not pay it."""

    ref: str
    funded_lots: int
    lots: int
    short: Money
    cause: str
    label: str
    message: str
    held_back: tuple[HeldBack, ...]


@dataclass(frozen=True, slots=True)
class AllocationPreview:
    on: date
    target: Money
    packages: tuple[PreviewPackage, ...]
    total: Money
    short_lines: tuple[ShortLine, ...]
    digest: str  # what committing it writes (services/previews.py)


def preview(proposal: Proposal) -> AllocationPreview:
    """What committing `proposal` would write, and what it would leave unfunded and why."""
    packages = tuple(
        PreviewPackage(p.name, len(p.lots), sum(lots for _, lots in p.lots), p.cost)
        for p in proposal.packages
    )
    short_lines = tuple(_short_line(reason) for reason in proposal.reasons)
    return AllocationPreview(
        on=proposal.inputs.on,
        target=proposal.target,
        packages=packages,
        total=total((p.cost for p in packages), USD),
        short_lines=short_lines,
        digest=proposal.digest,
    )


def _short_line(reason: LineReason) -> ShortLine:
    return ShortLine(
        ref=reason.line, funded_lots=reason.funded_lots, lots=reason.lots, short=reason.short,
        cause=reason.cause, label=labels.label(reason.cause),
        message=reason.message, held_back=reason.held_back,
    )  # fmt: skip
