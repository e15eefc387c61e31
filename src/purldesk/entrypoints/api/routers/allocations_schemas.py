"""Request shapes of the allocations router."""

from __future__ import annotations

from purldesk.entrypoints.api.schemas import Day, Input, PositiveMinor


class AllocationRun(Input):
    on: Day | None = None
    target_minor: PositiveMinor = 50_000_000_000
