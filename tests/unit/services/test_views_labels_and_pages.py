"""The dashboard's one table of labels, and the pages of a long list."""

from __future__ import annotations

from enum import StrEnum
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from purldesk.domain.access import Role
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.errors import InvalidInput
from purldesk.domain.ledger import ACCOUNT_KINDS, TransactionKind
from purldesk.domain.packages import PackageStatus
from purldesk.domain.participants import ParticipantKind, ParticipantStatus
from purldesk.domain.requirements import CycleStatus, LineStatus
from purldesk.services import reasons
from purldesk.services.read_ports import Funding
from purldesk.services.views import labels
from purldesk.services.views.paging import Page, page, page_number
from purldesk.services.views.rows import percent

ENUMS: list[type[StrEnum]] = [
    AidClass, LineStatus, Funding, CycleStatus, PackageStatus, ContributionStatus,
    ParticipantKind, ParticipantStatus, Role, TransactionKind,
]  # fmt: skip


@pytest.mark.parametrize("codes", ENUMS, ids=lambda e: e.__name__)
def test_every_code_of_every_enum_has_a_label_of_its_own(codes: type[StrEnum]) -> None:
    for code in codes:
        assert code.value in labels.LABELS, code
        assert labels.label(code) != code.value


def test_account_kinds_and_causes_are_labelled() -> None:
    for code in (*ACCOUNT_KINDS, reasons.CAPACITY, reasons.PACKAGE_TARGET,
                 reasons.MONEY_EXHAUSTED, reasons.MONEY_NOT_ALLOWED):  # fmt: skip
        assert code in labels.LABELS, code


def test_labels_read_as_people_write_them() -> None:
    assert labels.label("air_defence") == "Air defence"
    assert labels.label(AidClass.NONLETHAL) == "Non-lethal"
    assert labels.label("partly_funded") == "Partly funded"
    assert labels.label("money_not_allowed") == "Money not allowed"


def test_a_code_not_in_the_table_reads_as_words() -> None:
    assert labels.label("mine_clearing") == "Mine clearing"
    assert labels.label("Canada") == "Canada"
    assert labels.label(None) == ""


def test_a_code_shared_by_two_groups_has_one_label() -> None:
    with pytest.raises(ValueError, match="funded"):
        labels._merged([{"funded": "Funded"}, {"funded": "Fully funded"}])


def test_choices_come_in_the_order_of_their_labels() -> None:
    assert labels.choices(["medical", "air_defence", "medical"]) == [
        ("air_defence", "Air defence"), ("medical", "Medical"),
    ]  # fmt: skip


def test_a_percent_past_the_whole_is_told_as_it_is() -> None:
    assert percent(133, 100) == 133
    assert percent(999, 1000) == 99  # rounded down: 100 means complete
    assert percent(5, 0) == 0


@given(total=st.integers(0, 10_000), size=st.integers(1, 300), asked=st.integers(1, 1000))
def test_a_page_lies_within_its_list_and_pages_cover_it(total: int, size: int, asked: int) -> None:
    shown = page(asked, size=size, total=total)
    assert 1 <= shown.number <= shown.pages
    assert shown.number == min(asked, shown.pages)
    assert 0 <= shown.offset <= max(total - 1, 0)
    if total:
        assert shown.last - shown.first + 1 == min(size, total - shown.offset)
    else:
        assert shown.first == shown.last == 0
    numbers = shown.around()
    assert numbers[0] == 1 and numbers[-1] == shown.pages and shown.number in numbers
    present = [n for n in numbers if n is not None]
    assert present == sorted(set(present))
    for before, after in pairwise(numbers):
        if before is not None and after is not None:
            assert after == before + 1  # a gap is always marked


def test_the_pages_around_a_page_skip_what_is_far() -> None:
    assert Page(7, 10, 200).around() == [1, None, 5, 6, 7, 8, 9, None, 20]
    assert Page(1, 50, 325).around() == [1, 2, 3, None, 7]


@pytest.mark.parametrize("text", ["0", "-1", "two", "1.5", "99999999"])
def test_a_page_number_is_a_whole_number_from_one(text: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        page_number(text)
    assert refused.value.field == "page"


def test_no_page_number_is_the_first_page() -> None:
    assert page_number(None) == page_number(" ") == 1
    assert page_number(" 12 ") == 12
