"""The change feed: what changed since a cursor, object by object, as one viewer may know it.

The cursor is the audit log's sequence number, not a time: the log is append-only, numbered
without gaps, and each entry is committed before the next is numbered (appends hold the write
lock until commit), so a client that asks again from the `next` cursor it was given misses
nothing and is told nothing twice. Each entry names the objects its write added or saved
(`services/changed.py`); a change of a contribution's disclosure also changes how the packages
it pays are shown, so those are listed with it. A viewer is told only of objects it may read:
kinds its role reads, and no shipment of a package whose contents it may not see.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from purldesk.domain.access import Permission, Viewer
from purldesk.domain.audit import AuditEntry
from purldesk.domain.contributions import ContributionId
from purldesk.domain.errors import InvalidInput
from purldesk.domain.requirements import LineId
from purldesk.services.changed import ObjectKind, ObjectRef
from purldesk.services.read_ports import Reader

MAX_CURSOR = 2**31 - 1
# How many audit entries one read takes at a time while filling a page.
BATCH = 200
# The action whose objects also change how the packages they pay are shown.
DISCLOSURE = "contributions.disclosure"

READ_BY: Mapping[ObjectKind, Permission] = {
    ObjectKind.PARTICIPANT: Permission.READ_PARTICIPANTS,
    ObjectKind.ITEM: Permission.READ_CATALOG,
    ObjectKind.CYCLE: Permission.READ_LIST,
    ObjectKind.LINE: Permission.READ_LIST,
    ObjectKind.CONTRIBUTION: Permission.READ_CONTRIBUTIONS,
    ObjectKind.PACKAGE: Permission.READ_PACKAGES,
    ObjectKind.SHIPMENT: Permission.READ_DELIVERIES,
}


@dataclass(frozen=True, slots=True)
class Change:
    """An object changed by the write numbered `version`, at `changed_at`; `path` is where
    the API serves it (under /api/v1)."""

    kind: ObjectKind
    key: str
    version: int
    changed_at: datetime
    path: str


@dataclass(frozen=True, slots=True)
class ChangePage:
    """Changes after a cursor, oldest first (an object changed twice is listed at its later
    version), and the cursor to ask from next; `more` when later entries were left for the
    next page."""

    changes: list[Change]
    next: int
    more: bool


def check_cursor(since: int) -> int:
    if not 0 <= since <= MAX_CURSOR:
        raise InvalidInput("since", f"must be a cursor from 0 to {MAX_CURSOR}")
    return since


def changes(reader: Reader, viewer: Viewer, *, since: int, limit: int) -> ChangePage:
    """At most `limit` changes after the cursor `since` (more only when one write changed more
    objects than that: a write is never split between pages)."""
    check_cursor(since)
    if limit < 1:
        raise InvalidInput("limit", "must be at least 1")
    with reader:
        found, cursor, more = _scan(reader, viewer, since=since, limit=limit)
        listed = _readable(reader, viewer, found)
        paths = _paths(reader, listed)
    ordered = sorted(listed.items(), key=lambda pair: (pair[1].seq, pair[0]))
    return ChangePage(
        [Change(ref.kind, ref.key, e.seq, e.at, paths[ref]) for ref, e in ordered if ref in paths],
        cursor,
        more,
    )


def _scan(
    reader: Reader, viewer: Viewer, *, since: int, limit: int
) -> tuple[dict[ObjectRef, AuditEntry], int, bool]:
    """The objects the entries after `since` changed (each at its latest entry), entry by
    entry until `limit` objects; the last entry read; whether entries remain."""
    found: dict[ObjectRef, AuditEntry] = {}
    cursor = since
    while True:
        batch = reader.audit_since(cursor, limit=BATCH)
        for entry in batch:
            objects = {ref for ref in _objects(reader, entry) if viewer.can(READ_BY[ref.kind])}
            if found and len(found.keys() | objects) > limit:
                return found, cursor, True
            found.update(dict.fromkeys(objects, entry))
            cursor = entry.seq
        if len(batch) < BATCH:
            return found, cursor, False
        if len(found) >= limit:
            return found, cursor, True


def _objects(reader: Reader, entry: AuditEntry) -> set[ObjectRef]:
    """The objects an entry's write changed, and for a disclosure the packages it affects."""
    try:
        named = json.loads(entry.changes).get("objects", [])
    except (ValueError, AttributeError):
        return set()
    objects = {ref for ref in map(ObjectRef.parse, named) if ref is not None}
    if entry.action == DISCLOSURE:
        objects |= _packages_paid_by(reader, objects)
    return objects


def _packages_paid_by(reader: Reader, objects: Iterable[ObjectRef]) -> set[ObjectRef]:
    ids = {ContributionId(int(r.key)) for r in objects if r.kind is ObjectKind.CONTRIBUTION}
    found = set()
    for contribution in reader.contributions(ids=ids):
        for paid in reader.paid_lines(contribution.contributor):
            if paid.contribution_id in ids:
                found.add(ObjectRef(ObjectKind.PACKAGE, str(paid.package_id)))
    return found


def _readable(
    reader: Reader, viewer: Viewer, found: Mapping[ObjectRef, AuditEntry]
) -> dict[ObjectRef, AuditEntry]:
    """`found` less the shipments of packages whose contents the viewer may not see."""
    hidden = {
        package_id
        for package_id, restriction in reader.restrictions().items()
        if not viewer.sees_contents(restriction)
    }
    shipment_ids = {int(r.key) for r in found if r.kind is ObjectKind.SHIPMENT}
    if not hidden or not shipment_ids:
        return dict(found)
    unseen = {str(s.id) for s in reader.shipments_by_id(shipment_ids) if s.package_id in hidden}
    return {
        ref: entry
        for ref, entry in found.items()
        if not (ref.kind is ObjectKind.SHIPMENT and ref.key in unseen)
    }


def _paths(reader: Reader, found: Iterable[ObjectRef]) -> dict[ObjectRef, str]:
    """Where the API serves each object; a line by its cycle and reference."""
    refs = list(found)
    line_ids = {LineId(int(r.key)) for r in refs if r.kind is ObjectKind.LINE}
    lines = reader.lines_by_id(line_ids) if line_ids else {}
    paths = {}
    for ref in refs:
        if ref.kind is ObjectKind.LINE:
            line = lines.get(LineId(int(ref.key)))
            if line is not None:
                paths[ref] = f"cycles/{line.cycle_id}/lines/{line.ref}"
            continue
        paths[ref] = f"{PLACES[ref.kind]}/{ref.key}"
    return paths


PLACES: Mapping[ObjectKind, str] = {
    ObjectKind.PARTICIPANT: "participants",
    ObjectKind.ITEM: "catalog",
    ObjectKind.CYCLE: "cycles",
    ObjectKind.CONTRIBUTION: "contributions",
    ObjectKind.PACKAGE: "packages",
    ObjectKind.SHIPMENT: "shipments",
}
