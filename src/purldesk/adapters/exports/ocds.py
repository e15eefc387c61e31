"""A package as an Open Contracting Data Standard (OCDS 1.1) release package.

The package is a contracting process: the recipient is the buyer, the coordinator the
procuring entity, the supplier is awarded it on acceptance, and the contributors the public may
see are its funders. Who paid what is the budget breakdown (the OCDS budget breakdown
extension); money the public may not see is one breakdown without a source party, and where
that would be fewer than k contributors' money it is left out, with the values it would follow
from (the package's value, the prices of the lines it pays; see `domain.disclosure`). Amounts are
JSON numbers written digit for digit from integer minor units, never through a float.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from purldesk.adapters.exports.reports import payer
from purldesk.domain.money import Money
from purldesk.domain.packages import PackageStatus
from purldesk.domain.participants import Participant
from purldesk.services.views.packages import PackageDetail, PackageLineRow, PublicPackage

OCDS_VERSION = "1.1"
MEDIA_TYPE = "application/json"
BUDGET_BREAKDOWN_EXTENSION = (
    "https://raw.githubusercontent.com/open-contracting-extensions/"
    "ocds_budget_breakdown_extension/master/extension.json"
)

_S = PackageStatus
# The release tag (OCDS releaseTag codelist) of a package in each status.
TAGS: Mapping[PackageStatus, tuple[str, ...]] = {
    _S.DRAFT: ("planning",), _S.PROPOSED: ("planning",),
    _S.VALIDATED: ("tender",), _S.FUNDED: ("tender",),
    _S.ACCEPTED: ("award", "contract"),
    _S.DELIVERING: ("implementation",), _S.DELIVERED: ("implementation",),
    _S.CLOSED: ("contractTermination",),
    _S.CANCELLED: ("tenderCancellation",),
}  # fmt: skip
# tender.status (OCDS tenderStatus codelist).
TENDER_STATUS: Mapping[PackageStatus, str] = {
    _S.DRAFT: "planning", _S.PROPOSED: "planning", _S.VALIDATED: "active", _S.FUNDED: "active",
    _S.ACCEPTED: "complete", _S.DELIVERING: "complete", _S.DELIVERED: "complete",
    _S.CLOSED: "complete", _S.CANCELLED: "cancelled",
}  # fmt: skip
# Statuses in which the supplier has accepted: an award and a contract exist.
AWARDED = frozenset({_S.ACCEPTED, _S.DELIVERING, _S.DELIVERED, _S.CLOSED})


def value(money: Money) -> dict[str, Any]:
    """An OCDS Value: the amount as an exact decimal number in major units."""
    return {"amount": money.to_decimal(), "currency": money.currency}


def _date_time(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _reference(p: Participant) -> dict[str, Any]:
    return {"id": p.code, "name": p.name}


def _parties(report: PublicPackage, *, awarded: bool) -> list[dict[str, Any]]:
    roles: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for group, role in (
        (report.recipients, "buyer"),
        (report.coordinators, "procuringEntity"),
        (report.suppliers, "supplier" if awarded else "tenderer"),
        (report.funders, "funder"),
    ):
        for p in group:
            roles.setdefault(p.code, []).append(role)
            names[p.code] = p.name
    return [{"id": code, "name": names[code], "roles": roles[code]} for code in sorted(roles)]


def _priced(body: dict[str, Any], key: str, money: Money | None) -> dict[str, Any]:
    """`body` with its value under `key`, left out where the figure is withheld."""
    return body if money is None else {**body, key: value(money)}


def _items(lines: Sequence[PackageLineRow]) -> list[dict[str, Any]]:
    return [
        {
            "id": ln.line_ref,
            "description": f"{ln.item_name}: {ln.quantity} units in {ln.lots} lots",
            "quantity": ln.lots,
            "unit": _priced({"name": "lot"}, "value", ln.lot_price),
        }
        for ln in lines
    ]


def _budget(report: PublicPackage) -> dict[str, Any]:
    detail = report.detail
    if detail.restricted:
        restricted: dict[str, Any] = {"id": detail.summary.ref, "description": detail.restricted}
        return _priced(restricted, "amount", detail.summary.cost)
    funders = {key: p for p in report.funders for key in (p.code, p.name)}
    by_source: dict[str, Money] = {}
    for payment in detail.payments:
        source = payer(payment.contributor)
        so_far = by_source.get(source, Money.zero(payment.amount.currency))
        by_source[source] = so_far + payment.amount
    breakdown = []
    total = Money.zero(detail.summary.target.currency)
    for number, (source, money) in enumerate(by_source.items(), start=1):
        total += money
        part: dict[str, Any] = {"id": str(number), "amount": value(money)}
        funder = funders.get(source)
        if funder is not None:
            part["description"] = f"Contributions of {funder.name}"
            part["sourceParty"] = _reference(funder)
        else:
            part["description"] = "Contributions whose amounts or givers are not disclosed"
        breakdown.append(part)
    budget = {
        "id": detail.summary.ref,
        "description": "Pooled contributions attributed to the package's lines",
        "budgetBreakdown": breakdown,
    }
    if detail.withheld:
        return {**budget, "description": f"{budget['description']}; the total is {detail.withheld}"}
    return _priced(budget, "amount", total)


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
            milestone["dateMet"] = _date_time(s.received_on)
        milestones.append(milestone)
    return milestones


def release(report: PublicPackage, *, ocid_prefix: str, at: datetime) -> dict[str, Any]:
    """The package's current state as one release; its id names the content, so a changed
    package is a new release and the same package the same release."""
    detail = report.detail
    summary = detail.summary
    status = PackageStatus(summary.status)
    awarded = status in AWARDED
    # Restricted contents: no `items` at all, rather than an empty list that says "none".
    items = {} if detail.restricted else {"items": _items(detail.lines)}
    procuring = report.coordinators[0] if report.coordinators else None
    body: dict[str, Any] = {
        "ocid": f"{ocid_prefix}-{summary.ref}",
        "id": "",
        "date": "",
        "tag": list(TAGS[status]),
        "initiationType": "tender",
        "language": "en",
        "parties": _parties(report, awarded=awarded),
    }
    if report.recipients:
        body["buyer"] = _reference(report.recipients[0])
    body["planning"] = {"budget": _budget(report)}
    tender: dict[str, Any] = _priced({
        "id": summary.ref,
        "title": summary.name,
        "description": f"Package {summary.ref} of cycle {summary.cycle}",
        "status": TENDER_STATUS[status],
        **items,
    }, "value", summary.cost)  # fmt: skip
    if procuring is not None:
        tender["procuringEntity"] = _reference(procuring)
    body["tender"] = tender
    if awarded:
        award_id = f"{summary.ref}-award"
        body["awards"] = [
            _priced({
                "id": award_id,
                "title": summary.name,
                "status": "active",
                "suppliers": [_reference(p) for p in report.suppliers],
                **items,
            }, "value", summary.cost)
        ]  # fmt: skip
        body["contracts"] = [
            _priced({
                "id": f"{summary.ref}-contract",
                "awardID": award_id,
                "title": summary.name,
                "status": "terminated" if status is PackageStatus.CLOSED else "active",
                **items,
                "implementation": {"milestones": _milestones(detail)},
            }, "value", summary.cost)
        ]  # fmt: skip
    digest = hashlib.sha256(dumps(body, indent=None, sort_keys=True).encode()).hexdigest()
    body["id"] = f"{summary.ref}-{digest[:16]}"
    body["date"] = _utc(at)
    return body


def package_uri(public_url: str, package_id: int) -> str:
    """Where the API serves a package's release package, as the world reaches it."""
    return f"{public_url.rstrip('/')}/api/v1/reports/packages/{package_id}/ocds"


