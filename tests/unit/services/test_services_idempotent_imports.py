"""A contributions file imported twice records its money once: a row imported before refuses
the file, naming the contribution it became, or is skipped when asked."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from builders import make_participant
from fakes import FakeDatabase, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import ImportRejected
from purldesk.domain.money import USD, Money
from purldesk.services import contribution_rows, contributions, participants
from purldesk.services.contribution_rows import ContributionRow
from purldesk.services.handle import Command, Context, handle

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def row(
    line: int, *, contributor: str = "NLD", minor: int = 100, purpose: str = ""
) -> ContributionRow:
    return ContributionRow(
        line=line, contributor=contributor, amount=Money(minor, USD), pledged_on=date(2025, 9, 1),
        received_on=date(2025, 9, 2), confidential=False, purpose=purpose,
    )  # fmt: skip


class World:
    def __init__(self) -> None:
        self.uow = fake_uow_factory(FakeDatabase())
        participants.add_many(
            self.uow(), participants=[make_participant(code="NLD"), make_participant(code="DEU")]
        )

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def imports(self, *rows: ContributionRow, skip_imported: bool = False) -> Any:
        return self.run(contributions.Import(rows=rows, skip_imported=skip_imported))

    def total_minor(self) -> int:
        return sum(c.amount.minor for c in contributions.list_all(self.uow()))


@pytest.fixture
def world() -> World:
    return World()


def test_the_same_file_imported_twice_records_its_money_once(world: World) -> None:
    rows = (row(2), row(3, contributor="DEU", minor=250))
    first = world.imports(*rows)
    with pytest.raises(ImportRejected) as raised:
        world.imports(*rows)
    assert [str(e) for e in raised.value.errors] == [
        f"line 2, row: already imported as {first[0].ref}",
        f"line 3, row: already imported as {first[1].ref}",
    ]
    assert world.total_minor() == 350


def test_a_file_with_one_row_imported_before_writes_nothing(world: World) -> None:
    world.imports(row(2))
    with pytest.raises(ImportRejected) as raised:
        world.imports(row(2, contributor="DEU"), row(3))
    assert [(e.line, e.field) for e in raised.value.errors] == [(3, "row")]
    assert world.total_minor() == 100


def test_skipping_imports_only_the_rows_not_imported_before(world: World) -> None:
    world.imports(row(2))
    imported = world.imports(row(2), row(3, contributor="DEU"), skip_imported=True)
    assert [c.contributor for c in imported] == ["DEU"]
    assert world.total_minor() == 200


def test_alike_rows_of_one_file_are_separate_pledges_and_each_imported_once(
    world: World,
) -> None:
    assert len(world.imports(row(2), row(3))) == 2
    assert world.imports(row(2), row(3), row(4), skip_imported=True) == [
        contributions.get(world.uow(), contribution_id=ContributionId(3))
    ]
    assert world.total_minor() == 300


@pytest.mark.parametrize(
    "changed",
    [
        {"contributor": "DEU"},
        {"amount": Money(101, USD)},
        {"pledged_on": date(2025, 9, 2)},
        {"purpose": "another"},
        {"source": "https://example.org"},
    ],
)
def test_a_row_differing_in_what_makes_a_pledge_is_a_new_pledge(
    world: World, changed: dict[str, Any]
) -> None:
    world.imports(row(2))
    world.imports(replace(row(2), **changed))
    assert len(contributions.list_all(world.uow())) == 2


def test_a_row_differing_only_in_its_line_or_receipt_was_imported_before(world: World) -> None:
    world.imports(row(2))
    again = replace(row(7), received_on=None, confidential=True)
    assert contribution_rows.import_digests([again]) == contribution_rows.import_digests([row(2)])


def test_a_pledge_made_by_hand_never_makes_a_row_imported(world: World) -> None:
    world.run(
        contributions.Pledge(contributor="NLD", amount=Money(100, USD), pledged_on=date(2025, 9, 1))
    )
    assert len(world.imports(row(2))) == 1
