"""A what-if's answer as a document."""

from __future__ import annotations

from typing import Any

from purldesk.adapters.exports.allocations import reasons_document
from purldesk.adapters.exports.json import amount
from purldesk.adapters.exports.substitution import told_document
from purldesk.services.whatif import Substituted, WhatIf


def whatif_document(result: WhatIf) -> dict[str, Any]:
    """A what-if as `purldesk whatif --json` prints it and GET /whatif answers it."""
    scenario = result.scenario
    before = sum(line.funded_minor for line in result.baseline.lines)
    after = sum(line.funded_minor for line in result.modified.lines)
    return {
        "cycle": result.cycle, "on": result.on.isoformat(), "currency": "USD",
        "scenario": {
            "indicators": [{"name": n, "value": str(v)} for n, v in scenario.indicators],
            "pledges": [
                {"contributor": p.contributor, "amount": amount(p.amount),
                 "amount_minor": p.amount.minor, "currency": p.amount.currency}
                for p in scenario.pledges
            ],
            "phases": [{"contributor": c, "phase": p} for c, p in scenario.phases],
            "prices": [{"item": i, "percent": str(p)} for i, p in scenario.prices],
        },
        "phases": [
            {"contributor": p.contributor, "before": p.before, "after": p.after}
            for p in result.phases
        ],
        "lines": [
            {"ref": c.ref, "rank": c.rank, "aid_class": c.aid_class, "area": c.area,
             "lots_before": c.lots_before, "lots_after": c.lots_after,
             "funded_before_minor": c.funded_before_minor,
             "funded_after_minor": c.funded_after_minor, "change_minor": c.change_minor}
            for c in result.lines
        ],
        "funds": [
            {"id": f.id, "contributor": f.contributor, "used_before_minor": f.used_before_minor,
             "used_after_minor": f.used_after_minor,
             "change_minor": f.used_after_minor - f.used_before_minor}
            for f in result.funds
        ],
        "totals": {
            "funded_before_minor": before, "funded_after_minor": after,
            "change_minor": after - before,
        },
        "reasons": reasons_document(result.reasons),
        "substitutions": substitutions(result),
    }  # fmt: skip


def substitutions(result: WhatIf) -> list[dict[str, Any]]:
    """Per pledging contributor, what its money took over and where the other money went."""
    return [
        {"contributor": found.contributor, "name": found.name, **_effect(found)}
        for found in result.substitutions
    ]


def _effect(found: Substituted) -> dict[str, Any]:
    return told_document(
        found.effect, sentence=found.sentence, money=lambda m: m.minor, suffix="_minor"
    )
