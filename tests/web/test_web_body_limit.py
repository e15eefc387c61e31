"""The dashboard's forms are held to the body limit too: a plain 413 page, nothing read past it."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

MiB = 1024 * 1024


def test_a_login_form_over_the_body_limit_is_a_plain_413_page(
    client_for: Callable[[str | None], TestClient],
) -> None:
    client = client_for(None)

    response = client.post(
        "/login", content=b"username=a&password=" + b"x" * MiB,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip

    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
    assert "exceeds the limit of 1,048,576 bytes" in response.text
