"""Over HTTP on the demo (SQLite and PostgreSQL): the statement report's and the package
report's JSON are read a page at a time. For every reader, the pages of each long list laid
end to end are the whole list (as the whole statement, its CSV and the whole package report
tell it), in the order the schema states; the counts and the totals are the whole report's on
every page; a CSV or XLSX file stays the whole report, whatever page is asked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from api_world import PEPPER, SEEDER, MovableClock, World, make_settings
from fastapi.testclient import TestClient
from test_api_package_summaries import NOW, READERS, demo_allocated

from database_world import CHEAP_PASSWORDS, Seeded
from purldesk.adapters.exports import reports, statement_report
from purldesk.bootstrap import Application, build
from purldesk.domain.access import Actor, UserId, Viewer
from purldesk.domain.basis import AllocationBasis
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import Attribution, PackageId, package_ref, parse_package_ref
from purldesk.domain.participants import ParticipantCode
from purldesk.domain.substitution import Shift, Standing, Substitution
from purldesk.entrypoints.api.routers.reports_schemas import StatementReport
from purldesk.entrypoints.web.app import create_app
from purldesk.services import users
from purldesk.services.views import packages as package_views
from purldesk.services.views import statement as statements
from report_files import csv_rows

pytestmark = pytest.mark.both_databases

API = "/api/v1"
KOR = ParticipantCode("KOR")
ADDED_EFFECTS = 12  # allocations added to the demo's one, each keeping a Korean effect
# Who reads whose statement: those who read any, and contributors their own (LVA's money is
# confidential, and one of DEU's two contributions; KOR's restricted, with substitutions).
STATEMENT_READS = [
    *((who, code) for who in ("coordinator", "auditor") for code in ("KOR", "CAN", "LVA", "DEU")),
    *((code, code) for code in ("KOR", "CAN", "LVA", "DEU", "NLD")),
]
# Each paged list of the statement: its field, its count, its offset and its parameters.
STATEMENT_LISTS = {
    "contributions": ("contribution_count", "contributions_offset", "contributions"),
    "rows": ("line_count", "lines_offset", "lines"),
    "substitutions": ("effect_count", "effects_offset", "effects"),
}
LARGEST = {"contributions_limit": 500, "lines_limit": 500, "effects_limit": 100}


def _viewer(who: str) -> Viewer:
    organization, role = READERS[who]
    return Actor(UserId(0), who, ParticipantCode(organization), role).viewer


def _add_korean_effects(wired: Application) -> None:
    """ADDED_EFFECTS more allocations after the demo's, each of a package (made from the demo's
    first) paid by a little of Korea's money on one line, whose basis keeps Korea's effect
    there."""
    with wired.reader() as reader:
        (demos,) = reader.substitution_runs(KOR)
    with wired.uow() as uow:
        (korean,) = uow.contributions.list(contributor=KOR)
        model = uow.packages.get(PackageId(1))
        line = model.lines[0].line_id
        first = max(p.id for p in uow.packages.list()) + 1
        added = [PackageId(first + n) for n in range(ADDED_EFFECTS)]
        for n, package_id in enumerate(added):
            uow.packages.add(
                replace(
                    model, id=package_id, name=f"Korean {n}", restriction=None,
                    attributions=(Attribution(korean.id, line, Money(100 + n, USD)),),
                )
            )  # fmt: skip
            effect = Substitution(
                KOR,
                Standing.RESTRICTED,
                took_over=(Shift(line, 1_000 + n, (package_id,)),),
                unallocated_minor=1_000 + n,
            )
            at = demos.recorded_at + timedelta(hours=1 + n)
            uow.bases.add(AllocationBasis(package_id, at.date(), at, (), (effect,)))
        uow.commit()


@pytest.fixture
def world(seeded: Seeded) -> Iterator[World]:
    """The demo allocated (see `test_api_package_summaries`), with ADDED_EFFECTS more Korean
    allocations, and one user per reader."""
    url = seeded("demo allocated on 2025-12-05, for the API", demo_allocated)
    clock = MovableClock(NOW)
    wired = build(make_settings(url), clock=clock, passwords=CHEAP_PASSWORDS)
    _add_korean_effects(wired)
    tokens = {}
    for name, (organization, role) in READERS.items():
        command = users.AddUser(
            name=f"{name}@{role}", organization=organization, role=role,
            token_lifetime=timedelta(days=30), pepper=PEPPER.encode(),
        )  # fmt: skip
        _, tokens[name] = wired.run(command, actor=SEEDER, request_id="seed", at=NOW)
    client = TestClient(create_app(wired.settings, wired=wired), raise_server_exceptions=False)
    yield World(client, wired, clock, tokens)
    client.close()
    wired.close()


def _whole_statement(world: World, who: str, code: str) -> dict[str, Any]:
    """The whole statement as the report's JSON was before it was paged: every item of each
    list, the contributions and the lines the oldest first, the effects the oldest first."""
    view = statements.statement_report(world.wired.reader(), viewer=_viewer(who), contributor=code)
    # As the route answers it: its times in the schema's JSON form.
    return StatementReport.model_validate(statement_report.statement(view)).model_dump(mode="json")


def _in_page_order(whole: dict[str, Any]) -> dict[str, list[Any]]:
    """The whole statement's lists in the order the pages lay them out: the contributions and
    the effects the newest first; the lines the newest package first, each package's lines
    in the order the whole lists them."""
    return {
        "contributions": whole["contributions"][::-1],
        "rows": sorted(whole["rows"], key=lambda r: parse_package_ref(r["package"]), reverse=True),
        "substitutions": whole["substitutions"][::-1],
    }


def _statement(world: World, who: str, code: str, **params: int) -> dict[str, Any]:
    return world.get(who, f"{API}/reports/statements/{code}", **params)


def _laid_end_to_end(
    world: World, who: str, code: str, field: str, limit: int, everything: dict[str, Any]
) -> list[Any]:
    """Every page of the list `field` with `limit` items a page (and one past its end), each
    checked to be `everything` but for that list and its offset; the pages' items in order."""
    count_field, offset_field, name = STATEMENT_LISTS[field]
    found: list[Any] = []
    for offset in range(0, everything[count_field] + limit, limit):
        params = {**LARGEST, f"{name}_limit": limit, f"{name}_offset": offset}
        page = _statement(world, who, code, **params)
        assert page[offset_field] == offset
        assert len(page[field]) == min(limit, max(everything[count_field] - offset, 0))
        rest = {k: v for k, v in page.items() if k not in (field, offset_field)}
        assert rest == {k: v for k, v in everything.items() if k in rest}, (who, code, field)
        found += page[field]
    return found


