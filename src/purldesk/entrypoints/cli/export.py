"""`purldesk export`: everything in the database as one document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from purldesk.entrypoints.cli.common import DbOption, application, console, print_json


def export(
    format_: Annotated[str, typer.Option("--format", help="Output format: json.")] = "json",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Export participants, catalog, cycles, lines, contributions, packages and the ledger."""
    import json

    from purldesk.adapters.exports import json as views
    from purldesk.adapters.exports import policies as policy_views
    from purldesk.domain.errors import InvalidInput
    from purldesk.services import exports

    with application(db) as wired:
        if format_ != "json":
            raise InvalidInput("format", f"{format_!r} is not supported; use json")
        snapshot = exports.snapshot(wired.uow())
    superseded_by = {o.supersedes: o.id for o in snapshot.observations if o.supersedes is not None}
    document = {
        "format": views.EXPORT_FORMAT,
        "participants": [views.participant(p) for p in snapshot.participants],
        "catalog": [views.catalog_item(i) for i in snapshot.catalog],
        "cycles": [views.cycle(c) for c in snapshot.cycles],
        "requirement_lines": [views.requirement_line(line) for line in snapshot.lines],
        "contributions": [views.contribution(c) for c in snapshot.contributions],
        "packages": [views.package(p) for p in snapshot.packages],
        "ledger": [views.ledger_entry(e) for e in snapshot.ledger],
        "policies": [policy_views.policy_version(v) for v in snapshot.policies],
        "observations": [
            policy_views.observation(o, superseded_by=superseded_by) for o in snapshot.observations
        ],
    }
    if output is None:
        print_json(document)
        return
    output.write_text(json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n")
    console.print(f"exported to {output}")
