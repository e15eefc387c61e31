"""Participants: nations by ISO 3166-1 alpha-3 code, or named groups of nations."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NewType

from purldesk.domain.errors import InvalidInput
from purldesk.domain.lifecycle import transition
from purldesk.domain.text import parse_choice

ParticipantCode = NewType("ParticipantCode", str)

_GROUP_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")


class ParticipantKind(StrEnum):
    ALLY = "ally"
    PARTNER = "partner"
    RECIPIENT = "recipient"
    SUPPLIER = "supplier"
    COORDINATOR = "coordinator"


class ParticipantStatus(StrEnum):
    INVITED = "invited"
    REVIEWING = "reviewing"
    JOINED = "joined"
    SUSPENDED = "suspended"


PARTICIPANT_TRANSITIONS: Mapping[ParticipantStatus, frozenset[ParticipantStatus]] = {
    ParticipantStatus.INVITED: frozenset({ParticipantStatus.REVIEWING, ParticipantStatus.JOINED}),
    ParticipantStatus.REVIEWING: frozenset({ParticipantStatus.JOINED, ParticipantStatus.INVITED}),
    ParticipantStatus.JOINED: frozenset({ParticipantStatus.SUSPENDED}),
    ParticipantStatus.SUSPENDED: frozenset({ParticipantStatus.JOINED}),
}

CONTRIBUTING_KINDS = frozenset({ParticipantKind.ALLY, ParticipantKind.PARTNER})


@dataclass(frozen=True, slots=True)
class Participant:
    """An organization: a nation (ISO alpha-3 code) or a named group of nations."""

    code: ParticipantCode
    name: str
    kind: ParticipantKind
    status: ParticipantStatus
    members: tuple[ParticipantCode, ...] = ()

    @property
    def is_group(self) -> bool:
        return bool(self.members)

    @property
    def can_contribute(self) -> bool:
        return self.kind in CONTRIBUTING_KINDS

    def move_to(self, target: ParticipantStatus) -> Participant:
        return replace(
            self, status=transition("participant", PARTICIPANT_TRANSITIONS, self.status, target)
        )


def parse_code(
    text: str, *, is_nation_code: Callable[[str], bool], field: str = "code"
) -> ParticipantCode:
    """A nation's ISO 3166-1 alpha-3 code, or an organization's or group's own short code.

    Three letters are read as a nation's code and must be a real one, so a typo of a nation
    never passes as a new organization; an own code has a digit or hyphen, or another length.
    """
    code = text.strip().upper()
    if is_nation_code(code):
        return ParticipantCode(code)
    if len(code) == 3 and code.isalpha():
        raise InvalidInput(field, f"{text!r} is not an ISO 3166-1 alpha-3 country code")
    if not _GROUP_CODE.match(code):
        raise InvalidInput(
            field,
            f"{text!r} is neither an ISO 3166-1 alpha-3 code nor an own code"
            " (2-16 of A-Z, 0-9, '-')",
        )
    return ParticipantCode(code)


def check_members(
    code: ParticipantCode,
    members: tuple[ParticipantCode, ...],
    *,
    is_nation_code: Callable[[str], bool],
    field: str = "members",
) -> None:
    """Only a group (an own code) has members, and its members are nations."""
    if members and is_nation_code(code):
        raise InvalidInput(field, f"{code} is a nation; only a group has members")
    for member in members:
        if not is_nation_code(member):
            raise InvalidInput(field, f"{member} is not an ISO 3166-1 alpha-3 country code")
    if code in members:
        raise InvalidInput(field, f"{code} cannot be a member of itself")


def parse_kind(text: str, *, field: str = "kind") -> ParticipantKind:
    return parse_choice(ParticipantKind, text, field=field)


def parse_status(text: str, *, field: str = "status") -> ParticipantStatus:
    return parse_choice(ParticipantStatus, text, field=field)
