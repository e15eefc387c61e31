"""Reports over HTTP: the public transparency report (with and without a token), statements,
package reports and the OCDS export, as JSON, CSV and XLSX."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from api_world import DAY, SEEDER, USERS, World, seed_list
from fastapi.testclient import TestClient

from purldesk.bootstrap import build
from purldesk.config import ReportSettings
from purldesk.domain.disclosure import withheld_reason
from purldesk.domain.money import USD, Money
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.entrypoints.web.app import create_app
from purldesk.services import contributions, participants
from report_files import csv_rows, same_number, xlsx_rows

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SECRET_PLEDGE = "3141592.65"  # Germany's confidential pledge, in USD
SECRET_MARKS = ("3141592", "314159265")  # how it would show, in major or in minor units


# Who pays line L-2 (USD 10,000) of P-0001 from confidential money, in minor units.
ONE_HIDDEN = {"DEU": 1_000_000}
# k + 1 hidden contributors (k = 2): enough for the public's documents to show their sum.
THREE_HIDDEN = {"DEU": 500_000, "FRA": 300_000, "POL": 200_000}
# k hidden contributors (k = 2): enough for an organization's documents, not the public's.
TWO_HIDDEN = {"DEU": 600_000, "FRA": 400_000}
HIDDEN_NAMES = {"FRA": "France", "POL": "Poland"}
# Each long list of a report's JSON whole, on one page.
WHOLE_STATEMENT = {"contributions_limit": "500", "lines_limit": "500", "effects_limit": "100"}
ALL_PAYMENTS = {"attributions_limit": "500"}


def pledge_confidentially(world: World, codes: Iterable[str]) -> None:
    """Register each of `codes` but DEU and pledge USD 100,000 of confidential money for it, as
    the operator does (the world has users for NLD and DEU only)."""
    others = [code for code in codes if code != "DEU"]
    participants.add_many(world.wired.uow(), participants=[
        Participant(ParticipantCode(code), HIDDEN_NAMES[code], ParticipantKind.ALLY,
                    ParticipantStatus.JOINED)
        for code in others
    ])  # fmt: skip
    for code in others:
        command = contributions.Pledge(
            contributor=code, amount=Money(10_000_000, USD), pledged_on=DAY, confidential=True
        )
        world.wired.run(command, actor=SEEDER, request_id="seed")


def build_world(
    world: World, *, deu_pledge: str = SECRET_PLEDGE, hidden: Mapping[str, int] = ONE_HIDDEN
) -> None:
    """An endorsed list; NLD's public EUR 1M and DEU's confidential pledge (and those of the
    other `hidden` payers), all received; P-0001 pays L-1 (USD 20,000) from NLD's money and
    L-2 (USD 10,000) from the `hidden` payers' confidential money, accepted, one unit shipped
    and confirmed."""
    seed_list(world)
    world.post("recipient", "/api/v1/cycles/1/submit")
    world.post("coordinator", "/api/v1/cycles/1/endorse")
    world.post(
        "contributor",
        "/api/v1/contributions",
        {"contributor": "NLD", "amount": "1000000", "currency": "EUR", "pledged_on": "2025-08-04"},
    )
    world.post("contributor_other", "/api/v1/contributions", {
        "contributor": "DEU", "amount": deu_pledge, "currency": "USD",
        "pledged_on": "2025-08-04", "confidential": True})  # fmt: skip
    pledge_confidentially(world, hidden)
    pledged = ["NLD", "DEU", *(code for code in hidden if code != "DEU")]
    for ref in range(1, len(pledged) + 1):
        world.post("coordinator", f"/api/v1/contributions/{ref}/receive", {"on": "2025-08-04"})
    paid_secretly = [
        {"contribution_id": pledged.index(code) + 1, "line_id": 2, "amount_minor": minor}
        for code, minor in hidden.items()
    ]
    world.post("coordinator", "/api/v1/packages", {
        "cycle_id": 1, "name": "Air defence and medical", "on": "2025-10-01",
        "lines": [{"line_id": 1, "lots": 2}, {"line_id": 2, "lots": 2}],
        "attributions": [{"contribution_id": 1, "line_id": 1, "amount_minor": 2_000_000},
                         *paid_secretly]})  # fmt: skip
    world.post("coordinator", "/api/v1/packages/1/propose")
    world.post("coordinator", "/api/v1/packages/1/validate")
    world.post("supplier", "/api/v1/packages/1/accept", {"on": "2025-10-01"})
    world.post("supplier", "/api/v1/packages/1/shipments", {
        "line_id": 1, "quantity": 1, "shipped_on": "2025-10-01"})  # fmt: skip
    world.post("recipient", "/api/v1/shipments/1/confirm", {"received_on": "2025-10-01"})


def fetch(world: World, who: str | None, path: str, **params: str) -> Any:
    headers = {} if who is None else world.headers(who)
    return world.client.get(path, headers=headers, params=params)


def json_of(world: World, who: str | None, path: str, **params: str) -> Any:
    response = fetch(world, who, path, **params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def attachment(response: Any, media_type: str, filename: str) -> None:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["content-disposition"] == f'attachment; filename="{filename}"'


def test_the_transparency_report_is_public_and_the_same_whoever_asks(world: World) -> None:
    build_world(world, hidden=THREE_HIDDEN)
    public = json_of(world, None, "/api/v1/reports/transparency")
    assert (public["contributions"], public["undisclosed"]) == (4, 3)
    # Only NLD's received money is summed: EUR 1M at the ECB rate of 2025-08-04 (1.1565).
    assert public["received_usd"] == {
        "amount_minor": 115_650_000, "amount": "1156500.00", "currency": "USD"}  # fmt: skip
    assert public["pledged"] == [
        {"amount_minor": 100_000_000, "amount": "1000000.00", "currency": "EUR"}
    ]
    assert [c["name"] for c in public["contributors"]] == ["Netherlands"]
    # Three hidden contributors share L-2: the package's cost may be published.
    (package,) = public["packages"]
    assert (package["ref"], package["cost"]["amount"]) == ("P-0001", "30000.00")
    assert public["allocated_usd"]["amount_minor"] == 3_000_000
    assert public["disbursed_usd"]["amount_minor"] == 0
    assert public["withheld"] is None
    assert [d["shipment"] for d in public["deliveries"]] == ["S-0001"]
    for who in USERS:  # never computed as the caller: the coordinator sees no more here
        assert json_of(world, who, "/api/v1/reports/transparency") == public
    assert not any(mark in json.dumps(public) for mark in SECRET_MARKS)


def test_the_transparency_report_withholds_what_one_hidden_contributor_paid(
    world: World,
) -> None:
    """The package's cost less NLD's public part would be DEU's USD 10,000, and so would the
    allocated total less the other packages': both are withheld, saying why."""
    build_world(world, hidden=ONE_HIDDEN)
    public = json_of(world, None, "/api/v1/reports/transparency")
    (package,) = public["packages"]
    assert (package["ref"], package["cost"]) == ("P-0001", None)
    assert (public["allocated_usd"], public["disbursed_usd"]) == (None, None)
    assert public["withheld"] == withheld_reason(3)  # k + 1: every contributor reads it too
    assert (public["contributions"], public["undisclosed"]) == (2, 1)
    for who in USERS:
        assert json_of(world, who, "/api/v1/reports/transparency") == public


