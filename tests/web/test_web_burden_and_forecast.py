"""The public page's burden-sharing section (each nation with its GDP's year and source, a chart
beside the table, confidential money in no figure) and the coordinator's forecast panel on the
overview (not shown to a contributor), on the demo of 2025-12-06."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from web_world import SECRET_AMOUNT

from purldesk.bootstrap import Application


def row(page: str, code: str) -> str:
    found = re.search(rf'<tr id="burden-{code}">(.*?)</tr>', page, re.S)
    assert found, code
    return found.group(1)


def test_the_public_page_shows_each_nation_against_its_gdp(
    client_for: Callable[[str | None], TestClient],
) -> None:
    page = client_for(None).get("/public").text
    assert 'id="burden-sharing"' in page and 'id="chart-burden"' in page
    netherlands = row(page, "NLD")
    assert "USD 578,250,000.00" in netherlands and "1,118,100,000,000" in netherlands
    assert (
        '2023, <a href="https://data.worldbank.org/indicator/NY.GDP.MKTP.CD?locations=NL">'
        in netherlands
    )
    assert "0.0517%" in netherlands
    nordic = row(page, "NORDIC-3")
    assert "not split: it lists no members' parts" in nordic
    latvia = row(page, "LVA")
    assert "withheld" in latvia and "2,331,600" not in page
    korea = row(page, "KOR")  # its confidential web-test pledge: withheld, ratios with it
    assert "withheld" in korea
    assert f"{SECRET_AMOUNT.minor:,}" not in page


def test_the_coordinator_sees_the_forecast_panel_and_a_contributor_does_not(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    page = client_for("coordinator").get("/").text
    panel = re.search(r'<section aria-labelledby="forecast-h".*?</section>', page, re.S)
    assert panel, "no forecast panel"
    text = panel.group(0)
    assert "Funding forecast" in text and "The pool holds" in text
    assert "The next unfunded ranks of cycle 2025-09" in text
    assert text.count("<tr>") <= 6  # its header and the next five ranks
    assert 'id="burden-sharing"' not in page  # the public page's section
    assert 'id="forecast"' not in client_for("contributor-nld").get("/").text
    assert 'id="forecast"' in client_for("auditor").get("/").text
