"""A package's history as Open Contracting Data Standard (OCDS 1.1) releases: one release per
kept state of the package (a write that changed it), as the public may see it now.

The package is a contracting process: the recipient is the buyer, the coordinator the
procuring entity, the supplier is awarded it on acceptance, and the contributors the public may
see are its funders. Who paid what is the budget breakdown (the OCDS budget breakdown
extension); money the public may not see is one breakdown without a source party, and where
that would be fewer than k contributors' money it is left out, with the values it would follow
from (see `domain.disclosure`); a release whose undisclosed money has changed since publishes no
amount at all (`services/views/releases.py`). What was paid to the supplier is the contract's
`implementation.transactions`, from the ledger. Amounts are JSON numbers written digit for digit
from integer minor units, never through a float. The lifecycle mapping is docs/OCDS.md's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from purldesk.adapters.exports.reports import payer
from purldesk.domain.money import Money
from purldesk.domain.packages import PackageStatus
from purldesk.domain.participants import Participant
from purldesk.services.views.packages import PackageDetail, PackageLineRow, PublicPackage
from purldesk.services.views.releases import UNDISCLOSED, PublicRelease

OCDS_VERSION = "1.1"
MEDIA_TYPE = "application/json"
BUDGET_BREAKDOWN_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_budget_breakdown_extension/master/extension.json"
)


class Phase(StrEnum):
    """The stage of the contracting process a package's status stands for."""

    PLANNING = "planning"
    TENDER = "tender"
    CONTRACT = "contract"
    IMPLEMENTATION = "implementation"
    TERMINATION = "termination"
    CANCELLATION = "cancellation"


_S = PackageStatus
PHASES: Mapping[PackageStatus, Phase] = {
    _S.DRAFT: Phase.PLANNING, _S.PROPOSED: Phase.PLANNING,
    _S.VALIDATED: Phase.TENDER, _S.FUNDED: Phase.TENDER,
    _S.ACCEPTED: Phase.CONTRACT,
    _S.DELIVERING: Phase.IMPLEMENTATION, _S.DELIVERED: Phase.IMPLEMENTATION,
    _S.CLOSED: Phase.TERMINATION, _S.CANCELLED: Phase.CANCELLATION,
}  # fmt: skip
# The release tags (OCDS releaseTag codelist) of a release that enters a phase, and of one that
# changes a package without leaving its phase.
ENTERING: Mapping[Phase, tuple[str, ...]] = {
    Phase.PLANNING: ("planning",), Phase.TENDER: ("tender",),
    Phase.CONTRACT: ("award", "contract"), Phase.IMPLEMENTATION: ("implementation",),
    Phase.TERMINATION: ("contractTermination",), Phase.CANCELLATION: ("tenderCancellation",),
}  # fmt: skip
UPDATING: Mapping[Phase, tuple[str, ...]] = {
    Phase.PLANNING: ("planningUpdate",), Phase.TENDER: ("tenderUpdate",),
    Phase.CONTRACT: ("contractUpdate",), Phase.IMPLEMENTATION: ("implementationUpdate",),
    Phase.TERMINATION: ("contractUpdate",), Phase.CANCELLATION: ("tenderUpdate",),
}  # fmt: skip
# tender.status (OCDS tenderStatus codelist).
TENDER_STATUS: Mapping[PackageStatus, str] = {
    _S.DRAFT: "planning", _S.PROPOSED: "planning", _S.VALIDATED: "active", _S.FUNDED: "active",
    _S.ACCEPTED: "complete", _S.DELIVERING: "complete", _S.DELIVERED: "complete",
    _S.CLOSED: "complete", _S.CANCELLED: "cancelled",
}  # fmt: skip
# awards[].status and contracts[].status (awardStatus, contractStatus) once the supplier has
# accepted; a package is cancelled only before that (`packages.Cancel`), so a cancelled
# package has neither, but were one accepted first its award and contract would be cancelled.
AWARD_STATUS: Mapping[PackageStatus, str] = {
    _S.ACCEPTED: "active", _S.DELIVERING: "active", _S.DELIVERED: "active", _S.CLOSED: "active",
    _S.CANCELLED: "cancelled",
}  # fmt: skip
CONTRACT_STATUS: Mapping[PackageStatus, str] = {
    _S.ACCEPTED: "active", _S.DELIVERING: "active", _S.DELIVERED: "active",
    _S.CLOSED: "terminated", _S.CANCELLED: "cancelled",
}  # fmt: skip