def transparency_csv(world: World) -> tuple[Any, dict[tuple[str, str], dict[str, str]]]:
    as_csv = fetch(world, None, "/api/v1/reports/transparency", format="csv")
    attachment(as_csv, "text/csv", "transparency-2025-10-01.csv")
    return as_csv, {(r["record"], r["label"]): r for r in csv_rows(as_csv.text)}


def test_the_transparency_report_as_csv_and_xlsx_holds_the_same_figures(world: World) -> None:
    build_world(world, hidden=THREE_HIDDEN)
    public = json_of(world, None, "/api/v1/reports/transparency")
    as_csv, by_record = transparency_csv(world)
    assert by_record["received", ""]["amount"] == public["received_usd"]["amount"]
    assert by_record["allocated", ""]["amount"] == "30000.00"
    assert by_record["contributions", "undisclosed"]["count"] == "3"
    assert by_record["package", "P-0001 Air defence and medical"]["amount"] == "30000.00"
    assert by_record["contributor", "Netherlands"]["amount"] == "1156500.00"
    as_xlsx = fetch(world, None, "/api/v1/reports/transparency", format="xlsx")
    attachment(as_xlsx, XLSX, "transparency-2025-10-01.xlsx")
    rows = csv_rows(as_csv.text)
    from_xlsx = xlsx_rows(as_xlsx.content)
    assert len(from_xlsx) == len(rows)
    for a, b in zip(rows, from_xlsx, strict=True):
        assert all(same_number(a[k], b[k]) for k in a), (a, b)
    assert not any(mark in as_csv.text for mark in SECRET_MARKS)


