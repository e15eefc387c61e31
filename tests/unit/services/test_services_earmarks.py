"""An earmark is checked against the catalog and the packages when it is pledged: areas of
catalog items, aid classes by name, an existing package still taking money, an expiry not
before the pledge; each refusal names its field, on a pledge and on every row of an import."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from builders import make_item, make_participant
from fakes import FakeDatabase, UsdOnlyRates, fake_uow_factory
from purldesk.domain.access import operator
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import Earmark
from purldesk.domain.errors import ImportRejected, InvalidInput
from purldesk.domain.money import USD, Money
from purldesk.services import catalog, contributions, participants
from purldesk.services.contribution_rows import ContributionRow
from purldesk.services.earmarks import parse_earmark
from purldesk.services.handle import Command, Context, handle

AT = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
PLEDGED = date(2025, 9, 1)


class World:
    def __init__(self) -> None:
        self.uow = fake_uow_factory(FakeDatabase())
        participants.add_many(self.uow(), participants=[make_participant(code="NLD")])
        catalog.import_items(self.uow(), items=[make_item(code="KIT-1", area="logistics")])

    def run(self, command: Command[Any]) -> Any:
        context = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
        return handle(self.uow(), command, context=context).value

    def pledge(self, earmark: Earmark) -> Any:
        return self.run(
            contributions.Pledge(
                contributor="NLD", amount=Money(100, USD), pledged_on=PLEDGED, earmark=earmark
            )
        )


@pytest.fixture
def world() -> World:
    return World()


def test_an_earmark_to_areas_and_classes_of_the_catalog_is_kept(world: World) -> None:
    earmark = parse_earmark(aid_classes=["nonlethal"], areas=["Logistics"])
    assert world.pledge(earmark).earmark == Earmark(
        areas=frozenset({"logistics"}), aid_classes=frozenset({AidClass.NONLETHAL})
    )


@pytest.mark.parametrize(
    ("earmark", "field", "message"),
    [
        (parse_earmark(areas=["tanks"]), "earmark.areas", "no catalog item has area(s) tanks"),
        (parse_earmark(package="P-0001"), "earmark.package", "P-0001 is not a package"),
        (
            parse_earmark(expires_on=date(2025, 8, 31)),
            "earmark.expires_on",
            "2025-08-31 is before the pledge (2025-09-01)",
        ),
    ],
)
def test_an_earmark_that_could_never_be_honoured_is_refused_naming_its_field(
    world: World, earmark: Earmark, field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        world.pledge(earmark)
    assert (raised.value.field, raised.value.message) == (field, message)
    with world.uow() as uow:
        assert uow.contributions.list() == []


@pytest.mark.parametrize(
    ("parts", "field"),
    [
        ({"aid_classes": ["tanks"]}, "earmark.aid_classes"),
        ({"areas": ["no such"]}, "earmark.areas"),
        ({"package": "next one"}, "earmark.package"),
    ],
)
def test_an_unreadable_earmark_part_is_refused_naming_its_field(
    parts: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_earmark(**parts)
    assert raised.value.field == field


def test_no_earmark_part_is_unrestricted() -> None:
    assert parse_earmark() is contributions.UNRESTRICTED


def test_an_import_gathers_every_earmark_finding_with_its_row(world: World) -> None:
    earmarks = {2: parse_earmark(areas=["tanks"]), 3: parse_earmark(package="7")}
    rows = tuple(
        ContributionRow(
            line=line,
            contributor="NLD",
            amount=Money(100, USD),
            pledged_on=PLEDGED,
            received_on=None,
            confidential=False,
            purpose="",
            earmark=earmark,
        )
        for line, earmark in earmarks.items()
    )
    with pytest.raises(ImportRejected) as raised:
        world.run(contributions.Import(rows=rows))
    assert [(e.line, e.field) for e in raised.value.errors] == [
        (2, "earmark.areas"),
        (3, "earmark.package"),
    ]
