"""The dashboard publishes hidden money by the configured k: a lot paid by two confidential
contributors shows the supplier their sum with k = 2 and withholds it with k = 3."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_world import FixedClock, log_in

from database_world import CHEAP_PASSWORDS
from disclosure_world import pay_one_lot_in_secret
from purldesk.bootstrap import Application, build
from purldesk.entrypoints.web.app import create_app

WITHHELD = '<span class="withheld"'


def supplier_page(wired: Application, k: int, path: str) -> str:
    """`path` as the demo's supplier sees it where hidden money needs `k` contributors."""
    reports = wired.settings.reports.model_copy(update={"min_hidden_contributors": k})
    settings = wired.settings.model_copy(update={"reports": reports})
    application = build(settings, clock=FixedClock(), passwords=CHEAP_PASSWORDS)
    try:
        with TestClient(create_app(settings, wired=application), follow_redirects=False) as client:
            log_in(client, "supplier")
            response = client.get(path)
    finally:
        application.close()
    assert response.status_code == 200, response.text
    return response.text


def test_the_package_page_follows_the_configured_k(wired: Application) -> None:
    package = pay_one_lot_in_secret(wired, ("NLD", "DEU"))
    empty = '<td class="ref"></td>'
    bucket = f'<td>undisclosed</td>{empty}{empty}<td class="num">{package.cost.format()}</td>'
    shown = supplier_page(wired, 2, f"/packages/{package.id}")
    assert bucket in shown and WITHHELD not in shown
    withheld = supplier_page(wired, 3, f"/packages/{package.id}")
    assert "<td>undisclosed</td>" not in withheld and package.cost.format() not in withheld
    assert WITHHELD in withheld
