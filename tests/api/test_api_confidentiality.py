"""A contributor never learns another's confidential amount: its every response is the same
whatever that amount is. Shown by building the same world twice with only the other
organization's confidential amount changed, and diffing everything the contributor can ask."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from api_world import World, seed_list

from purldesk.adapters.exports.sheets import XLSX_MEDIA_TYPE
from purldesk.domain.access import Role
from purldesk.domain.disclosure import withheld_reason
from report_files import xlsx_table

OTHER_POOLED = 1_000_000  # what the package takes from the other organization's money
OWN_SECRET_POOLED = 400_000  # of which NLD's confidential contribution pays, where it pays


def build(
    world: World, *, other_amount: str, other_confidential: bool, own_secret_pays: bool = False
) -> None:
    """NLD's public EUR 1M pays L-1 of P1; DEU's contribution pays L-2, and with
    `own_secret_pays` NLD's confidential one pays part of L-2 beside it."""
    seed_list(world)
    world.post(
        "contributor",
        "/api/v1/contributions",
        {"contributor": "NLD", "amount": "1000000", "currency": "EUR", "pledged_on": "2025-08-04"},
    )
    world.post(
        "contributor",
        "/api/v1/contributions",
        {
            "contributor": "NLD",
            "amount": "7000",
            "currency": "EUR",
            "pledged_on": "2025-08-04",
            "confidential": True,
            "purpose": "our own secret",
        },
    )
    world.post(
        "contributor_other",
        "/api/v1/contributions",
        {
            "contributor": "DEU",
            "amount": other_amount,
            "currency": "USD",
            "pledged_on": "2025-08-04",
            "confidential": other_confidential,
            "purpose": f"USD {other_amount} for medical kits",
            "source": "https://example.org/deu",
        },
    )
    paying_l2 = {3: OTHER_POOLED}  # by contribution: DEU's
    if own_secret_pays:
        paying_l2 = {3: OTHER_POOLED - OWN_SECRET_POOLED, 2: OWN_SECRET_POOLED}
    for ref in (1, *paying_l2):
        world.post("coordinator", f"/api/v1/contributions/{ref}/receive", {"on": "2025-08-04"})
    world.post("coordinator", "/api/v1/packages", {
        "cycle_id": 1, "name": "P1", "on": "2025-10-01",
        "lines": [{"line_id": 1, "lots": 2}, {"line_id": 2, "lots": 2}],
        "attributions": [{"contribution_id": 1, "line_id": 1, "amount_minor": 2_000_000},
                         *({"contribution_id": ref, "line_id": 2, "amount_minor": minor}
                           for ref, minor in paying_l2.items())]})  # fmt: skip


# Everything the contributor may ask, including filters aimed at the other organization and
# writes aimed at its contribution (whose errors must not differ either).
READS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/", {}),
    *[
        ("GET", f"/api/v1/{path}", {})
        for path in (
            "me",
            "participants",
            "participants/DEU",
            "catalog",
            "cycles",
            "cycles/1",
            "cycles/1/lines",
            "cycles/1/lines/L-2",
            "cycles/1/lines/L-2/history",
            "contributions",
            "contributions/3",
            "contributions/totals",
            "packages",
            "packages/1",
            "ledger/balances",
            "ledger/entries",
            "ledger/verify",
            "audit",
            "deliveries",
            "policies/DEU",
            "indicators",
            "cycles/1/allocation",
            "reports/transparency",
            "reports/statements/NLD",
            "reports/statements/DEU",
            "reports/packages/1",
            "reports/packages/1/ocds",
        )
    ],
    *[
        ("GET", f"/api/v1/reports/{path}", {"format": kind})
        for path in ("transparency", "statements/NLD", "statements/DEU", "packages/1")
        for kind in ("csv", "xlsx")
    ],
    ("GET", "/api/v1/whatif", {"cycle": "1"}),
    ("GET", "/api/v1/whatif", {"cycle": "1", "pledge": "DEU:1000:USD"}),
    ("GET", "/api/v1/deliveries", {"package_id": "1"}),
    (
        "POST",
        "/api/v1/packages/1/accept",
        {"json": {"prices": [{"line_id": 2, "lot_price_minor": 1}]}},
    ),
    ("POST", "/api/v1/packages/1/top-up", {"json": {}}),
    ("POST", "/api/v1/packages/1/shipments", {"json": {"line_id": 2, "quantity": 1}}),
    ("GET", "/api/v1/contributions", {"contributor": "DEU"}),
    ("GET", "/api/v1/contributions", {"confidential": "true"}),
    ("GET", "/api/v1/contributions/totals", {"contributor": "DEU"}),
    ("GET", "/api/v1/contributions/totals", {"status": "allocated"}),
    ("GET", "/api/v1/ledger/entries", {"contribution_id": "3"}),
    ("GET", "/api/v1/ledger/balances", {"account": "pool:C-00003"}),
    ("GET", "/api/v1/packages", {"status": "draft"}),
    ("POST", "/api/v1/contributions/3/commit", {}),
    ("POST", "/api/v1/contributions/3/receive", {"json": {"on": "2025-08-05"}}),
    ("POST", "/api/v1/contributions/3/cancel", {"json": {}}),
    ("POST", "/api/v1/contributions/3/refund", {"json": {}}),
]


