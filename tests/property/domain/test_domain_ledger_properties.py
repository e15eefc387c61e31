"""Properties of the ledger: random balanced ledgers verify clean; any one edit is named."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from builders import with_posting_minor
from purldesk.domain.ledger import (
    GENESIS_HASH,
    LedgerTransaction,
    balances,
    canonical_bytes,
    chain,
    residuals,
    reversal_of,
    verify,
)
from strategies import dates, ledger_transactions

AT = datetime(2027, 6, 30, 12)  # recorded after every day `dates()` draws
LEDGERS = st.lists(ledger_transactions(), min_size=1, max_size=8)


@given(transactions=LEDGERS)
def test_random_balanced_transactions_chained_verify_clean(
    transactions: list[LedgerTransaction],
) -> None:
    entries = chain(None, transactions, recorded_at=AT)
    assert verify(entries) == []
    for tx in transactions:
        assert all(residual == 0 for residual in residuals(tx.postings).values())


@given(transactions=LEDGERS, split_at=st.integers(min_value=0, max_value=8))
def test_chaining_in_two_batches_equals_chaining_at_once(
    transactions: list[LedgerTransaction], split_at: int
) -> None:
    first = chain(None, transactions[:split_at], recorded_at=AT)
    rest = chain(first[-1] if first else None, transactions[split_at:], recorded_at=AT)
    assert first + rest == chain(None, transactions, recorded_at=AT)


@given(transactions=LEDGERS, data=st.data())
def test_altering_any_one_posting_amount_is_named_by_its_seq(
    transactions: list[LedgerTransaction], data: st.DataObject
) -> None:
    entries = chain(None, transactions, recorded_at=AT)
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1), label="entry")
    postings = entries[index].transaction.postings
    which = data.draw(st.integers(min_value=0, max_value=len(postings) - 1), label="posting")
    old = postings[which].amount.minor
    new = data.draw(st.integers(min_value=-(10**13), max_value=10**13).filter(lambda m: m != old))
    entries[index] = with_posting_minor(entries[index], which, new)

    findings = verify(entries)
    seq = entries[index].seq
    assert findings
    assert {f.seq for f in findings} == {seq}
    rules = {f.rule for f in findings}
    assert rules <= {"balanced", "hash"}
    assert "hash" in rules
    assert "balanced" in rules  # one posting changed alone can never stay balanced


@given(transactions=LEDGERS, data=st.data())
def test_breaking_any_one_link_is_named_by_its_seq(
    transactions: list[LedgerTransaction], data: st.DataObject
) -> None:
    entries = chain(None, transactions, recorded_at=AT)
    index = data.draw(st.integers(min_value=0, max_value=len(entries) - 1))
    entries[index] = dataclasses.replace(entries[index], prev_hash="f" * 64)
    assert {(f.rule, f.seq) for f in verify(entries)} == {
        ("chain", entries[index].seq),
        ("hash", entries[index].seq),
    }


@given(tx=ledger_transactions(), data=st.data())
def test_canonical_bytes_ignore_posting_order(tx: LedgerTransaction, data: st.DataObject) -> None:
    shuffled = dataclasses.replace(tx, postings=tuple(data.draw(st.permutations(tx.postings))))
    assert canonical_bytes(1, AT, tx, GENESIS_HASH) == canonical_bytes(
        1, AT, shuffled, GENESIS_HASH
    )


@given(transactions=LEDGERS, on=dates())
def test_reversing_every_entry_brings_all_balances_back_to_zero(
    transactions: list[LedgerTransaction], on: object
) -> None:
    entries = chain(None, transactions, recorded_at=AT)
    reversals = [reversal_of(entry, occurred_on=on) for entry in entries]  # type: ignore[arg-type]
    assert balances([*transactions, *reversals]) == {}
    assert verify(entries + chain(entries[-1], reversals, recorded_at=AT)) == []
