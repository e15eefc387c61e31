"""Reports as JSON documents and as tables (for CSV and XLSX), each registered once in
`REPORTS` (its view, its document, its table, its file name): the API, the CLI and the
dashboard serve every report from that one registration. They format what `services.views`
hands over and decide nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any, Generic, TypeVar

from purldesk.adapters.exports.sheets import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    Cell,
    Table,
    table_csv,
    table_xlsx,
)
from purldesk.adapters.exports.substitution import told_document
from purldesk.domain.access import Viewer
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import parse_package_ref
from purldesk.services.read_ports import Reader
from purldesk.services.views import packages
from purldesk.services.views import statement as statements
from purldesk.services.views import transparency as public
from purldesk.services.views.contributions import ContributionRow
from purldesk.services.views.member_statement import MemberPartRow, MemberShareRow, ThroughGroups
from purldesk.services.views.overview import ContributorsBy, OverviewView
from purldesk.services.views.packages import PackageDetail
from purldesk.services.views.rows import Bar, DeliveryRow, PackageSummary
from purldesk.services.views.statement import StatementView
from purldesk.services.views.substitutions import SubstitutionRow

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


def amount(money: Money) -> dict[str, Any]:
    """Money as every report shows it: minor units, the exact decimal, the currency."""
    return {
        "amount_minor": money.minor,
        "amount": f"{money.to_decimal():.{money.exponent}f}",
        "currency": money.currency,
    }


def figure(money: Money | None) -> dict[str, Any] | None:
    """A figure that may be withheld from the reader: null, the document saying why."""
    return None if money is None else amount(money)


def _decimal(money: Money | None) -> Decimal | str:
    """A sheet's cell for money; a withheld figure is an empty cell."""
    if money is None:
        return ""
    return money.to_decimal()  # scaleb keeps the currency's decimals: USD 1 is 1.00


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _or_none(text: str) -> str | None:
    return text or None


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
        "item": row.item_name, "quantity": row.quantity, "shipped_on": _day(row.shipped_on),
        "received_on": _day(row.received_on),
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
        "withheld": _or_none(view.withheld),
    }


TRANSPARENCY_HEADER = ("record", "label", "amount", "of_amount", "currency", "count")


def transparency_table(view: OverviewView) -> Table:
    """The transparency report as one table, a record kind per row: money rows carry an
    amount (and what it is measured against), count rows a count."""
    rows: list[list[Cell]] = [
        ["pledged", m.currency, _decimal(m), "", m.currency, ""] for m in view.pledged.values()
    ]
    for label, money in (
        ("received", view.received_usd),
        ("allocated", view.allocated_usd),
        ("disbursed", view.disbursed_usd),
    ):
        rows.append([label, "", _decimal(money), "", USD, ""])
    rows += [
        ["contributions", "counted", "", "", "", view.counted],
        ["contributions", UNDISCLOSED, "", "", "", view.undisclosed_count],
        ["lines", "on the list", "", "", "", view.lines_count],
        ["lines", "funded through rank", "", "", "", view.funded_through_rank],
    ]
    rows += [
        ["package", f"{p.ref} {p.name}", _decimal(p.cost), _decimal(p.target), USD, ""]
        for p in view.packages
    ]
    for record, bars in (
        ("coverage by rank", view.coverage_by_rank),
        ("coverage by area", view.coverage_by_area),
        ("coverage by aid class", view.coverage_by_aid_class),
    ):
        rows += [
            [record, b.label, _decimal(Money(b.value_minor, USD)),
             _decimal(Money(b.whole_minor, USD)), USD, ""]
            for b in bars
        ]  # fmt: skip
    rows += [
        ["contributor", b.label, _decimal(Money(b.value_minor, USD)), "", USD, ""]
        for b in view.by_contributor
    ]
    rows += [
        ["delivery", f"{d.ref} {d.package_ref} {d.line_ref} {d.item_name}", "", "", "", d.quantity]
        for d in view.deliveries
    ]
    return Table("transparency", TRANSPARENCY_HEADER, rows)


# -- statement ---------------------------------------------------------------------------------


def _contribution(row: ContributionRow) -> dict[str, Any]:
    view = row.view
    return {
        "ref": view.ref, "status": view.status.value, "pledged_on": _day(view.pledged_on),
        "received_on": _day(view.received_on), "confidential": view.confidential,
        "amount": None if view.amount is None else amount(view.amount),
        "usd": None if row.usd is None else amount(row.usd),
    }  # fmt: skip


