"""Use cases for participants."""

from __future__ import annotations

from collections.abc import Sequence

from purldesk.domain.access import Permission
from purldesk.domain.errors import AlreadyExists, InvalidInput
from purldesk.domain.participants import Participant, ParticipantStatus
from purldesk.services.handle import Command, Context, command, move_one
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
    return move_one(uow, lambda opened: opened.participants, code, status)


def list_all(uow: UnitOfWork) -> list[Participant]:
    with uow:
        return sorted(uow.participants.list(), key=lambda p: p.code)


def _check_members(uow: UnitOfWork, participant: Participant) -> None:
    for member in participant.members:
        found = uow.participants.find(member)
        if found is None or found.is_group:
            raise InvalidInput("members", f"{member} is not a registered nation")


# -- commands: who takes part is set up by the operator ----------------------------------------


@command("participants.add", Permission.REGISTER_PARTICIPANT)
class Add(Command[Participant]):
    participant: Participant

    def execute(self, uow: UnitOfWork, context: Context) -> Participant:
        return add(uow, participant=self.participant)

    def target(self, result: Participant) -> str:
        return result.code


@command("participants.add_many", Permission.REGISTER_PARTICIPANT)
class AddMany(Command[list[Participant]]):
    """Register several participants at once; existing codes are left as they are."""

    participants: tuple[Participant, ...]

    def execute(self, uow: UnitOfWork, context: Context) -> list[Participant]:
        return add_many(uow, participants=self.participants)

    def target(self, result: list[Participant]) -> str:
        return "participants"


@command("participants.move", Permission.REGISTER_PARTICIPANT)
class Move(Command[Participant]):
    """Move a participant along invited, reviewing, joined, suspended."""

    code: str
    status: ParticipantStatus

    def execute(self, uow: UnitOfWork, context: Context) -> Participant:
        return move(uow, code=self.code, status=self.status)

    def target(self, result: Participant) -> str:
        return result.code
