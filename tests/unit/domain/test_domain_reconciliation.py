"""Rows derived from the ledger are held against it: a contribution's pledge, received USD and
status, a package's attributions, cost and status; each disagreement names its row."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from builders import make_contribution, make_conversion, make_package, make_package_line, usd
from purldesk.domain import ledger
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.ledger import TransactionKind
from purldesk.domain.money import Money
from purldesk.domain.packages import Attribution, Package, PackageStatus
from purldesk.domain.reconciliation import derived_findings, kept_kind_findings, kind_totals
from purldesk.domain.requirements import LineId

AT = datetime(2025, 10, 20, tzinfo=UTC)
ON = date(2025, 10, 20)
EUR = Money.of(1_000_000, "EUR")


def world() -> tuple[list[ledger.LedgerEntry], list[Contribution], list[Package]]:
    """C-00001 pledged EUR 1,000,000.00, received as USD 11,000.00, USD 4,000.00 of it on P-0001
    (two lines); C-00002 pledged and awaiting its money."""
    conversion = make_conversion(original=EUR, converted=usd(1_100_000))
    received = make_contribution(id=1, amount=EUR, status=ContributionStatus.ALLOCATED,
                                 received_on=ON, conversion=conversion)  # fmt: skip
    waiting = make_contribution(id=2, amount=usd(500_000))
    lines = (make_package_line(line_id=1, lots=1, lot_price=usd(100_000)),
             make_package_line(line_id=2, lots=3, lot_price=usd(100_000)))  # fmt: skip
    parts = (Attribution(ContributionId(1), LineId(1), usd(100_000)),
             Attribution(ContributionId(1), LineId(2), usd(300_000)))  # fmt: skip
    package = make_package(id=1, lines=lines, attributions=parts, status=PackageStatus.FUNDED)
    transactions = [
        ledger.transfer(TransactionKind.PLEDGE, source=ledger.pledged(1),
                        destination=ledger.receivable(1), amount=EUR, occurred_on=ON,
                        contribution_id=1),
        ledger.receipt(1, conversion, occurred_on=ON),
        ledger.transfer(TransactionKind.ALLOCATION, source=ledger.pool(1),
                        destination=ledger.obligated(1, 1), amount=usd(400_000), occurred_on=ON,
                        contribution_id=1, package_id=1),
        ledger.transfer(TransactionKind.PLEDGE, source=ledger.pledged(2),
                        destination=ledger.receivable(2), amount=usd(500_000), occurred_on=ON,
                        contribution_id=2),
    ]  # fmt: skip
    return ledger.chain(None, transactions, recorded_at=AT), [received, waiting], [package]


def rows_and_rules(findings: list[ledger.Finding]) -> list[tuple[str | None, str]]:
    return [(f.row, f.rule) for f in findings]


def test_rows_that_say_what_the_ledger_says_give_no_finding() -> None:
    entries, contributions, packages = world()
    assert derived_findings(entries, contributions, packages) == []


def test_an_edited_received_usd_is_named() -> None:
    entries, contributions, packages = world()
    edited = replace(
        contributions[0], conversion=make_conversion(original=EUR, converted=usd(1_100_001))
    )
    (finding,) = derived_findings(entries, [edited, contributions[1]], packages)
    assert (finding.row, finding.rule) == ("contributions C-00001", "contribution-usd")
    assert "USD 11,000.01 received, the ledger USD 11,000.00" in finding.message


def test_a_status_the_ledger_does_not_give_is_named() -> None:
    entries, contributions, packages = world()
    rows = [replace(contributions[0], status=ContributionStatus.DISBURSED),
            replace(contributions[1], status=ContributionStatus.RECEIVED)]  # fmt: skip
    assert rows_and_rules(derived_findings(entries, rows, packages)) == [
        ("contributions C-00001", "contribution-status"),
        ("contributions C-00002", "contribution-status"),
    ]
    committed = [contributions[0], replace(contributions[1], status=ContributionStatus.COMMITTED)]
    assert derived_findings(entries, committed, packages) == []


def test_an_edited_pledge_or_a_missing_row_is_named() -> None:
    entries, contributions, packages = world()
    edited = replace(contributions[1], amount=usd(500_001))
    (finding,) = derived_findings(entries, [contributions[0], edited], packages)
    assert (finding.row, finding.rule) == ("contributions C-00002", "contribution-amount")
    assert "says USD 5,000.01 pledged, the ledger USD 5,000.00" in finding.message
    assert rows_and_rules(derived_findings(entries, contributions[:1], packages)) == [
        ("contributions C-00002", "contribution-missing")
    ]


def test_an_edited_attribution_is_named_with_its_package_and_contribution() -> None:
    entries, contributions, [package] = world()
    parts = (package.attributions[0], replace(package.attributions[1], amount=usd(300_100)))
    findings = derived_findings(entries, contributions, [replace(package, attributions=parts)])
    assert rows_and_rules(findings) == [("attributions P-0001 C-00001", "attribution")]
    assert "say USD 4,001.00, the ledger holds USD 4,000.00" in findings[0].message


def test_a_package_whose_cost_or_status_disagrees_is_named() -> None:
    entries, contributions, [package] = world()
    dearer = replace(package, lines=(package.lines[0], replace(package.lines[1], lots=4)))
    assert rows_and_rules(derived_findings(entries, contributions, [dearer])) == [
        ("packages P-0001", "package-cost")
    ]
    closed = replace(package, status=PackageStatus.CLOSED)
    assert rows_and_rules(derived_findings(entries, contributions, [closed])) == [
        ("packages P-0001", "package-status")
    ]
    assert rows_and_rules(derived_findings(entries, contributions, [])) == [
        ("packages P-0001", "package-missing")
    ]
    repriced = replace(dearer, status=PackageStatus.VALIDATED)  # short after re-pricing
    assert derived_findings(entries, contributions, [repriced]) == []


def test_kind_totals_sum_and_count_the_accounts_not_at_zero_by_kind() -> None:
    balances = {
        (ledger.pool(1), "USD"): 500,
        (ledger.pool(2), "USD"): 0,
        (ledger.pool(3), "EUR"): 70,
        (ledger.obligated(1, 1), "USD"): 300,
        (ledger.FX_TRADING, "USD"): -20,
        ("elsewhere:C-00001", "USD"): 9,
    }
    assert kind_totals(balances.items()) == {
        ("pool", "USD"): (500, 1),
        ("pool", "EUR"): (70, 1),
        ("obligated", "USD"): (300, 1),
        ("fx-trading", "USD"): (-20, 1),
        ("elsewhere:C-00001", "USD"): (9, 1),  # of no kind: its own
    }


def test_a_kind_whose_kept_total_or_count_is_not_the_postings_is_named() -> None:
    totals = {(ledger.pool(1), "USD"): 500, (ledger.pool(2), "USD"): 200}
    kept = {("pool", "USD"): (700, 2), ("payable", "USD"): (0, 0)}  # a kind at zero stays
    assert kept_kind_findings(totals, kept) == []
    counted_wrong = {("pool", "USD"): (700, 3)}
    assert kept_kind_findings(totals, counted_wrong) == [
        ledger.Finding(
            "kind-balance",
            "kind_balances pool USD holds 700 in 3 accounts not at zero, the postings to the "
            "pool accounts in USD sum to 700 in 2",
            row="kind_balances pool USD",
        )
    ]
    missing = kept_kind_findings(totals, {("refunded", "USD"): (5, 1)})
    assert [f.row for f in missing] == ["kind_balances pool USD", "kind_balances refunded USD"]
