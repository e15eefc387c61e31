"""Participants: kinds that may contribute, groups, and parsing of kinds and statuses."""

from __future__ import annotations

import pytest

from builders import make_participant
from purldesk.domain.errors import InvalidInput
from purldesk.domain.participants import (
    ParticipantKind,
    ParticipantStatus,
    parse_kind,
    parse_status,
)


@pytest.mark.parametrize(
    ("kind", "can"),
    [
        (ParticipantKind.ALLY, True),
        (ParticipantKind.PARTNER, True),
        (ParticipantKind.RECIPIENT, False),
        (ParticipantKind.SUPPLIER, False),
        (ParticipantKind.COORDINATOR, False),
    ],
)
def test_only_allies_and_partners_contribute(kind: ParticipantKind, can: bool) -> None:
    assert make_participant(kind=kind).can_contribute is can


def test_a_group_is_a_participant_with_members() -> None:
    assert make_participant(code="NORDIC-8", members=("DNK", "FIN", "NOR")).is_group
    assert not make_participant(code="FRA").is_group


def test_parse_kind_and_status_normalise_case_and_blanks() -> None:
    assert parse_kind(" Partner ") is ParticipantKind.PARTNER
    assert parse_status("JOINED") is ParticipantStatus.JOINED


def test_parse_kind_and_status_name_the_field_and_the_choices() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_kind("friend", field="participant_kind")
    assert caught.value.field == "participant_kind"
    assert "ally" in caught.value.message
    with pytest.raises(InvalidInput) as caught:
        parse_status("left")
    assert caught.value.field == "status"
