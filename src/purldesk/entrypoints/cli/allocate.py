"""`purldesk allocate`: run the allocation engine on a problem file, or on the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from purldesk.entrypoints.cli.options import DbOption

InputOption = Annotated[
    Path | None,
    typer.Option("--input", help="A purldesk.allocation/1 JSON file.", dir_okay=False),
]
CycleOption = Annotated[
    str | None, typer.Option("--cycle", help="Propose packages from this endorsed cycle.")
]
TargetOption = Annotated[
    str, typer.Option("--target", help="Target value of each package, in USD.")
]
CommitOption = Annotated[
    bool,
    typer.Option("--commit", help="Write the proposed packages as drafts (default: only show)."),
]
OnOption = Annotated[
    str | None, typer.Option("--on", help="Allocation date (YYYY-MM-DD); default today.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as compact JSON.")]


def allocate(
    input: InputOption = None,
    cycle: CycleOption = None,
    target: TargetOption = "500000000",
    on: OnOption = None,
    commit: CommitOption = False,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Decide which lines are funded, and by whom: from a JSON problem file (--input), or from an
    endorsed cycle and the pooled money (--cycle), proposing packages of about --target each."""
    if (input is None) == (cycle is None):
        typer.echo("error: give exactly one of --input FILE or --cycle NAME", err=True)
        raise typer.Exit(2)
    if cycle is not None:
        _allocate_cycle(cycle, target=target, on=on, commit=commit, json_output=json_output, db=db)
        return
    assert input is not None
    _allocate_file(input, json_output=json_output)


def _allocate_file(input: Path, *, json_output: bool) -> None:
    # Imported here so that the CLI as a whole starts fast.
    import json
    import sys

    from purldesk.allocation import InvalidProblem, parse_problem, result_to_json, solve

    try:
        data = json.loads(input.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        typer.echo(f"error: {input}: {error}", err=True)
        raise typer.Exit(2) from None
    except json.JSONDecodeError as error:
        typer.echo(f"error: $: not JSON: {error}", err=True)
        raise typer.Exit(2) from None
    try:
        problem = parse_problem(data)
    except InvalidProblem as error:
        typer.echo(f"error: {error.path}: {error.message}", err=True)
        raise typer.Exit(2) from None
    document = result_to_json(solve(problem))
    if json_output:
        sys.stdout.write(json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n")
    else:
        requested: dict[str, int] = {line.id: line.lots for line in problem.lines}
        _print_table(document, requested)


def _print_table(document: dict[str, Any], requested: dict[str, int]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Allocation ({document['currency']} minor units)")
    for name, justify in (
        ("line", "left"),
        ("lots", "right"),
        ("funded", "right"),
        ("paid by", "left"),
        ("blocked by", "left"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for line in document["lines"]:
        blocked = line["blocked_by"]
        table.add_row(
            line["id"],
            f"{line['funded_lots']}/{requested[line['id']]}",
            f"{line['funded_minor']:,}",
            ", ".join(line["by_fund"]),
            "" if blocked is None else f"{blocked['reason']} (short {blocked['short_minor']:,})",
        )
    console = Console()
    console.print(table)
    used = sum(f["used_minor"] for f in document["funds"])
    left = sum(f["left_minor"] for f in document["funds"])
    console.print(f"used {used:,}  left {left:,}  across {len(document['funds'])} fund(s)")


def _allocate_cycle(
    name: str, *, target: str, on: str | None, commit: bool, json_output: bool, db: str | None
) -> None:
    from purldesk.adapters.exports.allocations import proposal_document
    from purldesk.domain.money import USD, Money
    from purldesk.entrypoints.cli.common import (
        application,
        console,
        day_or_today,
        optional_date,
        print_json,
        run,
    )
    from purldesk.services import allocations, requirements

    package_target = Money.parse(target, USD, field="target")
    with application(db) as wired:
        cycle = requirements.resolve_cycle(wired.uow(), name=name)
        if commit:
            command = allocations.Commit(
                cycle_id=cycle.id, package_target=package_target, on=optional_date(on)
            )
            proposal = run(wired, command)
        else:
            proposal = allocations.propose(
                wired.uow(), cycle_id=cycle.id, on=day_or_today(on, wired.clock.now()),
                target=package_target,
            )  # fmt: skip
    if json_output:
        print_json(proposal_document(proposal))
        return
    from rich.table import Table

    table = Table("package", "lines", "lots", "cost", "contributions",
                  title=f"cycle {cycle.name}: packages of up to {proposal.target}")  # fmt: skip
    for i, p in enumerate(proposal.packages):
        label = proposal.committed[i].ref if proposal.committed else p.name
        table.add_row(
            label, str(len(p.lots)), str(sum(lots for _, lots in p.lots)), p.cost.format(),
            str(len({a.contribution_id for a in p.attributions})),
        )  # fmt: skip
    console.print(table)
    unfunded = [line for line in proposal.result.lines if line.blocked_by is not None]
    for line in unfunded[:5]:
        assert line.blocked_by is not None
        console.print(f"{line.id}: {line.blocked_by.message}")
    if len(unfunded) > 5:
        console.print(f"... and {len(unfunded) - 5} more line(s) not fully funded (see --json)")
    verb = "written as drafts" if proposal.committed else "proposed; nothing written (use --commit)"
    console.print(f"{len(proposal.packages)} package(s) {verb}")


def register(app: typer.Typer) -> None:
    """Add the `allocate` command to `app`."""
    app.command("allocate")(allocate)
