"""How many hidden contributors a published sum must cover, by who reads it, and what of a
total split over keys is withheld."""

from __future__ import annotations

from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId
from purldesk.domain.disclosure import Seal, counted_seal, seal
from purldesk.domain.participants import ParticipantCode

CONTRIBUTOR = Actor(UserId(7), "nld", ParticipantCode("NLD"), Role.CONTRIBUTOR).viewer


def test_a_hidden_sum_the_public_reads_covers_one_contributor_more_than_k() -> None:
    """Every contributor reads what the public reads, knowing its own part."""
    assert (PUBLIC.bucket_minimum(2), PUBLIC.bucket_minimum(3)) == (3, 4)


def test_a_hidden_sum_an_organization_or_the_operator_reads_covers_k_contributors() -> None:
    assert (CONTRIBUTOR.bucket_minimum(2), CONTRIBUTOR.bucket_minimum(3)) == (2, 3)
    assert OPERATOR.bucket_minimum(3) == 3


def test_a_seal_from_counts_of_hidden_contributors_is_the_seal_of_who_they_are() -> None:
    """One contributor alone on L-1, three on L-2: L-1 and with it the total are withheld;
    counts are all the rule reads of who pays."""
    hidden = [("L-1", "DEU"), ("L-2", "DEU"), ("L-2", "NLD"), ("L-2", "CAN"), ("L-2", "NLD")]
    counted = counted_seal({"L-1": 1, "L-2": 3}, 3, k=2)
    assert counted == seal(hidden, k=2) == Seal(True, frozenset({"L-1"}))
    assert counted_seal({"L-1": 2, "L-2": 3}, 3, k=2) == Seal(False, frozenset())
    # Two on each line, four in all: k = 3 withholds both lines, and so the total.
    assert counted_seal({"L-1": 2, "L-2": 2}, 4, k=3) == Seal(True, frozenset({"L-1", "L-2"}))
    assert counted_seal({"L-1": 3, "L-2": 3}, 4, k=3) == Seal(False, frozenset())
    assert counted_seal({}, 0, k=2) == Seal(False, frozenset())
