"""Over HTTP on both databases: the contributions' totals, summed in SQL, and the deliveries,
counted and paged in SQL, answer exactly what reading everything and filtering, summing and
paging it in Python answers, for every role, filter and page."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import product
from typing import Any

import pytest
from api_world import USERS, World
from test_api_package_lifecycle import endorsed_with_money

import contribution_world
from purldesk.domain.access import Actor, UserId, Viewer
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import ParticipantCode
from purldesk.entrypoints.api.routers.contributions_schemas import ContributionTotals
from purldesk.entrypoints.api.routers.packages_schemas import ShipmentRead
from purldesk.services import deliveries
from purldesk.services.views import rows

pytestmark = pytest.mark.both_databases

API = "/api/v1"
READS_CONTRIBUTIONS = ("coordinator", "auditor", "recipient", "contributor", "contributor_other")


def _viewer(who: str) -> Viewer:
    name, organization, role = USERS[who]
    return Actor(UserId(0), name, ParticipantCode(organization), role).viewer


def test_the_totals_are_the_domains_sums_of_what_each_role_may_see(world: World) -> None:
    made = contribution_world.contributions(["NLD", "DEU"])
    with world.wired.uow() as uow:
        for contribution in made:
            uow.contributions.add(contribution)
        uow.commit()
    statuses = (None, ContributionStatus.RECEIVED, ContributionStatus.PLEDGED)
    for who, contributor, status in product(READS_CONTRIBUTIONS, (None, "NLD", "deu"), statuses):
        params = {k: v for k, v in (("contributor", contributor), ("status", status)) if v}
        answered = world.get(who, f"{API}/contributions/totals", **params)
        wanted = contribution_world.expected_totals(
            _viewer(who), made, contributor=None if contributor is None else contributor.upper(),
            status=status,
        )  # fmt: skip
        assert answered == ContributionTotals.of(wanted).model_dump(mode="json"), params
    # Worth comparing: some amounts are hidden from a contributor, none from the coordinator.
    assert world.get("contributor", f"{API}/contributions/totals")["undisclosed"] == 6
    assert world.get("coordinator", f"{API}/contributions/totals")["undisclosed"] == 0


def _shipped(world: World, count: int) -> list[Shipment]:
    """`count` shipments of package 1's lines, every third one received."""
    start = date(2025, 10, 2)
    made = [
        Shipment(
            ShipmentId(n), PackageId(1), line_id, 1, start + timedelta(days=n),
            start + timedelta(days=n + 1) if n % 3 == 0 else None,
        )
        for n in range(1, count + 1)
        for line_id in [world.get("coordinator", f"{API}/packages/1")["lines"][n % 2]["line_id"]]
    ]  # fmt: skip
    with world.wired.uow() as uow:
        for shipment in made:
            uow.shipments.add(shipment)
        uow.commit()
    return made


def _as_before(world: World, who: str, params: dict[str, Any]) -> dict[str, Any]:
    """The page as the route made it before: every shipment read, then filtered and cut."""
    viewer = _viewer(who)
    with world.wired.reader() as reader:
        unseen = rows.restricted_from(reader, viewer)
    package_id = params.get("package_id")
    received = params.get("received")
    found = [
        s
        for s in deliveries.list_all(
            world.wired.uow(), package_id=None if package_id is None else PackageId(package_id)
        )
        if received in (None, s.is_confirmed) and s.package_id not in unseen
    ]
    offset, limit = params.get("offset", 0), params.get("limit", 100)
    return {
        "items": [ShipmentRead.of(s).model_dump(mode="json") for s in found[offset:][:limit]],
        "total": len(found), "limit": limit, "offset": offset,
    }  # fmt: skip


def test_the_deliveries_page_answers_as_before_for_every_role_filter_and_page(
    world: World,
) -> None:
    endorsed_with_money(world)
    world.post("coordinator", f"{API}/cycles/1/allocation", {"on": "2025-10-01"})
    _shipped(world, 14)
    # Cleared for the Netherlands, not for Germany.
    world.post("coordinator", f"{API}/packages/1/restriction", {"cleared": ["NLD"]})
    pages = ({}, {"limit": 5}, {"limit": 4, "offset": 6}, {"limit": 5, "offset": 20})
    filters = ({}, {"package_id": 1}, {"received": True}, {"received": False, "package_id": 1})
    for who, shown, wanted in product(USERS, pages, filters):
        params = {**shown, **wanted}
        sent = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}
        answered = world.get(who, f"{API}/deliveries", **sent)
        assert answered == _as_before(world, who, params), (who, params)
    assert world.get("contributor", f"{API}/deliveries", limit=5)["total"] == 14
    assert world.get("contributor_other", f"{API}/deliveries")["total"] == 0
    assert world.get("coordinator", f"{API}/deliveries", received="true")["total"] == 4
    unknown = world.client.get(f"{API}/deliveries?package_id=9", headers=world.headers("auditor"))
    assert unknown.status_code == 404 and unknown.json()["error"] == "NotFound"
