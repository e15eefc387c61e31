"""After any sequence of money movements the ledger balances, its chain holds, and every
contribution's money is accounted for (a hypothesis state machine over the domain ledger)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from builders import money, usd
from purldesk.domain import ledger
from purldesk.domain.ledger import LedgerEntry, LedgerTransaction, TransactionKind
from purldesk.domain.money import Money, convert

START = datetime(2025, 8, 4, 9)
PLEDGE_CODES = st.sampled_from(["EUR", "USD", "KRW", "KWD", "JPY"])
RATES = st.decimals(min_value=Decimal("0.0005"), max_value=Decimal("5"), places=4)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.entries: list[LedgerEntry] = []
        self.pledges: dict[int, Money] = {}
        self.received: set[int] = set()
        self.next_id = 1

    # -- helpers ---------------------------------------------------------------------------

    def post(self, tx: LedgerTransaction) -> None:
        head = self.entries[-1] if self.entries else None
        at = START + timedelta(days=len(self.entries))  # recorded the day it occurred
        self.entries += ledger.chain(head, [tx], recorded_at=at)

    def usd_balance(self, account: str) -> int:
        totals = ledger.balances(e.transaction for e in self.entries)
        return totals.get((account, "USD"), 0)

    @property
    def day(self) -> date:
        return date(2025, 8, 4) + timedelta(days=len(self.entries))

    # -- rules -----------------------------------------------------------------------------

    @rule(code=PLEDGE_CODES, minor=st.integers(min_value=1, max_value=10**12))
    def pledge(self, code: str, minor: int) -> None:
        cid, self.next_id = self.next_id, self.next_id + 1
        amount = money(minor, code)
        self.pledges[cid] = amount
        self.post(
            ledger.transfer(
                TransactionKind.PLEDGE,
                source=ledger.pledged(cid),
                destination=ledger.receivable(cid),
                amount=amount,
                occurred_on=self.day,
                contribution_id=cid,
            )
        )

    @precondition(lambda self: set(self.pledges) - self.received)
    @rule(data=st.data(), rate=RATES)
    def receive(self, data: st.DataObject, rate: Decimal) -> None:
        cid = data.draw(st.sampled_from(sorted(set(self.pledges) - self.received)))
        original = self.pledges[cid]
        conversion = convert(
            original,
            target="USD",
            rate=Decimal(1) if original.currency == "USD" else rate,
            rate_date=self.day,
            source="ECB",
        )
        if conversion.converted.minor == 0:
            return  # a zero posting says nothing; too small to arrive
        self.received.add(cid)
        self.post(ledger.receipt(cid, conversion, occurred_on=self.day))

    def _move(
        self, data: st.DataObject, kind: TransactionKind, source: str, destination: str, **ids: int
    ) -> None:
        available = self.usd_balance(source)
        if available <= 0:
            return
        amount = data.draw(st.integers(min_value=1, max_value=available), label="amount")
        self.post(
            ledger.transfer(
                kind,
                source=source,
                destination=destination,
                amount=usd(amount),
                occurred_on=self.day,
                **ids,  # type: ignore[arg-type]
            )
        )

    @precondition(lambda self: self.received)
    @rule(data=st.data(), package_id=st.integers(min_value=1, max_value=3))
    def allocate(self, data: st.DataObject, package_id: int) -> None:
        cid = data.draw(st.sampled_from(sorted(self.received)))
        self._move(
            data,
            TransactionKind.ALLOCATION,
            ledger.pool(cid),
            ledger.obligated(package_id, cid),
            contribution_id=cid,
            package_id=package_id,
        )

    @precondition(lambda self: self.received)
    @rule(data=st.data(), package_id=st.integers(min_value=1, max_value=3))
    def release(self, data: st.DataObject, package_id: int) -> None:
        cid = data.draw(st.sampled_from(sorted(self.received)))
        self._move(
            data,
            TransactionKind.RELEASE,
            ledger.obligated(package_id, cid),
            ledger.pool(cid),
            contribution_id=cid,
            package_id=package_id,
        )

    @precondition(lambda self: self.received)
    @rule(data=st.data(), package_id=st.integers(min_value=1, max_value=3))
    def accept_and_disburse(self, data: st.DataObject, package_id: int) -> None:
        cid = data.draw(st.sampled_from(sorted(self.received)))
        self._move(
            data,
            TransactionKind.ACCEPTANCE,
            ledger.obligated(package_id, cid),
            ledger.payable(package_id, cid),
            contribution_id=cid,
            package_id=package_id,
        )
        self._move(
            data,
            TransactionKind.DISBURSEMENT,
            ledger.payable(package_id, cid),
            ledger.disbursed(package_id, cid),
            contribution_id=cid,
            package_id=package_id,
        )

    @precondition(lambda self: self.received)
    @rule(data=st.data())
    def refund(self, data: st.DataObject) -> None:
        cid = data.draw(st.sampled_from(sorted(self.received)))
        self._move(
            data,
            TransactionKind.REFUND,
            ledger.pool(cid),
            ledger.refunded(cid),
            contribution_id=cid,
        )

    @precondition(
        lambda self: (
            self.entries and self.entries[-1].transaction.kind is not TransactionKind.REVERSAL
        )
    )
    @rule()
    def reverse_the_last_entry(self) -> None:
        # Undoing the latest entry always returns to a state that was valid a moment ago.
        last = self.entries[-1]
        if last.transaction.kind is TransactionKind.RECEIPT:
            self.received.discard(last.transaction.contribution_id or 0)
        if last.transaction.kind is TransactionKind.PLEDGE:
            return  # the pledge stays known to the machine; keep it simple
        self.post(ledger.reversal_of(last, occurred_on=self.day))

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def ledger_verifies_clean(self) -> None:
        assert ledger.verify(self.entries) == []

    @invariant()
    def every_currency_sums_to_zero(self) -> None:
        per_currency: dict[str, int] = defaultdict(int)
        for (_, code), value in ledger.balances(e.transaction for e in self.entries).items():
            per_currency[code] += value
        assert all(total == 0 for total in per_currency.values())


LedgerMachine.TestCase.settings = settings(
    LedgerMachine.TestCase.settings, max_examples=60, stateful_step_count=30
)
test_ledger_stays_balanced_chained_and_accounted = LedgerMachine.TestCase
