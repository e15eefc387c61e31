"""The public page shows the latest signed checkpoint: its number, the ledger's size and root,
and the key; for anyone, logged in or not."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from purldesk.bootstrap import Application
from purldesk.domain.access import operator
from purldesk.services import checkpoints, ledger


def test_the_public_page_shows_the_latest_root_and_size(
    wired: Application, client_for: Callable[[str | None], TestClient]
) -> None:
    taken = wired.run(ledger.TakeCheckpoint(), actor=operator("test"), request_id="test")
    assert checkpoints.latest(wired.uow()) == taken
    for who in (None, "contributor-nld"):
        page = client_for(who).get("/public").text
        section = page[page.index('id="ledger-head"') :]
        assert f"Checkpoint <b>{taken.ref}</b>" in section
        assert f"<b>{taken.ledger.size:,}</b> entries" in section
        assert taken.ledger.root.hex() in section
        assert taken.key_id in section
