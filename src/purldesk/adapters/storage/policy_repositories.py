"""Policy versions and indicator observations on SQLAlchemy; both are append-only."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from purldesk.adapters.storage.rows import _insert
from purldesk.adapters.storage.tables import IndicatorObservationRow, PolicyVersionRow
from purldesk.domain.errors import NotFound
from purldesk.domain.indicators import Observation, ObservationId
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.policies import PolicyVersion, PolicyVersionId
from purldesk.domain.policy_documents import parse_policy


def _version(row: PolicyVersionRow) -> PolicyVersion:
    # The document was checked in full when it was set; read back, it is only parsed.
    policy = parse_policy(row.document, filename=row.filename)
    return PolicyVersion(
        id=PolicyVersionId(row.id),
        contributor=ParticipantCode(row.contributor),
        version=row.version,
        policy=policy,
        document=row.document,
        filename=row.filename,
        recorded_at=row.recorded_at,
    )


class SqlPolicyRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, version: PolicyVersion) -> None:
        row = PolicyVersionRow(
            id=version.id,
            contributor=version.contributor,
            version=version.version,
            valid_from=version.policy.valid_from,
            valid_until=version.policy.valid_until,
            document=version.document,
            filename=version.filename,
            recorded_at=version.recorded_at,
        )
        same = (PolicyVersionRow.contributor == version.contributor) & (
            PolicyVersionRow.version == version.version
        )
        _insert(
            self._session,
            "policy version",
            row,
            keys=[
                (PolicyVersionRow.id == version.id, version.id),
                (same, f"{version.contributor} v{version.version}"),
            ],
        )

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
        query = select(PolicyVersionRow).order_by(
            PolicyVersionRow.contributor, PolicyVersionRow.version
        )
        if contributor is not None:
            query = query.where(PolicyVersionRow.contributor == contributor)
        return [_version(row) for row in self._session.scalars(query)]


def _observation(row: IndicatorObservationRow) -> Observation:
    return Observation(
        id=ObservationId(row.id),
        name=row.name,
        value=Decimal(row.value),
        observed_on=row.observed_on,
        source=row.source,
        recorded_at=row.recorded_at,
        note=row.note,
        supersedes=None if row.supersedes is None else ObservationId(row.supersedes),
    )


class SqlIndicatorRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, observation_id: ObservationId) -> Observation:
        row = self._session.get(IndicatorObservationRow, observation_id)
        if row is None:
            raise NotFound("observation", f"#{observation_id}")
        return _observation(row)

    def add(self, observation: Observation) -> None:
        row = IndicatorObservationRow(
            id=observation.id,
            name=observation.name,
            value=str(observation.value),
            observed_on=observation.observed_on,
            source=observation.source,
            note=observation.note,
            supersedes=observation.supersedes,
            recorded_at=observation.recorded_at,
        )
        keys = [(IndicatorObservationRow.id == observation.id, f"#{observation.id}")]
        if observation.supersedes is not None:
            keys.append(
                (
                    IndicatorObservationRow.supersedes == observation.supersedes,
                    f"correction of #{observation.supersedes}",
                )
            )
        _insert(self._session, "observation", row, keys=keys)

    def names(self) -> list[str]:
        """Every indicator with at least one observation, by name."""
        query = (
            select(IndicatorObservationRow.name).distinct().order_by(IndicatorObservationRow.name)
        )
        return list(self._session.scalars(query))

    def list(self, *, name: str | None = None) -> list[Observation]:
        """Observations in the order they were recorded (by id), superseded ones included."""
        query = select(IndicatorObservationRow).order_by(IndicatorObservationRow.id)
        if name is not None:
            query = query.where(IndicatorObservationRow.name == name)
        return [_observation(row) for row in self._session.scalars(query)]
