"""Text from outside: the choice of a status, kind or role, read in any case."""

from __future__ import annotations

import pytest

from purldesk.domain.access import Role, parse_role
from purldesk.domain.catalog import AidClass, parse_aid_class
from purldesk.domain.errors import InvalidInput
from purldesk.domain.text import parse_choice


def test_a_choice_is_read_in_any_case_with_blanks_around() -> None:
    assert parse_choice(AidClass, "  DeFensive\n", field="aid_class") is AidClass.DEFENSIVE


def test_an_unknown_choice_names_the_field_and_every_member() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_aid_class("offensive", field="phases[0].aid_classes")
    assert str(caught.value) == (
        "phases[0].aid_classes: 'offensive' is not one of "
        "humanitarian, nonlethal, defensive, lethal"
    )


def test_a_member_left_out_of_the_allowed_ones_is_refused_and_not_listed() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_role("Operator")
    assert str(caught.value) == (
        "role: 'Operator' is not one of recipient, coordinator, contributor, supplier, auditor"
    )
    assert parse_role(" Auditor") is Role.AUDITOR
