"""Policy versions and indicator observations on SQLAlchemy; both are append-only."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from purldesk.adapters.storage.repository import TableRepository, from_row, to_columns
from purldesk.adapters.storage.tables import IndicatorObservationRow, PolicyVersionRow
from purldesk.domain.indicators import Observation
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.policies import PolicyVersion


class SqlPolicyRepository(TableRepository[PolicyVersionRow, PolicyVersion]):
    """Versions are append-only, so within one transaction a contributor's versions are read
    (and their documents parsed) once: an allocation asks for them for every contribution it
    weighs, after reading those of all its contributors in one statement (`list_of`). An add
    in the same transaction forgets what was read."""

    table, record_type, entity = PolicyVersionRow, PolicyVersion, "policy version"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._read: dict[ParticipantCode | None, list[PolicyVersion]] = {}

    def _record(self, row: PolicyVersionRow) -> PolicyVersion:
        # Imported here: the TOML parser is needed only where a policy is read back.
        from purldesk.domain.policy_documents import parse_policy

        # The document was checked in full when it was set; read back, it is only parsed.
        return from_row(
            PolicyVersion, row, policy=parse_policy(row.document, filename=row.filename)
        )

    def _columns(self, version: PolicyVersion) -> dict[str, Any]:
        policy = version.policy
        return to_columns(
            version, skip=["policy"], valid_from=policy.valid_from, valid_until=policy.valid_until
        )

    def _unique(self, version: PolicyVersion) -> list[tuple[ColumnElement[bool], object]]:
        same = (PolicyVersionRow.contributor == version.contributor) & (
            PolicyVersionRow.version == version.version
        )
        return [*super()._unique(version), (same, f"{version.contributor} v{version.version}")]

    def add(self, version: PolicyVersion) -> None:
        self._read.clear()
        self._insert(version)

    def latest_version(self, contributor: ParticipantCode) -> int:
        """The highest version number of the contributor's policy; 0 if it has none."""
        found = self._session.scalar(
            select(func.max(PolicyVersionRow.version)).where(
                PolicyVersionRow.contributor == contributor
            )
        )
        return int(found or 0)

    def list(self, *, contributor: ParticipantCode | None = None) -> list[PolicyVersion]:
        """Versions by contributor, then version number."""
        if contributor not in self._read:
            criteria = [] if contributor is None else [PolicyVersionRow.contributor == contributor]
            order = [PolicyVersionRow.contributor, PolicyVersionRow.version]
            self._read[contributor] = self._where(*criteria, order_by=order)
        return list(self._read[contributor])

    def list_of(
        self, contributors: Collection[ParticipantCode]
    ) -> dict[ParticipantCode, Sequence[PolicyVersion]]:
        wanted = set(contributors)
        unread = sorted(wanted - self._read.keys())
        if unread:
            found: dict[ParticipantCode | None, list[PolicyVersion]] = {c: [] for c in unread}
            order = [PolicyVersionRow.contributor, PolicyVersionRow.version]
            for version in self._where(PolicyVersionRow.contributor.in_(unread), order_by=order):
                found[version.contributor].append(version)
            self._read.update(found)
        return {code: list(self._read[code]) for code in sorted(wanted)}


class SqlIndicatorRepository(TableRepository[IndicatorObservationRow, Observation]):
    """Observations are append-only: read once per transaction, as policy versions are."""

    table, record_type, entity = IndicatorObservationRow, Observation, "observation"

    def __init__(self, session: Session) -> None:
        super().__init__(session)
        self._read: dict[str | None, list[Observation]] = {}

    def _record(self, row: IndicatorObservationRow) -> Observation:
        return from_row(Observation, row, value=Decimal(row.value))

    def _columns(self, observation: Observation) -> dict[str, Any]:
        return to_columns(observation, value=str(observation.value))

    def _shown(self, key: Any) -> object:
        return f"#{key}"

    def _unique(self, observation: Observation) -> list[tuple[ColumnElement[bool], object]]:
        keys = super()._unique(observation)
        if observation.supersedes is not None:
            keys.append(
                (
                    IndicatorObservationRow.supersedes == observation.supersedes,
                    f"correction of #{observation.supersedes}",
                )
            )
        return keys

    def add(self, observation: Observation) -> None:
        self._read.clear()
        self._insert(observation)

    def names(self) -> list[str]:
        """Every indicator with at least one observation, by name."""
        query = (
            select(IndicatorObservationRow.name).distinct().order_by(IndicatorObservationRow.name)
        )
        return list(self._session.scalars(query))

    def list(self, *, name: str | None = None) -> list[Observation]:
        """Observations in the order they were recorded (by id), superseded ones included."""
        if name not in self._read:
            criteria = [] if name is None else [IndicatorObservationRow.name == name]
            self._read[name] = self._where(*criteria, order_by=[IndicatorObservationRow.id])
        return list(self._read[name])
