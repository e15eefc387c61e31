"""The statement page lists a page of the contributor's contributions and a page of the lines
its money paid, each the newest first, with links to the other pages that keep the contributor
and the other list's page; its totals are the whole statement's on every page."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace

from fastapi.testclient import TestClient

import statement_world
from purldesk.bootstrap import Application
from purldesk.domain.access import Actor, Role, UserId
from purldesk.domain.contributions import ContributionId, contribution_ref
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.entrypoints.web.formats import amount
from purldesk.services.views import statement
from purldesk.services.views.statement import PAGE_SIZE

COORDINATOR = Actor(UserId(0), "coordinator", ParticipantCode("NATO-NSATU"), Role.COORDINATOR)
ADDED = PAGE_SIZE + 15  # more than a page of each list


def _grow(wired: Application) -> list[ContributionId]:
    """ADDED more contributions of the Netherlands, each paying a line of one new package
    (made from the demo's first); their ids, the newest first."""
    with wired.uow() as uow:
        first = max(c.id for c in uow.contributions.list()) + 1
        model = uow.packages.list()[0]
        added = [ContributionId(first + n) for n in range(ADDED)]
        for n, cid in enumerate(added, start=1):
            uow.contributions.add(statement_world.contribution(cid, n))
        lines = [line.line_id for line in model.lines]
        number = max(p.id for p in uow.packages.list()) + 1
        uow.packages.add(
            replace(
                model, id=PackageId(number), name=f"Paged {number}",
                attributions=tuple(
                    Attribution(cid, lines[n % len(lines)], Money(1_00 + n, USD))
                    for n, cid in enumerate(added)
                ),
            )
        )  # fmt: skip
        uow.commit()
    return sorted(added, reverse=True)


def _table(page: str, heading: str) -> str:
    """The page's text from a heading to the next."""
    return page.split(f"<h2>{heading}</h2>", 1)[1].split("<h2>", 1)[0]


def _contributions(page: str) -> list[str]:
    return re.findall(r'<tr><td class="ref">(C-[0-9]+)</td>', _table(page, "Contributions"))


def _lines(page: str) -> list[str]:
    return re.findall(r'<tr><td class="ref">(C-[0-9]+)</td><td><span', _table(page, "Lines paid"))


def _link(page: str, rel: str, label: str) -> str:
    pager = page.split(f'aria-label="{label}"', 1)[1].split("</nav>", 1)[0]
    found = re.search(rf'href="([^"]+)" rel="{rel}"', pager)
    assert found is not None, (rel, label)
    return html.unescape(found.group(1))


def test_both_lists_are_paged_newest_first_with_the_whole_statements_totals(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    added = _grow(wired)
    whole = statement.statement_export(wired.reader(), viewer=COORDINATOR.viewer, contributor="NLD")
    every = sorted((r.view.ref for r in whole.contributions), reverse=True)
    coordinator = client_for("coordinator")
    first = coordinator.get("/statement", params={"contributor": "NLD"})
    assert first.status_code == 200
    assert _contributions(first.text) == every[:PAGE_SIZE]
    assert f"1–{PAGE_SIZE} of {len(every)}, the newest first." in first.text
    # The newest package's lines first: those of the contributions just added, in order.
    assert _lines(first.text) == [contribution_ref(c) for c in sorted(added)][:PAGE_SIZE]
    assert f"1–{PAGE_SIZE} of {len(whole.rows):,}, the newest package first." in first.text
    onward = _link(first.text, "next", "Pages of the contributions")
    assert onward == "/statement?contributor=NLD&contributions_page=2"
    second = coordinator.get(onward).text
    assert _contributions(second) == every[PAGE_SIZE : 2 * PAGE_SIZE]
    assert _lines(second) == _lines(first.text)  # the other list stays on its page
    # The lines' pager keeps the contributions' page, and the other way round.
    both = _link(second, "next", "Pages of the lines paid")
    assert both == "/statement?contributor=NLD&contributions_page=2&lines_page=2"
    third = coordinator.get(both).text
    assert _contributions(third) == _contributions(second)
    rest = [contribution_ref(c) for c in sorted(added)][PAGE_SIZE:]
    assert _lines(third)[: len(rest)] == rest
    back = _link(third, "prev", "Pages of the lines paid")
    assert back == "/statement?contributor=NLD&contributions_page=2&lines_page=1"
    # The totals over everything, on every page, as the whole statement sums them.
    for page in (first.text, second, third):
        assert f"<span>In packages</span><b>{amount(whole.spent_usd)}</b>" in page
        assert f"<span>Unallocated, in the pool</span><b>{amount(whole.unallocated_usd)}" in page


def test_a_bad_page_number_is_refused_naming_it_and_the_first_page_shown(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    _grow(wired)
    coordinator = client_for("coordinator")
    first = coordinator.get("/statement", params={"contributor": "NLD"}).text
    for name in ("contributions_page", "lines_page"):
        for bad in ("two", "0", "-1", "99999999"):
            answer = coordinator.get("/statement", params={"contributor": "NLD", name: bad})
            assert answer.status_code == 422, (name, bad)
            assert f'id="{name}-error">Enter a page number, 1 or more.' in answer.text
            assert _contributions(answer.text) == _contributions(first)
            assert _lines(answer.text) == _lines(first)


def test_a_contributor_reads_its_own_pages_and_no_one_elses(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    _grow(wired)
    nld = client_for("contributor-nld")
    own = nld.get("/statement", params={"contributions_page": "2", "lines_page": "2"})
    assert own.status_code == 200
    assert _contributions(own.text) and _lines(own.text)
    # Another's statement is not found, whatever page is asked, even a bad one.
    for asked in ({"contributions_page": "2"}, {"lines_page": "2"}, {"lines_page": "x"}):
        answer = nld.get("/statement", params={"contributor": "KOR", **asked})
        assert answer.status_code == 404, asked
