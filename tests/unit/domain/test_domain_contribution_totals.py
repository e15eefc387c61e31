"""The contributions' totals by contributor, currency, status and disclosure: what a write
moves them by, and what `verify` finds where kept ones are not the contributions'."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from builders import make_conversion, money, usd
from purldesk.domain.contribution_totals import (
    NOTHING,
    Total,
    TotalKey,
    entry,
    kept_total_findings,
    moved,
    totals,
)
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.ledger import Finding
from purldesk.domain.participants import ParticipantCode

NLD = ParticipantCode("NLD")
PLEDGED = Contribution(ContributionId(1), NLD, money(100_00, "EUR"), date(2025, 10, 1))
RECEIVED = replace(
    PLEDGED,
    status=ContributionStatus.RECEIVED,
    conversion=make_conversion(original=PLEDGED.amount, converted=usd(110_00)),
)
EUR_PLEDGED = TotalKey("NLD", "EUR", "pledged", False, False)
EUR_RECEIVED = TotalKey("NLD", "EUR", "received", False, False)


def test_contributions_are_summed_by_key_with_how_many_have_a_usd_value() -> None:
    second = replace(RECEIVED, id=ContributionId(2), amount=money(5, "EUR"), conversion=None)
    assert totals([PLEDGED, RECEIVED, second]) == {
        EUR_PLEDGED: Total(1, 100_00, 0, 0),
        EUR_RECEIVED: Total(2, 100_05, 110_00, 1),
    }
    assert entry(PLEDGED) == (EUR_PLEDGED, Total(1, 100_00, 0, 0))


def test_a_write_moves_the_key_it_leaves_down_and_the_one_it_enters_up() -> None:
    assert moved([entry(PLEDGED)], [entry(RECEIVED)]) == {
        EUR_PLEDGED: Total(-1, -100_00, 0, 0),
        EUR_RECEIVED: Total(1, 100_00, 110_00, 1),
    }
    # A save that changes nothing the totals are kept by moves nothing.
    assert moved([entry(RECEIVED)], [entry(replace(RECEIVED, purpose="edited"))]) == {}
    hidden = replace(RECEIVED, confidential=True, anonymous=True)
    assert set(moved([entry(RECEIVED)], [entry(hidden)])) == {
        EUR_RECEIVED,
        TotalKey("NLD", "EUR", "received", True, True),
    }


def test_verify_names_each_kept_total_that_is_not_the_contributions() -> None:
    contributions = [PLEDGED, RECEIVED]
    kept = totals(contributions) | {TotalKey("DEU", "USD", "cancelled", True, False): NOTHING}
    assert kept_total_findings(contributions, kept) == []  # a total left at zero stays
    drifted = kept | {EUR_RECEIVED: Total(1, 100_00, 110_01, 1)}
    row = "contribution_totals NLD EUR received disclosed named"
    assert kept_total_findings(contributions, drifted) == [
        Finding(
            "contribution-total",
            f"{row} holds 1 of 10000 minor units, 1 of them converted to 11001 USD minor units,"
            " the contributions sum to 1 of 10000 minor units, 1 of them converted to 11000"
            " USD minor units",
            row=row,
        )
    ]
    missing = kept_total_findings(contributions, {EUR_PLEDGED: Total(1, 100_00, 0, 0)})
    assert [f.row for f in missing] == [row]
