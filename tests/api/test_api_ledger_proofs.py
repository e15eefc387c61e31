"""Signed checkpoints over the API, for anyone; a contribution's proof for its owner, the
coordinator and auditors (another contributor: 404), served byte for byte as `purldesk proof
check` verifies it, with the ledger's public key alone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from api_world import World

from purldesk.adapters.signing import SigningKey
from purldesk.domain import checkpoints, proofs

pytestmark = pytest.mark.both_databases

PROOF = "/api/v1/ledger/proofs/contributions/1"


def received_money(world: World) -> None:
    world.post("contributor", "/api/v1/contributions", {
        "contributor": "NLD", "amount": "1000", "currency": "EUR", "pledged_on": "2025-08-04"})  # fmt: skip
    world.post("coordinator", "/api/v1/contributions/1/receive", {"on": "2025-08-04"})


def test_checkpoints_are_public(world: World) -> None:
    latest = world.client.get("/api/v1/ledger/checkpoints/latest")
    assert latest.status_code == 200, latest.text
    taken = checkpoints.parse(latest.json())
    signer = world.wired.signer
    assert taken.is_signed_with(signer.key_id, signer.verify)
    listed = world.client.get("/api/v1/ledger/checkpoints", params={"limit": 1}).json()
    assert listed["total"] == 1
    assert listed["items"] == [latest.json()]


def test_a_proof_waits_for_a_checkpoint_holding_the_entries(world: World) -> None:
    received_money(world)  # the same day as the first checkpoint: none is due yet
    response = world.client.get(PROOF, headers=world.headers("contributor"))
    assert response.status_code == 409
    assert "no entry of C-00001 is in CP-1 yet" in response.text


def test_the_owner_coordinator_and_auditor_get_a_proof_that_checks(world: World) -> None:
    received_money(world)
    world.clock.at += timedelta(days=1)  # the first write of a new day takes a checkpoint
    world.post("contributor", "/api/v1/contributions", {
        "contributor": "NLD", "amount": "5", "currency": "EUR", "pledged_on": "2025-08-05"})  # fmt: skip
    signer = world.wired.signer
    assert isinstance(signer, SigningKey)
    for who in ("contributor", "coordinator", "auditor"):
        response = world.client.get(PROOF, headers=world.headers(who), params={"since": 1})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/json"
        report = proofs.check(response.text, key_id=signer.key_id, verify=signer.verify)
        assert [e["kind"] for e in report.entries] == ["pledge", "receipt"]
        assert report.since is not None and report.since.ref == "CP-1"
    assert world.client.get(PROOF, headers=world.headers("contributor_other")).status_code == 404
    assert world.client.get(PROOF, headers=world.headers("supplier")).status_code == 403
    assert world.client.get(PROOF).status_code == 401
    later = world.client.get(PROOF, headers=world.headers("auditor"), params={"since": 9})
    assert later.status_code == 404
