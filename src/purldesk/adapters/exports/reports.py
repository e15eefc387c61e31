"""Reports as JSON documents and as tables (for CSV and XLSX), each registered once in
`REPORTS` (its view, its document, its table, its file name): the API, the CLI and the
dashboard serve every report from that one registration. They format what `services.views`
hands over and decide nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Generic, TypeVar

from purldesk.adapters.exports import statement_report
from purldesk.adapters.exports.report_values import amount, day, figure, money_cell, or_none
from purldesk.adapters.exports.sheets import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Cell,
    Table,
    table_csv,
    table_xlsx,
)
from purldesk.domain.access import Viewer
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import parse_package_ref
from purldesk.services.read_ports import Reader
from purldesk.services.views import packages
from purldesk.services.views import statement as statements
from purldesk.services.views import transparency as public
from purldesk.services.views.overview import ContributorsBy, OverviewView
from purldesk.services.views.packages import PackageDetail
from purldesk.services.views.paging import WHOLE, Window
from purldesk.services.views.rows import Bar, DeliveryRow, PackageSummary
from purldesk.services.views.statement import StatementView

UNDISCLOSED = "undisclosed"  # the bucket of money a viewer may not see, as the dashboard names it
ANONYMOUS = "Anonymous"


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


def sheet(table: Table, kind: ReportFormat) -> tuple[bytes, str]:
    """A table as the bytes of a CSV or XLSX file, and their media type."""
    if kind is ReportFormat.CSV:
        return table_csv(table).encode(), CSV_MEDIA_TYPE
    if kind is ReportFormat.XLSX:
        return table_xlsx(table), XLSX_MEDIA_TYPE
    raise ValueError(f"{kind} is not a sheet format")


# -- transparency ------------------------------------------------------------------------------


def _bar(bar: Bar) -> dict[str, Any]:
    return {
        "label": bar.label,
        "funded": amount(Money(bar.value_minor, USD)),
        "cost": amount(Money(bar.whole_minor, USD)),
    }


def _package_summary(summary: PackageSummary) -> dict[str, Any]:
    return {
        "id": summary.id, "ref": summary.ref, "name": summary.name, "status": summary.status,
        "cycle": summary.cycle, "cost": figure(summary.cost), "target": amount(summary.target),
    }  # fmt: skip


def _delivery(row: DeliveryRow) -> dict[str, Any]:
    return {
        "shipment": row.ref, "package": row.package_ref, "line": row.line_ref,
        "item": row.item_name, "quantity": row.quantity, "shipped_on": day(row.shipped_on),
        "received_on": day(row.received_on),
    }  # fmt: skip


def transparency(view: OverviewView, *, as_of: date) -> dict[str, Any]:
    cycle = view.cycle
    return {
        "as_of": as_of.isoformat(),
        "cycle": None if cycle is None else {"name": cycle.name, "status": cycle.status.value},
        "contributions": view.counted,
        "undisclosed": view.undisclosed_count,
        "pledged": [amount(m) for m in view.pledged.values()],
        "received_usd": amount(view.received_usd),
        "allocated_usd": figure(view.allocated_usd),
        "disbursed_usd": figure(view.disbursed_usd),
        "lines": view.lines_count,
        "funded_through_rank": view.funded_through_rank,
        "packages": [_package_summary(p) for p in view.packages],
        "coverage_by_rank": [_bar(b) for b in view.coverage_by_rank],
        "coverage_by_area": [_bar(b) for b in view.coverage_by_area],
        "coverage_by_aid_class": [_bar(b) for b in view.coverage_by_aid_class],
        "contributors_by": view.contributors_by.value,
        "contributors": [
            {"name": b.label, "received_usd": amount(Money(b.value_minor, USD))}
            for b in view.by_contributor
        ],
        "deliveries_since": view.since.isoformat(),
        "deliveries": [_delivery(d) for d in view.deliveries],
        "cycles": [c.name for c in view.cycles],
        "withheld": or_none(view.withheld),
    }


TRANSPARENCY_HEADER = ("record", "label", "amount", "of_amount", "currency", "count")


def transparency_table(view: OverviewView) -> Table:
    """The transparency report as one table, a record kind per row: money rows carry an
    amount (and what it is measured against), count rows a count."""
    rows: list[list[Cell]] = [
        ["pledged", m.currency, money_cell(m), "", m.currency, ""] for m in view.pledged.values()
    ]
    for label, money in (
        ("received", view.received_usd),
        ("allocated", view.allocated_usd),
        ("disbursed", view.disbursed_usd),
    ):
        rows.append([label, "", money_cell(money), "", USD, ""])
    rows += [
        ["contributions", "counted", "", "", "", view.counted],
        ["contributions", UNDISCLOSED, "", "", "", view.undisclosed_count],
        ["lines", "on the list", "", "", "", view.lines_count],
        ["lines", "funded through rank", "", "", "", view.funded_through_rank],
    ]
    rows += [
        ["package", f"{p.ref} {p.name}", money_cell(p.cost), money_cell(p.target), USD, ""]
        for p in view.packages
    ]
    for record, bars in (
        ("coverage by rank", view.coverage_by_rank),
        ("coverage by area", view.coverage_by_area),
        ("coverage by aid class", view.coverage_by_aid_class),
    ):
        rows += [
            [record, b.label, money_cell(Money(b.value_minor, USD)),
             money_cell(Money(b.whole_minor, USD)), USD, ""]
            for b in bars
        ]  # fmt: skip
    rows += [
        ["contributor", b.label, money_cell(Money(b.value_minor, USD)), "", USD, ""]
        for b in view.by_contributor
    ]
    rows += [
        ["delivery", f"{d.ref} {d.package_ref} {d.line_ref} {d.item_name}", "", "", "", d.quantity]
        for d in view.deliveries
    ]
    return Table("transparency", TRANSPARENCY_HEADER, rows)


# -- package -----------------------------------------------------------------------------------


def payer(name: str | None) -> str:
    """Who paid, as a report names it; an anonymous giver is never named."""
    return name or ANONYMOUS


def package(view: PackageDetail) -> dict[str, Any]:
    return {
        **_package_summary(view.summary),
        "short": figure(view.short_usd),
        "lines": [
            {
                "line_id": ln.line_id,
                "line": ln.line_ref,
                "rank": ln.rank,
                "item": ln.item_name,
                "lots": ln.lots,
                "quantity": ln.quantity,
                "lot_price": figure(ln.lot_price),
                "cost": figure(ln.cost),
                "shipped": ln.shipped,
                "received": ln.received,
            }
            for ln in view.lines
        ],
        "payments": [
            {
                "contributor": payer(p.contributor),
                "contribution": or_none(p.contribution_ref),
                "line": or_none(p.line_ref),
                "amount": amount(p.amount),
            }
            for p in view.payments
        ],
        "attribution_count": view.payments_page.total,
        "attributions_offset": view.payments_offset,
        "shipments": [_delivery(s) for s in view.shipments],
        "withheld": or_none(view.withheld),
        "restricted": or_none(view.restricted),
    }


PACKAGE_HEADER = ("record", "line", "rank", "item", "lots", "quantity", "lot_price_usd",
                  "amount_usd", "contributor", "contribution", "shipment", "shipped_on",
                  "received_on", "shipped", "received")  # fmt: skip


def package_table(view: PackageDetail) -> Table:
    """The package report as one table, a record kind per row: a `line` row's amount is its
    cost, a `payment` row's what one contribution (or the undisclosed bucket) pays."""
    rows: list[list[Cell]] = [
        ["line", ln.line_ref, ln.rank, ln.item_name, ln.lots, ln.quantity,
         money_cell(ln.lot_price), money_cell(ln.cost), "", "", "", "", "", ln.shipped, ln.received]
        for ln in view.lines
    ]  # fmt: skip
    rows += [
        ["payment", p.line_ref, "", "", "", "", "", money_cell(p.amount), payer(p.contributor),
         p.contribution_ref, "", "", "", "", ""]
        for p in view.payments
    ]  # fmt: skip
    rows += [
        ["shipment", s.line_ref, "", s.item_name, "", s.quantity, "", "", "", "", s.ref,
         day(s.shipped_on) or "", day(s.received_on) or "", "", ""]
        for s in view.shipments
    ]  # fmt: skip
    return Table(
        view.summary.ref, PACKAGE_HEADER, rows, money=frozenset({"lot_price_usd", "amount_usd"})
    )


