"""Balances of some accounts, read by index, agree with the balances of the whole ledger: on
the fake, SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from storage_backdoor import edit_kept_balance, edit_kept_kind_balance

from purldesk.domain import ledger
from purldesk.domain.ledger import LedgerTransaction, TransactionKind
from purldesk.domain.money import USD, Money, currency
from purldesk.services import ledger as ledger_service
from purldesk.services.ports import UnitOfWork

UowFactory = Callable[[], UnitOfWork]
AT = datetime(2025, 10, 20, 14, tzinfo=UTC)
ON = date(2025, 10, 20)


def usd(minor: int) -> Money:
    return Money(minor, USD)


def move(source: str, destination: str, minor: int, contribution_id: int) -> LedgerTransaction:
    return ledger.transfer(
        TransactionKind.ALLOCATION, source=source, destination=destination, amount=usd(minor),
        occurred_on=ON, contribution_id=contribution_id,
    )  # fmt: skip


def two_contributions_in_two_packages() -> list[LedgerTransaction]:
    return [
        move(ledger.pledged(1), ledger.pool(1), 1_000, 1),
        move(ledger.pledged(12), ledger.pool(12), 500, 12),
        move(ledger.pool(1), ledger.obligated(1, 1), 600, 1),
        move(ledger.pool(1), ledger.obligated(2, 1), 400, 1),
        move(ledger.pool(12), ledger.obligated(2, 12), 500, 12),
        move(ledger.obligated(1, 1), ledger.payable(1, 1), 600, 1),
        move(ledger.payable(1, 1), ledger.disbursed(1, 1), 600, 1),
    ]


def test_balances_of_some_accounts_are_theirs_in_the_whole_ledger(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        uow.ledger.append(two_contributions_in_two_packages(), recorded_at=AT)
        uow.commit()
    with uow_factory() as uow:
        everything = uow.ledger.balances()
        wanted = [ledger.pool(1), ledger.obligated(2, 1), ledger.obligated(1, 1), "no-such"]
        assert uow.ledger.balances_of(wanted) == {
            key: value for key, value in everything.items() if key[0] in wanted
        }
        assert uow.ledger.balances_of([]) == {}
        assert uow.ledger.contribution_balances([1]) == {
            key: value
            for key, value in everything.items()
            if ledger.account_contribution(key[0]) == "C-00001"
        }
        assert uow.ledger.contribution_balances([1, 12]).keys() == {
            (ledger.pledged(1), USD),
            (ledger.obligated(2, 1), USD),
            (ledger.disbursed(1, 1), USD),
            (ledger.pledged(12), USD),
            (ledger.obligated(2, 12), USD),
        }


def test_pools_holding_money_are_found_and_every_kept_balance_is_the_ledgers(
    uow_factory: UowFactory,
) -> None:
    eur = Money(300, currency("EUR"))
    with uow_factory() as uow:
        uow.ledger.append(two_contributions_in_two_packages(), recorded_at=AT)  # pools spent
        uow.ledger.append(
            [
                move(ledger.pledged(3), ledger.pool(3), 700, 3),
                ledger.transfer(TransactionKind.ALLOCATION, source=ledger.pledged(4),
                                destination=ledger.pool(4), amount=eur, occurred_on=ON),
                move(ledger.pool(5), "elsewhere", 5, 5),  # overdrawn: holds nothing to spend
                move("elsewhere", "pool:C-6", 5, 6),  # no contribution's pool
            ],
            recorded_at=AT,
        )  # fmt: skip
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.pools_holding() == {3: 700}
        kept = uow.ledger.kept_balances()
        derived = ledger.balances(e.transaction for e in uow.ledger.entries())
        assert {key: value for key, value in kept.items() if value} == derived
        assert kept[ledger.pool(1), USD] == kept[ledger.pool(12), USD] == 0  # kept at zero
        assert uow.ledger.balances() == derived


def test_verify_names_a_kept_balance_that_is_not_the_sum_of_its_postings(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        uow.ledger.append(two_contributions_in_two_packages(), recorded_at=AT)
        uow.commit()
    kept = [f for f in ledger_service.verify(uow_factory())[1] if f.rule == "account-balance"]
    assert kept == []
    with uow_factory() as uow:
        edit_kept_balance(uow, ledger.obligated(2, 1), USD, 401)
        uow.commit()
    findings = ledger_service.verify(uow_factory())[1]
    assert [f for f in findings if f.rule == "account-balance"] == [
        ledger.Finding(
            "account-balance",
            "account_balances obligated:P-0002:C-00001 USD holds 401, the postings to "
            "obligated:P-0002:C-00001 in USD sum to 400",
            contribution="C-00001",
            row="account_balances obligated:P-0002:C-00001 USD",
        )
    ]
    with uow_factory() as uow:
        assert uow.ledger.balances_of([ledger.obligated(2, 1)]) == {
            (ledger.obligated(2, 1), USD): 401
        }  # what is read is what is kept: verify is what catches the edit


def test_verify_names_a_kind_whose_kept_total_is_not_what_its_accounts_hold(
    uow_factory: UowFactory,
) -> None:
    with uow_factory() as uow:
        uow.ledger.append(two_contributions_in_two_packages(), recorded_at=AT)
        uow.commit()
    with uow_factory() as uow:
        assert uow.ledger.kept_kind_balances() == {  # kinds whose accounts are at zero stay
            ("pledged", USD): (-1_500, 2),
            ("pool", USD): (0, 0),
            ("obligated", USD): (900, 2),
            ("payable", USD): (0, 0),
            ("disbursed", USD): (600, 1),
        }
    kinds = [f for f in ledger_service.verify(uow_factory())[1] if f.rule == "kind-balance"]
    assert kinds == []
    with uow_factory() as uow:
        edit_kept_kind_balance(uow, "obligated", USD, 900, 3)
        uow.commit()
    findings = ledger_service.verify(uow_factory())[1]
    assert [f for f in findings if f.rule in {"kind-balance", "account-balance"}] == [
        ledger.Finding(
            "kind-balance",
            "kind_balances obligated USD holds 900 in 3 accounts not at zero, the postings to "
            "the obligated accounts in USD sum to 900 in 2",
            row="kind_balances obligated USD",
        )
    ]


def test_holdings_sum_a_contributions_accounts_by_kind(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.ledger.append(two_contributions_in_two_packages(), recorded_at=AT)
        held = ledger.holdings(uow.ledger.contribution_balances([1]), 1)
    assert held == ledger.Holdings(
        unallocated_minor=0, spent_minor=1_000, disbursed_minor=600, refunded_minor=0
    )


def test_a_page_of_entries_is_the_page_of_those_that_match_in_sequence(
    uow_factory: UowFactory,
) -> None:
    moves = two_contributions_in_two_packages()
    moves[2] = ledger.transfer(
        TransactionKind.ALLOCATION, source=ledger.pool(1), destination=ledger.obligated(1, 1),
        amount=usd(600), occurred_on=ON, contribution_id=1, package_id=1,
    )  # fmt: skip
    with uow_factory() as uow:
        uow.ledger.append(moves, recorded_at=AT)
        uow.commit()
    with uow_factory() as uow:
        everything = uow.ledger.entries()
        page = uow.ledger.entries_page
        assert page(offset=0, limit=100) == (everything, 7)
        assert page(offset=2, limit=3) == (everything[2:5], 7)
        assert page(offset=7, limit=3) == ([], 7)
        first = [e for e in everything if e.transaction.contribution_id == 1]
        assert page(contribution_ids={1}, offset=1, limit=2) == (first[1:3], len(first))
        assert page(contribution_ids={1, 12}, offset=0, limit=10) == (everything, 7)
        assert page(contribution_ids=set(), offset=0, limit=10) == ([], 0)
        assert page(package_id=1, offset=0, limit=10) == ([everything[2]], 1)
        assert page(contribution_ids={12}, package_id=1, offset=0, limit=10) == ([], 0)
        assert page(kind=TransactionKind.ALLOCATION, offset=0, limit=10) == (everything, 7)
        assert page(kind=TransactionKind.RECEIPT, offset=0, limit=10) == ([], 0)