def test_a_statements_pages_laid_end_to_end_are_the_whole_statement(world: World) -> None:
    for who, code in STATEMENT_READS:
        whole = _whole_statement(world, who, code)
        everything = _statement(world, who, code, **LARGEST)
        ordered = _in_page_order(whole)
        for field, (count_field, offset_field, _) in STATEMENT_LISTS.items():
            assert everything[field] == ordered[field], (who, code, field)
            assert everything[count_field] == len(whole[field])
            assert everything[offset_field] == 0
        for kept in ("contributor", "name", "spent_usd", "unallocated_usd", "through_groups"):
            assert everything[kept] == whole[kept], (who, code, kept)
        for field, limit in (("contributions", 1), ("rows", 7), ("substitutions", 4)):
            paged = _laid_end_to_end(world, who, code, field, limit, everything)
            assert paged == ordered[field], (who, code, field)
        # The CSV lists the same lines, and ignores what page the JSON would hold.
        as_csv = world.client.get(
            f"{API}/reports/statements/{code}", headers=world.headers(who),
            params={"format": "csv", "lines_limit": 1, "lines_offset": 3},
        )  # fmt: skip
        assert as_csv.status_code == 200, as_csv.text
        lines = [r for r in csv_rows(as_csv.text) if not r["package status"].startswith("subst")]
        assert [(r["contribution"], r["package"], r["line"], Decimal(r["amount_usd"]))
                for r in lines] == [
            (r["contribution"], r["package"], r["line"], Decimal(r["amount"]["amount"]))
            for r in whole["rows"]
        ]  # fmt: skip


