"""The burden-sharing report over the in-memory reader, in a world where the Nordic group's
contributions list their members' parts (`member_world`): each member appears with its own
share; GDP figures imported through the command replace the bundled ones; and what the public
may not see is neither summed nor given back by a ratio."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction

import pytest

import member_world
from fakes import FakeDatabase, FakeReader, FakeUnitOfWork, UsdOnlyRates
from member_world import DNK, NOR, NORDIC, PUBLIC_PARTS, SWE, seed
from purldesk.domain.access import OPERATOR, PUBLIC, operator
from purldesk.domain.burden import NationShare
from purldesk.domain.errors import ImportRejected
from purldesk.domain.gdp import GdpFigure
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import ParticipantCode
from purldesk.services import gdp
from purldesk.services.handle import Context, handle
from purldesk.services.views import burden_sharing

AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
CONTEXT = Context(actor=operator("test"), at=AT, request_id="r", fx=UsdOnlyRates())
NLD, CAN = ParticipantCode("NLD"), ParticipantCode("CAN")
WB = "World Bank, World Development Indicators: GDP (current US$), NY.GDP.MKTP.CD"
URL = "https://data.worldbank.org/indicator/NY.GDP.MKTP.CD"
BUNDLED = [GdpFigure(NLD, 2023, 1_118_100_000_000, WB, URL)]
NETHERLANDS_USD = 1_100_000_00  # EUR 1M at 1.1 (reader_world)


def row(nation: str, year: int, gdp_usd: int, line: int) -> gdp.GdpRow:
    return gdp.GdpRow(line=line, nation=nation, year=year, gdp_usd=gdp_usd, source=WB, url=URL)


GDP_ROWS = (
    row("DNK", 2023, 404_200_000_000, 2), row("NOR", 2023, 485_500_000_000, 3),
    row("SWE", 2023, 584_000_000_000, 4), row("NLD", 2024, 1_200_000_000_000, 5),
)  # fmt: skip


@pytest.fixture
def database() -> FakeDatabase:
    database = FakeDatabase()
    seed(lambda: FakeUnitOfWork(database))
    imported = handle(
        FakeUnitOfWork(database), gdp.Import(rows=GDP_ROWS, source_name="gdp.csv"),
        context=CONTEXT,
    ).value  # fmt: skip
    assert (imported.added, imported.replaced) == (4, 0)
    return database


def nation(rows: tuple[NationShare, ...], code: str) -> NationShare:
    return next(r for r in rows if r.code == code)


def test_each_member_of_the_nordic_group_appears_with_its_own_share(
    database: FakeDatabase,
) -> None:
    report = burden_sharing.burden_sharing(
        FakeReader(database), viewer=PUBLIC, bundled=BUNDLED
    ).report
    for part in PUBLIC_PARTS:
        share = nation(report.nations, part.member)
        assert share.received_usd == part.usd and share.through_groups_usd == part.usd
        assert share.gdp is not None and share.gdp.year == 2023
        assert share.share_of_gdp == Fraction(part.usd.minor, share.gdp.gdp_usd * 100)
    assert [r.code for r in report.nations if r.received_usd and r.received_usd.minor] == [
        SWE, NOR, DNK, NLD  # by share of GDP, largest first
    ]  # fmt: skip
    assert report.unsplit == ()  # the public gift lists its parts: nothing left to the group


def test_the_public_sees_no_hidden_amount_and_no_ratio_that_gives_one_back(
    database: FakeDatabase,
) -> None:
    view = burden_sharing.burden_sharing(FakeReader(database), viewer=PUBLIC, bundled=BUNDLED)
    report = view.report
    # The group's confidential gift is counted, named (the group is not anonymous), not summed;
    # one hidden giver is fewer than the public's k + 1: the pool is the disclosed money.
    assert (report.undisclosed_count, report.undisclosed_from) == (1, (NORDIC,))
    assert report.undisclosed_usd is None and not report.pool_complete
    assert "withheld" in view.withheld
    disclosed = sum(p.usd.minor for p in PUBLIC_PARTS) + NETHERLANDS_USD
    anonymous = 220_000_00 + sum(p.usd.minor for p in member_world.ANONYMOUS_PARTS)
    assert report.anonymous_usd == Money(anonymous, USD)  # Canada and the anonymous gift
    assert report.pool_usd == Money(disclosed + anonymous, USD)
    # Canada's only money is anonymous: counted for no nation, Canada's row shows none.
    assert nation(report.nations, CAN).received_usd == Money(0, USD)
    denmark = nation(report.nations, DNK)
    assert denmark.received_usd == PUBLIC_PARTS[0].usd  # not its confidential or anonymous parts


def test_the_operator_sees_every_part_counted_for_its_member(database: FakeDatabase) -> None:
    report = burden_sharing.burden_sharing(
        FakeReader(database), viewer=OPERATOR, bundled=BUNDLED
    ).report
    gifts = [*PUBLIC_PARTS, *member_world.CONFIDENTIAL_PARTS, *member_world.ANONYMOUS_PARTS]
    for member in (DNK, NOR, SWE):
        expected = sum(p.usd.minor for p in gifts if p.member == member)
        assert nation(report.nations, member).received_usd == Money(expected, USD)
    assert report.pool_complete and report.undisclosed_count == 0
    assert nation(report.nations, CAN).received_usd == Money(220_000_00, USD)


def test_an_imported_later_year_replaces_the_bundled_figure(database: FakeDatabase) -> None:
    report = burden_sharing.burden_sharing(
        FakeReader(database), viewer=PUBLIC, bundled=BUNDLED
    ).report
    netherlands = nation(report.nations, NLD)
    assert netherlands.gdp is not None
    assert (netherlands.gdp.year, netherlands.gdp.gdp_usd, netherlands.gdp.is_bundled) == (
        2024,
        1_200_000_000_000,
        False,
    )
    assert netherlands.share_of_gdp == Fraction(NETHERLANDS_USD, 1_200_000_000_000 * 100)
    assert nation(report.nations, CAN).gdp is None  # no figure, bundled or imported


def test_a_gdp_file_with_a_bad_row_writes_nothing_and_names_every_finding(
    database: FakeDatabase,
) -> None:
    rows = (
        row("NLD", 2023, 1, 2), row("NORDIC-3", 2023, 5, 3), row("XXA", 2023, 5, 4),
    )  # fmt: skip
    with pytest.raises(ImportRejected) as refused:
        handle(FakeUnitOfWork(database), gdp.Import(rows=rows, source_name="bad.csv"),
               context=CONTEXT)  # fmt: skip
    assert [(e.line, e.field) for e in refused.value.errors] == [(3, "nation"), (4, "nation")]
    assert "NORDIC-3 is a group" in str(refused.value.errors[0])
    with FakeReader(database) as reader:
        assert reader.gdp_figures()[0].gdp_usd == 404_200_000_000  # as before


def test_a_file_giving_one_nations_year_twice_is_refused_before_it_is_handled() -> None:
    with pytest.raises(ImportRejected) as refused:
        gdp.Import(rows=(row("NLD", 2023, 1, 2), row("NLD", 2023, 2, 3)), source_name="x.csv")
    assert [(e.line, e.field) for e in refused.value.errors] == [(3, "year")]


def test_a_revised_figure_replaces_the_stored_one(database: FakeDatabase) -> None:
    revised = handle(
        FakeUnitOfWork(database),
        gdp.Import(rows=(row("DNK", 2023, 407_100_000_000, 2),), source_name="revised.csv"),
        context=CONTEXT,
    ).value
    assert (revised.added, revised.replaced) == (0, 1)
    report = burden_sharing.burden_sharing(FakeReader(database), viewer=PUBLIC, bundled=[]).report
    denmark = nation(report.nations, DNK).gdp
    assert denmark is not None and denmark.gdp_usd == 407_100_000_000
    assert date(2026, 1, 5) == denmark.loaded_at.date()  # type: ignore[union-attr]
