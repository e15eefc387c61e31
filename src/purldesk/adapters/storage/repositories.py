"""The repository ports on SQLAlchemy: rows in, domain dataclasses out, translated by hand."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, delete, exists, func, insert, select, text, update
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import InstrumentedAttribute, Session

from purldesk.adapters.storage.tables import (
    AttributionRow,
    CatalogItemRow,
    ContributionRow,
    CycleRow,
    LedgerEntryRow,
    LedgerPostingRow,
    LineChangeRow,
    PackageLineRow,
    PackageRow,
    ParticipantMemberRow,
    ParticipantRow,
    RankChangeRow,
    RequirementLineRow,
    ShipmentRow,
)
from purldesk.domain import ledger
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.contributions import (
    Contribution,
    ContributionId,
    ContributionStatus,
    Earmark,
    contribution_ref,
)
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.errors import AlreadyExists, Conflict, NotFound
from purldesk.domain.ledger import LedgerEntry, LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import USD, Conversion, Currency, Money
from purldesk.domain.packages import Attribution, Package, PackageId, PackageLine, PackageStatus
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import (
    Cycle,
    CycleId,
    CycleStatus,
    LineChange,
    LineId,
    LineStatus,
    RankChange,
    RequirementLine,
)

# Any fixed bigint will do; it only has to be the same in every process that appends.
LEDGER_LOCK_KEY = 0x7075726C_6C656467  # "purlledg"
# Keys per IN (...) list: well under SQLite's oldest limit of 999 bound parameters.
IN_LIST_CHUNK = 500

T = TypeVar("T")


def _exists(session: Session, criterion: ColumnElement[bool]) -> bool:
    return bool(session.scalar(select(exists().where(criterion))))


def _insert(
    session: Session,
    entity: str,
    row: object,
    *children: object,
    keys: Sequence[tuple[ColumnElement[bool], object]],
) -> None:
    """Insert a row, then its children; a taken key (criterion, key) becomes AlreadyExists.

    The savepoint keeps the transaction usable after a refused insert. Parent and children
    are flushed apart because, without relationships, the ORM does not order them.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
            session.add_all(children)
            session.flush()
    except IntegrityError:
        for criterion, key in keys:
            if _exists(session, criterion):
                raise AlreadyExists(entity, key) from None
        raise


def _rowcount(result: Result[Any]) -> int:
    """Rows matched by an UPDATE (a DML result is always a CursorResult)."""
    return cast("CursorResult[Any]", result).rowcount


def _join(values: Iterable[str] | None) -> str | None:
    """A set as sorted, comma-separated text; None stays None and an empty set stays ''."""
    return None if values is None else ",".join(sorted(values))


def _split(text_value: str | None) -> list[str] | None:
    if text_value is None:
        return None
    return [] if text_value == "" else text_value.split(",")


def _unchecked(cls: type[T], **fields: object) -> T:
    """Build a frozen dataclass without its __post_init__ checks.

    Only for reading the ledger back: a row altered in SQL must still load so that
    `verify` can report it, instead of failing in the constructor.
    """
    instance = object.__new__(cls)
    for name, value in fields.items():
        object.__setattr__(instance, name, value)
    return instance


# -- participants -----------------------------------------------------------------------------


class SqlParticipantRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, code: str) -> Participant:
        found = self.find(code)
        if found is None:
            raise NotFound("participant", code)
        return found

    def find(self, code: str) -> Participant | None:
        row = self._session.get(ParticipantRow, code)
        return None if row is None else self._load([row])[0]

    def add(self, participant: Participant) -> None:
        _insert(
            self._session,
            "participant",
            ParticipantRow(
                code=participant.code,
                name=participant.name,
                kind=participant.kind.value,
                status=participant.status.value,
            ),
            *self._member_rows(participant),
            keys=[(ParticipantRow.code == participant.code, participant.code)],
        )

    def save(self, participant: Participant) -> None:
        result = self._session.execute(
            update(ParticipantRow)
            .where(ParticipantRow.code == participant.code)
            .values(
                name=participant.name,
                kind=participant.kind.value,
                status=participant.status.value,
            )
        )
        if _rowcount(result) == 0:
            raise NotFound("participant", participant.code)
        self._session.execute(
            delete(ParticipantMemberRow).where(ParticipantMemberRow.group_code == participant.code)
        )
        self._session.add_all(self._member_rows(participant))
        self._session.flush()

    @staticmethod
    def _member_rows(participant: Participant) -> list[ParticipantMemberRow]:
        return [
            ParticipantMemberRow(group_code=participant.code, position=i, member_code=member)
            for i, member in enumerate(participant.members)
        ]

    def _load(self, rows: Sequence[ParticipantRow]) -> list[Participant]:
        members: dict[str, list[ParticipantCode]] = defaultdict(list)
        if rows:
            member_rows = self._session.scalars(
                select(ParticipantMemberRow)
                .where(ParticipantMemberRow.group_code.in_([r.code for r in rows]))
                .order_by(ParticipantMemberRow.group_code, ParticipantMemberRow.position)
            )
            for m in member_rows:
                members[m.group_code].append(ParticipantCode(m.member_code))
        return [
            Participant(
                code=ParticipantCode(r.code),
                name=r.name,
                kind=ParticipantKind(r.kind),
                status=ParticipantStatus(r.status),
                members=tuple(members[r.code]),
            )
            for r in rows
        ]

    def list(self) -> list[Participant]:
        rows = self._session.scalars(select(ParticipantRow).order_by(ParticipantRow.code)).all()
        return self._load(rows)


# -- catalog ----------------------------------------------------------------------------------


def _catalog_item(row: CatalogItemRow) -> CatalogItem:
    return CatalogItem(
        code=ItemCode(row.code),
        name=row.name,
        area=row.area,
        aid_class=AidClass(row.aid_class),
        unit_price=Money(row.unit_price_minor, Currency(row.currency)),
        lot_size=row.lot_size,
        available_per_cycle=row.available_per_cycle,
        lead_time_days=row.lead_time_days,
    )


def _catalog_values(item: CatalogItem) -> dict[str, Any]:
    return {
        "name": item.name,
        "area": item.area,
        "aid_class": item.aid_class.value,
        "unit_price_minor": item.unit_price.minor,
        "currency": item.unit_price.currency,
        "lot_size": item.lot_size,
        "available_per_cycle": item.available_per_cycle,
        "lead_time_days": item.lead_time_days,
    }


class SqlCatalogRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, code: str) -> CatalogItem:
        found = self.find(code)
        if found is None:
            raise NotFound("catalog item", code)
        return found

    def find(self, code: str) -> CatalogItem | None:
        row = self._session.get(CatalogItemRow, code)
        return None if row is None else _catalog_item(row)

    def add(self, item: CatalogItem) -> None:
        row = CatalogItemRow(code=item.code, **_catalog_values(item))
        _insert(
            self._session, "catalog item", row, keys=[(CatalogItemRow.code == item.code, item.code)]
        )

    def save(self, item: CatalogItem) -> None:
        result = self._session.execute(
            update(CatalogItemRow)
            .where(CatalogItemRow.code == item.code)
            .values(**_catalog_values(item))
        )
        if _rowcount(result) == 0:
            raise NotFound("catalog item", item.code)

    def list(self) -> list[CatalogItem]:
        rows = self._session.scalars(select(CatalogItemRow).order_by(CatalogItemRow.code))
        return [_catalog_item(row) for row in rows]


# -- cycles and requirement lines -------------------------------------------------------------


def _cycle(row: CycleRow) -> Cycle:
    return Cycle(
        id=CycleId(row.id), name=row.name, opens_on=row.opens_on, status=CycleStatus(row.status)
    )


class SqlCycleRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, cycle_id: CycleId) -> Cycle:
        row = self._session.get(CycleRow, cycle_id)
        if row is None:
            raise NotFound("cycle", cycle_id)
        return _cycle(row)

    def find_by_name(self, name: str) -> Cycle | None:
        row = self._session.scalars(select(CycleRow).where(CycleRow.name == name)).first()
        return None if row is None else _cycle(row)

    def add(self, cycle: Cycle) -> None:
        row = CycleRow(
            id=cycle.id, name=cycle.name, opens_on=cycle.opens_on, status=cycle.status.value
        )
        keys = [(CycleRow.id == cycle.id, cycle.id), (CycleRow.name == cycle.name, cycle.name)]
        _insert(self._session, "cycle", row, keys=keys)

    def save(self, cycle: Cycle) -> None:
        result = self._session.execute(
            update(CycleRow)
            .where(CycleRow.id == cycle.id)
            .values(name=cycle.name, opens_on=cycle.opens_on, status=cycle.status.value)
        )
        if _rowcount(result) == 0:
            raise NotFound("cycle", cycle.id)

    def list(self) -> list[Cycle]:
        rows = self._session.scalars(select(CycleRow).order_by(CycleRow.opens_on, CycleRow.id))
        return [_cycle(row) for row in rows]


def _line(row: RequirementLineRow) -> RequirementLine:
    return RequirementLine(
        id=LineId(row.id),
        ref=row.ref,
        cycle_id=CycleId(row.cycle_id),
        item_code=ItemCode(row.item_code),
        area=row.area,
        aid_class=AidClass(row.aid_class),
        quantity=row.quantity,
        rank=row.rank,
        needed_by=row.needed_by,
        justification=row.justification,
        status=LineStatus(row.status),
    )


def _line_values(line: RequirementLine) -> dict[str, Any]:
    return {
        "ref": line.ref,
        "cycle_id": line.cycle_id,
        "item_code": line.item_code,
        "area": line.area,
        "aid_class": line.aid_class.value,
        "quantity": line.quantity,
        "rank": line.rank,
        "needed_by": line.needed_by,
        "justification": line.justification,
        "status": line.status.value,
    }


class SqlRequirementRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, line_id: LineId) -> RequirementLine:
        row = self._session.get(RequirementLineRow, line_id)
        if row is None:
            raise NotFound("requirement line", line_id)
        return _line(row)

    def find_by_ref(self, cycle_id: CycleId, ref: str) -> RequirementLine | None:
        row = self._session.scalars(
            select(RequirementLineRow).where(
                RequirementLineRow.cycle_id == cycle_id, RequirementLineRow.ref == ref
            )
        ).first()
        return None if row is None else _line(row)

    def add(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        same_ref = (RequirementLineRow.cycle_id == line.cycle_id) & (
            RequirementLineRow.ref == line.ref
        )
        _insert(
            self._session,
            "requirement line",
            RequirementLineRow(id=line.id, **_line_values(line)),
            RankChangeRow(line_id=line.id, rank=line.rank, at=at, by=by),
            keys=[
                (RequirementLineRow.id == line.id, line.id),
                (same_ref, f"{line.ref} in cycle {line.cycle_id}"),
            ],
        )

    def save(self, line: RequirementLine, *, at: datetime, by: str) -> None:
        previous = self._session.scalar(
            select(RequirementLineRow.rank).where(RequirementLineRow.id == line.id)
        )
        if previous is None:
            raise NotFound("requirement line", line.id)
        self._session.execute(
            update(RequirementLineRow)
            .where(RequirementLineRow.id == line.id)
            .values(**_line_values(line))
        )
        if previous != line.rank:
            self._session.add(RankChangeRow(line_id=line.id, rank=line.rank, at=at, by=by))
            self._session.flush()

    def rank_history(self, line_id: LineId) -> list[RankChange]:
        rows = self._session.scalars(
            select(RankChangeRow)
            .where(RankChangeRow.line_id == line_id)
            .order_by(RankChangeRow.at, RankChangeRow.id)
        )
        return [RankChange(LineId(r.line_id), r.rank, r.at, r.by) for r in rows]

    def append_changes(self, changes: Sequence[LineChange]) -> None:
        self._session.add_all(
            LineChangeRow(
                line_id=c.line_id, field=c.field, before=c.before, after=c.after, at=c.at, by=c.by
            )
            for c in changes
        )
        self._session.flush()

    def change_history(self, line_id: LineId) -> list[LineChange]:
        rows = self._session.scalars(
            select(LineChangeRow)
            .where(LineChangeRow.line_id == line_id)
            .order_by(LineChangeRow.at, LineChangeRow.id)
        )
        return [LineChange(LineId(r.line_id), r.field, r.before, r.after, r.at, r.by) for r in rows]

    def list(self, cycle_id: CycleId) -> list[RequirementLine]:
        rows = self._session.scalars(
            select(RequirementLineRow)
            .where(RequirementLineRow.cycle_id == cycle_id)
            .order_by(RequirementLineRow.rank, RequirementLineRow.id)
        )
        return [_line(row) for row in rows]


# -- versioned aggregates ---------------------------------------------------------------------


class _Versions:
    """The version of each aggregate as first loaded in this unit of work.

    Domain dataclasses carry no version, so the repository remembers what it handed out; a
    later read in the same unit of work does not move it, or a stale object could be saved.
    """

    def __init__(self, entity: str) -> None:
        self.entity = entity
        self._seen: dict[int, int] = {}

    def saw(self, key: int, version: int) -> None:
        self._seen.setdefault(key, version)

    def expected(self, key: int) -> int:
        try:
            return self._seen[key]
        except KeyError:
            raise Conflict(
                f"{self.entity} {key} was not loaded in this unit of work; "
                "load it before saving, so concurrent changes can be detected"
            ) from None

    def bumped(self, key: int, version: int) -> None:
        self._seen[key] = version


def _save_versioned(
    session: Session, table: Any, versions: _Versions, key: int, values: dict[str, Any]
) -> None:
    """UPDATE ... WHERE id = :id AND version = :loaded; no row means someone saved first."""
    loaded = versions.expected(key)
    result = session.execute(
        update(table)
        .where(table.id == key, table.version == loaded)
        .values(**values, version=loaded + 1)
    )
    if _rowcount(result) == 0:
        if not _exists(session, table.id == key):
            raise NotFound(versions.entity, key)
        raise Conflict(
            f"{versions.entity} {key} was changed by someone else since it was loaded "
            f"(version {loaded}); reload it and try again"
        )
    versions.bumped(key, loaded + 1)


# -- contributions ----------------------------------------------------------------------------


def _contribution(row: ContributionRow) -> Contribution:
    amount = Money(row.amount_minor, Currency(row.currency))
    areas = _split(row.earmark_areas)
    aid_classes = _split(row.earmark_aid_classes)
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
        earmark=Earmark(
            package_id=row.earmark_package_id,
            areas=None if areas is None else frozenset(areas),
            aid_classes=None if aid_classes is None else frozenset(map(AidClass, aid_classes)),
            expires_on=row.earmark_expires_on,
        ),
        received_on=row.received_on,
        conversion=conversion,
        anonymous=row.anonymous,
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
    }


class SqlContributionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._versions = _Versions("contribution")

    def get(self, contribution_id: ContributionId) -> Contribution:
        row = self._session.get(ContributionRow, contribution_id)
        if row is None:
            raise NotFound("contribution", contribution_id)
        self._versions.saw(row.id, row.version)
        return _contribution(row)

    def add(self, contribution: Contribution) -> None:
        row = ContributionRow(id=contribution.id, version=1, **_contribution_values(contribution))
        key = contribution.id
        _insert(self._session, "contribution", row, keys=[(ContributionRow.id == key, key)])
        self._versions.saw(contribution.id, 1)

    def save(self, contribution: Contribution) -> None:
        _save_versioned(
            self._session,
            ContributionRow,
            self._versions,
            contribution.id,
            _contribution_values(contribution),
        )

    def list(
        self,
        *,
        contributor: ParticipantCode | None = None,
        statuses: Sequence[ContributionStatus] | None = None,
    ) -> list[Contribution]:
        query = select(ContributionRow).order_by(ContributionRow.id)
        if contributor is not None:
            query = query.where(ContributionRow.contributor == contributor)
        if statuses is not None:
            query = query.where(ContributionRow.status.in_([s.value for s in statuses]))
        result = []
        for row in self._session.scalars(query):
            self._versions.saw(row.id, row.version)
            result.append(_contribution(row))
        return result


# -- packages ---------------------------------------------------------------------------------


