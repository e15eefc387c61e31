"""Each role's desk: the recipient's shipments to confirm, the statement picker of the
coordinator and the auditor, the auditor's ledger page, destructive actions confirmed, and
the figures a package shows (over its target, cancelled)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal

import openpyxl
from fastapi.testclient import TestClient
from web_world import NOW, csrf_of

from purldesk.bootstrap import Application
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import PackageId
from purldesk.services import contributions, deliveries, packages

P1 = PackageId(1)


def shipped(wired: Application, count: int = 2) -> list[int]:
    """P-0001 funded, accepted and shipped in `count` shipments of its first line."""
    uow = wired.uow
    packages.propose(uow(), package_id=P1)
    packages.validate(uow(), package_id=P1)
    accepted = packages.accept(uow(), package_id=P1, on=NOW.date(), at=NOW)
    line = accepted.lines[0]
    return [
        deliveries.ship(uow(), package_id=P1, line_id=line.line_id, quantity=1,
                        shipped_on=NOW.date(), at=NOW).id
        for _ in range(count)
    ]  # fmt: skip


def test_the_recipient_confirms_its_shipments_from_its_overview(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    recipient = client_for("recipient")
    assert "Nothing awaits your confirmation" in recipient.get("/").text
    first, second = shipped(wired)
    page = recipient.get("/").text
    assert "2 shipments await your confirmation" in page
    assert re.findall(r'<tr id="inbox-(S-\d+)">', page) == [f"S-{first:04d}", f"S-{second:04d}"]
    response = recipient.post(
        f"/packages/1/shipments/{first}/confirm",
        data={"csrf_token": csrf_of(page), "received_on": NOW.date().isoformat(), "next": "inbox"},
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/?done=")
    after = recipient.get(response.headers["location"]).text
    assert "Receipt of shipment S-" in after and "1 shipment awaits" in after
    assert re.findall(r'<tr id="inbox-(S-\d+)">', after) == [f"S-{second:04d}"]
    for name in ("coordinator", "supplier", "contributor-nld"):
        assert 'id="inbox"' not in client_for(name).get("/").text


def test_the_coordinator_and_the_auditor_choose_whose_statement(
    client_for: Callable[[str | None], TestClient],
) -> None:
    for name in ("coordinator", "auditor"):
        client = client_for(name)
        page = client.get("/statement").text
        picker = page.split('<select id="contributor" name="contributor">', 1)[1].split(
            "</select>"
        )[0]
        offered = re.findall(r'<option value="([A-Z-]+)"', picker)
        assert "NLD" in offered and "NATO-NSATU" not in offered
        assert f'<option value="{offered[0]}" selected>' in picker  # the first, by default
        chosen = client.get("/statement?contributor=NLD").text
        assert "<h1>Statement of Netherlands</h1>" in chosen
        assert '<option value="NLD" selected>' in chosen
    own = client_for("contributor-nld").get("/statement").text
    assert 'id="contributor"' not in own and "<h1>Statement of Netherlands</h1>" in own


def test_the_auditors_ledger_page_pages_entries_balances_and_the_audit_log(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    auditor = client_for("auditor")
    with wired.uow() as uow:
        size = len(uow.ledger.entries())
        logged = uow.audit.count()
    page = auditor.get("/ledger").text
    seqs = [int(n) for n in re.findall(r'<tr id="entry-(\d+)">', page)]
    assert seqs == list(range(size, max(size - 25, 0), -1))  # newest first
    assert re.findall(r'<tr id="audit-(\d+)">', page)[0] == str(logged)
    assert "Pool (unallocated)" in page and 'id="account-balances"' in page
    older = auditor.get("/ledger?entries=2").text
    newest_on_page_two = re.search(r'<tr id="entry-(\d+)">', older)
    assert newest_on_page_two is not None and int(newest_on_page_two.group(1)) == size - 25
    before = auditor.get("/ledger?as_of=2025-08-01").text
    assert "Balances at the end of 2025-08-01 (UTC)" in before
    assert "No balance on that day." in before  # before anything was recorded
    assert "No balance" not in page
    assert auditor.get("/ledger?as_of=soon").status_code == 422
    future = auditor.get("/ledger?as_of=2030-01-01")  # as the API refuses a day to come
    assert future.status_code == 422 and 'id="as_of-error"' in future.text
    verified = auditor.post("/ledger/verify", data={"csrf_token": csrf_of(page)})
    assert "Ledger verified:" in verified.text and 'id="ledger-entries"' in verified.text
    coordinator = client_for("coordinator").get("/ledger").text
    assert 'id="ledger-entries"' in coordinator and 'id="audit-log"' not in coordinator
    assert client_for("contributor-nld").get("/ledger").status_code == 403


def test_a_pledge_is_cancelled_only_once_confirmed(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    nld = client_for("contributor-nld")
    made = contributions.pledge(
        wired.uow(), contributor="NLD", amount=Money.of(1_000, "EUR"), pledged_on=NOW.date(),
        at=NOW, purpose="to be cancelled",
    )  # fmt: skip
    page = nld.get("/contributions").text
    row = page.split(f'<tr id="{made.ref}">', 1)[1].split("</tr>", 1)[0]
    assert 'class="danger">Cancel the pledge</button>' in row and 'name="confirm"' in row
    path = f"/contributions/{made.id}/cancel"
    refused = nld.post(path, data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 422
    assert f'id="cancel-{made.id}-error">Tick the box to confirm' in refused.text
    assert contributions.get(wired.uow(), contribution_id=made.id).status is made.status
    done = nld.post(path, data={"csrf_token": csrf_of(page), "confirm": "yes"})
    assert done.status_code == 303
    status = contributions.get(wired.uow(), contribution_id=made.id).status
    assert status is ContributionStatus.CANCELLED


def test_every_destructive_action_is_red_and_asks_to_be_confirmed(
    client_for: Callable[[str | None], TestClient],
) -> None:
    package = client_for("coordinator").get("/packages/1").text
    assert '<button type="submit" class="danger">Cancel the package</button>' in package
    assert 'id="cancel-confirm" name="confirm" value="yes"' in package


def test_a_package_over_its_target_says_so(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    with wired.uow() as uow:
        package = uow.packages.get(P1)
        uow.packages.save(replace(package, target=Money(package.cost.minor * 3 // 4, USD)))
        uow.commit()
    overview = client_for("coordinator").get("/").text
    item = overview.split('href="/packages/1"', 1)[1].split("</li>", 1)[0]
    assert '<span class="num">(133%)</span>' in item
    assert 'style="width: 100%"' in item  # the meter is full, not overfull
    assert "(133%)" in client_for("coordinator").get("/packages/1").text
    assert "133%" in client_for("coordinator").get("/packages").text


def test_a_cancelled_package_shows_as_cancelled_not_as_a_bar(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    packages.cancel(wired.uow(), package_id=P1, on=NOW.date(), at=NOW)
    listed = client_for("coordinator").get("/packages").text
    row = listed.split('<a href="/packages/1">', 1)[1].split("</tr>", 1)[0]
    assert '<b class="status cancelled">Cancelled</b>' in row and 'class="meter"' not in row
    page = client_for("coordinator").get("/packages/1").text
    value = page.split('id="package-value">', 1)[1].split("</p>", 1)[0]
    assert value.startswith("Cancelled:") and 'class="meter"' not in value
    assert '<li aria-current="step">Cancelled</li>' in page


def test_the_favicon_is_served(client_for: Callable[[str | None], TestClient]) -> None:
    anyone = client_for(None)
    icon = anyone.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert '<link rel="icon" href="/static/favicon.svg"' in anyone.get("/public").text
    assert anyone.get("/static/favicon.svg").status_code == 200


def test_the_statement_workbook_has_number_formats_and_its_total(
    client_for: Callable[[str | None], TestClient],
) -> None:
    response = client_for("contributor-nld").get("/statement.xlsx")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    amount = header.index("amount_usd") + 1
    body = list(sheet.iter_rows(min_row=2))
    (total,) = [row for row in body if row[0].value == "total in packages"]
    own = [row for row in body if re.fullmatch(r"C-\d+", str(row[0].value))]  # not via groups
    assert own and all(row[amount - 1].number_format == "#,##0.00" for row in own)
    assert total[0].font.b and total in body[-2:]  # below the rows, with the groups' total
    summed = sum(Decimal(str(row[amount - 1].value)) for row in own)
    assert Decimal(str(total[amount - 1].value)) == summed > 0
    assert total[amount - 1].number_format == "#,##0.00"
    workbook.close()


def test_who_sees_a_packages_contents_is_ticked_not_typed(
    client_for: Callable[[str | None], TestClient], wired: Application
) -> None:
    coordinator = client_for("coordinator")
    page = coordinator.get("/packages/1").text
    assert '<input type="checkbox" name="cleared" value="NLD">' in page
    response = coordinator.post(
        "/packages/1/restrict",
        data={"csrf_token": csrf_of(page), "restricted": "yes", "cleared": ["NLD", "DEU"]},
    )
    assert response.status_code == 303
    restriction = packages.get(wired.uow(), package_id=P1).restriction
    assert restriction is not None and restriction.cleared == {"NLD", "DEU"}
    again = coordinator.get("/packages/1").text
    assert '<input type="checkbox" name="cleared" value="NLD" checked>' in again
    assert '<input type="checkbox" name="cleared" value="DEU" checked>' in again