# -- the registry ------------------------------------------------------------------------------

V = TypeVar("V")

# The long lists a report's JSON is read a part of at a time (`Asked.windows`), by name: the
# statement's contributions, the lines its money paid and its substitution effects, and a
# package's payments (its attributions as the viewer may see them).
CONTRIBUTIONS, LINES, EFFECTS, ATTRIBUTIONS = "contributions", "lines", "effects", "attributions"


@dataclass(frozen=True, slots=True)
class Asked:
    """One request for a report: who reads it, on what day, and of what (a contributor's code,
    a package's reference, the cycle the transparency report shows: "" for the current one),
    and which part of each long list its JSON holds (a list not named: all of it)."""

    viewer: Viewer
    today: date
    subject: str = ""
    contributors_by: ContributorsBy = ContributorsBy.GROUPS  # the transparency report's
    windows: Mapping[str, Window] = field(default_factory=dict)

    def window(self, name: str) -> Window:
        return self.windows.get(name, WHOLE)


@dataclass(frozen=True, slots=True)
class Rendered:
    """A report in the format asked for: a JSON document, or a file's bytes."""

    document: dict[str, Any] | None
    body: bytes
    media_type: str
    filename: str  # with the format's extension


@dataclass(frozen=True, slots=True)
class Report(Generic[V]):
    """A report, registered once: how to read its view, and its shapes as JSON and as a table."""

    name: str
    view: Callable[[Reader, Asked], V]
    document: Callable[[V, Asked], dict[str, Any]]
    table: Callable[[V], Table]
    filename: Callable[[V, Asked], str]  # without extension
    # The view its JSON is read from where that holds a part of each long list
    # (`Asked.windows`); its files are always the whole of `view`. None: `view` for both.
    paged: Callable[[Reader, Asked], V] | None = None

    def render(self, reader: Reader, asked: Asked, kind: ReportFormat) -> Rendered:
        """Read the report's view, then shape it."""
        read = self.paged if kind is ReportFormat.JSON and self.paged is not None else self.view
        return self.shape(read(reader, asked), asked, kind)

    def shape(self, view: V, asked: Asked, kind: ReportFormat) -> Rendered:
        """A view already read (by a page with its own access rule) in the format asked for."""
        name = f"{self.filename(view, asked)}.{kind.value}"
        if kind is ReportFormat.JSON:
            return Rendered(self.document(view, asked), b"", "application/json", name)
        body, media_type = sheet(self.table(view), kind)
        return Rendered(None, body, media_type, name)


