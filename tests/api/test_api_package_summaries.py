"""Over HTTP on the demo (SQLite and PostgreSQL): `GET /packages` lists summaries whose cost,
reasons and number of lines are, for every role and organization, what each package's own
answer (`GET /packages/{id}`) shows it, with confidential, anonymous and restricted money."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from api_world import PEPPER, SEEDER, MovableClock, World, make_settings
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app_pool import Apps
from database_world import CHEAP_PASSWORDS, Seeded, build_demo
from purldesk.bootstrap import build
from purldesk.domain.access import Role
from purldesk.entrypoints.cli.app import app as cli
from purldesk.services import users

pytestmark = pytest.mark.both_databases

API = "/api/v1"
NOW = datetime(2025, 12, 6, 9, 0, tzinfo=UTC)  # the day after the allocation
# Who reads, by name: every role, and each organization paying the demo's packages (and
# one paying none). LVA's contribution is confidential in the demo.
READERS: dict[str, tuple[str, Role]] = {
    "coordinator": ("NATO-NSATU", Role.COORDINATOR),
    "auditor": ("NATO-NSATU", Role.AUDITOR),
    "recipient": ("UKR", Role.RECIPIENT),
    "supplier": ("USA", Role.SUPPLIER),
    **{
        code: (code, Role.CONTRIBUTOR)
        for code in ("NLD", "NORDIC-3", "DEU", "CAN", "LVA", "BEL", "FIN", "NB8", "KOR", "POL")
    },
}
# The fields a summary shares with the package's own answer.
SHARED = (
    "id", "ref", "cycle_id", "name", "status", "target_minor", "currency", "created_on",
    "cost_minor", "suppressed", "restricted",
)  # fmt: skip


def demo_allocated(url: str) -> None:
    build_demo(url)
    result = CliRunner().invoke(
        cli, ["allocate", "--cycle", "2025-09", "--on", "2025-12-05", "--commit", "--db", url]
    )
    assert result.exit_code == 0, result.stdout


@pytest.fixture
def world(seeded: Seeded, apps: Apps) -> Iterator[World]:
    """The demo allocated: P-0001 paid by NLD and NORDIC-3, P-0002 by NORDIC-3, DEU, CAN and
    KOR, P-0003 by CAN, LVA, BEL, FIN, NB8 and KOR; and one user per reader."""
    url = seeded("demo allocated on 2025-12-05, for the API", demo_allocated)
    clock = MovableClock(NOW)
    wired = build(make_settings(url), clock=clock, passwords=CHEAP_PASSWORDS)
    tokens = {}
    for name, (organization, role) in READERS.items():
        command = users.AddUser(
            name=f"{name}@{role}", organization=organization, role=role,
            token_lifetime=timedelta(days=30), pepper=PEPPER.encode(),
        )  # fmt: skip
        _, tokens[name] = wired.run(command, actor=SEEDER, request_id="seed", at=NOW)
    app = apps.borrow(wired)
    client = TestClient(app, raise_server_exceptions=False)
    yield World(client, wired, clock, tokens)
    client.close()
    wired.close()
    apps.free.append(app)


def _contribution(world: World, owner: str) -> int:
    found = world.get("coordinator", f"{API}/contributions", contributor=owner)["items"]
    return int(found[0]["id"])


def _disclose(world: World, owner: str, *, confidential: bool, anonymous: bool) -> None:
    body = {"confidential": confidential, "anonymous": anonymous}
    world.post(owner, f"{API}/contributions/{_contribution(world, owner)}/disclosure", body)


def _compared(world: World, who: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Each package `who` lists, beside its own answer to `who`."""
    listed = world.get(who, f"{API}/packages", limit=500)
    assert listed["total"] == len(listed["items"]) == 4
    return [(item, world.get(who, f"{API}/packages/{item['id']}")) for item in listed["items"]]


def _redrafted(world: World) -> None:
    """P-0001 cancelled, and its line paid by both NLD and NORDIC-3 drafted again alone, as
    P-0004, paid as it was."""
    first = world.get("coordinator", f"{API}/packages/1")
    world.post("coordinator", f"{API}/packages/1/cancel", {})
    by_line: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for part in first["attributions"]:
        by_line[part["line_id"]].append(part)
    line_id, shared = next((line, parts) for line, parts in by_line.items() if len(parts) == 2)
    line = next(ln for ln in first["lines"] if ln["line_id"] == line_id)
    body = {
        "cycle_id": first["cycle_id"], "name": "NLD and NORDIC-3 on one line",
        "lines": [{"line_id": line_id, "lots": line["lots"]}], "attributions": shared,
    }  # fmt: skip
    assert world.post("coordinator", f"{API}/packages", body)["ref"] == "P-0004"


