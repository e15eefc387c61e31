"""The policy page's what-if: run by the roles the permission table allows, as in the API.

A what-if reruns the allocation over every fund, confidential ones included, so a contributor
probing it with pledges of different sizes could learn what others hold.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient


def test_the_coordinator_sees_the_lines_a_pledge_would_gain(
    client_for: Callable[..., TestClient],
) -> None:
    coordinator = client_for("coordinator")
    page = coordinator.get("/policy", params={"contributor": "KOR", "amount": "900000000"})
    assert page.status_code == 200, page.text
    assert "Under this assumption" in page.text
    assert "line(s) gained" in page.text


def test_a_bad_pledge_amount_is_answered_next_to_the_field(
    client_for: Callable[..., TestClient],
) -> None:
    coordinator = client_for("coordinator")
    page = coordinator.get("/policy", params={"contributor": "KOR", "amount": "lots"})
    assert page.status_code == 422
    assert 'id="amount-error"' in page.text
    assert "Under this assumption" not in page.text


def test_a_contributor_sees_its_phases_but_no_what_if(
    client_for: Callable[..., TestClient],
) -> None:
    korea = client_for("contributor-kor")
    page = korea.get("/policy")
    assert page.status_code == 200
    assert "Phases" in page.text
    assert "Show gained and lost lines" not in page.text
    assert "ask the coordinator" in page.text


def test_a_contributor_asking_for_a_what_if_is_refused(
    client_for: Callable[..., TestClient],
) -> None:
    korea = client_for("contributor-kor")
    page = korea.get("/policy", params={"amount": "900000000", "currency": "USD"})
    assert page.status_code == 403
    assert "Under this assumption" not in page.text


def test_a_contributor_sees_its_own_policy_and_no_other(
    client_for: Callable[..., TestClient],
) -> None:
    netherlands = client_for("contributor-nld")
    own = netherlands.get("/policy")
    assert own.status_code == 200
    assert "Policy of NLD" in own.text
    assert 'id="contributor"' not in own.text  # nothing to choose
    assert netherlands.get("/policy", params={"contributor": "KOR"}).status_code == 404


def test_others_are_shown_the_first_policy_set_and_choose_another(
    client_for: Callable[..., TestClient],
) -> None:
    for name in ("coordinator", "auditor", "recipient", "supplier"):
        page = client_for(name).get("/policy")
        assert page.status_code == 200, name
        assert "Policy of KOR" in page.text  # the demo's only policy
        assert 'id="contributor"' in page.text
    chosen = client_for("coordinator").get("/policy", params={"contributor": "nld"})
    assert "Policy of NLD" in chosen.text


def test_the_coordinator_sees_what_the_pledge_would_take_over_and_where_money_goes(
    client_for: Callable[..., TestClient],
) -> None:
    coordinator = client_for("coordinator")
    page = coordinator.get("/policy", params={"contributor": "KOR", "amount": "100000000"})
    assert page.status_code == 200, page.text
    assert "<b>Substitution.</b> With this pledge, Republic of Korea&#39;s money took over" in (
        page.text
    )
    # After the demo's allocation little money is left: the pledge lets some of it be spent.
    assert "of other money that would have stayed unallocated was spent; that money went to" in (
        page.text
    )
