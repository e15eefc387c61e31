"""The read port's queries for a contributor's statement page (`services/statement_ports.py`):
its paid lines paged, counted and summed in SQL under the redaction rule of
`confidentiality.redact`, and its pools summed, so the page costs the same statements and rows
however many contributions and lines its history holds. Also the one select of paid lines
that `SqlQueries.paid_lines` reads whole."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    false,
    func,
    literal,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy import case as when

from purldesk.adapters.storage.balance_tables import AccountBalanceRow, ContributionTotalRow
from purldesk.adapters.storage.engine import ReadSession
from purldesk.adapters.storage.rows import IN_LIST_CHUNK
from purldesk.adapters.storage.sums import halves, joined
from purldesk.adapters.storage.tables import (
    AllocationBasisRow,
    AttributionRow,
    CatalogItemRow,
    ContributionRow,
    PackageRow,
    RequirementLineRow,
    ShipmentRow,
)
from purldesk.domain import basis
from purldesk.domain.access import Viewer
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import USD, Currency, Money
from purldesk.domain.packages import PackageId, PackageStatus
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.requirements import LineId
from purldesk.services.read_ports import PaidLine
from purldesk.services.statement_ports import StatementTotals


def _int(value: Any) -> int:
    return 0 if value is None else int(value)


def sees_everything_of(viewer: Viewer, column: Any) -> ColumnElement[bool]:
    """`Viewer.sees_everything_of` as SQL over a contributor column."""
    if viewer.sees_all_amounts:
        return true()
    if viewer.organization is None:
        return false()
    return column == viewer.organization  # type: ignore[no-any-return]


def amount_shown(viewer: Viewer) -> ColumnElement[bool]:
    """Whether `redact` leaves a contribution's amount to `viewer`: where the amount may be
    seen (`can_see_amount`), and in its own currency only where the giver may be known
    (`can_see_contributor`) or the currency is USD."""
    c = ContributionRow
    sees_all = sees_everything_of(viewer, c.contributor)
    shown = or_(c.confidential == false(), sees_all)
    named = or_(c.anonymous == false(), sees_all)
    return and_(shown, or_(named, c.currency == USD))


def paid_select(paid_by: ColumnElement[bool]) -> Select[Any]:
    """Each attribution of the contributions `paid_by` picks out, with its line's shipments
    (columns as `paid_line` reads them), unordered."""
    a, s = AttributionRow, ShipmentRow
    same_line = and_(s.package_id == a.package_id, s.line_id == a.line_id)
    shipped = select(func.coalesce(func.sum(s.quantity), 0)).where(same_line)
    received = shipped.where(s.received_on.is_not(None))
    columns = (
        a.contribution_id, a.package_id, PackageRow.status, a.line_id, RequirementLineRow.ref,
        CatalogItemRow.name, a.amount_minor, a.currency, shipped.scalar_subquery(),
        received.scalar_subquery(),
    )  # fmt: skip
    return (
        select(*columns)
        .join(ContributionRow, ContributionRow.id == a.contribution_id)
        .join(PackageRow, PackageRow.id == a.package_id)
        .join(RequirementLineRow, RequirementLineRow.id == a.line_id)
        .join(CatalogItemRow, CatalogItemRow.code == RequirementLineRow.item_code)
        .where(paid_by)
    )


def paid_line(row: Any) -> PaidLine:
    cid, pid, status, line_id, ref, name, minor, currency, sent, arrived = row
    return PaidLine(
        ContributionId(cid), PackageId(pid), PackageStatus(status), LineId(line_id), ref, name,
        Money(minor, Currency(currency)), _int(sent), _int(arrived),
    )  # fmt: skip


def bases_without_funds(
    session: ReadSession, package_ids: Collection[PackageId]
) -> list[AllocationBasis]:
    """`bases(package_ids, with_funds=False)`: the documents' other parts taken out by the
    database, without reading their funds (nearly all of each) into Python, so that the
    statement's substitutions cost little more for a contributor paying many packages."""
    b = AllocationBasisRow
    # SQLite reads JSON functions on text; PostgreSQL needs the text cast to JSON first.
    postgres = session.get_bind().dialect.name == "postgresql"
    document = cast(b.document, JSON) if postgres else type_coerce(b.document, JSON)
    wanted = sorted(set(package_ids))
    rows = [
        row
        for start in range(0, len(wanted), IN_LIST_CHUNK)
        for row in session.execute(
            select(
                b.package_id,
                document["package"].as_string(),
                document["on"].as_string(),
                document["recorded_at"].as_string(),
                document["substitutions"],
            )
            .where(b.package_id.in_(wanted[start : start + IN_LIST_CHUNK]))
            .order_by(b.package_id)
        )
    ]
    return [
        basis.parse(
            PackageId(package_id),
            json.dumps(
                {"package": ref, "on": on, "recorded_at": at, "substitutions": effects or []}
            ),
            with_funds=False,
        )
        for package_id, ref, on, at, effects in rows
    ]


