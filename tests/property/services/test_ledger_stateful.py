"""Random sequences of pledges, receipts, allocations, cancellations, refunds and the whole
package lifecycle (propose, validate, accept with re-pricing, top up, ship, confirm, close) keep
every ledger invariant: many runs on the in-memory fake, a few on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, delete

from fakes import FakeDatabase, FakeUnitOfWork
from purldesk.adapters.storage.engine import session_factory
from purldesk.adapters.storage.tables import Base
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.domain import ledger
from purldesk.domain.catalog import AidClass, CatalogItem, ItemCode
from purldesk.domain.contributions import ContributionId, ContributionStatus
from purldesk.domain.deliveries import ShipmentId
from purldesk.domain.errors import Conflict, InvalidInput
from purldesk.domain.money import USD, Money
from purldesk.domain.packages import MONEY_RETURNABLE, Attribution, PackageId, PackageStatus
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.domain.requirements import LineId
from purldesk.services import (
    catalog,
    contributions,
    deliveries,
    packages,
    participants,
    requirements,
)
from purldesk.services.packages import FUNDING_STATES
from purldesk.services.ports import LatestRate, UnitOfWork
from purldesk.services.requirements import LineRow

AT = datetime(2025, 9, 1, 12, tzinfo=UTC)
ON = date(2025, 9, 1)
LOT_PRICE = 250_000  # USD 2,500.00 per lot
RATES = {
    "USD": Decimal(1),
    "EUR": Decimal("1.1565"),
    "KRW": Decimal("0.000683"),
    "JPY": Decimal("0.0066"),
}


class FixedRates:
    def rate(self, source: str, target: str, on: date) -> tuple[Decimal, date, str]:
        assert target == "USD"
        return RATES[source], on, "TEST"

    def currencies(self) -> frozenset[str]:
        return frozenset(RATES)

    def latest_day(self, on: date) -> date | None:
        return on

    def latest_rates(
        self, on: date, *, currencies: Collection[str] | None = None
    ) -> list[LatestRate]:
        return []  # no rate per euro: these worlds convert without one


def reset(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != "alembic_version":
                connection.execute(delete(table))


# Where a package's money sits on the ledger in each status (None: nowhere, it went back).
_WHERE_MONEY_IS = {
    PackageStatus.DRAFT: "obligated",
    PackageStatus.PROPOSED: "obligated",
    PackageStatus.VALIDATED: "obligated",
    PackageStatus.FUNDED: "obligated",
    PackageStatus.ACCEPTED: "payable",
    PackageStatus.DELIVERING: "payable",
    PackageStatus.DELIVERED: "payable",
    PackageStatus.CLOSED: "disbursed",
    PackageStatus.CANCELLED: None,
}


def machine_for(
    uow: Callable[[], UnitOfWork], reset: Callable[[], None]
) -> type[RuleBasedStateMachine]:
    """The machine over units of work from `uow`; `reset` empties their storage."""
    fx = FixedRates()

    class LedgerMachine(RuleBasedStateMachine):
        pledged = Bundle("pledged")
        made = Bundle("packages")
        shipped = Bundle("shipments")

        @initialize()
        def set_up(self) -> None:
            reset()
            participants.add_many(uow(), participants=[
                Participant(ParticipantCode(c), c, ParticipantKind.ALLY, ParticipantStatus.JOINED)
                for c in ("NLD", "DEU", "KOR")
            ])  # fmt: skip
            item = CatalogItem(ItemCode("KIT"), "kit", "medical", AidClass.HUMANITARIAN,
                               Money(LOT_PRICE, USD), 1, 1000, 30)  # fmt: skip
            catalog.import_items(uow(), items=[item])
            self.cycle = requirements.open_cycle(uow(), name="c", opens_on=ON)
            rows = [LineRow(i + 2, f"L{i}", i + 1, "KIT", 5, ON, "") for i in range(4)]
            self.lines = [ln.id for ln in requirements.import_lines(
                uow(), cycle_id=self.cycle.id, rows=rows, at=AT, by="t")]  # fmt: skip
            self.received_usd: dict[int, int] = {}

        @rule(
            target=pledged,
            contributor=st.sampled_from(["NLD", "DEU", "KOR"]),
            currency=st.sampled_from(sorted(RATES)),
            units=st.integers(1, 5_000),
        )
        def pledge(self, contributor: str, currency: str, units: int) -> ContributionId:
            amount = Money.parse(str(units * 1000), currency)
            c = contributions.pledge(
                uow(), contributor=contributor, amount=amount, pledged_on=ON, at=AT
            )
            return c.id

        @rule(
            target=pledged,
            contributor=st.sampled_from(["NLD", "DEU", "KOR"]),
            units=st.integers(1, 5_000),
        )
        def pledge_and_receive(self, contributor: str, units: int) -> ContributionId:
            cid = self.pledge(contributor, "USD", units)
            self.receive(cid)
            return cid

        @rule(cid=pledged)
        def receive(self, cid: ContributionId) -> None:
            try:
                c = contributions.receive(uow(), fx, contribution_id=cid, received_on=ON, at=AT)
            except Conflict:
                return
            assert c.usd is not None
            self.received_usd[cid] = c.usd.minor

        @rule(cid=pledged)
        def cancel(self, cid: ContributionId) -> None:
            try:
                contributions.cancel(uow(), contribution_id=cid, on=ON, at=AT)
            except Conflict:
                return

        @rule(cid=pledged)
        def refund(self, cid: ContributionId) -> None:
            try:
                contributions.refund(uow(), contribution_id=cid, on=ON, at=AT)
            except Conflict:
                return

        @rule(target=made, line_index=st.integers(0, 3), lots=st.integers(1, 5),
              pick=st.lists(st.integers(0, 50), min_size=1, max_size=3))  # fmt: skip
        def allocate(self, line_index: int, lots: int, pick: list[int]) -> PackageId:
            with uow() as opened:
                line = opened.requirements.get(LineId(self.lines[line_index]))
            if line.status not in FUNDING_STATES:
                return PackageId(0)  # delivered in full: no package may take it again
            pools = self.pools()
            funded = sorted(cid for cid, left in pools.items() if left > 0)
            if not funded:
                return PackageId(0)
            chosen = sorted({funded[i % len(funded)] for i in pick})
            cost = min(lots * LOT_PRICE, sum(pools[c] for c in chosen) // LOT_PRICE * LOT_PRICE)
            if cost == 0:
                return PackageId(0)
            parts, left = [], cost
            for cid in chosen:
                take = min(pools[cid], left)
                if take:
                    parts.append(
                        Attribution(
                            ContributionId(cid), LineId(self.lines[line_index]), Money(take, USD)
                        )
                    )
                left -= take
            package = packages.create_draft(
                uow(), cycle_id=self.cycle.id, name="p", target=Money(10**10, USD),
                lots=[(LineId(self.lines[line_index]), cost // LOT_PRICE)], attributions=parts,
                on=ON, at=AT,
            )  # fmt: skip
            return package.id

        @rule(pid=made)
        def cancel_package(self, pid: PackageId) -> None:
            if pid == 0:
                return
            try:
                packages.cancel(uow(), package_id=pid, on=ON, at=AT)
            except Conflict:
                status = packages.get(uow(), package_id=pid).status
                assert status is PackageStatus.CANCELLED or status not in MONEY_RETURNABLE

        @rule(pid=made)
        def propose_and_validate(self, pid: PackageId) -> None:
            if pid == 0:
                return
            try:
                packages.propose(uow(), package_id=pid)
                validated = packages.validate(uow(), package_id=pid)
            except Conflict:
                return
            assert validated.status is PackageStatus.FUNDED  # drafts are paid exactly

        @rule(pid=made, percent=st.one_of(st.none(), st.integers(50, 200)))
        def accept(self, pid: PackageId, percent: int | None) -> None:
            if pid == 0:
                return
            package = packages.get(uow(), package_id=pid)
            prices = None
            if percent is not None:
                prices = {
                    ln.line_id: Money(max(1, ln.lot_price.minor * percent // 100), USD)
                    for ln in package.lines
                }
            try:
                accepted = packages.accept(uow(), package_id=pid, prices=prices, on=ON, at=AT)
            except Conflict:
                assert package.status is not PackageStatus.FUNDED
                return
            expected = PackageStatus.VALIDATED if percent and percent > 100 else (
                PackageStatus.ACCEPTED
            )  # fmt: skip
            assert accepted.status is expected

        @rule(pid=made)
        def top_up(self, pid: PackageId) -> None:
            if pid == 0:
                return
            try:
                funded = packages.top_up(uow(), package_id=pid, on=ON, at=AT)
            except Conflict:
                return
            assert funded.status is PackageStatus.FUNDED and funded.is_fully_attributed

        @rule(target=shipped, pid=made, quantity=st.integers(1, 5))
        def ship(self, pid: PackageId, quantity: int) -> ShipmentId:
            if pid == 0:
                return ShipmentId(0)
            package = packages.get(uow(), package_id=pid)
            try:
                shipment = deliveries.ship(
                    uow(), package_id=pid, line_id=package.lines[0].line_id, quantity=quantity,
                    shipped_on=ON, at=AT,
                )  # fmt: skip
            except (Conflict, InvalidInput):
                return ShipmentId(0)
            return shipment.id

        @rule(sid=shipped)
        def confirm(self, sid: ShipmentId) -> None:
            if sid == 0:
                return
            try:
                deliveries.confirm_receipt(uow(), shipment_id=sid, received_on=ON, at=AT)
            except Conflict:
                return

        @rule(pid=made)
        def close(self, pid: PackageId) -> None:
            if pid == 0:
                return
            try:
                packages.close(uow(), package_id=pid, on=ON, at=AT)
            except Conflict:
                return

        @rule(pid=made, percent=st.sampled_from([None, 60, 100, 150]), quantity=st.integers(1, 5))
        def advance(self, pid: PackageId, percent: int | None, quantity: int) -> None:
            """Take the package one step further along its lifecycle, whatever its status."""
            if pid == 0:
                return
            status = packages.get(uow(), package_id=pid).status
            if status in (PackageStatus.DRAFT, PackageStatus.PROPOSED):
                self.propose_and_validate(pid)
            elif status is PackageStatus.FUNDED:
                self.accept(pid, percent)
            elif status is PackageStatus.VALIDATED:
                self.top_up(pid)
            elif status is PackageStatus.DELIVERED:
                self.close(pid)
            elif status in (PackageStatus.ACCEPTED, PackageStatus.DELIVERING):
                sent = deliveries.list_all(uow(), package_id=pid)
                waiting = [s for s in sent if not s.is_confirmed]
                left = packages.get(uow(), package_id=pid).lines[0].lots - sum(
                    s.quantity for s in sent
                )
                if waiting and (quantity % 2 or not left):
                    self.confirm(waiting[0].id)
                elif left:
                    self.ship(pid, min(quantity, left))

        def pools(self) -> dict[int, int]:
            with uow() as u:
                totals = u.ledger.balances()
                found = u.contributions.list()
            return {c.id: ledger.balance(totals, ledger.pool(c.id)).minor for c in found}

        @invariant()
        def ledger_holds(self) -> None:
            with uow() as u:
                entries = u.ledger.entries()
                found = u.contributions.list()
                totals = u.ledger.balances()
            assert ledger.verify(entries) == []
            for c in found:
                accounted = next(
                    (a for a in ledger.contribution_accounts(entries) if a.contribution == c.ref),
                    None,
                )
                if c.id in self.received_usd:
                    assert (
                        accounted is not None
                        and accounted.received_minor == self.received_usd[c.id]
                    )
                    assert c.status not in (
                        ContributionStatus.PLEDGED,
                        ContributionStatus.COMMITTED,
                    )
                else:
                    assert accounted is None or accounted.received_minor == 0
                if c.status is ContributionStatus.CANCELLED:
                    assert (
                        ledger.balance(totals, ledger.receivable(c.id), c.amount.currency).minor
                        == 0
                    )
            for (account, _currency), value in totals.items():
                if ledger.account_kind(account) in ("pool", "obligated", "payable", "receivable"):
                    assert value >= 0, account
            for package in packages.list_all(uow()):
                held = dict.fromkeys(ledger.SPENT_KINDS, 0)
                for (account, _currency), value in totals.items():
                    if account.startswith(tuple(f"{k}:{package.ref}:" for k in held)):
                        held[ledger.account_kind(account)] += value
                where = _WHERE_MONEY_IS.get(package.status)
                expected = dict.fromkeys(held, 0)
                if where is not None:
                    expected[where] = package.attributed.minor
                    assert where == "obligated" or package.is_fully_attributed
                assert held == expected, (package.ref, package.status, held)

    return LedgerMachine


def test_ledger_invariants_hold_under_random_operations(
    database_url: str, engines: Callable[[str], Engine]
) -> None:
    engine = engines(database_url)
    sessions = session_factory(engine)
    machine = machine_for(lambda: SqlUnitOfWork(sessions), lambda: reset(engine))
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=15, stateful_step_count=50, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )  # fmt: skip


def test_ledger_invariants_hold_under_random_operations_in_memory() -> None:
    database = FakeDatabase()
    machine = machine_for(lambda: FakeUnitOfWork(database), database.clear)
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=100, stateful_step_count=50, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )  # fmt: skip
