"""How many hidden contributors a published sum must cover, by who reads it."""

from __future__ import annotations

from purldesk.domain.access import OPERATOR, PUBLIC, Actor, Role, UserId
from purldesk.domain.participants import ParticipantCode

CONTRIBUTOR = Actor(UserId(7), "nld", ParticipantCode("NLD"), Role.CONTRIBUTOR).viewer


def test_a_hidden_sum_the_public_reads_covers_one_contributor_more_than_k() -> None:
    """Every contributor reads what the public reads, knowing its own part."""
    assert (PUBLIC.bucket_minimum(2), PUBLIC.bucket_minimum(3)) == (3, 4)


def test_a_hidden_sum_an_organization_or_the_operator_reads_covers_k_contributors() -> None:
    assert (CONTRIBUTOR.bucket_minimum(2), CONTRIBUTOR.bucket_minimum(3)) == (2, 3)
    assert OPERATOR.bucket_minimum(3) == 3
