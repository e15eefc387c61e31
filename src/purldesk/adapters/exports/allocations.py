"""An allocation proposal as a document: the packages it cuts and every line's outcome."""

from __future__ import annotations

from typing import Any

from purldesk.allocation import result_to_json
from purldesk.services.allocations import Proposal


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
        "committed": bool(proposal.committed), "packages": packages,
        "result": result_to_json(proposal.result),
    }  # fmt: skip
