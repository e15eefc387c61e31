"""The statement page shows what a contributor's restricted money took over in the demo's
committed allocation, and where the other money went, in lines and line amounts only; a page
of allocations at a time, the newest first."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from fastapi.testclient import TestClient

from purldesk.bootstrap import Application
from purldesk.domain.packages import PackageId
from purldesk.services.views.statement import EFFECTS_PAGE_SIZE


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


def _allocate_often(wired: Application, count: int) -> None:
    """`count` more allocations after the demo's, each keeping Korea's effect of the demo's
    with a new package its money pays, an hour apart."""
    with wired.uow() as uow:
        packages = uow.packages.list()
        bases = [uow.bases.find(p.id) for p in packages]
        kept = next(b for b in bases if b and any(s.contributor == "KOR" for s in b.substitutions))
        model = uow.packages.get(kept.package_id)
        number = max(p.id for p in packages)
        for n in range(1, count + 1):
            pid = PackageId(number + n)
            uow.packages.add(replace(model, id=pid, name=f"Often {n}"))
            at = kept.recorded_at + timedelta(hours=n)
            uow.bases.add(replace(kept, package_id=pid, recorded_at=at, funds=()))
        uow.commit()


def _told(page: str) -> list[str]:
    return re.findall(r'<p class="substitution"><b>[-0-9]+</b> \(([^)]*)\)', page)


def test_the_substitutions_are_paged_the_newest_first(
    client_for: Callable[..., TestClient], wired: Application
) -> None:
    _allocate_often(wired, EFFECTS_PAGE_SIZE + 5)
    korea = client_for("contributor-kor")
    first = korea.get("/statement").text
    told = _told(first)
    assert len(told) == EFFECTS_PAGE_SIZE
    assert told[0] == f"P-{_newest(wired):04d}"
    assert (
        f"1–{EFFECTS_PAGE_SIZE} of {EFFECTS_PAGE_SIZE + 6} allocations, the newest first." in first
    )
    pager = first.split('aria-label="Pages of the substitutions"', 1)[1].split("</nav>", 1)[0]
    onward = html.unescape(re.findall(r'href="([^"]+)" rel="next"', pager)[0])
    assert onward == "/statement?contributor=KOR&substitutions_page=2"
    second = korea.get(onward).text
    assert len(_told(second)) == 6 and f"P-{_newest(wired):04d}" not in _told(second)
    assert not set(_told(second)) & set(told)
    answer = korea.get("/statement", params={"substitutions_page": "x"})
    assert answer.status_code == 422
    assert 'id="substitutions_page-error">Enter a page number, 1 or more.' in answer.text
    assert _told(answer.text) == told


def _newest(wired: Application) -> int:
    with wired.uow() as uow:
        return max(p.id for p in uow.packages.list())
