"""`purldesk allocate`: run the allocation engine on a problem file, or on the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from purldesk.entrypoints.cli.options import DbOption, KnownOnOption

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
DigestOption = Annotated[
    str | None,
    typer.Option(
        "--expected-digest",
        help="With --commit: write only if the allocation is the one a dry run showed "
        "(the digest it printed); otherwise refuse and write nothing.",
    ),
]
SHOWN_REASONS = 5  # short lines explained in the text output; --json has every one


def allocate(
    input: InputOption = None,
    cycle: CycleOption = None,
    target: TargetOption = "500000000",
    on: OnOption = None,
    commit: CommitOption = False,
    expected_digest: DigestOption = None,
    as_known_on: KnownOnOption = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Decide which lines are funded, and by whom: from a JSON problem file (--input), or from an
    endorsed cycle and the pooled money (--cycle), proposing packages of about --target each."""
    if (input is None) == (cycle is None):
        typer.echo("error: give exactly one of --input FILE or --cycle NAME", err=True)
        raise typer.Exit(2)
    if cycle is not None:
        _allocate_cycle(
            cycle, target=target, on=on, commit=commit, known_on=as_known_on,
            json_output=json_output, db=db, expected_digest=expected_digest,
        )  # fmt: skip
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
    from dataclasses import replace

    from purldesk.domain.money import EXPONENTS

    # Reasons are worded in money wherever the currency is one purldesk knows.
    problem = replace(problem, exponent=EXPONENTS.get(problem.currency))
    document = result_to_json(solve(problem))
    if json_output:
        sys.stdout.write(json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n")
    else:
        requested: dict[str, int] = {line.id: line.lots for line in problem.lines}
        _print_table(document, requested, problem.exponent)


def _print_table(document: dict[str, Any], requested: dict[str, int], exponent: int | None) -> None:
    from rich.table import Table

    from purldesk.allocation.explain import amount_text
    from purldesk.entrypoints.cli.common import console, print_table

    currency = document["currency"]

    def money(minor: int) -> str:
        return amount_text(minor, currency, exponent) if exponent is not None else f"{minor:,}"

    unit = "" if exponent is not None else f" ({currency} minor units)"
    table = Table(title=f"Allocation{unit}")
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
            money(line["funded_minor"]),
            ", ".join(line["by_fund"]),
            ""
            if blocked is None
            else f"{blocked['reason']} (short {money(blocked['short_minor'])})",
        )
    print_table(table)
    used = sum(f["used_minor"] for f in document["funds"])
    left = sum(f["left_minor"] for f in document["funds"])
    console.print(
        f"used {money(used)}  left {money(left)}  across {len(document['funds'])} fund(s)"
    )


def _allocate_cycle(
    name: str,
    *,
    target: str,
    on: str | None,
    commit: bool,
    known_on: str | None,
    json_output: bool,
    db: str | None,
    expected_digest: str | None,
) -> None:
    from purldesk.adapters.exports.allocations import proposal_document
    from purldesk.domain.money import USD, Money
    from purldesk.entrypoints.cli.common import (
        application,
        console,
        day_or_today,
        optional_date,
        print_json,
        print_table,
        run,
    )
    from purldesk.services import allocations, requirements

    package_target = Money.parse(target, USD, field="target")
    if commit and known_on is not None:
        typer.echo("error: --as-known-on: a commit uses what is known now; drop --commit", err=True)
        raise typer.Exit(2)
    if expected_digest is not None and not commit:
        typer.echo("error: --expected-digest: only a commit checks it; add --commit", err=True)
        raise typer.Exit(2)
    with application(db) as wired:
        cycle = requirements.resolve_cycle(wired.uow(), name=name)
        if commit:
            command = allocations.Commit(
                cycle_id=cycle.id, package_target=package_target, on=optional_date(on),
                expected_digest=expected_digest,
            )  # fmt: skip
            proposal = run(wired, command)
        else:
            # Dated now, as a commit would record it, so its digest is the one a commit checks.
            proposal = allocations.propose(
                wired.uow(), cycle_id=cycle.id, on=day_or_today(on, wired.clock.now()),
                target=package_target, known_on=optional_date(known_on, "as_known_on"),
                at=wired.clock.now(),
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
    print_table(table)
    for reason in proposal.reasons[:SHOWN_REASONS]:
        console.print(f"{reason.line} [{reason.cause}]: {reason.message}", markup=False)
    more = len(proposal.reasons) - SHOWN_REASONS
    if more > 0:
        console.print(f"... and {more} more line(s) not fully funded (see --json)")
    if commit:
        console.print(
            f"{len(proposal.committed)} package(s) written as drafts"
            if proposal.committed
            else "nothing to allocate: no lot of an open line can be paid; nothing written"
        )
    else:
        console.print(
            f"{len(proposal.packages)} package(s) proposed; nothing written (use --commit, "
            f"with --expected-digest {proposal.digest} to write exactly these)"
        )


def register(app: typer.Typer) -> None:
    """Add the `allocate` command to `app`."""
    app.command("allocate")(allocate)
