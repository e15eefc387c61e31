"""Use cases for participants."""

from __future__ import annotations

from collections.abc import Sequence

from purldesk.domain.errors import AlreadyExists, InvalidInput
from purldesk.domain.participants import Participant, ParticipantStatus
from purldesk.services.ports import UnitOfWork


def add(uow: UnitOfWork, *, participant: Participant) -> Participant:
    """Register a participant; a group's members must be registered nations."""
    with uow:
        if uow.participants.find(participant.code) is not None:
            raise AlreadyExists("participant", participant.code)
        _check_members(uow, participant)
        uow.participants.add(participant)
        uow.commit()
        return participant


def add_many(uow: UnitOfWork, *, participants: Sequence[Participant]) -> list[Participant]:
    """Register several participants in one transaction; existing codes are left as they are."""
    with uow:
        known = {p.code for p in uow.participants.list()}
        added = []
        for participant in sorted(participants, key=lambda p: (p.is_group, p.code)):
            if participant.code in known:
                continue
            _check_members(uow, participant)
            uow.participants.add(participant)
            known.add(participant.code)
            added.append(participant)
        uow.commit()
        return added


def move(uow: UnitOfWork, *, code: str, status: ParticipantStatus) -> Participant:
    with uow:
        moved = uow.participants.get(code).move_to(status)
        uow.participants.save(moved)
        uow.commit()
        return moved


def list_all(uow: UnitOfWork) -> list[Participant]:
    with uow:
        return sorted(uow.participants.list(), key=lambda p: p.code)


def _check_members(uow: UnitOfWork, participant: Participant) -> None:
    for member in participant.members:
        found = uow.participants.find(member)
        if found is None or found.is_group:
            raise InvalidInput("members", f"{member} is not a registered nation")