def release_package(
    report: PublicPackage, *, ocid_prefix: str, publisher: str, uri: str, at: datetime
) -> dict[str, Any]:
    """An OCDS 1.1 release package holding the package's one release."""
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "extensions": [BUDGET_BREAKDOWN_EXTENSION],
        "publishedDate": _utc(at),
        "publisher": {"name": publisher},
        "releases": [release(report, ocid_prefix=ocid_prefix, at=at)],
    }


def _utc(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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


# The response's shape for the OpenAPI description: the parts of the OCDS 1.1 release package
# schema purldesk fills in (the full schema is published by the Open Contracting Partnership).
_VALUE = {
    "type": "object",
    "required": ["amount", "currency"],
    "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}},
}
_REFERENCE = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
_ITEM = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string"},
        "description": {"type": "string"},
        "quantity": {"type": "number"},
        "unit": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "value": _VALUE},
        },
    },
}
RELEASE_PACKAGE_SCHEMA: dict[str, Any] = {
    "title": "OCDS 1.1 release package",
    "type": "object",
    "required": ["uri", "version", "publishedDate", "publisher", "releases"],
    "properties": {
        "uri": {"type": "string"},
        "version": {"type": "string", "enum": [OCDS_VERSION]},
        "extensions": {"type": "array", "items": {"type": "string"}},
        "publishedDate": {"type": "string", "format": "date-time"},
        "publisher": {
            "type": "object", "required": ["name"], "properties": {"name": {"type": "string"}},
        },
        "releases": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["ocid", "id", "date", "tag", "initiationType"],
                "properties": {
                    "ocid": {"type": "string"},
                    "id": {"type": "string"},
                    "date": {"type": "string", "format": "date-time"},
                    "tag": {"type": "array", "items": {"type": "string"}},
                    "initiationType": {"type": "string", "enum": ["tender"]},
                    "language": {"type": "string"},
                    "parties": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["id", "name", "roles"],
                            "properties": {
                                "id": {"type": "string"},
                                "name": {"type": "string"},
                                "roles": {"type": "array", "items": {"type": "string"}},
                            },
                        },
                    },
                    "buyer": _REFERENCE,
                    "planning": {"type": "object"},
                    "tender": {
                        "type": "object",
                        "required": ["id", "status"],  # no items where contents are restricted
                        "properties": {
                            "id": {"type": "string"},
                            "status": {"type": "string"},
                            "items": {"type": "array", "items": _ITEM},
                            "value": _VALUE,
                        },
                    },
                    "awards": {"type": "array", "items": {"type": "object"}},
                    "contracts": {"type": "array", "items": {"type": "object"}},
                },
            },
        },
    },
}  # fmt: skip