def everything_seen(world: World, who: str) -> list[tuple[str, int, Any]]:
    seen = []
    for number, (method, path, options) in enumerate(READS):
        headers = world.headers(who, **{"Idempotency-Key": f"probe-{number}"})
        params = {k: v for k, v in options.items() if k != "json"}
        response = world.client.request(
            method, path, headers=headers, params=params, json=options.get("json")
        )
        body: Any = response.text
        if response.headers["content-type"] == XLSX_MEDIA_TYPE:
            body = xlsx_table(response.content)  # compared as the cells a reader sees
        elif response.headers["content-type"].startswith("application/"):
            body = response.json()
            if isinstance(body, dict):
                body.pop("request_id", None)  # fresh per request, by design
        seen.append((f"{method} {path} {params}", response.status_code, body))
    return seen


def seen_in_two_worlds(
    make_world: Callable[..., World], other_database_url: str, *, who: str, confidential: bool
) -> tuple[list[Any], list[Any]]:
    first, second = make_world(), make_world(url=other_database_url)
    build(first, other_amount="3000000", other_confidential=confidential)
    build(second, other_amount="4500000.50", other_confidential=confidential)
    return everything_seen(first, who), everything_seen(second, who)


def test_no_response_to_a_contributor_depends_on_anothers_confidential_amount(
    make_world: Callable[..., World], other_database_url: str
) -> None:
    first, second = seen_in_two_worlds(
        make_world, other_database_url, who="contributor", confidential=True
    )
    differences = [(a, b) for a, b in zip(first, second, strict=True) if a != b]
    assert differences == []
    # It did see the other organization and its own confidential amount.
    statuses = {name: status for name, status, _ in first}
    assert statuses["GET /api/v1/contributions/3 {}"] == 200
    assert statuses["GET /api/v1/reports/packages/1 {'format': 'xlsx'}"] == 200
    assert statuses["GET /api/v1/reports/statements/DEU {'format': 'csv'}"] == 404
    own = next(body for name, _, body in first if name == "GET /api/v1/contributions {}")
    assert [c["amount_minor"] for c in own["items"]] == [100_000_000, 700_000, None]


def test_the_diff_has_teeth_when_the_amount_is_public(
    make_world: Callable[..., World], other_database_url: str
) -> None:
    first, second = seen_in_two_worlds(
        make_world, other_database_url, who="contributor", confidential=False
    )
    assert [a for a, b in zip(first, second, strict=True) if a != b]


def test_the_coordinator_and_auditor_see_the_confidential_amount(world: World) -> None:
    build(world, other_amount="3000000", other_confidential=True)
    for who in ("coordinator", "auditor"):
        assert world.get(who, "/api/v1/contributions/3")["amount_minor"] == 300_000_000
    for who in ("recipient", "contributor"):
        seen = world.get(who, "/api/v1/contributions/3")
        assert (seen["contributor"], seen["amount_minor"], seen["purpose"]) == ("DEU", None, None)


def test_totals_fold_what_the_viewer_may_not_see_into_undisclosed(world: World) -> None:
    build(world, other_amount="3000000", other_confidential=True)
    recipient = world.get("recipient", "/api/v1/contributions/totals")
    assert (recipient["contributions"], recipient["undisclosed"]) == (3, 2)
    assert recipient["pledged"] == [
        {"currency": "EUR", "amount_minor": 100_000_000, "amount": "1000000.00"}
    ]
    coordinator = world.get("coordinator", "/api/v1/contributions/totals")
    assert coordinator["undisclosed"] == 0


def test_a_package_shows_others_confidential_money_only_as_an_undisclosed_bucket(
    world: World,
) -> None:
    """DEU and NLD (k = 2) both pay L-2 from confidential money: the supplier sees their sum."""
    build(world, other_amount="3000000", other_confidential=True, own_secret_pays=True)
    supplier = world.get("supplier", "/api/v1/packages/1")
    assert supplier["attributions"] == [
        {"contribution_id": 1, "line_id": 1, "amount_minor": 2_000_000},
        {"contribution_id": None, "line_id": None, "amount_minor": OTHER_POOLED},
    ]
    assert (supplier["cost_minor"], supplier["suppressed"]) == (3_000_000, None)
    assert [ln["cost_minor"] for ln in supplier["lines"]] == [2_000_000, OTHER_POOLED]
    assert len(world.get("auditor", "/api/v1/packages/1")["attributions"]) == 3
    assert Role.SUPPLIER  # the supplier sees package totals, never a confidential contributor's


def test_a_package_withholds_one_hidden_contributors_money_and_what_it_follows_from(
    world: World,
) -> None:
    """Only DEU pays L-2 from confidential money: its sum, L-2's cost and the package's cost
    would each be DEU's amount (less NLD's visible part), so all are withheld."""
    build(world, other_amount="3000000", other_confidential=True)
    reason = withheld_reason(2)
    for who in ("supplier", "recipient", "contributor"):
        seen = world.get(who, "/api/v1/packages/1")
        assert seen["attributions"] == [
            {"contribution_id": 1, "line_id": 1, "amount_minor": 2_000_000}
        ], who
        assert (seen["cost_minor"], seen["suppressed"]) == (None, reason), who
        assert [(ln["cost_minor"], ln["lot_price_minor"], ln["suppressed"])
                for ln in seen["lines"]] == [(2_000_000, 1_000_000, None), (None, None, reason)]  # fmt: skip
        listed = world.get(who, "/api/v1/packages")["items"]
        assert [(p["cost_minor"], p["suppressed"]) for p in listed] == [(None, reason)], who
    auditor = world.get("auditor", "/api/v1/packages/1")
    assert (auditor["cost_minor"], auditor["suppressed"]) == (3_000_000, None)