def _package_values(package: Package) -> dict[str, Any]:
    return {
        "cycle_id": package.cycle_id,
        "name": package.name,
        "target_minor": package.target.minor,
        "currency": package.target.currency,
        "created_on": package.created_on,
        "status": package.status.value,
    }


class SqlPackageRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._versions = _Versions("package")

    def get(self, package_id: PackageId) -> Package:
        row = self._session.get(PackageRow, package_id)
        if row is None:
            raise NotFound("package", package_id)
        return self._load([row])[0]

    def add(self, package: Package) -> None:
        row = PackageRow(id=package.id, version=1, **_package_values(package))
        key = package.id
        _insert(
            self._session, "package", row, *self._parts(package), keys=[(PackageRow.id == key, key)]
        )
        self._versions.saw(package.id, 1)

    def save(self, package: Package) -> None:
        _save_versioned(
            self._session, PackageRow, self._versions, package.id, _package_values(package)
        )
        self._session.execute(delete(PackageLineRow).where(PackageLineRow.package_id == package.id))
        self._session.execute(delete(AttributionRow).where(AttributionRow.package_id == package.id))
        self._session.add_all(self._parts(package))
        self._session.flush()

    @staticmethod
    def _parts(package: Package) -> list[object]:
        lines: list[object] = [
            PackageLineRow(
                package_id=package.id,
                position=i,
                line_id=line.line_id,
                item_code=line.item_code,
                lots=line.lots,
                lot_price_minor=line.lot_price.minor,
                currency=line.lot_price.currency,
            )
            for i, line in enumerate(package.lines)
        ]
        attributions = [
            AttributionRow(
                package_id=package.id,
                position=i,
                contribution_id=part.contribution_id,
                line_id=part.line_id,
                amount_minor=part.amount.minor,
                currency=part.amount.currency,
            )
            for i, part in enumerate(package.attributions)
        ]
        return lines + attributions

    def _load(self, rows: Sequence[PackageRow]) -> list[Package]:
        ids = [row.id for row in rows]
        lines: dict[int, list[PackageLine]] = defaultdict(list)
        parts: dict[int, list[Attribution]] = defaultdict(list)
        if ids:
            for ln in self._session.scalars(
                select(PackageLineRow)
                .where(PackageLineRow.package_id.in_(ids))
                .order_by(PackageLineRow.package_id, PackageLineRow.position)
            ):
                lines[ln.package_id].append(
                    PackageLine(
                        line_id=LineId(ln.line_id),
                        item_code=ItemCode(ln.item_code),
                        lots=ln.lots,
                        lot_price=Money(ln.lot_price_minor, Currency(ln.currency)),
                    )
                )
            for at in self._session.scalars(
                select(AttributionRow)
                .where(AttributionRow.package_id.in_(ids))
                .order_by(AttributionRow.package_id, AttributionRow.position)
            ):
                parts[at.package_id].append(
                    Attribution(
                        contribution_id=ContributionId(at.contribution_id),
                        line_id=LineId(at.line_id),
                        amount=Money(at.amount_minor, Currency(at.currency)),
                    )
                )
        packages = []
        for row in rows:
            self._versions.saw(row.id, row.version)
            packages.append(
                Package(
                    id=PackageId(row.id),
                    cycle_id=CycleId(row.cycle_id),
                    name=row.name,
                    target=Money(row.target_minor, Currency(row.currency)),
                    created_on=row.created_on,
                    status=PackageStatus(row.status),
                    lines=tuple(lines[row.id]),
                    attributions=tuple(parts[row.id]),
                )
            )
        return packages

    def list(self, *, cycle_id: CycleId | None = None) -> list[Package]:
        query = select(PackageRow).order_by(PackageRow.id)
        if cycle_id is not None:
            query = query.where(PackageRow.cycle_id == cycle_id)
        return self._load(self._session.scalars(query).all())


# -- shipments --------------------------------------------------------------------------------


def _shipment(row: ShipmentRow) -> Shipment:
    return Shipment(
        id=ShipmentId(row.id),
        package_id=PackageId(row.package_id),
        line_id=LineId(row.line_id),
        quantity=row.quantity,
        shipped_on=row.shipped_on,
        received_on=row.received_on,
    )


