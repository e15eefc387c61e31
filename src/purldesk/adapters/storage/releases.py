"""Each package's kept states (`domain/package_history.py`) on SQLAlchemy: append-only."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from purldesk.adapters.storage.history_tables import PackageReleaseRow
from purldesk.adapters.storage.rows import _insert
from purldesk.domain import package_history
from purldesk.domain.package_history import PackageRelease
from purldesk.domain.packages import PackageId, package_ref


def release_of(row: PackageReleaseRow) -> PackageRelease:
    package_id = PackageId(row.package_id)
    return PackageRelease(
        package_id=package_id, number=row.number, at=row.at, audit_seq=row.audit_seq,
        ledger_seq=row.ledger_seq, state=package_history.parse(package_id, row.state),
    )  # fmt: skip


class SqlReleaseRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def latest(self, package_id: PackageId) -> PackageRelease | None:
        row = self._session.scalars(
            select(PackageReleaseRow)
            .where(PackageReleaseRow.package_id == package_id)
            .order_by(PackageReleaseRow.number.desc())
            .limit(1)
        ).first()
        return None if row is None else release_of(row)

    def add(self, release: PackageRelease) -> None:
        row = PackageReleaseRow(
            package_id=release.package_id, number=release.number, at=release.at,
            audit_seq=release.audit_seq, ledger_seq=release.ledger_seq,
            state=package_history.document(release.state),
        )  # fmt: skip
        taken = and_(
            PackageReleaseRow.package_id == release.package_id,
            PackageReleaseRow.number == release.number,
        )
        shown = f"{package_ref(release.package_id)} release {release.number}"
        _insert(self._session, "package release", row, keys=[(taken, shown)])
