"""What a write changed: the objects the change feed lists, and the packages whose history
keeps a new state.

The handler gives each command a unit of work that notes every record its repositories add
or save (`noting`), so no use case has to say what it touched and none can forget to: a line
whose status a package moved, the contributions whose money it took, the package a shipment
belongs to. What is noted is recorded in the write's audit entry (`objects`). The packages
the write got or wrote are held too, with the shipments it listed, so that keeping their
history need not read them again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

from purldesk.domain.deliveries import Shipment, ShipmentId
from purldesk.domain.packages import Package, PackageId
from purldesk.services.ports import UnitOfWork


class ObjectKind(StrEnum):
    """The kinds of object a write can change that a client reads one by one."""

    PARTICIPANT = "participant"
    ITEM = "item"
    CYCLE = "cycle"
    LINE = "line"
    CONTRIBUTION = "contribution"
    PACKAGE = "package"
    SHIPMENT = "shipment"


@dataclass(frozen=True, slots=True, order=True)
class ObjectRef:
    """One object: its kind and its key (an id or a code) as text."""

    kind: ObjectKind
    key: str

    def document(self) -> list[str]:
        return [self.kind.value, self.key]

    @classmethod
    def parse(cls, found: Any) -> ObjectRef | None:
        """The object an audit entry names as `[kind, key]`; None for a kind not known here."""
        if not isinstance(found, list) or len(found) != 2:
            return None
        kind, key = found
        if kind not in ObjectKind.__members__.values() or not isinstance(key, str):
            return None
        return cls(ObjectKind(kind), key)


# The repositories whose writes are noted: the kind of what they store, and its key.
NOTED: Mapping[str, tuple[ObjectKind, Callable[[Any], object]]] = {
    "participants": (ObjectKind.PARTICIPANT, lambda record: record.code),
    "catalog": (ObjectKind.ITEM, lambda record: record.code),
    "cycles": (ObjectKind.CYCLE, lambda record: record.id),
    "requirements": (ObjectKind.LINE, lambda record: record.id),
    "contributions": (ObjectKind.CONTRIBUTION, lambda record: record.id),
    "packages": (ObjectKind.PACKAGE, lambda record: record.id),
    "shipments": (ObjectKind.SHIPMENT, lambda record: record.id),
}
WRITES = frozenset({"add", "save"})


@dataclass(slots=True)
class Noted:
    """What one write has added or saved so far."""

    objects: set[ObjectRef] = field(default_factory=set)
    packages: set[PackageId] = field(default_factory=set)  # whose state may have changed
    # Each package as the write last got or wrote it, and each package's shipments as it last
    # listed them with those it added or saved since: as they stand when the write ends, since
    # their rows change only through their repositories' `add` and `save`.
    held: dict[PackageId, Package] = field(default_factory=dict)
    shipments: dict[PackageId, dict[ShipmentId, Shipment]] = field(default_factory=dict)

    def note(self, kind: ObjectKind, record: Any) -> None:
        self.objects.add(ObjectRef(kind, str(NOTED_KEYS[kind](record))))
        if kind is ObjectKind.PACKAGE:
            self.packages.add(record.id)
            self.held[record.id] = record
        elif kind is ObjectKind.SHIPMENT:
            self.packages.add(record.package_id)
            for each in self.shipments.values():
                each.pop(record.id, None)
            if (listed := self.shipments.get(record.package_id)) is not None:
                listed[record.id] = record

    def listed(self, package_id: PackageId, shipments: Iterable[Shipment]) -> None:
        self.shipments[package_id] = {shipment.id: shipment for shipment in shipments}

    def note_lines(self, line_ids: Iterable[int]) -> None:
        self.objects.update(ObjectRef(ObjectKind.LINE, str(line_id)) for line_id in line_ids)

    def document(self) -> list[list[str]]:
        """The objects in a stable order, as the audit entry keeps them."""
        return [ref.document() for ref in sorted(self.objects)]


NOTED_KEYS: Mapping[ObjectKind, Callable[[Any], object]] = dict(NOTED.values())


def noting(uow: UnitOfWork, noted: Noted) -> UnitOfWork:
    """`uow`, with the writes of its noted repositories noted in `noted`; for the handler to
    wrap in `joined`, which opens and ends nothing."""
    return cast(UnitOfWork, _NotingUnitOfWork(uow, noted))


class _NotingUnitOfWork:
    def __init__(self, outer: UnitOfWork, noted: Noted) -> None:
        self._outer = outer
        self._noted = noted

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._outer, name)
        if name in NOTED:
            return _NotingRepository(found, NOTED[name][0], self._noted)
        return found


class _NotingRepository:
    def __init__(self, repository: Any, kind: ObjectKind, noted: Noted) -> None:
        self._repository = repository
        self._kind = kind
        self._noted = noted

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._repository, name)
        if name == "get" and self._kind is ObjectKind.PACKAGE:

            def got(package_id: PackageId) -> Package:
                package: Package = found(package_id)
                self._noted.held[package.id] = package
                return package

            return got
        if name == "list" and self._kind is ObjectKind.SHIPMENT:

            def listed(*, package_id: PackageId | None = None) -> list[Shipment]:
                shipments: list[Shipment] = found(package_id=package_id)
                if package_id is not None:
                    self._noted.listed(package_id, shipments)
                return shipments

            return listed
        if name in WRITES:

            def written(record: Any, *args: Any, **kwargs: Any) -> Any:
                answer = found(record, *args, **kwargs)
                self._noted.note(self._kind, record)
                return answer

            return written
        if name == "add_many":

            def added(records: Any, *args: Any, **kwargs: Any) -> Any:
                answer = found(records, *args, **kwargs)
                for record in records:
                    self._noted.note(self._kind, record)
                return answer

            return added
        if name == "append_changes":  # edits of lines other than their rank

            def appended(changes: Any) -> Any:
                answer = found(changes)
                self._noted.note_lines(change.line_id for change in changes)
                return answer

            return appended
        return found
