"""A package's history: its state after each write that changed it, kept as it was.

The packages table holds a package's current state only, and the audit log records commands,
not the lines, prices and money they left on a package (an allocation or a top-up computes
them). So the write pipeline keeps a copy of the state after each write that changed it: the
package (its lines, lot prices, attributions, status and dates) and its shipments. Payments
are not copied: the ledger keeps them, each with its sequence number, and a state records the
ledger's head when it was kept.

Whether the contents are restricted is left out on purpose: it is a decision about what is
published, applied to the whole history when it is read, not a fact of the lifecycle.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from purldesk.domain.catalog import ItemCode
from purldesk.domain.chains import canonical_json
from purldesk.domain.contributions import ContributionId
from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.errors import LedgerError
from purldesk.domain.money import Currency, Money
from purldesk.domain.packages import (
    Attribution,
    Package,
    PackageId,
    PackageLine,
    PackageStatus,
    package_ref,
)
from purldesk.domain.requirements import CycleId, LineId


class HistoryAltered(LedgerError):
    """A kept state of a package does not read back as one."""

    def __init__(self, package_id: int, detail: str) -> None:
        super().__init__(f"the history of {package_ref(package_id)} is altered: {detail}")


@dataclass(frozen=True, slots=True)
class PackageState:
    """A package and its shipments (by id) at one moment, its restriction left out."""

    package: Package
    shipments: tuple[Shipment, ...]

    @classmethod
    def of(cls, package: Package, shipments: Iterable[Shipment]) -> PackageState:
        own = sorted((s for s in shipments if s.package_id == package.id), key=lambda s: s.id)
        return cls(replace(package, restriction=None), tuple(own))

    @property
    def status(self) -> PackageStatus:
        return self.package.status


@dataclass(frozen=True, slots=True)
class PackageRelease:
    """The state a write left a package in: the `number`th of its history (from 1), recorded
    at `at` by the audit entry `audit_seq`, when the ledger's head was `ledger_seq` (0: none)."""

    package_id: PackageId
    number: int
    at: datetime
    audit_seq: int
    ledger_seq: int
    state: PackageState


def document(state: PackageState) -> str:
    """The state as canonical JSON: what is stored, and compared to find a change."""
    p = state.package
    return canonical_json({
        "cycle_id": p.cycle_id, "name": p.name, "target": _money(p.target),
        "created_on": p.created_on.isoformat(), "status": p.status.value,
        "accepted_on": None if p.accepted_on is None else p.accepted_on.isoformat(),
        "lines": [
            {"line_id": ln.line_id, "item_code": ln.item_code, "lots": ln.lots,
             "lot_price": _money(ln.lot_price)}
            for ln in p.lines
        ],
        "attributions": [
            {"contribution_id": a.contribution_id, "line_id": a.line_id, "amount": _money(a.amount)}
            for a in p.attributions
        ],
        "shipments": [
            {"id": s.id, "line_id": s.line_id, "quantity": s.quantity,
             "shipped_on": s.shipped_on.isoformat(),
             "received_on": None if s.received_on is None else s.received_on.isoformat()}
            for s in state.shipments
        ],
    })  # fmt: skip


def parse(package_id: PackageId, text: str) -> PackageState:
    """The state `document` wrote for the package `package_id`."""
    try:
        found = json.loads(text)
        return _state(package_id, found)
    except (KeyError, TypeError, ValueError) as error:
        raise HistoryAltered(package_id, str(error)) from None


def _state(package_id: PackageId, found: dict[str, Any]) -> PackageState:
    accepted = found["accepted_on"]
    package = Package(
        id=package_id, cycle_id=CycleId(found["cycle_id"]), name=found["name"],
        target=_parsed(found["target"]), created_on=date.fromisoformat(found["created_on"]),
        status=PackageStatus(found["status"]),
        lines=tuple(
            PackageLine(LineId(ln["line_id"]), ItemCode(ln["item_code"]), ln["lots"],
                        _parsed(ln["lot_price"]))
            for ln in found["lines"]
        ),
        attributions=tuple(
            Attribution(ContributionId(a["contribution_id"]), LineId(a["line_id"]),
                        _parsed(a["amount"]))
            for a in found["attributions"]
        ),
        accepted_on=None if accepted is None else date.fromisoformat(accepted),
    )  # fmt: skip
    shipments = tuple(
        Shipment(
            ShipmentId(s["id"]), package_id, LineId(s["line_id"]), s["quantity"],
            date.fromisoformat(s["shipped_on"]),
            None if s["received_on"] is None else date.fromisoformat(s["received_on"]),
        )
        for s in found["shipments"]
    )  # fmt: skip
    return PackageState(package, shipments)


def _money(money: Money) -> dict[str, Any]:
    return {"minor": money.minor, "currency": money.currency}


def _parsed(found: dict[str, Any]) -> Money:
    return Money(found["minor"], Currency(found["currency"]))
