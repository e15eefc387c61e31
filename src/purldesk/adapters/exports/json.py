"""JSON views of domain objects: the stable shapes of `--json` output and `export` (docs/CLI.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from purldesk.adapters.exports import policies as policy_views
from purldesk.domain.catalog import CatalogItem
from purldesk.domain.contributions import Contribution
from purldesk.domain.deliveries import Shipment
from purldesk.domain.indicators import superseded_by
from purldesk.domain.ledger import LedgerEntry
from purldesk.domain.member_parts import MemberPart
from purldesk.domain.money import Money
from purldesk.domain.packages import Package
from purldesk.domain.participants import Participant
from purldesk.domain.requirements import Cycle, LineChange, RankChange, RequirementLine
from purldesk.services.exports import Sections, Snapshot
from purldesk.services.views.packages import ListedPackage

# /2 added rank_changes, line_changes, shipments and each policy's document: in /1 their absence
# meant "not exported", in /2 an empty list means there are none. /3 added each contribution's
# members (a group's members' parts; [] where it gave as one). /4 added `tables`, every stored
# row but credentials', which `purldesk import` restores (and the audit log, which they hold).
EXPORT_FORMAT = "purldesk.export/4"


def amount(money: Money) -> str:
    """Major units as an exact decimal string: '578250000.00'."""
    return f"{money.to_decimal():.{money.exponent}f}"


def participant(p: Participant) -> dict[str, Any]:
    return {
        "code": p.code, "name": p.name, "kind": p.kind.value, "status": p.status.value,
        "members": list(p.members),
    }  # fmt: skip


def catalog_item(item: CatalogItem) -> dict[str, Any]:
    return {
        "code": item.code, "name": item.name, "area": item.area,
        "aid_class": item.aid_class.value, "unit_price_minor": item.unit_price.minor,
        "currency": item.unit_price.currency, "lot_size": item.lot_size,
        "available_per_cycle": item.available_per_cycle, "lead_time_days": item.lead_time_days,
    }  # fmt: skip


def cycle(c: Cycle) -> dict[str, Any]:
    return {
        "id": c.id,
        "name": c.name,
        "opens_on": c.opens_on.isoformat(),
        "status": c.status.value,
    }


def requirement_line(line: RequirementLine) -> dict[str, Any]:
    return {
        "id": line.id, "ref": line.ref, "cycle_id": line.cycle_id, "rank": line.rank,
        "item_code": line.item_code, "area": line.area, "aid_class": line.aid_class.value,
        "quantity": line.quantity, "needed_by": line.needed_by.isoformat(),
        "justification": line.justification, "status": line.status.value,
    }  # fmt: skip


def rank_change(change: RankChange) -> dict[str, Any]:
    """The rank a line held from `at` on, and who set it."""
    return {
        "line_id": change.line_id,
        "rank": change.rank,
        "at": change.at.isoformat(),
        "by": change.by,
    }


def line_change(change: LineChange) -> dict[str, Any]:
    """One field of a line from `before` to `after`, as text; a withdrawal's `reason` too."""
    return {
        "line_id": change.line_id, "field": change.field, "before": change.before,
        "after": change.after, "at": change.at.isoformat(), "by": change.by,
    }  # fmt: skip


def member_part(part: MemberPart) -> dict[str, Any]:
    """A member's part of its group's contribution, converted at the pledge day's rate."""
    conversion = part.conversion
    return {
        "member": part.member, "amount_minor": part.amount.minor, "amount": amount(part.amount),
        "currency": part.amount.currency, "usd_minor": part.usd.minor,
        "fx_rate": str(conversion.rate), "fx_rate_date": conversion.rate_date.isoformat(),
        "fx_source": conversion.source,
    }  # fmt: skip


def contribution(c: Contribution) -> dict[str, Any]:
    """A contribution; the USD and FX fields are null until it is received; `members` lists a
    group's members' parts ([] where it gave as one)."""
    conversion = c.conversion
    earmark = c.earmark
    return {
        "id": c.id,
        "ref": c.ref,
        "contributor": c.contributor,
        "amount_minor": c.amount.minor,
        "amount": amount(c.amount),
        "currency": c.amount.currency,
        "status": c.status.value,
        "pledged_on": c.pledged_on.isoformat(),
        "received_on": None if c.received_on is None else c.received_on.isoformat(),
        "confidential": c.confidential,
        "anonymous": c.anonymous,
        "purpose": c.purpose,
        "source": c.source,
        "usd_minor": None if conversion is None else conversion.converted.minor,
        "fx_rate": None if conversion is None else str(conversion.rate),
        "fx_rate_date": None if conversion is None else conversion.rate_date.isoformat(),
        "fx_source": None if conversion is None else conversion.source,
        "earmark": {
            "package_id": earmark.package_id,
            "areas": None if earmark.areas is None else sorted(earmark.areas),
            "aid_classes": None
            if earmark.aid_classes is None
            else sorted(a.value for a in earmark.aid_classes),
            "expires_on": None if earmark.expires_on is None else earmark.expires_on.isoformat(),
        },
        "members": [member_part(p) for p in c.members],
    }


