"""Burden-sharing in the domain: a share of GDP checked by hand, a group's money counted for
its members by their parts (and not split where it lists none), and confidential money that no
ratio gives back."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from purldesk.domain.burden import (
    HiddenReceived,
    NationShare,
    ReceivedBy,
    burden_sharing,
    percent,
    rounded,
)
from purldesk.domain.errors import InvalidInput
from purldesk.domain.gdp import GdpFigure, check_figure, check_nation, latest_by_nation
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)

NLD, DNK, NOR, SWE, LVA, JPN = (
    ParticipantCode(c) for c in ("NLD", "DNK", "NOR", "SWE", "LVA", "JPN")
)
NORDIC, NB8 = ParticipantCode("NORDIC-3"), ParticipantCode("NB8")
WB = "World Bank, World Development Indicators: GDP (current US$), NY.GDP.MKTP.CD"


def nation(
    code: ParticipantCode, status: ParticipantStatus = ParticipantStatus.JOINED
) -> Participant:
    return Participant(code, code, ParticipantKind.ALLY, status)


PARTICIPANTS = [
    nation(NLD), nation(DNK), nation(NOR), nation(SWE), nation(LVA),
    nation(JPN, ParticipantStatus.INVITED),
    Participant(NORDIC, "Nordic", ParticipantKind.ALLY, ParticipantStatus.JOINED, (DNK, NOR, SWE)),
    Participant(NB8, "NB8", ParticipantKind.ALLY, ParticipantStatus.JOINED, (DNK, NOR, SWE, LVA)),
]  # fmt: skip


def gdp(code: ParticipantCode, billions: str, year: int = 2023) -> GdpFigure:
    url = f"https://data.worldbank.org/indicator/NY.GDP.MKTP.CD?locations={code}"
    return GdpFigure(code, year, int(Decimal(billions) * 10**9), WB, url)


GDP = {
    code: gdp(code, billions)
    for code, billions in [
        (NLD, "1118.1"), (DNK, "404.2"), (NOR, "485.5"), (SWE, "584.0"), (LVA, "43.6"),
        (JPN, "4212.9"),
    ]
}  # fmt: skip
# The demo's first package: EUR 500M at the ECB's 1.1565 of 2025-08-04.
NETHERLANDS_USD = 578_250_000_00
NORDIC_PARTS = [(NORDIC, DNK, 89_729_338_62), (NORDIC, NOR, 146_065_615_25), (NORDIC, SWE, 275_000_000_00)]  # fmt: skip
NORDIC_USD = sum(minor for _, _, minor in NORDIC_PARTS)


def row(report_rows: tuple[NationShare, ...], code: ParticipantCode) -> NationShare:
    return next(r for r in report_rows if r.code == code)


def test_the_netherlands_share_of_its_gdp_is_its_received_usd_over_its_gdp() -> None:
    report = burden_sharing(
        participants=PARTICIPANTS, received=[ReceivedBy(NLD, NETHERLANDS_USD, 0)],
        member_parts=[], gdp=GDP, k=2,
    )  # fmt: skip
    netherlands = row(report.nations, NLD)
    # By hand: USD 578,250,000.00 of a GDP of USD 1,118,100,000,000 is 0.051717...%.
    assert netherlands.share_of_gdp == Fraction(578_250_000, 1_118_100_000_000)
    assert percent(netherlands.share_of_gdp, places=4) == Decimal("0.0517")
    assert netherlands.share_of_pool == 1
    combined = sum(f.gdp_usd for code, f in GDP.items() if code != JPN)
    assert netherlands.share_of_combined_gdp == Fraction(1_118_100_000_000, combined)
    assert report.combined_gdp_usd == combined  # Japan, invited and giving nothing, is not listed
    assert JPN not in [r.code for r in report.nations]


def test_a_groups_money_counts_for_each_member_by_its_part() -> None:
    report = burden_sharing(
        participants=PARTICIPANTS, received=[ReceivedBy(NORDIC, NORDIC_USD, 0)],
        member_parts=NORDIC_PARTS, gdp=GDP, k=2,
    )  # fmt: skip
    for _, member, minor in NORDIC_PARTS:
        share = row(report.nations, member)
        assert share.received_usd == Money(minor, USD)
        assert share.through_groups_usd == Money(minor, USD)
        assert share.share_of_gdp == Fraction(minor, GDP[member].gdp_usd * 100)
        assert share.share_of_pool == Fraction(minor, NORDIC_USD)
    assert report.unsplit == ()
    assert sum(r.share_of_pool or 0 for r in report.nations) == 1


def test_a_groups_money_without_parts_stays_the_groups_and_is_not_split() -> None:
    report = burden_sharing(
        participants=PARTICIPANTS,
        received=[ReceivedBy(NORDIC, NORDIC_USD, 0), ReceivedBy(NB8, 500_000_000_00, 0)],
        member_parts=NORDIC_PARTS, gdp=GDP, k=2,
    )  # fmt: skip
    [nb8] = report.unsplit
    assert (nb8.code, nb8.received_usd, nb8.members) == (
        NB8,
        Money(500_000_000_00, USD),
        (DNK, NOR, SWE, LVA),
    )
    assert row(report.nations, LVA).received_usd == Money(0, USD)  # nothing guessed for it
    assert row(report.nations, DNK).received_usd == Money(89_729_338_62, USD)
    assert nb8.share_of_pool == Fraction(500_000_000_00, NORDIC_USD + 500_000_000_00)


def test_a_nation_with_confidential_money_has_its_amount_and_every_ratio_withheld() -> None:
    report = burden_sharing(
        participants=PARTICIPANTS,
        received=[ReceivedBy(NLD, NETHERLANDS_USD, 0), ReceivedBy(LVA, 0, 1)],
        member_parts=[], hidden=HiddenReceived(2_331_600_00, 1, 1), gdp=GDP, k=3,
    )  # fmt: skip
    latvia = row(report.nations, LVA)
    assert (latvia.received_usd, latvia.share_of_gdp, latvia.share_of_pool) == (None, None, None)
    assert latvia.fair_share_index is None
    assert latvia.withheld and latvia.gdp == GDP[LVA]  # GDP is public: it stays
    # One hidden contributor, k = 3: the bucket, and so a pool with it, would be its amount.
    assert report.undisclosed_usd is None and not report.pool_complete
    assert report.pool_usd == Money(NETHERLANDS_USD, USD)
    assert report.undisclosed_from == (LVA,) and report.undisclosed_count == 1
    assert report.nations[-1].code == LVA  # withheld shares sort last


def test_undisclosed_money_of_enough_contributors_enters_the_pool_as_one_bucket() -> None:
    report = burden_sharing(
        participants=PARTICIPANTS,
        received=[ReceivedBy(NLD, NETHERLANDS_USD, 0), ReceivedBy(None, 0, 2), ReceivedBy(LVA, 0, 1)],
        member_parts=[], hidden=HiddenReceived(3_000_000_00, 3, 3), gdp=GDP, k=3,
    )  # fmt: skip
    assert report.undisclosed_usd == Money(3_000_000_00, USD) and report.pool_complete
    assert report.pool_usd == Money(NETHERLANDS_USD + 3_000_000_00, USD)
    assert report.undisclosed_count == 3


def test_money_of_a_giver_anonymous_to_the_viewer_counts_for_no_nation() -> None:
    report = burden_sharing(
        participants=PARTICIPANTS,
        received=[ReceivedBy(None, 1_000_000_00, 0), ReceivedBy(NLD, NETHERLANDS_USD, 0)],
        member_parts=[], gdp=GDP, k=2,
    )  # fmt: skip
    assert report.anonymous_usd == Money(1_000_000_00, USD)
    assert (
        sum((r.received_usd.minor for r in report.nations if r.received_usd), 0) == NETHERLANDS_USD
    )
    assert row(report.nations, NLD).share_of_pool == Fraction(
        NETHERLANDS_USD, NETHERLANDS_USD + 1_000_000_00
    )


def test_a_nation_without_a_gdp_figure_is_listed_without_ratios_to_gdp() -> None:
    report = burden_sharing(
        participants=PARTICIPANTS, received=[ReceivedBy(NLD, NETHERLANDS_USD, 0)],
        member_parts=[], gdp={DNK: GDP[DNK]}, k=2,
    )  # fmt: skip
    netherlands = row(report.nations, NLD)
    assert netherlands.gdp is None and netherlands.share_of_gdp is None
    assert netherlands.share_of_pool == 1 and netherlands.fair_share_index is None
    assert report.combined_gdp_usd == GDP[DNK].gdp_usd


def test_the_fair_share_index_is_the_pool_share_over_the_gdp_share() -> None:
    report = burden_sharing(
        participants=PARTICIPANTS,
        received=[ReceivedBy(NLD, NETHERLANDS_USD, 0), ReceivedBy(NORDIC, NORDIC_USD, 0)],
        member_parts=NORDIC_PARTS, gdp=GDP, k=2,
    )  # fmt: skip
    netherlands = row(report.nations, NLD)
    assert netherlands.fair_share_index == (
        netherlands.share_of_pool / netherlands.share_of_combined_gdp  # type: ignore[operator]
    )
    assert rounded(Fraction(1, 3)) == Decimal("0.33")
    assert percent(Fraction(1, 8)) == Decimal("12.50")  # half-even: 12.5 exactly


def test_the_latest_year_is_in_force_and_an_import_wins_over_the_bundled_figure() -> None:
    from datetime import UTC, datetime

    bundled = gdp(NLD, "1118.1")
    imported = GdpFigure(NLD, 2023, 1_154_000_000_000, "IMF WEO", "https://imf.org",
                         datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
    later = gdp(NLD, "1200.0", year=2024)
    assert latest_by_nation([bundled, imported])[NLD] == imported
    assert latest_by_nation([imported, bundled])[NLD] == imported
    assert latest_by_nation([bundled, imported, later])[NLD] == later


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"year": 1900}, "year"), ({"gdp_usd": 0}, "gdp_usd"), ({"gdp_usd": 10**16}, "gdp_usd"),
        ({"source": " "}, "source"), ({"url": "data.worldbank.org"}, "url"),
    ],
)  # fmt: skip
def test_an_implausible_figure_is_refused_naming_the_field(
    change: dict[str, object], field: str
) -> None:
    from dataclasses import replace

    with pytest.raises(InvalidInput) as refused:
        check_figure(replace(GDP[NLD], **change))  # type: ignore[arg-type]
    assert refused.value.field == field


def test_a_group_has_no_gdp_of_its_own() -> None:
    with pytest.raises(InvalidInput, match="is a group"):
        check_nation(PARTICIPANTS[-1], "NB8")
    with pytest.raises(InvalidInput, match="not a registered participant"):
        check_nation(None, "XXX")
