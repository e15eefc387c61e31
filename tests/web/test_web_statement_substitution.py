"""The statement page shows what a contributor's restricted money took over in the demo's
committed allocation, and where the other money went, in lines and line amounts only."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient


def test_korea_reads_what_its_money_took_over_and_where_the_other_money_went(
    client_for: Callable[..., TestClient],
) -> None:
    page = client_for("contributor-kor").get("/statement")
    assert page.status_code == 200, page.text
    assert "<h2>Substitution</h2>" in page.text
    assert "Republic of Korea&#39;s money took over UKR-2025-" in page.text
    assert "went to UKR-2025-" in page.text
    for other in ("Netherlands", "Germany", "NLD", "DEU"):
        assert other not in page.text.split("<h2>Substitution</h2>")[1]


def test_money_without_restriction_has_no_substitution_section(
    client_for: Callable[..., TestClient],
) -> None:
    page = client_for("contributor-nld").get("/statement")
    assert page.status_code == 200
    assert "<h2>Substitution</h2>" not in page.text
