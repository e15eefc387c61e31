"""Package actions over HTTP: each role is offered, and may take, only its own moves."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from web_world import csrf_of


def _post(client: TestClient, path: str, data: dict[str, str] | None = None) -> str:
    page = client.get("/packages/1")
    response = client.post(path, data={"csrf_token": csrf_of(page.text), **(data or {})})
    assert response.status_code == 303, response.text
    followed = client.get(response.headers["location"])
    return followed.text


def _status(html: str) -> str:
    found = re.search(r'id="package-status">([^<]+)<', html)
    assert found is not None
    return found.group(1)


def test_each_role_sees_only_its_own_buttons(client_for: Callable[..., TestClient]) -> None:
    coordinator = client_for("coordinator").get("/packages/1").text
    assert "Propose the package" in coordinator
    assert "Cancel the package" in coordinator
    assert "Accept the package" not in coordinator
    for name in ("supplier", "recipient", "auditor", "contributor-nld"):
        html = client_for(name).get("/packages/1").text
        assert "Propose the package" not in html
        assert "Cancel the package" not in html


def test_a_role_cannot_post_another_roles_move(client_for: Callable[..., TestClient]) -> None:
    supplier = client_for("supplier")
    page = supplier.get("/packages/1")
    refused = supplier.post("/packages/1/propose", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403
    assert _status(client_for("coordinator").get("/packages/1").text) == "Draft"


def test_the_package_goes_from_draft_to_delivered(client_for: Callable[..., TestClient]) -> None:
    coordinator = client_for("coordinator")
    assert "P-0001 proposed for validation." in _post(coordinator, "/packages/1/propose")
    html = _post(coordinator, "/packages/1/validate")
    assert _status(html) == "Funded"

    supplier = client_for("supplier")
    html = supplier.get("/packages/1").text
    assert "Accept the package" in html
    html = _post(supplier, "/packages/1/accept")
    assert _status(html) == "Accepted"
    lines = re.findall(r'<option value="([^"]+)"[^>]*>[^<]*· ([\d,]+) left</option>', html)
    assert lines
    for ref, left in lines:
        html = _post(supplier, "/packages/1/ship", {
            "line": ref, "quantity": left.replace(",", ""), "shipped_on": "2025-12-06",
        })  # fmt: skip
        assert "Shipment S-" in html
    assert _status(html) == "Delivering"
    assert "Record a shipment" not in html  # nothing left to ship

    recipient = client_for("recipient")
    html = recipient.get("/packages/1").text
    shipments = re.findall(r"/packages/1/shipments/(\d+)/confirm", html)
    assert len(shipments) == len(lines)
    for sid in shipments:
        html = _post(
            recipient, f"/packages/1/shipments/{sid}/confirm", {"received_on": "2025-12-06"}
        )
        assert "Receipt of shipment S-" in html
    assert _status(html) == "Delivered"
    assert "in transit" not in html
    assert "Close the package" in coordinator.get("/packages/1").text


def test_cancelling_asks_for_confirmation_and_does_nothing_without_it(
    client_for: Callable[..., TestClient],
) -> None:
    coordinator = client_for("coordinator")
    page = coordinator.get("/packages/1")
    unconfirmed = coordinator.post("/packages/1/cancel", data={"csrf_token": csrf_of(page.text)})
    assert unconfirmed.status_code == 422
    assert 'id="cancel-confirm-error"' in unconfirmed.text
    assert 'aria-invalid="true" aria-describedby="cancel-confirm-error"' in unconfirmed.text
    assert _status(coordinator.get("/packages/1").text) == "Draft"

    html = _post(coordinator, "/packages/1/cancel", {"confirm": "yes"})
    assert _status(html) == "Cancelled"