def test_every_reader_lists_each_package_as_its_own_answer_shows_it(world: World) -> None:
    _redrafted(world)
    # NLD and NORDIC-3 alone pay P-0004's line, from confidential money now: the money of
    # one is hidden from the other (alone: withheld), of both from everyone else (published
    # as one bucket). CAN's becomes confidential and anonymous, beside LVA's confidential
    # money in P-0003; KOR's only anonymous. P-0002 is restricted, DEU cleared.
    _disclose(world, "NLD", confidential=True, anonymous=False)
    _disclose(world, "NORDIC-3", confidential=True, anonymous=False)
    _disclose(world, "CAN", confidential=True, anonymous=True)
    _disclose(world, "KOR", confidential=False, anonymous=True)
    world.post("coordinator", f"{API}/packages/2/restriction", {"cleared": ["DEU"]})
    withheld: dict[str, set[str]] = {}
    restricted: dict[str, set[str]] = {}
    bucket: dict[str, set[str]] = {}
    for who in READERS:
        for item, package in _compared(world, who):
            assert {key: item[key] for key in SHARED} == {key: package[key] for key in SHARED}
            shown = None if package["restricted"] else len(package["lines"])
            assert item["line_count"] == shown, (who, item["ref"])
            assert "lines" not in item and "attributions" not in item
            ref = item["ref"]
            if item["cost_minor"] is None:
                withheld.setdefault(ref, set()).add(who)
            if item["restricted"] is not None:
                restricted.setdefault(ref, set()).add(who)
            if any(a["contribution_id"] is None for a in package["attributions"]):
                bucket.setdefault(ref, set()).add(who)
    see_all = {"coordinator", "auditor"}
    everyone_else = set(READERS) - see_all
    assert withheld == {
        "P-0001": everyone_else, "P-0002": everyone_else, "P-0003": everyone_else,
        "P-0004": {"NLD", "NORDIC-3"},
    }  # fmt: skip
    assert bucket == {"P-0004": everyone_else - {"NLD", "NORDIC-3"}}
    assert restricted == {"P-0002": everyone_else - {"recipient", "supplier", "DEU"}}


def test_a_packages_attributions_are_read_a_page_at_a_time_as_the_whole_shows_them(
    world: World,
) -> None:
    # P-0004 paid by NLD's and NORDIC-3's confidential money: everyone else sees one bucket.
    _redrafted(world)
    _disclose(world, "NLD", confidential=True, anonymous=False)
    _disclose(world, "NORDIC-3", confidential=True, anonymous=False)
    # One who sees every amount, one whose hidden money pays P-0004, one outsider, one role.
    for who in ("coordinator", "NLD", "DEU", "supplier"):
        for package in range(1, 5):
            path = f"{API}/packages/{package}"
            whole = world.get(who, path, attributions_limit=500)
            count = whole["attribution_count"]
            assert count == len(whole["attributions"]) and whole["attributions_offset"] == 0
            pages = [
                world.get(who, path, attributions_limit=2, attributions_offset=offset)
                for offset in range(0, count + 2, 2)
            ]
            assert [a for p in pages for a in p["attributions"]] == whole["attributions"]
            for offset, page in zip(range(0, count + 2, 2), pages, strict=True):
                rest = {k: v for k, v in page.items() if k not in ("attributions", "attributions_offset")}  # fmt: skip
                assert rest == {k: v for k, v in whole.items() if k in rest}
                assert page["attributions_offset"] == offset
    bucket = world.get("DEU", f"{API}/packages/4", attributions_limit=1, attributions_offset=0)
    assert bucket["attribution_count"] == 1
    assert bucket["attributions"][0]["contribution_id"] is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("attributions_limit", 0), ("attributions_limit", 501), ("attributions_offset", -1),
     ("attributions_offset", 10**9 + 1), ("attributions_limit", "ten")],
)  # fmt: skip
def test_a_page_of_attributions_out_of_bounds_is_refused_naming_the_field(
    world: World, field: str, value: object
) -> None:
    response = world.client.get(
        f"{API}/packages/1", params={field: value}, headers=world.headers("coordinator")
    )
    assert response.status_code == 422, response.text
    assert field in response.text