def _member_part(row: MemberPartRow) -> dict[str, Any]:
    conversion = row.part.conversion
    return {
        "contribution": row.contribution_ref, "group": row.group, "group_name": row.group_name,
        "status": row.status, "amount": amount(row.part.amount), "usd": amount(row.part.usd),
        "fx_rate": str(conversion.rate), "fx_rate_date": _day(conversion.rate_date),
        "fx_source": conversion.source, "group_usd": figure(row.whole_usd),
        "shares_shown": row.shares_shown,
    }  # fmt: skip


def _member_share(row: MemberShareRow) -> dict[str, Any]:
    return {
        "contribution": row.contribution_ref, "group": row.group, "package": row.package_ref,
        "package_status": row.package_status, "line": row.line_ref, "item": row.item_name,
        "amount": amount(row.amount), "group_amount": amount(row.group_amount),
        "shipped": row.shipped, "received": row.received,
    }  # fmt: skip


def through_groups(groups: ThroughGroups) -> dict[str, Any]:
    """A member's parts of its groups' contributions and its shares of what they bought."""
    return {
        "parts": [_member_part(p) for p in groups.parts],
        "rows": [_member_share(r) for r in groups.rows],
        "spent_usd": amount(groups.spent_usd),
    }


def statement(view: StatementView) -> dict[str, Any]:
    return {
        "contributor": view.contributor,
        "name": view.contributor_name,
        "contributions": [_contribution(c) for c in view.contributions],
        "rows": [
            {
                "contribution": r.contribution_ref,
                "package": r.package_ref,
                "package_status": r.package_status,
                "line": r.line_ref,
                "item": r.item_name,
                "amount": amount(r.amount),
                "shipped": r.shipped,
                "received": r.received,
            }
            for r in view.rows
        ],
        "spent_usd": amount(view.spent_usd),
        "unallocated_usd": amount(view.unallocated_usd),
        "substitutions": statement_substitutions(view),
        "through_groups": through_groups(view.through_groups),
    }


def statement_substitutions(view: StatementView) -> list[dict[str, Any]]:
    """Per allocation, what the contributor's restricted money took over, and where the other
    money went: lines and line amounts (null: withheld), never whose money."""
    return [_substitution(found) for found in view.substitutions]


def _substitution(found: SubstitutionRow) -> dict[str, Any]:
    return {
        "on": found.on.isoformat(), "recorded_at": found.recorded_at.isoformat(),
        "packages": list(found.packages),
        **told_document(found.effect, sentence=found.sentence, money=amount),
    }  # fmt: skip


# `other_money_usd` is filled on substitution rows only: money that is not the contributor's,
# so it never adds up with `amount_usd`.
STATEMENT_HEADER = ("contribution", "package", "package status", "line", "item", "amount_usd",
                    "shipped", "received", "other_money_usd")  # fmt: skip


def statement_table(view: StatementView) -> Table:
    """What the contributor's money bought, line by line; then a member's shares of what its
    groups' money bought, the contribution named with its group (`C-00002 via NORDIC-3`); then
    the substitution rows."""
    rows: list[list[Cell]] = [
        [r.contribution_ref, r.package_ref, r.package_status, r.line_ref, r.item_name,
         _decimal(r.amount), r.shipped, r.received, ""]
        for r in view.rows
    ]  # fmt: skip
    rows += [
        [f"{r.contribution_ref} via {r.group}", r.package_ref, r.package_status, r.line_ref,
         r.item_name, _decimal(r.amount), r.shipped, r.received, ""]
        for r in view.through_groups.rows
    ]  # fmt: skip
    return Table(
        "statement", STATEMENT_HEADER, rows + substitution_rows(view),
        money=frozenset({"amount_usd", "other_money_usd"}), totals=statement_totals(view),
    )  # fmt: skip


def statement_totals(view: StatementView) -> list[list[Cell]]:
    """What a workbook adds below the rows: the contributor's own money in packages and, for
    a member, its shares of what its groups' money bought."""
    totals = [("total in packages", view.spent_usd)]
    if view.through_groups.rows:
        totals.append(("total through groups", view.through_groups.spent_usd))
    column = STATEMENT_HEADER.index("amount_usd")
    return [[label if i == 0 else _decimal(money) if i == column else ""
             for i in range(len(STATEMENT_HEADER))] for label, money in totals]  # fmt: skip


