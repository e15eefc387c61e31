"""The contribution repository on SQLAlchemy, saved under optimistic versions; a group's
members' parts are written with the pledge and never rewritten."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from purldesk.adapters.storage import contribution_totals
from purldesk.adapters.storage.balance_tables import ContributionTotalRow
from purldesk.adapters.storage.repository import VersionedRecords
from purldesk.adapters.storage.rows import IN_LIST_CHUNK
from purldesk.adapters.storage.tables import ContributionMemberRow, ContributionRow
from purldesk.domain.catalog import AidClass
from purldesk.domain.contribution_totals import ContributionTotals, Total, TotalKey, entry, moved
from purldesk.domain.contributions import (
    Contribution,
    ContributionId,
    ContributionStatus,
    Earmark,
    SpendingTerms,
)
from purldesk.domain.member_parts import MemberPart
from purldesk.domain.money import USD, Conversion, Currency, Money
from purldesk.domain.participants import ParticipantCode


def _join(values: Iterable[str] | None) -> str | None:
    """A set as sorted, comma-separated text; None stays None and an empty set stays ''."""
    return None if values is None else ",".join(sorted(values))


def _split(text_value: str | None) -> list[str] | None:
    if text_value is None:
        return None
    return [] if text_value == "" else text_value.split(",")


def _member_part(row: ContributionMemberRow) -> MemberPart:
    amount = Money(row.amount_minor, Currency(row.currency))
    conversion = Conversion(
        amount, Money(row.usd_minor, USD), Decimal(row.fx_rate), row.fx_rate_date, row.fx_source
    )
    return MemberPart(ParticipantCode(row.member), conversion)


def _member_rows(contribution: Contribution) -> list[ContributionMemberRow]:
    return [
        ContributionMemberRow(
            contribution_id=contribution.id, position=position, member=part.member,
            amount_minor=part.amount.minor, currency=part.amount.currency,
            usd_minor=part.usd.minor, fx_rate=str(part.conversion.rate),
            fx_rate_date=part.conversion.rate_date, fx_source=part.conversion.source,
        )
        for position, part in enumerate(contribution.members)
    ]  # fmt: skip


def with_members(
    session: Session, rows: Sequence[ContributionRow], *criteria: ColumnElement[bool]
) -> list[Contribution]:
    """The contributions of `rows`, read with the same `criteria` over the contributions
    table, each with its members' parts: one more statement, however many rows."""
    if not rows:
        return []
    parts: dict[int, list[MemberPart]] = defaultdict(list)
    m = ContributionMemberRow
    for row in session.scalars(
        select(m)
        .join(ContributionRow, ContributionRow.id == m.contribution_id)
        .where(*criteria)
        .order_by(m.contribution_id, m.position)
    ):
        parts[row.contribution_id].append(_member_part(row))
    return [_contribution(row, tuple(parts.get(row.id, ()))) for row in rows]


def _earmark(
    package_id: int | None, areas: str | None, aid_classes: str | None, expires_on: date | None
) -> Earmark:
    """An earmark from its columns (sets as text, see `_join`)."""
    area_codes, class_codes = _split(areas), _split(aid_classes)
    return Earmark(
        package_id=package_id,
        areas=None if area_codes is None else frozenset(area_codes),
        aid_classes=None if class_codes is None else frozenset(map(AidClass, class_codes)),
        expires_on=expires_on,
    )


def _contribution(row: ContributionRow, members: tuple[MemberPart, ...] = ()) -> Contribution:
    amount = Money(row.amount_minor, Currency(row.currency))
    conversion = None
    if row.usd_minor is not None:
        assert row.fx_rate is not None and row.fx_rate_date is not None
        conversion = Conversion(
            original=amount,
            converted=Money(row.usd_minor, USD),
            rate=Decimal(row.fx_rate),
            rate_date=row.fx_rate_date,
            source=row.fx_source or "",
        )
    return Contribution(
        id=ContributionId(row.id),
        contributor=ParticipantCode(row.contributor),
        amount=amount,
        pledged_on=row.pledged_on,
        status=ContributionStatus(row.status),
        confidential=row.confidential,
        purpose=row.purpose,
        source=row.source,
        earmark=_earmark(
            row.earmark_package_id,
            row.earmark_areas,
            row.earmark_aid_classes,
            row.earmark_expires_on,
        ),
        received_on=row.received_on,
        conversion=conversion,
        anonymous=row.anonymous,
        import_digest=row.import_digest,
        members=members,
    )