def _shipment_values(shipment: Shipment) -> dict[str, Any]:
    return {
        "package_id": shipment.package_id,
        "line_id": shipment.line_id,
        "quantity": shipment.quantity,
        "shipped_on": shipment.shipped_on,
        "received_on": shipment.received_on,
    }


class SqlShipmentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, shipment_id: ShipmentId) -> Shipment:
        row = self._session.get(ShipmentRow, shipment_id)
        if row is None:
            raise NotFound("shipment", shipment_id)
        return _shipment(row)

    def add(self, shipment: Shipment) -> None:
        row = ShipmentRow(id=shipment.id, **_shipment_values(shipment))
        key = shipment.id
        _insert(self._session, "shipment", row, keys=[(ShipmentRow.id == key, key)])

    def save(self, shipment: Shipment) -> None:
        result = self._session.execute(
            update(ShipmentRow)
            .where(ShipmentRow.id == shipment.id)
            .values(**_shipment_values(shipment))
        )
        if _rowcount(result) == 0:
            raise NotFound("shipment", shipment.id)

    def list(self, *, package_id: PackageId | None = None) -> list[Shipment]:
        query = select(ShipmentRow).order_by(ShipmentRow.id)
        if package_id is not None:
            query = query.where(ShipmentRow.package_id == package_id)
        return [_shipment(row) for row in self._session.scalars(query)]


# -- ledger -----------------------------------------------------------------------------------


class SqlLedger:
    """The hash-chained ledger; appends are serialised across processes by a database lock."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def head(self) -> LedgerEntry | None:
        row = self._session.scalars(
            select(LedgerEntryRow).order_by(LedgerEntryRow.seq.desc()).limit(1)
        ).first()
        return None if row is None else self._load([row])[0]

    def append(
        self, transactions: Sequence[LedgerTransaction], *, recorded_at: datetime
    ) -> list[LedgerEntry]:
        """Seal the transactions onto the chain, holding the ledger lock until commit."""
        if not transactions:
            return []
        if recorded_at.tzinfo is None or recorded_at.utcoffset() is None:
            raise ValueError("recorded_at must be timezone-aware")
        # Hash the instant exactly as it will be read back (UTC), so verify recomputes it.
        recorded_at = recorded_at.astimezone(UTC)
        self.lock()
        tip = self._session.execute(
            select(LedgerEntryRow.seq, LedgerEntryRow.hash)
            .order_by(LedgerEntryRow.seq.desc())
            .limit(1)
        ).first()
        entries = ledger.chain_after(
            None if tip is None else (tip.seq, tip.hash), transactions, recorded_at=recorded_at
        )
        self._session.execute(insert(LedgerEntryRow), [_entry_values(e) for e in entries])
        self._session.execute(
            insert(LedgerPostingRow),
            [
                {
                    "entry_seq": e.seq,
                    "position": i,
                    "account": p.account,
                    "currency": p.amount.currency,
                    "amount_minor": p.amount.minor,
                    "contribution_ref": ledger.account_contribution(p.account),
                }
                for e in entries
                for i, p in enumerate(e.transaction.postings)
            ],
        )
        return entries

    def entries(self) -> list[LedgerEntry]:
        rows = self._session.scalars(select(LedgerEntryRow).order_by(LedgerEntryRow.seq)).all()
        return self._load(rows)

    def balances(self) -> dict[tuple[str, str], int]:
        total = func.sum(LedgerPostingRow.amount_minor)
        rows = self._session.execute(
            select(LedgerPostingRow.account, LedgerPostingRow.currency, total)
            .group_by(LedgerPostingRow.account, LedgerPostingRow.currency)
            .having(total != 0)
        )
        # PostgreSQL sums bigints into numeric, which arrives as Decimal.
        return {(account, cur): int(value) for account, cur, value in rows}

    def balances_of(self, accounts: Iterable[str]) -> dict[tuple[str, str], int]:
        """Summed over each account's own postings, found by the (account, currency) index."""
        return self._balances_where(LedgerPostingRow.account, accounts)

    def contribution_balances(self, contribution_ids: Iterable[int]) -> dict[tuple[str, str], int]:
        """Summed over the contributions' own postings, found by the contribution_ref index."""
        refs = (contribution_ref(contribution_id) for contribution_id in contribution_ids)
        return self._balances_where(LedgerPostingRow.contribution_ref, refs)

    def _balances_where(
        self, column: InstrumentedAttribute[Any], keys: Iterable[str]
    ) -> dict[tuple[str, str], int]:
        wanted = sorted(set(keys))
        total = func.sum(LedgerPostingRow.amount_minor)
        found: dict[tuple[str, str], int] = {}
        for start in range(0, len(wanted), IN_LIST_CHUNK):
            rows = self._session.execute(
                select(LedgerPostingRow.account, LedgerPostingRow.currency, total)
                .where(column.in_(wanted[start : start + IN_LIST_CHUNK]))
                .group_by(LedgerPostingRow.account, LedgerPostingRow.currency)
                .having(total != 0)
            )
            found.update({(account, cur): int(value) for account, cur, value in rows})
        return found

    def lock(self) -> None:
        """Hold the ledger's write lock until the transaction ends (re-entrant within it)."""
        # Read committed: the head read after the lock sees every append committed before it.
        # On SQLite, the engine's BEGIN IMMEDIATE already holds the only write lock.
        if self._session.get_bind().dialect.name == "postgresql":
            self._session.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK_KEY}
            )

    def _load(self, rows: Sequence[LedgerEntryRow]) -> list[LedgerEntry]:
        postings: dict[int, list[Posting]] = defaultdict(list)
        if rows:
            query = select(LedgerPostingRow).order_by(
                LedgerPostingRow.entry_seq, LedgerPostingRow.position
            )
            if len(rows) == 1:
                query = query.where(LedgerPostingRow.entry_seq == rows[0].seq)
            for p in self._session.scalars(query):
                amount = _unchecked(Money, minor=p.amount_minor, currency=Currency(p.currency))
                postings[p.entry_seq].append(_unchecked(Posting, account=p.account, amount=amount))
        return [_entry(row, tuple(postings[row.seq])) for row in rows]


