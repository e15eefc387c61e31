"""`ledger verify` names each of its steps, in order, as it begins it: the CLI's progress bar
shows them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from builders import pledge_tx, receipt_tx
from purldesk.adapters.storage.unit_of_work import SqlUnitOfWork
from purldesk.services import ledger

UowFactory = Callable[[], SqlUnitOfWork]


def test_verify_names_every_step_in_order(uow_factory: UowFactory) -> None:
    with uow_factory() as uow:
        uow.ledger.append([pledge_tx(), receipt_tx()], recorded_at=datetime(2026, 1, 5, tzinfo=UTC))
        uow.commit()
    seen: list[str] = []
    checked, _findings = ledger.verify(uow_factory(), progress=seen.append)
    assert seen == list(ledger.VERIFY_STEPS)
    assert checked == 2
