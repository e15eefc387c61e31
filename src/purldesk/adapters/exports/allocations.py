"""An allocation proposal as a document: the packages it cuts, every line's outcome, and why
each short line is short."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from purldesk.adapters.exports.policies import observation
from purldesk.adapters.exports.report_values import amount
from purldesk.allocation import result_to_json
from purldesk.services.allocations import Proposal
from purldesk.services.reasons import HeldBack, LineReason


def proposal_document(proposal: Proposal) -> dict[str, Any]:
    """The proposal as `purldesk allocate --cycle NAME --json` prints it and the API answers
    it (docs/CLI.md)."""
    inputs = proposal.inputs
    refs = {line.id: ref for ref, line in inputs.lines.items()}
    contribution_refs = {c.id: ref for ref, c in inputs.contributions.items()}
    packages = [
        {
            "name": p.name,
            "ref": proposal.committed[i].ref if proposal.committed else None,
            "cost_minor": p.cost.minor,
            "lines": [{"line": refs[line_id], "lots": lots} for line_id, lots in p.lots],
            "attributions": [
                {"contribution": contribution_refs[a.contribution_id], "line": refs[a.line_id],
                 "amount_minor": a.amount.minor}
                for a in p.attributions
            ],
        }
        for i, p in enumerate(proposal.packages)
    ]  # fmt: skip
    return {
        "format": "purldesk.allocation-proposal/1", "cycle": inputs.cycle.name,
        "on": inputs.on.isoformat(), "target_minor": proposal.target.minor,
        "committed": bool(proposal.committed), "digest": proposal.digest, "packages": packages,
        "result": result_to_json(proposal.result), "reasons": reasons_document(proposal.reasons),
    }  # fmt: skip


def reasons_document(reasons: Iterable[LineReason]) -> list[dict[str, Any]]:
    """Why each short line is short: its binding cause and, for money left over that may not
    pay it, whose money, how much and which rule (docs/ALLOCATION.md, "Reasons")."""
    return [
        {
            "line": r.line, "cause": r.cause, "engine_reason": r.engine_reason,
            "funded_lots": r.funded_lots, "lots": r.lots, "short": amount(r.short),
            "competing_lines": list(r.competing_lines), "message": r.message,
            "held_back": [_held_back(h) for h in r.held_back],
        }
        for r in reasons
    ]  # fmt: skip


def _held_back(held: HeldBack) -> dict[str, Any]:
    return {
        "contributor": held.contributor, "name": held.name, "left": amount(held.left),
        "contributions": list(held.contributions), "rule": held.rule, "message": held.message,
        "phase": held.phase, "policy_version": held.policy_version,
        "observations": [observation(o) for o in held.observations],
    }  # fmt: skip