def test_the_transparency_sheets_leave_a_withheld_figure_empty(world: World) -> None:
    build_world(world, hidden=ONE_HIDDEN)
    as_csv, by_record = transparency_csv(world)
    assert by_record["package", "P-0001 Air defence and medical"]["amount"] == ""
    assert by_record["package", "P-0001 Air defence and medical"]["of_amount"] == "500000000.00"
    assert by_record["allocated", ""]["amount"] == by_record["disbursed", ""]["amount"] == ""
    assert by_record["received", ""]["amount"] == "1156500.00"
    as_xlsx = fetch(world, None, "/api/v1/reports/transparency", format="xlsx")
    for a, b in zip(csv_rows(as_csv.text), xlsx_rows(as_xlsx.content), strict=True):
        assert all(same_number(a[k], b[k]) for k in a), (a, b)


def test_a_bad_format_is_refused_naming_the_field(world: World) -> None:
    response = fetch(world, None, "/api/v1/reports/transparency", format="pdf")
    assert response.status_code == 422
    assert response.json()["field"] == "format"


def test_a_contributor_reads_its_own_statement_and_not_anothers(world: World) -> None:
    build_world(world)
    own = json_of(world, "contributor", "/api/v1/reports/statements/NLD", **WHOLE_STATEMENT)
    assert (own["contributor"], own["name"]) == ("NLD", "Netherlands")
    assert own["rows"] == [{
        "contribution": "C-00001", "package": "P-0001", "package_status": "delivering",
        "line": "L-1", "item": "Air defence interceptor",
        "amount": {"amount_minor": 2_000_000, "amount": "20000.00", "currency": "USD"},
        "shipped": 1, "received": 1}]  # fmt: skip
    assert (own["line_count"], own["lines_offset"], own["contribution_count"]) == (1, 0, 1)
    assert own["spent_usd"]["amount_minor"] == 2_000_000
    assert own["unallocated_usd"]["amount_minor"] == 115_650_000 - 2_000_000
    for who, status in (("contributor_other", 404), ("recipient", 403), ("supplier", 403)):
        response = fetch(world, who, "/api/v1/reports/statements/NLD")
        assert response.status_code == status, (who, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert fetch(world, None, "/api/v1/reports/statements/NLD").status_code == 401
    assert fetch(world, "coordinator", "/api/v1/reports/statements/XXX").status_code == 404


def test_the_coordinator_and_the_auditor_read_a_confidential_contributors_statement(
    world: World,
) -> None:
    build_world(world)
    for who in ("coordinator", "auditor"):
        deu = json_of(world, who, "/api/v1/reports/statements/deu", **WHOLE_STATEMENT)
        (contribution,) = deu["contributions"]
        assert contribution["amount"]["amount"] == SECRET_PLEDGE
        assert [(r["line"], r["amount"]["amount_minor"]) for r in deu["rows"]] == [
            ("L-2", 1_000_000)
        ]


def test_a_statement_as_csv_and_xlsx_lists_what_the_money_bought(world: World) -> None:
    build_world(world)
    as_csv = fetch(world, "contributor", "/api/v1/reports/statements/NLD", format="csv")
    attachment(as_csv, "text/csv", "statement-NLD.csv")
    assert csv_rows(as_csv.text) == [{
        "contribution": "C-00001", "package": "P-0001", "package status": "delivering",
        "line": "L-1", "item": "Air defence interceptor", "amount_usd": "20000.00",
        "shipped": "1", "received": "1", "other_money_usd": ""}]  # fmt: skip
    as_xlsx = fetch(world, "auditor", "/api/v1/reports/statements/NLD", format="xlsx")
    attachment(as_xlsx, XLSX, "statement-NLD.xlsx")
    row, total = xlsx_rows(as_xlsx.content)  # the workbook adds its total below the rows
    assert (row["line"], row["shipped"]) == ("L-1", "1")
    assert Decimal(row["amount_usd"]) == Decimal("20000.00")
    assert (total["contribution"], Decimal(total["amount_usd"])) == (
        "total in packages", Decimal("20000.00"),
    )  # fmt: skip
    other = fetch(world, "contributor_other", "/api/v1/reports/statements/NLD", format="csv")
    assert other.status_code == 404


def test_the_package_report_folds_what_the_caller_may_not_see(world: World) -> None:
    build_world(world, hidden=THREE_HIDDEN)
    supplier = json_of(world, "supplier", "/api/v1/reports/packages/1", **ALL_PAYMENTS)
    assert (supplier["ref"], supplier["status"], supplier["cycle"]) == (
        "P-0001", "delivering", "2025-10")  # fmt: skip
    assert supplier["cost"]["amount_minor"] == 3_000_000
    assert [
        (ln["line"], ln["lots"], ln["quantity"], ln["lot_price"]["amount"], ln["cost"]["amount"],
         ln["shipped"], ln["received"])
        for ln in supplier["lines"]
    ] == [("L-1", 2, 2, "10000.00", "20000.00", 1, 1), ("L-2", 2, 4, "5000.00", "10000.00", 0, 0)]  # fmt: skip
    assert [(p["contributor"], p["contribution"], p["line"], p["amount"]["amount_minor"])
            for p in supplier["payments"]] == [
        ("Netherlands", "C-00001", "L-1", 2_000_000), ("undisclosed", None, None, 1_000_000)]  # fmt: skip
    assert supplier["withheld"] is None
    assert [s["shipment"] for s in supplier["shipments"]] == ["S-0001"]
    coordinator = json_of(world, "coordinator", "/api/v1/reports/packages/1", **ALL_PAYMENTS)
    assert [(p["contributor"], p["amount"]["amount_minor"]) for p in coordinator["payments"]] == [
        ("Netherlands", 2_000_000), ("Germany", 500_000), ("France", 300_000),
        ("Poland", 200_000)]  # fmt: skip
    assert (coordinator["attribution_count"], supplier["attribution_count"]) == (4, 2)
    assert fetch(world, "supplier", "/api/v1/reports/packages/99").status_code == 404


def test_the_package_report_withholds_one_hidden_contributors_line_and_the_cost(
    world: World,
) -> None:
    build_world(world, hidden=ONE_HIDDEN)
    supplier = json_of(world, "supplier", "/api/v1/reports/packages/1", **ALL_PAYMENTS)
    assert (supplier["cost"], supplier["short"]) == (None, None)
    assert supplier["withheld"] == withheld_reason(2)
    first, second = supplier["lines"]
    assert (first["lot_price"]["amount"], first["cost"]["amount"]) == ("10000.00", "20000.00")
    assert (second["line"], second["lot_price"], second["cost"]) == ("L-2", None, None)
    assert [(p["contributor"], p["amount"]["amount_minor"]) for p in supplier["payments"]] == [
        ("Netherlands", 2_000_000)
    ]
    coordinator = json_of(world, "coordinator", "/api/v1/reports/packages/1", **ALL_PAYMENTS)
    assert coordinator["cost"]["amount_minor"] == 3_000_000
    assert coordinator["withheld"] is None


def package_csv(world: World, who: str) -> list[dict[str, str]]:
    as_csv = fetch(world, who, "/api/v1/reports/packages/1", format="csv")
    attachment(as_csv, "text/csv", "package-P-0001.csv")
    rows = csv_rows(as_csv.text)
    as_xlsx = fetch(world, who, "/api/v1/reports/packages/1", format="xlsx")
    attachment(as_xlsx, XLSX, "package-P-0001.xlsx")
    for a, b in zip(rows, xlsx_rows(as_xlsx.content), strict=True):
        assert all(same_number(a[k], b[k]) for k in a), (a, b)
    return rows


def test_the_package_report_as_csv_sums_to_the_package_cost(world: World) -> None:
    build_world(world, hidden=THREE_HIDDEN)
    rows = package_csv(world, "recipient")
    kinds = [r["record"] for r in rows]
    assert kinds == ["line", "line", "payment", "payment", "shipment"]
    lines = sum(Decimal(r["amount_usd"]) for r in rows if r["record"] == "line")
    paid = sum(Decimal(r["amount_usd"]) for r in rows if r["record"] == "payment")
    assert lines == paid == Decimal("30000.00")
    assert [r["contributor"] for r in rows if r["record"] == "payment"] == [
        "Netherlands", "undisclosed"]  # fmt: skip


def test_the_package_report_as_csv_leaves_a_withheld_line_empty(world: World) -> None:
    build_world(world, hidden=ONE_HIDDEN)
    rows = package_csv(world, "recipient")
    assert [(r["record"], r["line"], r["lot_price_usd"], r["amount_usd"]) for r in rows] == [
        ("line", "L-1", "10000.00", "20000.00"), ("line", "L-2", "", ""),
        ("payment", "L-1", "", "20000.00"), ("shipment", "L-1", "", "")]  # fmt: skip


def ocds_of(world: World, who: str, package_id: int = 1) -> tuple[dict[str, Any], str]:
    response = fetch(world, who, f"/api/v1/reports/packages/{package_id}/ocds")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return json.loads(response.text, parse_float=Decimal), response.text


def test_the_ocds_release_package_is_the_public_view_with_exact_amounts(world: World) -> None:
    build_world(world, hidden=THREE_HIDDEN)
    document, text = ocds_of(world, "coordinator")
    assert (document["version"], document["publisher"]["name"]) == ("1.1", "purldesk")
    assert document["publishedDate"] == "2025-10-01T09:00:00Z"
    assert document["uri"].endswith("/api/v1/reports/packages/1/ocds")
    # One release per write that changed the package: drafted, proposed, validated (and so
    # funded), accepted, one unit shipped, its receipt confirmed.
    releases = document["releases"]
    assert [r["tag"] for r in releases] == [
        ["planning"], ["planningUpdate"], ["tender"], ["award", "contract"], ["implementation"],
        ["implementationUpdate"]]  # fmt: skip
    assert len({r["id"] for r in releases}) == len(releases)
    release = releases[-1]
    for field in ("ocid", "id", "date", "tag", "initiationType"):
        assert release[field], field
    assert release["ocid"] == "ocds-purldesk-P-0001"
    roles = {p["id"]: p["roles"] for p in release["parties"]}
    assert roles["UKR"] == ["buyer"]
    assert roles["USA"] == ["supplier", "payee"]
    assert roles["NLD"] == ["funder", "sourceParty", "payer"]
    # Their money is confidential: not attributed to them in public.
    assert not {"DEU", "FRA", "POL"} & set(roles)
    value = release["tender"]["value"]
    assert value == {"amount": Decimal("30000.00"), "currency": "USD"}
    assert '"amount": 30000.00' in text  # a JSON number, to the cent, not a string
    items = release["tender"]["items"]
    assert [(i["id"], i["quantity"], i["unit"]["value"]["amount"]) for i in items] == [
        ("L-1", 2, Decimal("10000.00")), ("L-2", 2, Decimal("5000.00"))]  # fmt: skip
    assert sum(i["quantity"] * i["unit"]["value"]["amount"] for i in items) == value["amount"]
    budget = release["planning"]["budget"]
    parts = budget["budgetBreakdown"]
    assert sum(p["amount"]["amount"] for p in parts) == budget["amount"]["amount"]
    assert budget["amount"] == value
    assert [p.get("sourceParty", {}).get("id") for p in parts] == ["NLD", None]
    (award,) = release["awards"]
    (contract,) = release["contracts"]
    assert award["value"] == contract["value"] == value
    assert contract["awardID"] == award["id"]
    assert [m["id"] for m in contract["implementation"]["milestones"]] == ["S-0001"]
    # Always the public's view: every role gets the same document.
    for who in USERS:
        assert ocds_of(world, who)[1] == text
    assert not any(mark in text for mark in SECRET_MARKS)


def test_the_ocds_release_leaves_out_the_values_one_hidden_contributor_would_follow_from(
    world: World,
) -> None:
    build_world(world, hidden=ONE_HIDDEN)
    document, text = ocds_of(world, "coordinator")
    release = document["releases"][-1]
    (award,) = release["awards"]
    (contract,) = release["contracts"]
    for part in (release["tender"], award, contract):
        assert "value" not in part
    budget = release["planning"]["budget"]
    assert "amount" not in budget
    assert budget["description"].endswith(withheld_reason(3))
    assert [(p["sourceParty"]["id"], p["amount"]["amount"]) for p in budget["budgetBreakdown"]] == [
        ("NLD", Decimal("20000.00"))
    ]
    items = release["tender"]["items"]
    assert [(i["id"], i["unit"].get("value")) for i in items] == [
        ("L-1", {"amount": Decimal("10000.00"), "currency": "USD"}), ("L-2", None)]  # fmt: skip
    for who in USERS:
        assert ocds_of(world, who)[1] == text
    assert "30000" not in text and "5000.00" not in text  # the cost, L-2's lot price


def test_the_ocid_prefix_and_publisher_are_configured(world: World) -> None:
    build_world(world)
    other = served_with(world, ReportSettings(
        ocid_prefix="ocds-abc123", publisher="Oversight", public_url="https://x.example"))  # fmt: skip
    try:
        with other.client:
            document, _ = ocds_of(other, "auditor")
    finally:
        other.wired.close()
    assert document["releases"][0]["ocid"] == "ocds-abc123-P-0001"
    assert document["publisher"] == {"name": "Oversight"}
    assert document["uri"] == "https://x.example/api/v1/reports/packages/1/ocds"


def served_with(world: World, reports: ReportSettings) -> World:
    """The world's database and users, served by an application with other report settings."""
    settings = world.wired.settings.model_copy(update={"reports": reports})
    wired = build(settings, clock=world.clock)
    client = TestClient(create_app(settings, wired=wired))
    return World(client, wired, world.clock, world.tokens)


def test_the_package_report_and_the_package_follow_the_configured_k(world: World) -> None:
    """Two hidden contributors share L-2: the supplier sees their sum with k = 2, not with 3."""
    build_world(world, hidden=TWO_HIDDEN)
    report = json_of(world, "supplier", "/api/v1/reports/packages/1", **ALL_PAYMENTS)
    assert report["payments"][-1]["amount"]["amount_minor"] == 1_000_000
    assert world.get("supplier", "/api/v1/packages/1")["cost_minor"] == 3_000_000
    stricter = served_with(world, ReportSettings(min_hidden_contributors=3))
    try:
        with stricter.client:
            report = json_of(stricter, "supplier", "/api/v1/reports/packages/1", **ALL_PAYMENTS)
            package = stricter.get("supplier", "/api/v1/packages/1")
    finally:
        stricter.wired.close()
    assert [p["contributor"] for p in report["payments"]] == ["Netherlands"]
    assert (report["cost"], report["withheld"]) == (None, withheld_reason(3))
    assert package["attributions"] == [
        {"contribution_id": 1, "line_id": 1, "amount_minor": 2_000_000}
    ]
    assert (package["cost_minor"], package["suppressed"]) == (None, withheld_reason(3))


def test_a_change_to_the_package_adds_a_release_and_keeps_the_earlier_ones(world: World) -> None:
    build_world(world)
    first, _ = ocds_of(world, "auditor")
    again, _ = ocds_of(world, "auditor")
    assert first == again
    world.post("coordinator", "/api/v1/packages/1/restriction", {"restricted": False})
    assert ocds_of(world, "auditor")[0] == first  # no lifecycle change, no release
    world.post("supplier", "/api/v1/packages/1/shipments", {
        "line_id": 2, "quantity": 4, "shipped_on": "2025-10-01"})  # fmt: skip
    later, _ = ocds_of(world, "auditor")
    assert later["releases"][:-1] == first["releases"]
    newest = later["releases"][-1]
    assert newest["tag"] == ["implementationUpdate"]
    assert len(newest["contracts"][0]["implementation"]["milestones"]) == 2


def public_views(world: World) -> list[Any]:
    seen: list[Any] = []
    for kind in ("json", "csv", "xlsx"):
        response = fetch(world, None, "/api/v1/reports/transparency", format=kind)
        seen.append(xlsx_rows(response.content) if kind == "xlsx" else response.text)
    seen.append(ocds_of(world, "contributor")[1])
    return seen


def test_public_views_never_depend_on_a_confidential_amount(
    make_world: Callable[..., World], other_database_url: str
) -> None:
    first, second = make_world(), make_world(url=other_database_url)
    build_world(first, deu_pledge=SECRET_PLEDGE)
    build_world(second, deu_pledge="2718281.83")
    seen = public_views(first)
    assert seen == public_views(second)
    assert not any(mark in str(view) for view in seen for mark in SECRET_MARKS)
    # The same comparison sees a difference where the amount is the caller's to see.
    own = "/api/v1/reports/statements/DEU"
    assert json_of(first, "auditor", own, **WHOLE_STATEMENT) != json_of(
        second, "auditor", own, **WHOLE_STATEMENT
    )