def tags(previous: PackageStatus | None, status: PackageStatus) -> list[str]:
    """The release's tags: the phase it enters, or an update within the phase it is in."""
    phase = PHASES[status]
    entered = previous is None or PHASES[previous] is not phase
    return list((ENTERING if entered else UPDATING)[phase])


def value(money: Money) -> dict[str, Any]:
    """An OCDS Value: the amount as an exact decimal number in major units."""
    return {"amount": money.to_decimal(), "currency": money.currency}


def date_time(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ocid(ocid_prefix: str, ref: str) -> str:
    return f"{ocid_prefix}-{ref}"


def _reference(p: Participant) -> dict[str, Any]:
    return {"id": p.code, "name": p.name}


def _parties(report: PublicPackage, *, awarded: bool) -> list[dict[str, Any]]:
    roles: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for group, kinds in (
        (report.recipients, ("buyer",)),
        (report.coordinators, ("procuringEntity",)),
        (report.suppliers, ("supplier", "payee") if awarded else ("tenderer",)),
        # A budget breakdown's source party has the role `sourceParty` (the extension's).
        (report.funders, ("funder", "sourceParty", "payer")),
    ):
        for p in group:
            roles.setdefault(p.code, []).extend(kinds)
            names[p.code] = p.name
    return [{"id": code, "name": names[code], "roles": roles[code]} for code in sorted(roles)]


class _Money:
    """How one release writes amounts: each in full, or none at all (`reason` says why)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def priced(self, body: dict[str, Any], key: str, money: Money | None) -> dict[str, Any]:
        """`body` with its value under `key`, left out where the figure is withheld."""
        return body if money is None or self.reason else {**body, key: value(money)}


def _items(lines: Sequence[PackageLineRow], money: _Money) -> list[dict[str, Any]]:
    return [
        {
            "id": ln.line_ref,
            "description": f"{ln.item_name}: {ln.quantity} units in {ln.lots} lots",
            "quantity": ln.lots,
            "unit": money.priced({"name": "lot"}, "value", ln.lot_price),
        }
        for ln in lines
    ]


def _source(source: str, funders: Mapping[str, Participant]) -> tuple[str, dict[str, Any]]:
    """A budget breakdown's stable id (the funder's code, or what the public knows of the giver)
    and its description and source party."""
    funder = funders.get(source)
    if funder is not None:
        return funder.code, {
            "description": f"Contributions of {funder.name}",
            "sourceParty": _reference(funder),
        }
    if source == UNDISCLOSED:
        return UNDISCLOSED, {"description": "Contributions whose amounts are not disclosed"}
    return source.lower(), {"description": "Contributions whose givers are not disclosed"}


def _budget(report: PublicPackage, money: _Money) -> dict[str, Any]:
    detail = report.detail
    if detail.restricted:
        restricted: dict[str, Any] = {"id": detail.summary.ref, "description": detail.restricted}
        return money.priced(restricted, "amount", detail.summary.cost)
    funders = {key: p for p in report.funders for key in (p.code, p.name)}
    by_source: dict[str, Money] = {}
    for payment in detail.payments:
        source = payer(payment.contributor)
        so_far = by_source.get(source, Money.zero(payment.amount.currency))
        by_source[source] = so_far + payment.amount
    breakdown = []
    total = Money.zero(detail.summary.target.currency)
    for source, amount in by_source.items():
        total += amount
        key, described = _source(source, funders)
        breakdown.append(money.priced({"id": key, **described}, "amount", amount))
    budget: dict[str, Any] = {
        "id": detail.summary.ref,
        "description": "Pooled contributions attributed to the package's lines",
    }
    if breakdown:
        budget["budgetBreakdown"] = breakdown
    reason = money.reason or detail.withheld
    if reason:
        return {**budget, "description": f"{budget['description']}; the total is {reason}"}
    return money.priced(budget, "amount", total)


def _milestones(detail: PackageDetail) -> list[dict[str, Any]]:
    milestones = []
    for s in detail.shipments:
        milestone: dict[str, Any] = {
            "id": s.ref,
            "title": f"{s.line_ref}: {s.quantity} × {s.item_name}",
            "type": "delivery",
            "description": f"shipped on {s.shipped_on.isoformat()}",
            "status": "met" if s.received_on is not None else "scheduled",
        }
        if s.received_on is not None:
            milestone["dateMet"] = date_time(s.received_on)
        milestones.append(milestone)
    return milestones


def _transactions(
    release: PublicRelease, report: PublicPackage, money: _Money
) -> list[dict[str, Any]]:
    """What was paid to the supplier by this release: one transaction a day and giver."""
    funders = {key: p for p in report.funders for key in (p.code, p.name)}
    ref = release.ref
    found = []
    for payment in release.payments:
        key, described = _source(payer(payment.payer), funders)
        transaction = money.priced(
            {"id": f"{ref}-paid-{payment.on.isoformat()}-{key}", "date": date_time(payment.on)},
            "value", payment.amount,
        )  # fmt: skip
        if "sourceParty" in described:
            transaction["payer"] = described["sourceParty"]
        if report.suppliers:
            transaction["payee"] = _reference(report.suppliers[0])
        found.append(transaction)
    return found


def release(published: PublicRelease, *, ocid_prefix: str) -> dict[str, Any]:
    """The release of one kept state; its id names the state and its content, so the same
    state as published today is the same release, and a change to what is published (say a
    contributor made its money confidential) a new one."""
    report = published.public
    detail = report.detail
    summary = detail.summary
    status = published.status
    money = _Money(published.money_withheld)
    # Restricted contents: no `items` at all, rather than an empty list that says "none".
    items = {} if detail.restricted else {"items": _items(detail.lines, money)}
    procuring = report.coordinators[0] if report.coordinators else None
    body: dict[str, Any] = {
        "ocid": ocid(ocid_prefix, summary.ref),
        "id": "",
        "date": utc(published.at),
        "tag": tags(published.previous, status),
        "initiationType": "tender",
        "language": "en",
        "parties": _parties(report, awarded=published.awarded),
    }
    if report.recipients:
        body["buyer"] = _reference(report.recipients[0])
    body["planning"] = {"budget": _budget(report, money)}
    tender: dict[str, Any] = money.priced({
        "id": summary.ref,
        "title": summary.name,
        "description": f"Package {summary.ref} of cycle {summary.cycle}",
        "status": TENDER_STATUS[status],
        **items,
    }, "value", summary.cost)  # fmt: skip
    if procuring is not None:
        tender["procuringEntity"] = _reference(procuring)
    body["tender"] = tender
    if published.awarded:
        body.update(_award_and_contract(published, money, items))
    digest = hashlib.sha256(dumps(body, indent=None, sort_keys=True).encode()).hexdigest()
    body["id"] = f"{summary.ref}-{published.number:04d}-{digest[:12]}"
    return body


def _award_and_contract(
    published: PublicRelease, money: _Money, items: Mapping[str, Any]
) -> dict[str, Any]:
    report = published.public
    summary = report.detail.summary
    status = published.status
    award_id = f"{summary.ref}-award"
    implementation: dict[str, Any] = {}
    if not report.detail.restricted:
        implementation["milestones"] = _milestones(report.detail)
    if transactions := _transactions(published, report, money):
        implementation["transactions"] = transactions
    award = money.priced({
        "id": award_id, "title": summary.name, "status": AWARD_STATUS[status],
        "suppliers": [_reference(p) for p in report.suppliers], **items,
    }, "value", summary.cost)  # fmt: skip
    contract = money.priced({
        "id": f"{summary.ref}-contract", "awardID": award_id, "title": summary.name,
        "status": CONTRACT_STATUS[status], **items, "implementation": implementation,
    }, "value", summary.cost)  # fmt: skip
    return {"awards": [award], "contracts": [contract]}


def dumps(document: Any, *, indent: int | None = 2, sort_keys: bool = False) -> str:
    """JSON text in which a Decimal is a number written exactly; a float is refused."""
    return _dump(document, indent=indent, sort_keys=sort_keys, level=0)


def _dump(value: Any, *, indent: int | None, sort_keys: bool, level: int) -> str:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        return f"{value:f}"
    if isinstance(value, float):
        raise TypeError("OCDS amounts are written from Decimal, never from float")
    if isinstance(value, dict):
        pairs = sorted(value.items()) if sort_keys else list(value.items())
        entries = [
            f"{json.dumps(str(k), ensure_ascii=False)}: "
            f"{_dump(v, indent=indent, sort_keys=sort_keys, level=level + 1)}"
            for k, v in pairs
        ]
        return _enclose("{", entries, "}", indent=indent, level=level)
    if isinstance(value, list | tuple):
        entries = [_dump(v, indent=indent, sort_keys=sort_keys, level=level + 1) for v in value]
        return _enclose("[", entries, "]", indent=indent, level=level)
    return json.dumps(value, ensure_ascii=False)


def _enclose(
    opening: str, entries: list[str], closing: str, *, indent: int | None, level: int
) -> str:
    if not entries:
        return opening + closing
    if indent is None:
        return opening + ", ".join(entries) + closing
    inner = "\n" + " " * (indent * (level + 1))
    return opening + inner + ("," + inner).join(entries) + "\n" + " " * (indent * level) + closing