TRANSPARENCY: Report[OverviewView] = Report(
    "transparency",
    view=lambda reader, asked: public.transparency(
        reader,
        today=asked.today,
        cycle_name=asked.subject or None,
        contributors_by=asked.contributors_by,
    ),
    document=lambda view, asked: transparency(view, as_of=asked.today),
    table=transparency_table,
    filename=lambda _view, asked: f"transparency-{asked.today.isoformat()}",
)
STATEMENT: Report[StatementView] = Report(
    "statement",
    view=lambda reader, asked: statements.statement_report(
        reader, viewer=asked.viewer, contributor=asked.subject
    ),
    document=lambda view, _asked: statement_report.statement(view),
    table=statement_report.statement_table,
    filename=lambda view, _asked: f"statement-{view.contributor}",
    paged=lambda reader, asked: statements.statement_report_page(
        reader,
        viewer=asked.viewer,
        contributor=asked.subject,
        contributions=asked.window(CONTRIBUTIONS),
        lines=asked.window(LINES),
        effects=asked.window(EFFECTS),
    ),
)
PACKAGE: Report[PackageDetail] = Report(
    "package",
    view=lambda reader, asked: packages.package(
        reader, viewer=asked.viewer, package_id=parse_package_ref(asked.subject)
    ),
    document=lambda view, _asked: package(view),
    table=package_table,
    filename=lambda view, _asked: f"package-{view.summary.ref}",
    paged=lambda reader, asked: packages.package(
        reader,
        viewer=asked.viewer,
        package_id=parse_package_ref(asked.subject),
        payments=asked.window(ATTRIBUTIONS),
    ),
)
REPORTS: Mapping[str, Report[Any]] = {r.name: r for r in (TRANSPARENCY, STATEMENT, PACKAGE)}