def package(p: Package) -> dict[str, Any]:
    return {
        "id": p.id, "ref": p.ref, "cycle_id": p.cycle_id, "name": p.name,
        "target_minor": p.target.minor, "currency": p.target.currency,
        "created_on": p.created_on.isoformat(), "status": p.status.value,
        "cost_minor": p.cost.minor,
        "lines": [
            {"line_id": ln.line_id, "item_code": ln.item_code, "lots": ln.lots,
             "lot_price_minor": ln.lot_price.minor, "cost_minor": ln.cost.minor}
            for ln in p.lines
        ],
        "attributions": [
            {"contribution_id": a.contribution_id, "line_id": a.line_id,
             "amount_minor": a.amount.minor}
            for a in p.attributions
        ],
    }  # fmt: skip


def package_summary(p: ListedPackage) -> dict[str, Any]:
    """A package in a list: its figures, not its lines or attributions (see `package`)."""

    def minor(money: Money | None) -> int | None:
        return None if money is None else money.minor

    return {
        "id": p.id, "ref": p.ref, "cycle_id": p.cycle_id, "name": p.name,
        "target_minor": p.target.minor, "currency": p.target.currency,
        "created_on": p.created_on.isoformat(), "status": p.status.value,
        "cost_minor": minor(p.cost), "attributed_minor": minor(p.attributed),
        "line_count": p.line_count, "suppressed": p.withheld or None,
        "restricted": p.restricted or None,
    }  # fmt: skip


def shipment(s: Shipment, *, line_ref: str | None = None) -> dict[str, Any]:
    """A shipment; `received_on` is null until the recipient confirms it."""
    return {
        "id": s.id, "package_id": s.package_id, "line_id": s.line_id, "line_ref": line_ref,
        "quantity": s.quantity, "shipped_on": s.shipped_on.isoformat(),
        "received_on": None if s.received_on is None else s.received_on.isoformat(),
    }  # fmt: skip


def ledger_entry(entry: LedgerEntry) -> dict[str, Any]:
    tx = entry.transaction
    conversion = tx.conversion
    return {
        "seq": entry.seq, "recorded_at": entry.recorded_at.isoformat(), "kind": tx.kind.value,
        "occurred_on": tx.occurred_on.isoformat(), "memo": tx.memo,
        "contribution_id": tx.contribution_id, "package_id": tx.package_id,
        "reverses": tx.reverses, "prev_hash": entry.prev_hash, "hash": entry.hash,
        "conversion": None if conversion is None else {
            "from_minor": conversion.original.minor, "from_currency": conversion.original.currency,
            "to_minor": conversion.converted.minor, "to_currency": conversion.converted.currency,
            "rate": str(conversion.rate), "rate_date": conversion.rate_date.isoformat(),
            "source": conversion.source,
        },
        "postings": [
            {"account": p.account, "currency": p.amount.currency, "amount_minor": p.amount.minor}
            for p in tx.postings
        ],
    }  # fmt: skip


def balances(totals: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    return [
        {"account": account, "currency": currency, "balance_minor": value}
        for (account, currency), value in sorted(totals.items())
    ]


def export_parts(source: Snapshot | Sections) -> dict[str, Callable[[], Any]]:
    """Everything `purldesk export` writes (docs/CLI.md), by key: each value made when its
    function is called, its lists as generators, reading `source`'s part then (a `Sections`
    reads it from the database then: `streaming.write_document` writes each as it reads)."""

    def shipments() -> Iterator[dict[str, Any]]:
        line_refs = {line.id: line.ref for line in source.lines}
        return (shipment(s, line_ref=line_refs[s.line_id]) for s in source.shipments)

    def observations() -> Iterator[dict[str, Any]]:
        observed = source.observations
        corrections = superseded_by(observed)
        return (policy_views.observation(o, superseded_by=corrections) for o in observed)

    return {
        "format": lambda: EXPORT_FORMAT,
        "participants": lambda: map(participant, source.participants),
        "catalog": lambda: map(catalog_item, source.catalog),
        "cycles": lambda: map(cycle, source.cycles),
        "requirement_lines": lambda: map(requirement_line, source.lines),
        "rank_changes": lambda: map(rank_change, source.rank_changes),
        "line_changes": lambda: map(line_change, source.line_changes),
        "contributions": lambda: map(contribution, source.contributions),
        "packages": lambda: map(package, source.packages),
        "shipments": shipments,
        "ledger": lambda: map(ledger_entry, source.ledger),
        "policies": lambda: map(policy_views.policy_version_as_set, source.policies),
        "observations": observations,
        "tables": lambda: source.tables,
    }


def export_document(snapshot: Snapshot) -> dict[str, Any]:
    """Everything `purldesk export` writes (docs/CLI.md): one database, one document."""
    return {
        key: value if isinstance(value, str | dict) else list(value)
        for key, make in export_parts(snapshot).items()
        for value in (make(),)
    }
