"""The participant repository on SQLAlchemy: a participant row and its members."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from purldesk.adapters.storage.repository import StoredRecords, from_row, to_columns
from purldesk.adapters.storage.tables import ParticipantMemberRow, ParticipantRow
from purldesk.domain.participants import Participant, ParticipantCode


class SqlParticipantRepository(StoredRecords[ParticipantRow, Participant]):
    table, record_type, entity, key = ParticipantRow, Participant, "participant", "code"
    children = ((ParticipantMemberRow, "group_code"),)

    def _columns(self, participant: Participant) -> dict[str, Any]:
        return to_columns(participant, skip=["members"])

    def _children(self, participant: Participant) -> list[object]:
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
        return [from_row(Participant, r, members=tuple(members[r.code])) for r in rows]

    def list(self) -> list[Participant]:
        return self._where(order_by=[ParticipantRow.code])
