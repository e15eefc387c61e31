"""The dry run of an allocation as the dashboard shows it before "Commit"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from purldesk.domain.money import USD, Money, total
from purldesk.services.allocations import Proposal


@dataclass(frozen=True, slots=True)
class PreviewPackage:
    name: str
    lines: int
    lots: int
    cost: Money


@dataclass(frozen=True, slots=True)
class ShortLine:
    """A line funded short of its lots, with the engine's reason."""

    ref: str
    funded_lots: int
    lots: int
    reason: str
    message: str


@dataclass(frozen=True, slots=True)
class AllocationPreview:
    on: date
    target: Money
    packages: tuple[PreviewPackage, ...]
    total: Money
    short_lines: tuple[ShortLine, ...]


def preview(proposal: Proposal) -> AllocationPreview:
    """What committing `proposal` would write, and what it would leave unfunded."""
    requested = {line.id: line.lots for line in proposal.inputs.problem.lines}
    packages = tuple(
        PreviewPackage(p.name, len(p.lots), sum(lots for _, lots in p.lots), p.cost)
        for p in proposal.packages
    )
    short_lines = tuple(
        ShortLine(line.id, line.funded_lots, requested[line.id], why.reason, why.message)
        for line in proposal.result.lines
        if (why := line.blocked_by) is not None
    )
    return AllocationPreview(
        on=proposal.inputs.on,
        target=proposal.target,
        packages=packages,
        total=total((p.cost for p in packages), USD),
        short_lines=short_lines,
    )
