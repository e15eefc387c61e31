"""`purldesk packages`: list and show packages, and take them through their lifecycle."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    execute,
    optional_date,
    print_json,
    print_listing,
    print_table,
    run,
)
from purldesk.entrypoints.cli.options import DbOption, JsonOption, OnOption, PackageRefArgument

if TYPE_CHECKING:
    from purldesk.domain.money import Money
    from purldesk.domain.packages import Package
    from purldesk.domain.requirements import LineId
    from purldesk.services.ports import UnitOfWork

app = command_group("List, show, propose, validate, accept (re-price), top up and close packages.")


@app.command("list")
def list_(
    cycle: Annotated[str | None, typer.Option("--cycle", help="Only this cycle's.")] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """List packages in the order they were made, as summaries (`show` gives the parts)."""
    from purldesk.adapters.exports import json as views
    from purldesk.domain.access import OPERATOR
    from purldesk.services import requirements
    from purldesk.services.views import packages as package_pages

    with application(db) as wired:
        cycle_id = requirements.resolve_cycle(wired.uow(), name=cycle).id if cycle else None
        found = package_pages.package_summaries(wired.reader(), viewer=OPERATOR, cycle_id=cycle_id)
    print_listing(
        found.packages, json_output=json_output, document=views.package_summary,
        columns=("ref", "name", "status", "lines", "cost", "attributed"),
        row=lambda p: (
            p.ref, p.name, p.status, _shown(p.line_count), _shown(p.cost), _shown(p.attributed)
        ),
    )  # fmt: skip


def _shown(figure: Money | int | None) -> str:
    """A figure of a listed package; the command line sees every one, so "-" never shows."""
    if figure is None:
        return "-"
    return str(figure) if isinstance(figure, int) else figure.format()


@app.command("show")
def show(ref: PackageRefArgument, json_output: JsonOption = False, db: DbOption = None) -> None:
    """One package: its lines with their references, its money and its shipments."""
    from rich.table import Table

    from purldesk.adapters.exports import json as views
    from purldesk.domain.money import USD, Money
    from purldesk.domain.packages import paid_by_line, parse_package_ref
    from purldesk.services import deliveries, packages

    with application(db) as wired:
        package = packages.get(wired.uow(), package_id=parse_package_ref(ref))
        refs = _line_refs(wired.uow(), package)
        shipments = deliveries.list_all(wired.uow(), package_id=package.id)
    if json_output:
        document = views.package(package)
        for line in document["lines"]:
            line["line_ref"] = refs[line["line_id"]]
        document["shipments"] = [views.shipment(s, line_ref=refs[s.line_id]) for s in shipments]
        print_json(document)
        return
    console.print(f"{package.ref} {package.name}: {package.status}, cost {package.cost}")
    table = Table("line", "item", "lots", "lot price", "cost", "paid", "shipped", "received")
    paid = paid_by_line(package)
    for ln in package.lines:
        sent = [s for s in shipments if s.line_id == ln.line_id]
        table.add_row(
            refs[ln.line_id], ln.item_code, str(ln.lots), ln.lot_price.format(),
            ln.cost.format(), Money(paid.get(ln.line_id, 0), USD).format(),
            str(sum(s.quantity for s in sent)),
            str(sum(s.quantity for s in sent if s.is_confirmed)),
        )  # fmt: skip
    print_table(table)


@app.command("propose")
def propose(ref: PackageRefArgument, db: DbOption = None) -> None:
    """Put a draft package forward for validation."""
    from purldesk.domain.packages import parse_package_ref
    from purldesk.services import packages

    p = execute(db, packages.Propose(package_id=parse_package_ref(ref)))
    console.print(f"{p.ref} is {p.status}")


@app.command("validate")
def validate(ref: PackageRefArgument, db: DbOption = None) -> None:
    """Validate a proposed package; it is funded at once when its money pays it exactly."""
    from purldesk.domain.packages import parse_package_ref
    from purldesk.services import packages

    p = execute(db, packages.Validate(package_id=parse_package_ref(ref)))
    console.print(f"{p.ref} is {p.status}")


@app.command("accept")
def accept(
    ref: PackageRefArgument,
    price: Annotated[
        list[str] | None,
        typer.Option(
            "--price",
            help="New lot price of a line: LINE_REF=USD (repeat per line). A surplus goes back "
            "to the pool; a deficit returns the package to validated (see top-up).",
        ),
    ] = None,
    on: OnOption = None,
    db: DbOption = None,
) -> None:
    """The supplier accepts a funded package, re-pricing lines if it must."""
    from purldesk.domain.packages import parse_package_ref
    from purldesk.services import packages

    with application(db) as wired:
        package_id = parse_package_ref(ref)
        before = packages.get(wired.uow(), package_id=package_id)
        prices = _prices(wired.uow(), before, price or [])
        command = packages.Accept(
            package_id=package_id, prices=tuple(prices.items()), on=optional_date(on)
        )
        p = run(wired, command)
    released = before.attributed - p.attributed if p.attributed < before.attributed else None
    console.print(f"{p.ref} is {p.status}, cost {p.cost}")
    if released is not None:
        console.print(f"{released} released to the pool")
    if p.cost > p.attributed:
        console.print(f"{p.cost - p.attributed} short: run `packages top-up {p.ref}`")


@app.command("top-up")
def top_up(ref: PackageRefArgument, on: OnOption = None, db: DbOption = None) -> None:
    """Fund what re-pricing left short from pooled money; the package is funded again."""
    from purldesk.domain.packages import parse_package_ref
    from purldesk.services import packages

    p = execute(db, packages.TopUp(package_id=parse_package_ref(ref), on=optional_date(on)))
    console.print(f"{p.ref} is {p.status}, paid {p.attributed}")


@app.command("close")
def close(ref: PackageRefArgument, on: OnOption = None, db: DbOption = None) -> None:
    """Close a delivered package and pay the supplier."""
    from purldesk.domain.packages import parse_package_ref
    from purldesk.services import packages

    p = execute(db, packages.Close(package_id=parse_package_ref(ref), on=optional_date(on)))
    console.print(f"{p.ref} is {p.status}; {p.cost} paid to the supplier")


@app.command("restrict")
def restrict(
    ref: PackageRefArgument,
    lift: Annotated[
        bool, typer.Option("--lift", help="Publish the package's contents again.")
    ] = False,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            help="A participant cleared to see the contents (repeat per participant).",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Restrict a package's contents (lines, items, who pays which line) to those who must
    know and the participants cleared; everyone still sees its value, status and dates."""
    from purldesk.domain.packages import parse_package_ref
    from purldesk.services import packages

    command = packages.RestrictContents(
        package_id=parse_package_ref(ref), restricted=not lift, cleared=tuple(clear or ())
    )
    p = execute(db, command)
    if p.restriction is None:
        console.print(f"{p.ref}: contents published")
        return
    cleared = ", ".join(sorted(p.restriction.cleared)) or "no one else"
    console.print(f"{p.ref}: contents restricted; cleared: {cleared}")


def _line_refs(uow: UnitOfWork, package: Package) -> dict[int, str]:
    from purldesk.services import requirements

    lines = requirements.list_lines(uow, cycle_id=package.cycle_id)
    return {line.id: line.ref for line in lines}


def _prices(uow: UnitOfWork, package: Package, given: list[str]) -> dict[LineId, Money]:
    from purldesk.domain.errors import InvalidInput
    from purldesk.domain.money import USD, Money
    from purldesk.domain.requirements import LineId

    by_ref = {ref: line_id for line_id, ref in _line_refs(uow, package).items()}
    prices: dict[LineId, Money] = {}
    for text in given:
        ref, sep, amount = text.partition("=")
        if not sep or ref.strip() not in by_ref:
            raise InvalidInput("price", f"{text!r} is not LINE_REF=USD for a line of the cycle")
        prices[LineId(by_ref[ref.strip()])] = Money.parse(amount, USD, field="price")
    return prices