def _contribution_values(contribution: Contribution) -> dict[str, Any]:
    conversion = contribution.conversion
    if conversion is not None and (
        conversion.original != contribution.amount or conversion.converted.currency != USD
    ):
        # The table keeps the pledge amount and its USD value; anything else would be lost.
        raise ValueError(
            f"contribution {contribution.id}: a stored conversion must be of the pledged "
            f"{contribution.amount} into USD, not {conversion.original} into "
            f"{conversion.converted.currency}"
        )
    earmark = contribution.earmark
    aid_classes = None if earmark.aid_classes is None else (a.value for a in earmark.aid_classes)
    return {
        "id": contribution.id,
        "contributor": contribution.contributor,
        "amount_minor": contribution.amount.minor,
        "currency": contribution.amount.currency,
        "pledged_on": contribution.pledged_on,
        "status": contribution.status.value,
        "confidential": contribution.confidential,
        "anonymous": contribution.anonymous,
        "purpose": contribution.purpose,
        "source": contribution.source,
        "earmark_package_id": earmark.package_id,
        "earmark_areas": _join(earmark.areas),
        "earmark_aid_classes": _join(aid_classes),
        "earmark_expires_on": earmark.expires_on,
        "received_on": contribution.received_on,
        "usd_minor": None if conversion is None else conversion.converted.minor,
        "fx_rate": None if conversion is None else str(conversion.rate),
        "fx_rate_date": None if conversion is None else conversion.rate_date,
        "fx_source": None if conversion is None else conversion.source,
        "import_digest": contribution.import_digest,
    }