def _entry_values(entry: LedgerEntry) -> dict[str, Any]:
    tx, conversion = entry.transaction, entry.transaction.conversion
    return {
        "seq": entry.seq,
        "recorded_at": entry.recorded_at,
        "kind": tx.kind.value,
        "occurred_on": tx.occurred_on,
        "memo": tx.memo,
        "contribution_id": tx.contribution_id,
        "package_id": tx.package_id,
        "reverses": tx.reverses,
        "fx_from_minor": None if conversion is None else conversion.original.minor,
        "fx_from_currency": None if conversion is None else conversion.original.currency,
        "fx_to_minor": None if conversion is None else conversion.converted.minor,
        "fx_to_currency": None if conversion is None else conversion.converted.currency,
        "fx_rate": None if conversion is None else str(conversion.rate),
        "fx_rate_date": None if conversion is None else conversion.rate_date,
        "fx_source": None if conversion is None else conversion.source,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def _entry(row: LedgerEntryRow, postings: tuple[Posting, ...]) -> LedgerEntry:
    conversion = None
    if row.fx_rate is not None:
        assert row.fx_from_minor is not None and row.fx_from_currency is not None
        assert row.fx_to_minor is not None and row.fx_to_currency is not None
        assert row.fx_rate_date is not None and row.fx_source is not None
        conversion = Conversion(
            original=_unchecked(
                Money, minor=row.fx_from_minor, currency=Currency(row.fx_from_currency)
            ),
            converted=_unchecked(
                Money, minor=row.fx_to_minor, currency=Currency(row.fx_to_currency)
            ),
            rate=Decimal(row.fx_rate),
            rate_date=row.fx_rate_date,
            source=row.fx_source,
        )
    transaction = _unchecked(
        LedgerTransaction,
        kind=TransactionKind(row.kind),
        occurred_on=row.occurred_on,
        postings=postings,
        memo=row.memo,
        contribution_id=row.contribution_id,
        package_id=row.package_id,
        conversion=conversion,
        reverses=row.reverses,
    )
    return LedgerEntry(row.seq, row.recorded_at, transaction, row.prev_hash, row.hash)
