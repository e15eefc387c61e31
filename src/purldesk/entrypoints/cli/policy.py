"""`purldesk policy`: contributors' national rules, the phase in force, and why."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from purldesk.adapters.exports.policies import policy_view
from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    day_or_today,
    execute,
    optional_date,
    print_json,
    print_table,
)
from purldesk.entrypoints.cli.files import read_text
from purldesk.entrypoints.cli.options import CycleOption, DbOption, JsonOption, KnownOnOption

if TYPE_CHECKING:
    from purldesk.domain.requirements import Cycle
    from purldesk.services.policies import CommittedBasis, LineExplanation, PolicyView

app = command_group(
    "Set a contributor's policy document, show the phase in force, explain eligibility."
)

OrgArgument = Annotated[str, typer.Argument(help="Contributor code, such as KOR.")]
OnOption = Annotated[
    str | None, typer.Option("--on", help="Evaluation date (YYYY-MM-DD); default today.")
]


@app.command("set")
def set_(
    org: OrgArgument,
    file: Annotated[Path, typer.Argument(help="Policy document (TOML, see docs/CLI.md).")],
    db: DbOption = None,
) -> None:
    """Check a policy document and store it as the contributor's next version; the latest
    version sent again changes nothing."""
    from purldesk.services import policies

    command = policies.SetPolicy(contributor=org, text=read_text(file), filename=str(file))
    done = execute(db, command)
    version = done.version
    if not done.changed:
        console.print(
            f"{version.contributor} policy v{version.version} is this document; unchanged"
        )
        return
    policy = version.policy
    until = f" to {policy.valid_until}" if policy.valid_until else ""
    names = ", ".join([*(p.name for p in policy.phases), f"{policy.default.name} (default)"])
    console.print(
        f"{version.contributor} policy v{version.version}, valid from {policy.valid_from}{until}; "
        f"phases: {names}"
    )


@app.command("show")
def show(
    org: OrgArgument,
    on: OnOption = None,
    as_known_on: KnownOnOption = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The policy version valid on a date, its phases, and the phase then in force."""
    from purldesk.services import policies

    known_on = optional_date(as_known_on, "as_known_on")
    with application(db) as wired:
        day = day_or_today(on, wired.clock.now())
        view = policies.show(wired.uow(), contributor=org, on=day, known_on=known_on)
    if json_output:
        print_json(policy_view(view))
        return
    _print_view(view)


