"""The participant repository on SQLAlchemy: a participant row and its members."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from purldesk.adapters.storage.rows import _insert, _rowcount
from purldesk.adapters.storage.tables import ParticipantMemberRow, ParticipantRow
from purldesk.domain.errors import NotFound
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)


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
