"""Tokens: bearer authentication, expiry and revocation, and the limit on failures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from api_world import PEPPER, SEEDER, World

from purldesk.services import contributions, ledger, users

PLEDGE = {"contributor": "NLD", "amount": "500", "currency": "EUR", "pledged_on": "2025-08-04"}


def ledger_entries(world: World) -> int:
    """Counted behind the API, since the test's own tokens may have expired by then."""
    return ledger.verify(world.wired.uow())[0]


def replay(world: World, token: str, key: str) -> int:
    response = world.client.post(
        "/api/v1/contributions", json=PLEDGE,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key},
    )  # fmt: skip
    assert response.headers["content-type"] == "application/problem+json"
    return response.status_code


def test_a_captured_request_replayed_with_a_new_key_and_a_revoked_token_posts_nothing(
    world: World,
) -> None:
    world.post("contributor", "/api/v1/contributions", PLEDGE, key="original")
    before = ledger_entries(world)
    world.wired.run(users.Revoke(name="mof@nld"), actor=SEEDER, request_id="test")

    assert replay(world, world.tokens["contributor"], "a-new-key") == 401
    assert ledger_entries(world) == before
    assert len(contributions.list_all(world.wired.uow())) == 1


def test_a_captured_request_replayed_with_a_new_key_and_an_expired_token_posts_nothing(
    world: World,
) -> None:
    world.post("contributor", "/api/v1/contributions", PLEDGE, key="original")
    before = ledger_entries(world)
    world.clock.at += timedelta(days=31)  # tokens of the world live 30 days

    assert replay(world, world.tokens["contributor"], "a-new-key") == 401
    assert ledger_entries(world) == before


def test_missing_malformed_and_forged_tokens_are_401_with_a_bearer_challenge(world: World) -> None:
    token_id = world.tokens["auditor"].split("_")[1]
    for headers in ({}, {"Authorization": "Bearer nonsense"},
                    {"Authorization": f"Bearer pd_{token_id}_forged-secret"}):  # fmt: skip
        response = world.client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json()["error"] == "NotAuthenticated"


def test_only_a_peppered_digest_of_the_token_is_stored(world: World) -> None:
    with world.wired.uow() as uow:
        token_id = world.tokens["auditor"].split("_")[1]
        stored = uow.tokens.find(token_id)
    assert stored is not None
    assert world.tokens["auditor"].split("_", 2)[2] not in (stored.digest, stored.salt)


@pytest.mark.both_databases
def test_failed_authentications_are_limited_per_client_across_app_instances(
    make_world: Callable[..., World],
) -> None:
    first = make_world(max_failures=3)
    # A second app on the same database stands in for another worker or machine.
    second = make_world(max_failures=3, share=first)
    bad = {"Authorization": "Bearer pd_0000_wrong"}

    statuses = [app.client.get("/api/v1/me", headers=bad).status_code
                for app in (first, second, first, second)]  # fmt: skip

    assert statuses == [401, 401, 401, 429]
    refused = first.client.get("/api/v1/me", headers=first.headers("auditor"))
    assert refused.status_code == 429  # even a good token, from this client, in this window
    assert int(refused.headers["Retry-After"]) > 0
    first.clock.at += timedelta(minutes=1)
    assert first.client.get("/api/v1/me", headers=first.headers("auditor")).status_code == 200


def test_a_user_is_added_to_an_organization_of_a_fitting_kind_only(world: World) -> None:
    import pytest

    from purldesk.domain.access import Role
    from purldesk.domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match="role"):
        command = users.AddUser(name="x", organization="NLD", role=Role.SUPPLIER,
                                token_lifetime=timedelta(days=1), pepper=PEPPER.encode())  # fmt: skip
        world.wired.run(command, actor=SEEDER, request_id="test")