def substitution_rows(view: StatementView) -> list[list[Cell]]:
    """A row per line an allocation's substitution effect names: `package status` says how the
    other money moved ("substitution: took over", "… also left", "… went to", "… stayed
    unallocated" (negative: less), "… lines not named"); its amount is in `other_money_usd`,
    empty where withheld."""
    rows: list[list[Cell]] = []
    for found in view.substitutions:
        packages, effect = " ".join(found.packages), found.effect
        for kind, lines in (("took over", effect.took_over), ("also left", effect.left),
                            ("went to", effect.went_to)):  # fmt: skip
            rows += [
                ["", packages, f"substitution: {kind}", line.ref, "", "", "", "",
                 _decimal(line.amount)]
                for line in lines
            ]  # fmt: skip
        if effect.unallocated is not None and effect.unallocated.minor:
            unallocated = _decimal(effect.unallocated)
            rows.append(["", packages, "substitution: stayed unallocated", "", "", "", "", "",
                         unallocated])  # fmt: skip
        if effect.unnamed:
            rows.append(["", packages, "substitution: lines not named", "", "", "", "", "",
                         ""])  # fmt: skip
    return rows


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
                "contribution": _or_none(p.contribution_ref),
                "line": _or_none(p.line_ref),
                "amount": amount(p.amount),
            }
            for p in view.payments
        ],
        "shipments": [_delivery(s) for s in view.shipments],
        "withheld": _or_none(view.withheld),
        "restricted": _or_none(view.restricted),
    }


PACKAGE_HEADER = ("record", "line", "rank", "item", "lots", "quantity", "lot_price_usd",
                  "amount_usd", "contributor", "contribution", "shipment", "shipped_on",
                  "received_on", "shipped", "received")  # fmt: skip


def package_table(view: PackageDetail) -> Table:
    """The package report as one table, a record kind per row: a `line` row's amount is its
    cost, a `payment` row's what one contribution (or the undisclosed bucket) pays."""
    rows: list[list[Cell]] = [
        ["line", ln.line_ref, ln.rank, ln.item_name, ln.lots, ln.quantity,
         _decimal(ln.lot_price), _decimal(ln.cost), "", "", "", "", "", ln.shipped, ln.received]
        for ln in view.lines
    ]  # fmt: skip
    rows += [
        ["payment", p.line_ref, "", "", "", "", "", _decimal(p.amount), payer(p.contributor),
         p.contribution_ref, "", "", "", "", ""]
        for p in view.payments
    ]  # fmt: skip
    rows += [
        ["shipment", s.line_ref, "", s.item_name, "", s.quantity, "", "", "", "", s.ref,
         _day(s.shipped_on) or "", _day(s.received_on) or "", "", ""]
        for s in view.shipments
    ]  # fmt: skip
    return Table(
        view.summary.ref, PACKAGE_HEADER, rows, money=frozenset({"lot_price_usd", "amount_usd"})
    )


# -- the registry ------------------------------------------------------------------------------

V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class Asked:
    """One request for a report: who reads it, on what day, and of what (a contributor's code,
    a package's reference, the cycle the transparency report shows: "" for the current one)."""

    viewer: Viewer
    today: date
    subject: str = ""
    contributors_by: ContributorsBy = ContributorsBy.GROUPS  # the transparency report's


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

    def render(self, reader: Reader, asked: Asked, kind: ReportFormat) -> Rendered:
        """Read the report's view, then shape it."""
        return self.shape(self.view(reader, asked), asked, kind)

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
    document=lambda view, _asked: statement(view),
    table=statement_table,
    filename=lambda view, _asked: f"statement-{view.contributor}",
)
PACKAGE: Report[PackageDetail] = Report(
    "package",
    view=lambda reader, asked: packages.package(
        reader, viewer=asked.viewer, package_id=parse_package_ref(asked.subject)
    ),
    document=lambda view, _asked: package(view),
    table=package_table,
    filename=lambda view, _asked: f"package-{view.summary.ref}",
)
REPORTS: Mapping[str, Report[Any]] = {r.name: r for r in (TRANSPARENCY, STATEMENT, PACKAGE)}