class SqlContributionRepository(VersionedRecords[ContributionRow, Contribution]):
    table, record_type, entity = ContributionRow, Contribution, "contribution"

    def _load(self, rows: Sequence[ContributionRow]) -> list[Contribution]:
        return with_members(self._session, rows, ContributionRow.id.in_([r.id for r in rows]))

    def _where(self, *criteria: ColumnElement[bool], order_by: Sequence[Any]) -> list[Contribution]:
        rows = self._session.scalars(select(ContributionRow).where(*criteria).order_by(*order_by))
        found = rows.all()
        self._saw(found)
        return with_members(self._session, found, *criteria)

    def _columns(self, contribution: Contribution) -> dict[str, Any]:
        return _contribution_values(contribution)

    def _children(self, contribution: Contribution) -> list[object]:
        """The parts, inserted with the pledge; `children` stays empty, so a save (a status,
        a receipt, a disclosure) never deletes or rewrites them."""
        return list(_member_rows(contribution))

    def add(self, contribution: Contribution) -> None:
        super().add(contribution)
        contribution_totals.move(self._session, moved((), [entry(contribution)]))

    def _update(self, contribution: Contribution) -> None:
        """Save over the version loaded, moving the kept totals from the row as it was at that
        version (a row saved meanwhile by another makes the save fail, and nothing moves)."""
        c = ContributionRow
        was = self._session.execute(
            select(c.contributor, c.currency, c.status, c.confidential, c.anonymous,
                   c.amount_minor, c.usd_minor)
            .where(c.id == contribution.id, c.version == self._versions.expected(contribution.id))
        ).first()  # fmt: skip
        super()._update(contribution)
        assert was is not None  # the save found the row at that version
        who, code, status, hidden, unnamed, minor, usd = was
        key = TotalKey(who, code, status, bool(hidden), bool(unnamed))
        total = Total(1, minor, 0 if usd is None else usd, int(usd is not None))
        contribution_totals.move(self._session, moved([(key, total)], [entry(contribution)]))

    def kept_totals(self) -> ContributionTotals:
        return contribution_totals.kept(self._session)

    def rebuild_totals(self) -> int:
        contribution_totals.rebuild(self._session)
        return len(contribution_totals.kept(self._session))

    def _unique(self, contribution: Contribution) -> list[tuple[ColumnElement[bool], object]]:
        digest = contribution.import_digest
        if digest is None:
            return super()._unique(contribution)
        return [*super()._unique(contribution), (ContributionRow.import_digest == digest, digest)]

    def find_imported(self, digests: Collection[str]) -> dict[str, ContributionId]:
        if not digests:
            return {}
        found = self._session.execute(
            select(ContributionRow.import_digest, ContributionRow.id).where(
                ContributionRow.import_digest.in_(sorted(set(digests)))
            )
        )
        return {digest: ContributionId(key) for digest, key in found if digest is not None}

    def list(
        self,
        *,
        contributor: ParticipantCode | None = None,
        statuses: Sequence[ContributionStatus] | None = None,
        ids: Collection[ContributionId] | None = None,
    ) -> list[Contribution]:
        criteria: list[ColumnElement[bool]] = []
        if ids is not None:
            criteria.append(ContributionRow.id.in_(sorted(ids)))
        if contributor is not None:
            criteria.append(ContributionRow.contributor == contributor)
        if statuses is not None:
            criteria.append(ContributionRow.status.in_([s.value for s in statuses]))
        return self._where(*criteria, order_by=[ContributionRow.id])

    def ids(self, *, statuses: Sequence[ContributionStatus]) -> Sequence[ContributionId]:
        rows = self._session.scalars(
            select(ContributionRow.id)
            .where(ContributionRow.status.in_([s.value for s in statuses]))
            .order_by(ContributionRow.id)
        )
        return [ContributionId(key) for key in rows]

    def last_id(self) -> int:
        return int(self._session.scalar(select(func.max(ContributionRow.id))) or 0)

    def contributors(self, ids: Collection[ContributionId], /) -> dict[ContributionId, str]:
        wanted = sorted(set(ids))
        found: dict[ContributionId, str] = {}
        for start in range(0, len(wanted), IN_LIST_CHUNK):
            rows = self._session.execute(
                select(ContributionRow.id, ContributionRow.contributor).where(
                    ContributionRow.id.in_(wanted[start : start + IN_LIST_CHUNK])
                )
            )
            found.update((ContributionId(key), code) for key, code in rows)
        return found

    def terms(
        self, ids: Collection[ContributionId], /, *, statuses: Sequence[ContributionStatus]
    ) -> Sequence[SpendingTerms]:
        c = ContributionRow
        wanted = sorted(set(ids))
        found: list[SpendingTerms] = []
        for start in range(0, len(wanted), IN_LIST_CHUNK):
            rows = self._session.execute(
                select(c.id, c.contributor, c.earmark_package_id, c.earmark_areas,
                       c.earmark_aid_classes, c.earmark_expires_on, c.received_on)
                .where(c.id.in_(wanted[start : start + IN_LIST_CHUNK]),
                       c.status.in_([s.value for s in statuses]))
                .order_by(c.id)
            )  # fmt: skip
            found.extend(
                SpendingTerms(
                    ContributionId(key), ParticipantCode(who),
                    _earmark(package_id, areas, aid_classes, expires_on), received_on,
                )
                for key, who, package_id, areas, aid_classes, expires_on, received_on in rows
            )  # fmt: skip
        return found

    def page(
        self,
        *,
        status: ContributionStatus | None = None,
        confidential: bool | None = None,
        offset: int,
        limit: int,
    ) -> tuple[Sequence[Contribution], int]:
        """Counted by the kept totals and cut in SQL: only the page's contributions are read,
        with their parts."""
        c, t = ContributionRow, ContributionTotalRow
        criteria: list[ColumnElement[bool]] = []
        kept: list[ColumnElement[bool]] = []  # the same, counted by the kept totals
        if status is not None:
            criteria.append(c.status == status.value)
            kept.append(t.status == status.value)
        if confidential is not None:
            criteria.append(c.confidential == confidential)
            kept.append(t.confidential == confidential)
        total = self._session.scalar(select(func.sum(t.count)).where(*kept))
        rows = self._session.scalars(
            select(c).where(*criteria).order_by(c.id).offset(offset).limit(limit)
        ).all()
        self._saw(rows)
        return self._load(rows), int(total or 0)