@app.command("explain")
def explain(
    org: OrgArgument,
    on: OnOption = None,
    line: Annotated[
        str | None, typer.Option("--line", help="One requirement line (its ref or id).")
    ] = None,
    cycle: CycleOption = None,
    as_known_on: KnownOnOption = None,
    package: Annotated[
        str | None,
        typer.Option(
            "--package",
            help="As the allocation that made this package saw it (its date and what was "
            "recorded then).",
        ),
    ] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Why the phase is in force, and which lines the contributor's money may not pay for."""
    from purldesk.domain.packages import parse_package_ref
    from purldesk.services import policies, requirements

    known_on = optional_date(as_known_on, "as_known_on")
    package_id = None if package is None else parse_package_ref(package)
    target: Cycle | None
    with application(db) as wired:
        day = day_or_today(on, wired.clock.now())
        # Without a cycle to look at (none opened yet), the phase and its reasons remain.
        wants_lines = line is not None or cycle is not None
        if package_id is not None:
            explained = policies.explain_package(
                wired.uow(), contributor=org, package_id=package_id, line_ref=line
            )
            assert explained.cycle_id is not None
            target = requirements.cycle_by_name_or_id(wired.uow(), text=str(explained.cycle_id))
        else:
            target = (
                requirements.resolve_cycle(wired.uow(), name=cycle)
                if wants_lines or requirements.list_cycles(wired.uow())
                else None
            )
            explained = policies.explain(
                wired.uow(), contributor=org, on=day, line_ref=line,
                cycle_id=None if target is None else target.id, known_on=known_on,
            )  # fmt: skip
    if json_output:
        document = policy_view(explained.view)
        document["cycle"] = None if target is None else target.name
        document["lines"] = [_line_json(item) for item in explained.lines]
        if explained.basis is not None:
            document["basis"] = _basis_json(explained.basis)
        print_json(document)
        return
    if explained.basis is not None:
        console.print(explained.basis.note)
    _print_view(explained.view)
    if target is None:
        return
    if line is not None:
        for item in explained.lines:
            _print_line(item)
        return
    counts = Counter((item.line.aid_class.value, item.policy.allowed) for item in explained.lines)
    table = Table("aid class", "eligible lines", "not eligible", title=f"cycle {target.name}")
    for aid_class in sorted({key[0] for key in counts}):
        table.add_row(aid_class, str(counts[(aid_class, True)]), str(counts[(aid_class, False)]))
    print_table(table)
    console.print("Use --line REF for the reasons on one line, or --json for every line.")


def _line_json(item: LineExplanation) -> dict[str, Any]:
    from purldesk.adapters.exports import policies as views

    line = item.line
    return {
        "id": line.id, "ref": line.ref, "rank": line.rank, "aid_class": line.aid_class.value,
        "area": line.area, **views.eligibility(item.policy),
        "contributions": [
            {"ref": c.ref, **views.eligibility(e)} for c, e in item.contributions
        ],
    }  # fmt: skip


def _basis_json(basis: CommittedBasis) -> dict[str, Any]:
    return {
        "package": basis.package, "recorded": basis.recorded,
        "committed_at": basis.at.isoformat(), "note": basis.note,
    }  # fmt: skip


def _print_view(view: PolicyView) -> None:
    if view.known_on is not None:
        console.print(f"as known on {view.known_on} (later records not counted)")
    if view.uncovered is not None:
        console.print(
            f"{view.uncovered.explain()} ({view.versions} version(s) set): "
            "its money may pay for nothing on that date"
        )
        return
    if view.version is None:
        console.print(
            f"{view.contributor} has no policy valid on {view.on} "
            f"({view.versions} version(s) set): its money is limited only by its earmarks"
        )
        return
    version, policy = view.version, view.version.policy
    until = policy.valid_until or "open-ended"
    console.print(
        f"{version.contributor} policy v{version.version} ({version.filename}), valid "
        f"{policy.valid_from} to {until}" + (f": {policy.title}" if policy.title else "")
    )
    table = Table("phase", "when", "aid classes", "areas", "cap per package", "cap per cycle")
    in_force = view.decision.phase.name if view.decision else None
    for phase in policy.all_phases:
        marker = " (in force)" if phase.name == in_force else ""
        table.add_row(
            phase.name + marker, phase.when_text or "(default)",
            ", ".join(sorted(phase.aid_classes)) or "nothing",
            "all" if phase.areas is None else ", ".join(sorted(phase.areas)),
            phase.cap_per_package.format() if phase.cap_per_package else "",
            phase.cap_per_cycle.format() if phase.cap_per_cycle else "",
        )  # fmt: skip
    print_table(table)
    if policy.additional:
        console.print(
            "additional: this money is placed after everyone else's, only on what the others "
            "could not fund"
        )
    if view.decision is not None:
        console.print(view.decision.explain())


def _print_line(item: LineExplanation) -> None:
    line = item.line
    verdict = "eligible" if item.policy.allowed else "NOT eligible"
    console.print(f"{line.ref} (rank {line.rank}, {line.aid_class}, {line.area}): {verdict}")
    for reason in item.policy.reasons:
        console.print(f"  {reason.rule}: {reason.message}")
    for contribution, eligible in item.contributions:
        state = "may pay" if eligible.allowed else "may not pay"
        console.print(f"  {contribution.ref} {state}")
        for reason in eligible.reasons:
            if reason.rule.startswith("earmark"):
                console.print(f"    {reason.rule}: {reason.message}")
