"""The ledger: balanced transactions, the hash chain, derived balances and verify()."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal
from itertools import pairwise

import pytest

from builders import (
    DAY,
    MOMENT,
    allocation_tx,
    make_conversion,
    make_transaction,
    money,
    pledge_tx,
    posting,
    receipt_tx,
    record,
    tampered,
    unchecked_transaction,
    usd,
    with_posting_minor,
)
from purldesk.domain import ledger
from purldesk.domain.errors import UnbalancedTransaction
from purldesk.domain.ledger import (
    GENESIS_HASH,
    LedgerEntry,
    Posting,
    TransactionKind,
    balance,
    balances,
    canonical_bytes,
    chain,
    entry_hash,
    reversal_of,
    verify,
)


def rules_by_seq(entries: list[LedgerEntry]) -> set[tuple[str, int | None]]:
    return {(finding.rule, finding.seq) for finding in verify(entries)}


def story() -> list[LedgerEntry]:
    """EUR 1,000.00 pledged by C-00001, received as USD 1,156.50, USD 500.00 of it allocated."""
    return record(pledge_tx(1), receipt_tx(1), allocation_tx(1, 1, usd(50_000)))


# --- transactions -------------------------------------------------------------------------


def test_unbalanced_transaction_is_refused_with_its_residual() -> None:
    with pytest.raises(UnbalancedTransaction) as caught:
        make_transaction(postings=[posting("cash:a", 100), posting("cash:b", -99)])
    assert (caught.value.currency, caught.value.residual_minor) == ("USD", 1)


def test_each_currency_must_balance_on_its_own() -> None:
    with pytest.raises(UnbalancedTransaction) as caught:
        make_transaction(postings=[posting("cash:a", 100, "EUR"), posting("cash:b", -100, "USD")])
    assert caught.value.residual_minor in (100, -100)


def test_a_transaction_needs_two_postings() -> None:
    with pytest.raises(ValueError, match="two postings"):
        make_transaction(postings=[posting("cash:a", 100)])
    with pytest.raises(ValueError, match="two postings"):
        make_transaction(postings=[])


def test_a_zero_posting_is_refused() -> None:
    with pytest.raises(ValueError, match="zero"):
        make_transaction(
            postings=[posting("cash:a", 100), posting("cash:b", -100), posting("cash:c", 0)]
        )


def test_transfer_credits_the_source_and_debits_the_destination() -> None:
    tx = ledger.transfer(
        TransactionKind.ALLOCATION,
        source="pool:C-00001",
        destination="obligated:P-0001:C-00001",
        amount=usd(500),
        occurred_on=DAY,
    )
    assert balances([tx]) == {
        ("pool:C-00001", "USD"): -500,
        ("obligated:P-0001:C-00001", "USD"): 500,
    }


def test_receipt_settles_the_receivable_and_fills_the_pool_through_fx_trading() -> None:
    conversion = make_conversion(original=money(50_000_000_000, "EUR"))
    tx = receipt_tx(1, conversion)
    assert tx.conversion == conversion
    assert balances([pledge_tx(1, money(50_000_000_000, "EUR")), tx]) == {
        (ledger.pool(1), "USD"): 57_825_000_000,
        (ledger.FX_TRADING, "USD"): -57_825_000_000,
        (ledger.FX_TRADING, "EUR"): 50_000_000_000,
        (ledger.pledged(1), "EUR"): -50_000_000_000,
    }


def test_account_names_carry_their_kind_and_contribution() -> None:
    assert ledger.obligated(3, 12) == "obligated:P-0003:C-00012"
    assert ledger.account_kind(ledger.payable(3, 12)) == "payable"
    assert ledger.account_contribution(ledger.disbursed(3, 12)) == "C-00012"
    assert ledger.account_contribution(ledger.refunded(12)) == "C-00012"
    assert ledger.account_contribution(ledger.FX_TRADING) is None


# --- balances -----------------------------------------------------------------------------


def test_balances_are_derived_from_postings_and_omit_zeros() -> None:
    txs = [
        make_transaction(postings=[posting("cash:b", 300), posting("cash:a", -300)]),
        make_transaction(
            postings=[posting("cash:a", 300), posting("cash:b", -100), posting("cash:c", -200)]
        ),
    ]
    assert balances(txs) == {("cash:b", "USD"): 200, ("cash:c", "USD"): -200}


def test_balance_of_one_account_is_money_and_zero_when_absent() -> None:
    all_balances = balances([allocation_tx(1, 1, usd(700))])
    assert balance(all_balances, ledger.obligated(1, 1)) == usd(700)
    assert balance(all_balances, "cash:nothing") == usd(0)
    assert balance(all_balances, "cash:nothing", "KRW") == money(0, "KRW")


def test_reversal_restores_every_balance() -> None:
    entries = story()
    before = balances(e.transaction for e in entries[:2])
    reversal = reversal_of(entries[2], occurred_on=DAY + timedelta(days=1))
    assert reversal.kind is TransactionKind.REVERSAL
    assert reversal.reverses == 3
    assert reversal.memo == "reverses entry 3"
    assert (reversal.contribution_id, reversal.package_id) == (1, 1)
    after = balances([*(e.transaction for e in entries), reversal])
    assert after == before


def test_reversal_keeps_a_given_memo() -> None:
    entry = story()[0]
    assert reversal_of(entry, occurred_on=DAY, memo="typo in pledge").memo == "typo in pledge"


# --- the chain ----------------------------------------------------------------------------


def test_chain_links_each_entry_to_the_previous_hash() -> None:
    entries = story()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == GENESIS_HASH
    for previous, entry in pairwise(entries):
        assert entry.prev_hash == previous.hash
    for entry in entries:
        assert entry.hash == entry_hash(
            entry.seq, entry.recorded_at, entry.transaction, entry.prev_hash
        )
        assert len(entry.hash) == 64
    assert len({e.hash for e in entries}) == 3


def test_chain_continues_after_a_head() -> None:
    first = record(pledge_tx(1))
    more = record(receipt_tx(1), head=first[-1], recorded_at=MOMENT + timedelta(hours=1))
    assert [e.seq for e in more] == [2]
    assert more[0].prev_hash == first[0].hash
    assert verify([*first, *more]) == []


def test_chain_of_nothing_is_empty() -> None:
    assert chain(None, [], recorded_at=MOMENT) == []


def test_canonical_bytes_do_not_depend_on_posting_order() -> None:
    tx = receipt_tx(1)
    shuffled = dataclasses.replace(tx, postings=tuple(reversed(tx.postings)))
    assert canonical_bytes(1, MOMENT, tx, GENESIS_HASH) == canonical_bytes(
        1, MOMENT, shuffled, GENESIS_HASH
    )
    assert entry_hash(1, MOMENT, tx, GENESIS_HASH) == entry_hash(1, MOMENT, shuffled, GENESIS_HASH)


@pytest.mark.parametrize(
    "change",
    [
        {"memo": "edited"},
        {"occurred_on": DAY + timedelta(days=1)},
        {"contribution_id": 2},
        {"package_id": 9},
        {"reverses": 1},
        {"kind": TransactionKind.REFUND},
        {"conversion": make_conversion(rate=Decimal("1.2"))},
    ],
    ids=lambda change: next(iter(change)),
)
def test_canonical_bytes_cover_every_field_of_the_transaction(change: dict[str, object]) -> None:
    tx = receipt_tx(1)
    changed = dataclasses.replace(tx, **change)  # type: ignore[arg-type]
    assert canonical_bytes(1, MOMENT, tx, GENESIS_HASH) != canonical_bytes(
        1, MOMENT, changed, GENESIS_HASH
    )


def test_canonical_bytes_cover_place_time_and_predecessor() -> None:
    tx = receipt_tx(1)
    base = canonical_bytes(1, MOMENT, tx, GENESIS_HASH)
    assert base != canonical_bytes(2, MOMENT, tx, GENESIS_HASH)
    assert base != canonical_bytes(1, MOMENT + timedelta(seconds=1), tx, GENESIS_HASH)
    assert base != canonical_bytes(1, MOMENT, tx, "f" * 64)


# --- verify -------------------------------------------------------------------------------


def test_a_clean_ledger_has_no_findings() -> None:
    assert verify(story()) == []
    assert verify([]) == []


def test_verify_names_an_entry_whose_posting_amount_was_altered() -> None:
    entries = story()
    entries[1] = with_posting_minor(
        entries[1], 2, entries[1].transaction.postings[2].amount.minor + 1
    )
    found = rules_by_seq(entries)
    assert ("balanced", 2) in found
    assert ("hash", 2) in found
    assert {seq for _, seq in found if seq is not None} == {2}


def test_verify_names_an_entry_altered_in_a_balanced_way() -> None:
    entries = story()
    entries[2] = tampered(
        entries[2],
        postings=(
            Posting(ledger.obligated(1, 1), usd(60_000)),
            Posting(ledger.pool(1), usd(-60_000)),
        ),
    )
    assert rules_by_seq(entries) == {("hash", 3)}


def test_verify_names_an_entry_whose_transaction_was_rebuilt_behind_its_back() -> None:
    entries = story()
    forged = unchecked_transaction(
        kind=TransactionKind.ALLOCATION,
        occurred_on=DAY,
        postings=(Posting(ledger.obligated(1, 1), usd(50_000)), Posting(ledger.pool(1), usd(-1))),
        contribution_id=1,
        package_id=1,
    )
    entries[2] = LedgerEntry(3, MOMENT, forged, entries[1].hash, entries[2].hash)
    found = rules_by_seq(entries)
    assert {("balanced", 3), ("hash", 3)} <= found


def test_verify_names_an_entry_whose_prev_hash_is_wrong() -> None:
    entries = story()
    entries[1] = dataclasses.replace(entries[1], prev_hash="0" * 63 + "1")
    found = rules_by_seq(entries)
    assert ("chain", 2) in found
    assert {seq for _, seq in found if seq is not None} == {2}


def test_verify_finds_a_resealed_entry_through_the_next_link() -> None:
    entries = story()
    changed = dataclasses.replace(entries[1].transaction, memo="edited and re-hashed")
    resealed = chain(entries[0], [changed], recorded_at=MOMENT)[0]
    entries[1] = resealed
    assert rules_by_seq(entries) == {("chain", 3)}


def test_verify_finds_a_missing_entry() -> None:
    entries = story()
    del entries[1]
    found = rules_by_seq(entries)
    assert ("sequence", 3) in found
    assert ("chain", 3) in found


def test_verify_finds_money_moved_to_another_contributions_account() -> None:
    # C-00001's pooled USD pays for C-00002's share: every transaction balances, but neither
    # contribution's received = allocated + unallocated + refunded any more.
    stolen = ledger.transfer(
        TransactionKind.ALLOCATION,
        source=ledger.pool(1),
        destination=ledger.obligated(1, 2),
        amount=usd(50_000),
        occurred_on=DAY,
        package_id=1,
    )
    entries = record(pledge_tx(1), receipt_tx(1), stolen)
    findings = verify(entries)
    assert {(f.rule, f.contribution) for f in findings} == {
        ("contribution-accounted", "C-00001"),
        ("contribution-accounted", "C-00002"),
    }
    assert all(f.seq is None for f in findings)
    assert "C-00001: received 115650 != allocated 0 + unallocated 65650" in findings[0].message


def test_verify_accounts_for_refunds_and_disbursements() -> None:
    paid = ledger.transfer(
        TransactionKind.DISBURSEMENT,
        source=ledger.obligated(1, 1),
        destination=ledger.disbursed(1, 1),
        amount=usd(50_000),
        occurred_on=DAY,
    )
    refund = ledger.transfer(
        TransactionKind.REFUND,
        source=ledger.pool(1),
        destination=ledger.refunded(1),
        amount=usd(65_650),
        occurred_on=DAY,
    )
    entries = record(pledge_tx(1), receipt_tx(1), allocation_tx(1, 1, usd(50_000)), paid, refund)
    assert verify(entries) == []
    (account,) = ledger.contribution_accounts(entries)
    assert (account.received_minor, account.allocated_minor, account.unallocated_minor) == (
        115_650,
        50_000,
        0,
    )
    assert account.refunded_minor == 65_650
    assert account.is_balanced


def test_verify_finds_an_overdrawn_pool() -> None:
    entries = record(pledge_tx(1), receipt_tx(1), allocation_tx(1, 1, usd(200_000)))
    found = {(f.rule, f.contribution) for f in verify(entries)}
    assert ("not-overdrawn", "C-00001") in found


def test_reversing_a_receipt_keeps_the_contribution_accounted() -> None:
    entries = record(pledge_tx(1), receipt_tx(1))
    entries += record(reversal_of(entries[1], occurred_on=DAY), head=entries[-1])
    assert verify(entries) == []
    (account,) = ledger.contribution_accounts(entries)
    assert account.received_minor == 0


def test_reinstating_a_reversed_receipt_keeps_the_contribution_accounted() -> None:
    entries = record(pledge_tx(1), receipt_tx(1))
    entries += record(reversal_of(entries[1], occurred_on=DAY), head=entries[-1])
    entries += record(reversal_of(entries[2], occurred_on=DAY), head=entries[-1])
    assert verify(entries) == []


def test_verify_finds_a_receipt_paid_into_another_contributions_pool() -> None:
    conversion = make_conversion()
    misdirected = dataclasses.replace(
        receipt_tx(1, conversion),
        postings=(
            Posting(ledger.FX_TRADING, conversion.original),
            Posting(ledger.receivable(1), -conversion.original),
            Posting(ledger.pool(2), conversion.converted),
            Posting(ledger.FX_TRADING, -conversion.converted),
        ),
    )
    findings = verify(record(pledge_tx(1), misdirected))
    assert any(f.contribution in ("C-00001", "C-00002") for f in findings)