def test_the_korean_statement_is_paged_newest_first_with_its_whole_totals(world: World) -> None:
    added = [package_ref(PackageId(p)) for p in range(15, 3, -1)]  # P-0004 to P-0015 added
    demo = ["105", "153", "269", "285", "293", "294", "325"]  # P-0003's lines Korea pays
    pages = [_statement(world, "KOR", "KOR", lines_limit=3, lines_offset=n) for n in (0, 18)]
    assert [(r["package"], r["amount"]["amount_minor"]) for r in pages[0]["rows"]] == [
        (added[0], 111), (added[1], 110), (added[2], 109)]  # fmt: skip
    assert [(r["package"], r["line"]) for r in pages[1]["rows"]] == [
        ("P-0003", "UKR-2025-325"), ("P-0002", "UKR-2025-053")]  # fmt: skip
    middle = _statement(world, "KOR", "KOR", lines_limit=7, lines_offset=12)
    assert [r["line"] for r in middle["rows"]] == [f"UKR-2025-{n}" for n in demo]
    for page in (*pages, middle):
        assert (page["line_count"], page["contribution_count"], page["effect_count"]) == (20, 1, 13)
        # The demo's allocation spent USD 10,197,534.85 of it; the packages added 1,266 cents.
        assert page["spent_usd"]["amount_minor"] == 1_019_753_485 + 1_266
        assert page["unallocated_usd"]["amount_minor"] == 1_018_937_251
    effects = _statement(world, "KOR", "KOR", effects_limit=2, effects_offset=0)["substitutions"]
    assert [e["packages"] for e in effects] == [[added[0]], [added[1]]]
    default = _statement(world, "KOR", "KOR")
    assert (len(default["rows"]), len(default["substitutions"])) == (20, 10)
    oldest = _statement(world, "KOR", "KOR", effects_offset=12)["substitutions"]
    assert [e["packages"] for e in oldest] == [["P-0002", "P-0003"]]


@pytest.mark.parametrize(
    ("field", "value"),
    [(f"{name}_limit", bad) for name in ("contributions", "lines") for bad in (0, 501, "ten")]
    + [("effects_limit", 0), ("effects_limit", 101), ("effects_limit", "ten")]
    + [(f"{name}_offset", bad) for name in ("contributions", "lines", "effects")
       for bad in (-1, 10**9 + 1, "x")],
)  # fmt: skip
def test_a_statement_page_out_of_bounds_is_refused_naming_the_field(
    world: World, field: str, value: object
) -> None:
    for kind in ("json", "csv"):
        response = world.client.get(
            f"{API}/reports/statements/KOR", params={field: value, "format": kind},
            headers=world.headers("coordinator"),
        )  # fmt: skip
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field


def test_another_contributors_statement_is_not_found_on_any_page(world: World) -> None:
    for params in ({}, {"lines_offset": 1}, {"effects_limit": 1, "contributions_offset": 5}):
        response = world.client.get(
            f"{API}/reports/statements/KOR", params=params, headers=world.headers("LVA")
        )
        assert response.status_code == 404, (params, response.text)
        for who in ("supplier", "recipient"):
            refused = world.client.get(
                f"{API}/reports/statements/KOR", params=params, headers=world.headers(who)
            )
            assert refused.status_code == 403, (who, params)


# -- the package report ------------------------------------------------------------------------

PACKAGE_READERS = ("coordinator", "auditor", "supplier", "recipient", "LVA", "DEU", "KOR", "NLD")