def _ref(contribution_id: Any) -> ColumnElement[str]:
    """`contributions.contribution_ref` in SQL, on both databases: the id zero-padded to five
    digits, or as it is from six ("C-00042", "C-123456")."""
    digits = cast(contribution_id, String)
    padded = func.substr(literal("0000", String) + digits, func.length(digits))
    return literal("C-", String) + when((contribution_id >= 100_000, digits), else_=padded)


class StatementQueries:
    """The statement page's part of `SqlQueries`, over its read-only session."""

    _session: ReadSession

    def statement_totals(self, viewer: Viewer, *, contributor: ParticipantCode) -> StatementTotals:
        a, b, c = AttributionRow, AccountBalanceRow, ContributionRow
        given = c.contributor == contributor
        t = ContributionTotalRow  # counted by the kept totals: a row per key
        counted = (
            select(func.sum(t.count).label("n")).where(t.contributor == contributor).subquery()
        )
        paid = (
            select(
                func.count().label("n"),
                *(h.label(f"h{i}") for i, h in enumerate(halves(a.amount_minor))),
            )
            .join(c, c.id == a.contribution_id)
            .where(given, amount_shown(viewer))
            .subquery()
        )
        # The pool of each contribution found by its account's key, as `balance_of` finds it.
        pools = (
            select(func.sum(b.amount_high).label("h0"), func.sum(b.amount_low).label("h1"))
            .join(c, b.account == literal("pool:", String) + _ref(c.id))
            .where(given, b.currency == USD)
            .subquery()
        )
        # Each an aggregate without groups: one row each, joined into one.
        n, lines, high, low, pool_high, pool_low = self._session.execute(
            select(counted.c.n, paid.c.n, paid.c.h0, paid.c.h1, pools.c.h0, pools.c.h1).select_from(
                counted.join(paid, true()).join(pools, true())
            )
        ).one()
        return StatementTotals(_int(n), _int(lines), joined(high, low), joined(pool_high, pool_low))

    def paid_line_page(
        self, viewer: Viewer, *, contributor: ParticipantCode, offset: int, limit: int
    ) -> list[PaidLine]:
        a = AttributionRow
        rows = self._session.execute(
            paid_select(and_(ContributionRow.contributor == contributor, amount_shown(viewer)))
            .order_by(a.package_id.desc(), a.position)
            .offset(offset)
            .limit(limit)
        )
        return [paid_line(row) for row in rows]

    def paid_packages(self, contributor: ParticipantCode) -> list[PackageId]:
        a, c = AttributionRow, ContributionRow
        found = self._session.scalars(
            select(a.package_id)
            .distinct()
            .join(c, c.id == a.contribution_id)
            .where(c.contributor == contributor)
            .order_by(a.package_id)
        )
        return [PackageId(package_id) for package_id in found]
