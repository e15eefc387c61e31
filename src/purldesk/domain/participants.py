"""Participants: nations by ISO 3166-1 alpha-3 code, or named groups of nations."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NewType

from purldesk.domain.errors import InvalidInput
from purldesk.domain.lifecycle import transition

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
    text: str, *, is_nation_code: Callable[[str], bool], group: bool, field: str = "code"
) -> ParticipantCode:
    """Validate a participant code: a nation's ISO 3166-1 alpha-3, or a group's own short code.

    A group code may not be an ISO alpha-3 code, so a group can never pass for a nation.
    """
    code = text.strip().upper()
    if group:
        if not _GROUP_CODE.match(code):
            raise InvalidInput(field, f"{text!r} is not a group code (2-16 of A-Z, 0-9, '-')")
        if is_nation_code(code):
            raise InvalidInput(field, f"{code} is an ISO 3166 country code, not a group code")
        return ParticipantCode(code)
    if not is_nation_code(code):
        raise InvalidInput(field, f"{text!r} is not an ISO 3166-1 alpha-3 country code")
    return ParticipantCode(code)


def parse_kind(text: str, *, field: str = "kind") -> ParticipantKind:
    try:
        return ParticipantKind(text.strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in ParticipantKind)
        raise InvalidInput(field, f"{text!r} is not one of {allowed}") from None


def parse_status(text: str, *, field: str = "status") -> ParticipantStatus:
    try:
        return ParticipantStatus(text.strip().lower())
    except ValueError:
        allowed = ", ".join(s.value for s in ParticipantStatus)
        raise InvalidInput(field, f"{text!r} is not one of {allowed}") from None
