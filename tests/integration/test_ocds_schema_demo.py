"""Every Open Contracting document the demo can produce validates against the bundled OCDS
1.1.5 schemas with the budget breakdown extension and the closed codelists, on SQLite and
PostgreSQL: each package's release package and record package (in every state a package can
be in: see demo_lifecycle.py), and every page of all packages' releases."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from database_world import CHEAP_PASSWORDS, Seeded
from demo_lifecycle import CANCELLED, DELIVERED, RESTRICTED, TOPPED_UP, build_lifecycle
from ocds_validation import closed_codelists, codelist, problems
from purldesk.adapters.exports import ocds, ocds_documents
from purldesk.bootstrap import Application, build
from purldesk.config import load_settings
from purldesk.domain.packages import PackageStatus
from purldesk.services.views import releases


@pytest.fixture
def app(seeded: Seeded) -> Iterator[Application]:
    wired = build(
        load_settings(database_url=seeded("lifecycle", build_lifecycle)),
        passwords=CHEAP_PASSWORDS,
    )
    yield wired
    wired.close()


def parsed(document: dict[str, Any]) -> Any:
    """The document as a client reads it: exact decimals, from the text the API serves."""
    return json.loads(ocds.dumps(document), parse_float=Decimal)


def test_the_schema_s_closed_codelists_are_the_bundled_codelists() -> None:
    """So validating against the schema's enums is validating against the codelists."""
    found = list(closed_codelists())
    assert {name for _, name, _ in found} >= {
        "releaseTag.csv", "tenderStatus.csv", "awardStatus.csv", "contractStatus.csv",
        "milestoneStatus.csv", "currency.csv", "initiationType.csv"}  # fmt: skip
    for where, name, enum in found:
        assert {code for code in enum if code is not None} == set(codelist(name)), where


def test_every_release_and_record_of_every_package_validates(app: Application) -> None:
    published = app.ocds_publication
    with app.reader() as reader:
        statuses = {p.id: p.status for p in reader.package_totals(with_cancelled=True)}
    # The lifecycle world reaches each state a package ends a write in.
    assert set(statuses.values()) >= set(PackageStatus) - {
        PackageStatus.VALIDATED,
        PackageStatus.DELIVERING,
        PackageStatus.DELIVERED,
    }
    for package_id in statuses:
        releases = parsed(ocds_documents.package_document(app.reader(), published, package_id))
        assert problems(releases, "release-package") == [], package_id
        for release in releases["releases"]:
            assert problems(release, "release") == [], release["id"]
        ocid = releases["releases"][0]["ocid"]
        record = parsed(ocds_documents.record_document(app.reader(), published, ocid))
        assert problems(record, "record-package") == [], ocid
        assert problems(record["records"][0]["compiledRelease"], "release") == [], ocid


def test_every_page_of_every_package_s_releases_validates(app: Application) -> None:
    published = app.ocds_publication
    offset, seen = 0, []
    while True:
        document, total = ocds_documents.releases_document(
            app.reader(), published, offset=offset, limit=50
        )
        page = parsed(document)
        assert problems(page, "release-package") == [], offset
        seen += [(r["ocid"], r["id"]) for r in page["releases"]]
        offset += 50
        if offset >= total:
            break
    assert len(seen) == len(set(seen)) == total


def test_each_path_of_the_lifecycle_is_published_as_the_codelists_intend(
    app: Application,
) -> None:
    published = app.ocds_publication

    def history(package_id: int) -> list[Any]:
        document = ocds_documents.package_document(app.reader(), published, package_id)
        return list(parsed(document)["releases"])

    delivered = history(DELIVERED)
    tags = [r["tag"] for r in delivered]
    assert tags[:5] == [
        ["planning"], ["planningUpdate"], ["tender"], ["award", "contract"], ["implementation"]]  # fmt: skip
    shipped = tags[5:-1]  # a release per shipment and per confirmed receipt
    assert shipped and all(tag == ["implementationUpdate"] for tag in shipped)
    assert tags[-1] == ["contractTermination"]
    closed = delivered[-1]
    (contract,) = closed["contracts"]
    assert (closed["tender"]["status"], closed["awards"][0]["status"], contract["status"]) == (
        "complete", "active", "terminated")  # fmt: skip
    paid = contract["implementation"]["transactions"]
    assert sum(t["value"]["amount"] for t in paid) == contract["value"]["amount"]
    assert all(t["payee"]["id"] == "USA" for t in paid)
    assert "transactions" not in delivered[-2]["contracts"][0]["implementation"]  # paid at close

    topped = history(TOPPED_UP)
    assert [r["tag"] for r in topped] == [
        ["planning"], ["planningUpdate"], ["tender"], ["tenderUpdate"], ["tenderUpdate"],
        ["award", "contract"]]  # fmt: skip
    assert [r["tender"]["status"] for r in history(CANCELLED)] == ["planning", "cancelled"]
    restricted = history(RESTRICTED)[-1]
    assert "items" not in restricted["tender"] and restricted["tender"]["status"] == "active"


def test_the_validation_refuses_a_status_outside_the_closed_codelists(app: Application) -> None:
    document = ocds_documents.package_document(app.reader(), app.ocds_publication, DELIVERED)
    closed = parsed(document)["releases"][-1]
    closed["contracts"][0]["status"] = "completed"  # not in contractStatus
    closed["tag"] = ["closure"]  # not in releaseTag
    assert [p.split(":")[0] for p in problems(closed, "release")] == ["contracts/0/status", "tag/0"]


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_a_page_of_releases_tells_each_release_as_the_package_s_whole_history_does(
    app: Application, limit: int
) -> None:
    """A page reads only the states it tells and their neighbours, yet says what the whole
    history says of each: its previous status and whether its money is shown (a topped-up
    package's earlier states show none)."""
    with app.reader() as reader:
        ids = [p.id for p in reader.package_totals(with_cancelled=True)]
    whole = releases.histories(app.reader(), ids)
    in_order = {(r.public.detail.summary.id, r.number): r for kept in whole.values() for r in kept}
    offset, told = 0, []
    while True:
        page, total = releases.release_page(app.reader(), offset=offset, limit=limit)
        with app.reader() as reader:
            keys = reader.release_keys(offset=offset, limit=limit)
        assert page == [in_order[key] for key in keys], offset
        told += page
        offset += limit
        if offset >= total:
            break
    assert len(told) == len(in_order)
    assert any(r.money_withheld for r in told) and any(r.previous for r in told)
