"""CSRF, forged session cookies, and the statement downloads' confidentiality."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from fastapi.testclient import TestClient
from web_world import SECRET_TEXT, csrf_of


def _status_of_package(client: TestClient) -> str:
    html = client.get("/packages/1").text
    return html.split('id="package-status">', 1)[1].split("<", 1)[0]


def test_a_post_without_the_csrf_token_is_refused_and_writes_nothing(
    client_for: Callable[..., TestClient],
) -> None:
    coordinator = client_for("coordinator")
    refused = coordinator.post("/packages/1/propose", data={})
    assert refused.status_code in (400, 403)
    forged = coordinator.post("/packages/1/propose", data={"csrf_token": "not-the-token"})
    assert forged.status_code in (400, 403)
    assert _status_of_package(coordinator) == "Draft"
    page = coordinator.get("/packages/1")
    accepted = coordinator.post("/packages/1/propose", data={"csrf_token": csrf_of(page.text)})
    assert accepted.status_code == 303
    assert _status_of_package(coordinator) == "Proposed"


def test_a_tampered_session_cookie_is_logged_out(client_for: Callable[..., TestClient]) -> None:
    coordinator = client_for("coordinator")
    assert "Propose the package" in coordinator.get("/packages/1").text
    cookies = dict(coordinator.cookies)
    assert cookies
    stranger = client_for(None)
    for name, value in cookies.items():
        stranger.cookies.set(name, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    response = stranger.get("/packages/1")
    assert response.status_code in (303, 401, 404) or "Propose the package" not in response.text
    assert "Propose the package" not in response.text


def _xlsx_text(body: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        return "".join(
            book.read(name).decode() for name in book.namelist() if name.endswith(".xml")
        )


def test_statement_downloads_hold_own_lines_and_no_other_confidential_amount(
    client_for: Callable[..., TestClient],
) -> None:
    nld = client_for("contributor-nld")
    csv_response = nld.get("/statement.csv")
    assert csv_response.status_code == 200
    assert "C-00001" in csv_response.text  # the Netherlands' own contribution
    xlsx_response = nld.get("/statement.xlsx")
    assert xlsx_response.status_code == 200
    xlsx = _xlsx_text(xlsx_response.content)
    assert "C-00001" in xlsx
    for text in (csv_response.text, xlsx):
        assert SECRET_TEXT not in text and SECRET_TEXT.replace(",", "") not in text
    korea = nld.get("/statement.csv?contributor=KOR")
    assert korea.status_code in (403, 404)
    assert SECRET_TEXT.replace(",", "") not in korea.text and SECRET_TEXT not in korea.text
    own = client_for("contributor-kor").get("/statement.csv")
    assert own.status_code == 200


def _refs(csv_text: str) -> set[str]:
    return {row.split(",", 1)[0] for row in csv_text.strip().splitlines()[1:]}


def test_the_owner_sees_its_confidential_money_and_nobody_else_does(
    client_for: Callable[..., TestClient],
) -> None:
    korean = _refs(client_for("contributor-kor").get("/statement.csv").text)
    assert korean  # the confidential Korean pledge paid for lines
    dutch = client_for("contributor-nld").get("/statement.csv").text
    assert not korean & _refs(dutch)
    coordinator = client_for("coordinator").get("/statement.csv?contributor=KOR")
    assert coordinator.status_code == 200
    assert korean <= _refs(coordinator.text)
