"""The contributions page lists one page of contributions, the newest first, with links to the
others; its totals are over every page, as the domain sums what the viewer may see; a row's
form answers with the page it was sent from."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from web_world import NOW, csrf_of

from purldesk.bootstrap import Application
from purldesk.domain.access import Actor, Role, UserId, Viewer
from purldesk.domain.confidentiality import redact, totals
from purldesk.domain.contributions import Contribution, contribution_ref
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import ParticipantCode
from purldesk.entrypoints.web.formats import amount
from purldesk.services import contributions
from purldesk.services.views.contributions import PAGE_SIZE

RECIPIENT = Actor(UserId(0), "mod@ukr", ParticipantCode("UKR"), Role.RECIPIENT).viewer
NLD = Actor(UserId(0), "mof@nld", ParticipantCode("NLD"), Role.CONTRIBUTOR).viewer


def _pledge_many(wired: Application, count: int = PAGE_SIZE + 5) -> list[Contribution]:
    """More than a page of the Netherlands' pledges, some confidential, some anonymous; then
    every contribution, by id."""
    for n in range(count):
        contributions.pledge(
            wired.uow(), contributor="NLD", amount=Money((n + 1) * 1_000_00, USD),
            pledged_on=date(2025, 12, 1), at=NOW, confidential=n % 3 == 0, anonymous=n % 5 == 0,
        )  # fmt: skip
    with wired.reader() as reader:
        return reader.contributions()


def _refs(html: str) -> list[str]:
    return re.findall(r'<tr id="(C-[0-9]+)">', html)


def _received_line(viewer: Viewer, every: list[Contribution]) -> str:
    summed = totals(redact(viewer, c) for c in every)
    undisclosed = (
        f", plus {summed.undisclosed_count} undisclosed" if summed.undisclosed_count else ""
    )
    return f"Received: {amount(summed.received_usd)}{undisclosed}."


def test_the_list_is_paged_newest_first_with_totals_over_every_page(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    every = _pledge_many(wired)
    newest = [c.ref for c in sorted(every, key=lambda c: c.id, reverse=True)]
    recipient = client_for("recipient")
    first = recipient.get("/contributions")
    assert first.status_code == 200
    assert _refs(first.text) == newest[:PAGE_SIZE]
    assert f"Contributions 1–{PAGE_SIZE} of {len(every)}, the newest first." in first.text
    assert 'href="/contributions?page=2" rel="next"' in first.text
    second = recipient.get("/contributions", params={"page": "2"}).text
    assert _refs(second) == newest[PAGE_SIZE:]
    assert 'href="/contributions?page=1" rel="prev"' in second
    # Totals over every contribution, on every page, as the domain sums the recipient's views.
    line = _received_line(RECIPIENT, every)
    assert "undisclosed" in line
    assert line in first.text and line in second
    # Past the last page: the last one.
    assert _refs(recipient.get("/contributions", params={"page": "9"}).text) == _refs(second)


def test_a_bad_page_number_is_refused_and_the_first_page_shown(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    every = _pledge_many(wired)
    answer = client_for("recipient").get("/contributions", params={"page": "two"})
    assert answer.status_code == 422
    assert "Enter a page number, 1 or more." in answer.text
    assert _refs(answer.text)[0] == contribution_ref(max(c.id for c in every))


def test_a_rows_form_answers_with_the_page_it_was_sent_from(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    every = _pledge_many(wired)
    own = sorted((c for c in every if c.contributor == "NLD"), key=lambda c: c.id, reverse=True)
    nld = client_for("contributor-nld")
    page = nld.get("/contributions", params={"page": "2"}).text
    assert _refs(page) == [c.ref for c in own[PAGE_SIZE:]]
    assert page.count('<input type="hidden" name="page" value="2">') >= len(own) - PAGE_SIZE
    assert _received_line(NLD, own) in page  # its own, in full
    token = csrf_of(page)
    pledged = own[PAGE_SIZE]  # the oldest of the pledges above: on page 2
    refused = nld.post(
        f"/contributions/{pledged.id}/cancel", data={"csrf_token": token, "page": "2"}
    )
    assert refused.status_code == 422
    assert "Tick the box to confirm" in refused.text
    assert _refs(refused.text) == _refs(page)  # the same page, with the error by its row
    done = nld.post(
        f"/contributions/{pledged.id}/disclosure", data={"csrf_token": token, "page": "2"}
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"/contributions?page=2&done=disclosure&ref={pledged.ref}"
