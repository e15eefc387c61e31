"""`purldesk allocate`: run the allocation engine on a `purldesk.allocation/1` file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

InputOption = Annotated[
    Path, typer.Option("--input", help="A purldesk.allocation/1 JSON file.", dir_okay=False)
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as compact JSON.")]


def allocate(input: InputOption, json_output: JsonOption = False) -> None:
    """Decide which lines are funded, and by whom, from a JSON problem file."""
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


def register(app: typer.Typer) -> None:
    """Add the `allocate` command to `app`."""
    app.command("allocate")(allocate)