def _payment_of_csv(row: dict[str, str]) -> tuple[str, str | None, str | None, Decimal]:
    return (row["contributor"], row["contribution"] or None, row["line"] or None,
            Decimal(row["amount_usd"]))  # fmt: skip


def _payment(found: dict[str, Any]) -> tuple[str, str | None, str | None, Decimal]:
    return (found["contributor"], found["contribution"], found["line"],
            Decimal(found["amount"]["amount"]))  # fmt: skip


def test_a_package_reports_pages_laid_end_to_end_are_its_whole_payments(world: World) -> None:
    # P-0002 restricted, DEU cleared: the others see their own payments of it only.
    world.post("coordinator", f"{API}/packages/2/restriction", {"cleared": ["DEU"]})
    for who in PACKAGE_READERS:
        for package_id in (1, 2, 3):
            path = f"{API}/reports/packages/{package_id}"
            view = package_views.package(
                world.wired.reader(), viewer=_viewer(who), package_id=PackageId(package_id)
            )
            whole = reports.package(view)  # the report's JSON before it was paged
            everything = world.get(who, path, attributions_limit=500)
            assert everything == whole, (who, package_id)
            assert everything["attribution_count"] == len(whole["payments"])
            as_csv = world.client.get(
                path, headers=world.headers(who),
                params={"format": "csv", "attributions_limit": 1, "attributions_offset": 2},
            )  # fmt: skip
            assert as_csv.status_code == 200, as_csv.text
            in_csv = [_payment_of_csv(r) for r in csv_rows(as_csv.text) if r["record"] == "payment"]
            assert in_csv == [_payment(p) for p in whole["payments"]], (who, package_id)
            count, found = everything["attribution_count"], []
            for offset in range(0, count + 9, 9):
                page = world.get(who, path, attributions_limit=9, attributions_offset=offset)
                assert page["attributions_offset"] == offset
                rest = {k: v for k, v in page.items() if k not in ("payments", "attributions_offset")}  # fmt: skip
                assert rest == {k: v for k, v in everything.items() if k in rest}
                found += page["payments"]
            assert found == everything["payments"], (who, package_id)


def test_the_third_packages_payments_are_paged_in_the_packages_order(world: World) -> None:
    path = f"{API}/reports/packages/3"
    default = world.get("coordinator", path)
    assert (default["attribution_count"], len(default["payments"])) == (90, 90)
    last = world.get("coordinator", path, attributions_limit=50, attributions_offset=50)
    assert len(last["payments"]) == 40
    assert default["payments"][50:] == last["payments"]
    # Latvia's money is confidential, and alone hidden from the supplier: left out of its
    # payments, and the package's cost withheld, on every page.
    supplier = [
        world.get("supplier", path, attributions_limit=30, attributions_offset=offset)
        for offset in (0, 30, 60, 90)
    ]
    assert [page["attribution_count"] for page in supplier] == [89] * 4
    assert [len(page["payments"]) for page in supplier] == [30, 30, 29, 0]
    paid = [p for page in supplier for p in page["payments"]]
    assert "Latvia" not in {p["contributor"] for p in paid}
    assert paid == [p for p in default["payments"] if p["contributor"] != "Latvia"]
    assert {page["cost"] for page in supplier} == {None}
    latvia = world.get("LVA", path, attributions_limit=100)["payments"]
    assert [p["contribution"] for p in latvia if p["contributor"] == "Latvia"] == ["C-00005"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("attributions_limit", 0), ("attributions_limit", 501), ("attributions_limit", "ten"),
     ("attributions_offset", -1), ("attributions_offset", 10**9 + 1)],
)  # fmt: skip
def test_a_package_report_page_out_of_bounds_is_refused_naming_the_field(
    world: World, field: str, value: object
) -> None:
    for kind in ("json", "xlsx"):
        response = world.client.get(
            f"{API}/reports/packages/1", params={field: value, "format": kind},
            headers=world.headers("supplier"),
        )  # fmt: skip
        assert response.status_code == 422, response.text
        assert response.json()["field"] == field
