"""Every write is one command through one handler: authorize, run, audit, remember, commit.

A command is a frozen, self-validating dataclass that names its action, the permission it
needs and how its owner is found. `handle` opens the one transaction, takes the write lock
shared with ledger appends (so balances the command reads stay current until it commits),
authorizes the actor by role, replays the first response if an idempotency key was seen with
the same command (and refuses it with another), authorizes by ownership, runs the command on
the open unit of work (noting what it adds and saves, `services/changed.py`), takes a signed
checkpoint if one is due (services.checkpoints), appends the audit entry (with the objects it
changed) and the key, keeps the new state of each package it changed
(`services/package_history.py`), and commits; a transaction the database broke off is tried
again (`services/retries.py`). The API, the dashboard and the command line only
translate their input into commands.
"""

from __future__ import annotations

import dataclasses
import hashlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar, cast, dataclass_transform

from purldesk.domain.access import Actor, IdempotencyKeyReused, Owned, Permission, authorize
from purldesk.domain.audit import AuditEvent, StoredResponse, canonical_json
from purldesk.domain.dates import not_after
from purldesk.domain.errors import InvalidInput, StorageUnavailable
from purldesk.domain.lifecycle import can_transition
from purldesk.domain.money import Money
from purldesk.services import checkpoints, package_history
from purldesk.services.changed import Noted, noting
from purldesk.services.ledger_ports import Signer
from purldesk.services.ports import FxRates, UnitOfWork
from purldesk.services.retries import ONCE, Retries

R = TypeVar("R")
A = TypeVar("A")
K = TypeVar("K", contravariant=True)
S = TypeVar("S", contravariant=True)

# Field metadata of a command field the audit log must not keep (a password hash, a pepper):
# the command's document names the field and hides its value.
SECRET: Mapping[str, bool] = {"secret": True}

# The longest free text (a purpose, a source, a note) a command takes.
TEXT_MAX = 2000


@dataclass(frozen=True, slots=True)
class Context:
    """Who acts, when, in which request, the rates a command may need, and the key that signs
    checkpoints (None: no checkpoint is taken)."""

    actor: Actor
    at: datetime
    request_id: str
    fx: FxRates
    signer: Signer | None = None
    retries: Retries = ONCE  # how a write the database broke off is tried again

    @property
    def today(self) -> date:
        return self.at.date()

    def day(self, on: date | None, *, field: str = "on") -> date:
        """The date a command names for its act, or today by the handler's clock.

        An act cannot have happened after today, so a later date is refused, naming `field`;
        planned dates (a needed-by, a cycle's opening) do not come through here."""
        if on is None:
            return self.today
        return not_after(on, self.today, field=field)


class Command(ABC, Generic[R]):
    """Base of every write. Subclasses are declared with `@command` (frozen, slotted,
    keyword-only dataclasses that name their action and permission) and implement `execute`
    and `target`."""

    __slots__ = ()
    action: ClassVar[str]  # the audit log's name for it, "area.verb"
    permission: ClassVar[Permission]
    # Its lifecycle rule, where it acts on an aggregate in some statuses only: the status it
    # moves the aggregate to (a target of `lifecycle`, the aggregate's transition table), and
    # the statuses it acts in where that is narrower, or where it moves to none.
    moves_to: ClassVar[StrEnum | None] = None
    lifecycle: ClassVar[Mapping[Any, frozenset[Any]]] = {}
    acts_in: ClassVar[Collection[Any] | None] = None
    # It changes a package (its state, its money, its contents): a checkpoint is signed after it.
    checkpoint_after: ClassVar[bool] = False

    @classmethod
    def acts_on(cls, status: StrEnum) -> bool:
        """Whether its lifecycle rule lets the command act on an aggregate in `status`."""
        if cls.acts_in is not None and status not in cls.acts_in:
            return False
        return cls.moves_to is None or can_transition(cls.lifecycle, status, cls.moves_to)

    def owner(self, uow: UnitOfWork) -> Owned | None:
        """The organization the command acts on, for roles scoped to their own; None: any."""
        return None

    @abstractmethod
    def execute(self, uow: UnitOfWork, context: Context) -> R:
        """The use case, on the handler's open unit of work."""

    @abstractmethod
    def target(self, result: R) -> str:
        """The reference the audit log files the write under, such as C-00012 or P-0003."""

    def document(self) -> dict[str, Any]:
        """The command as JSON: what the audit log records and idempotency compares."""
        if not dataclasses.is_dataclass(self):
            raise TypeError(f"{type(self).__name__} must be a dataclass")
        return {
            f.name: "(secret)" if f.metadata.get("secret") else jsonable(getattr(self, f.name))
            for f in dataclasses.fields(self)
        }


C = TypeVar("C", bound=type[Command[Any]])


@dataclass_transform(frozen_default=True, kw_only_default=True)
def command(
    action: str,
    permission: Permission,
    *,
    moves_to: StrEnum | None = None,
    acts_in: Collection[Any] | None = None,
    checkpoint_after: bool = False,
) -> Callable[[C], C]:
    """Declare a command: its audit log name `action` ("area.verb"), the permission it needs,
    its lifecycle rule where it has one (see `Command.acts_on`), and whether it may change a
    package's state (`checkpoint_after`). The class becomes a frozen, slotted, keyword-only
    dataclass, as every command is."""

    def declare(cls: C) -> C:
        cls.action, cls.permission = action, permission
        if checkpoint_after:  # else as its base class says
            cls.checkpoint_after = True
        if moves_to is not None:
            cls.moves_to = moves_to
        if acts_in is not None:
            cls.acts_in = acts_in
        return cast(C, dataclass(frozen=True, slots=True, kw_only=True)(cls))

    return declare


def jsonable(value: Any) -> Any:
    """A command field as JSON: amounts as minor units and currency, dates ISO, enums by value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Money):
        return {"minor": value.minor, "currency": value.currency}
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return items if isinstance(value, list | tuple) else sorted(items, key=canonical_json)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"a command field of type {type(value).__name__} has no JSON form")


def check_lengths(*, at_most: int = TEXT_MAX, **texts: str) -> None:
    """Refuse the first of `texts` (field=text) longer than `at_most` characters, naming it."""
    for field, text in texts.items():
        if len(text) > at_most:
            raise InvalidInput(field, f"is {len(text)} characters; at most {at_most}")


@dataclass(frozen=True, slots=True)
class Handled(Generic[R]):
    """What a handled command gave: its result (None on a replay) and, if the edge asked for
    one, the response stored with the key."""

    result: R | None
    response: StoredResponse | None
    replayed: bool

    @property
    def value(self) -> R:
        if self.result is None:
            raise RuntimeError("a replayed command has no result, only its stored response")
        return self.result


def handle(
    uow: UnitOfWork,
    command: Command[R],
    *,
    context: Context,
    key: str | None = None,
    present: Callable[[R, UnitOfWork], tuple[int, Any]] | None = None,
) -> Handled[R]:
    """Run `command` once for `context.actor`; see the module docstring.

    `present` turns the result into the (status, JSON document) an edge answers with, reading
    what else it needs in the same transaction; with a `key`, that response is stored and a
    repeat of the same command gets it back unchanged.

    A transaction the database broke off (StorageUnavailable) is tried again in a new one, as
    `context.retries` allows; when it may not be, the error goes to the edge (HTTP 503) with
    nothing written.
    """
    authorize(context.actor, command.permission)
    retries, failures = context.retries, 0
    while True:
        try:
            return _handle_once(uow, command, context=context, key=key, present=present)
        except StorageUnavailable as error:
            failures += 1
            replayable = key is not None and present is not None
            if not retries.may_retry(error, failures=failures, replayable=replayable):
                raise
            retries.sleep(retries.wait_s(failures))


def _handle_once(
    uow: UnitOfWork,
    command: Command[R],
    *,
    context: Context,
    key: str | None,
    present: Callable[[R, UnitOfWork], tuple[int, Any]] | None,
) -> Handled[R]:
    """One attempt of `handle`, in one transaction."""
    actor = context.actor
    with uow:
        fingerprint = _fingerprint(command)
        uow.audit.lock()
        if key is not None:
            stored = uow.idempotency.find(actor.user_id, key)
            if stored is not None:
                if stored.request_hash != fingerprint:
                    raise IdempotencyKeyReused(key)
                return Handled(None, stored, replayed=True)
        noted = Noted()
        inner = joined(noting(uow, noted))
        authorize(actor, command.permission, owner=command.owner(inner))
        result = command.execute(inner, context)
        response = None
        if present is not None:
            status, body = present(result, inner)
            response = StoredResponse(fingerprint, status, canonical_json(body))
        changes = {
            "command": command.document(), "result": summary(result), "objects": noted.document(),
        }  # fmt: skip
        if (taken := _checkpoint_if_due(inner, command, context)) is not None:
            changes["checkpoint"] = taken
        event = AuditEvent(
            action=command.action, target=command.target(result),
            request_id=context.request_id, actor=actor, changes=changes,
        )  # fmt: skip
        entry = uow.audit.append(event, at=context.at)
        package_history.keep(uow, noted, at=context.at, audit_seq=entry.seq)
        if key is not None and response is not None:
            uow.idempotency.add(actor.user_id, key, response, at=context.at)
        uow.commit()
        return Handled(result, response, replayed=False)


def _checkpoint_if_due(
    uow: UnitOfWork, command: Command[Any], context: Context
) -> dict[str, Any] | None:
    """Take the checkpoint that is due after `command`, if one is (see services.checkpoints):
    what the write's audit entry records of it."""
    signer = context.signer
    if signer is None or not checkpoints.is_due(
        uow, at=context.at, after_package_change=command.checkpoint_after
    ):
        return None
    taken = checkpoints.take(uow, signer=signer, at=context.at)
    return {"ref": taken.ref, "size": taken.ledger.size, "root": taken.ledger.root.hex()}


def _fingerprint(command: Command[Any]) -> str:
    document = canonical_json([command.action, command.document()])
    return hashlib.sha256(document.encode()).hexdigest()


def summary(result: Any) -> Any:
    """What the audit log keeps of a result: the refs and statuses of what the write made or
    moved (amounts are in the command and on the ledger)."""
    if isinstance(result, list | tuple):
        return [summary(item) for item in result]
    if isinstance(result, int):  # a count, such as items added
        return result
    ref, status = getattr(result, "ref", None), getattr(result, "status", None)
    if isinstance(ref, str):
        return {"ref": ref} | ({} if status is None else {"status": str(status)})
    if isinstance(result, Money):
        return jsonable(result)
    return None


class Stored(Protocol[K, A]):
    """A repository that gets one kind of aggregate by its key and saves it back."""

    def get(self, key: K, /) -> A: ...

    def save(self, aggregate: A, /) -> None: ...


def change_one(
    uow: UnitOfWork,
    repository: Callable[[UnitOfWork], Stored[K, A]],
    key: K,
    how: Callable[[A], A],
) -> A:
    """Get one aggregate from the open unit of work's `repository`, change it and save it, in a
    transaction of its own (or the handler's, when `uow` is joined)."""
    with uow:
        stored = repository(uow)
        changed = how(stored.get(key))
        stored.save(changed)
        uow.commit()
        return changed


class Movable(Protocol[S]):
    """An aggregate with a lifecycle: `move_to` raises IllegalTransition and changes nothing."""

    def move_to(self, target: S, /) -> Self: ...


M = TypeVar("M", bound=Movable[Any])


def move_one(
    uow: UnitOfWork, repository: Callable[[UnitOfWork], Stored[K, M]], key: K, status: Any
) -> M:
    """`change_one` that moves the aggregate along its lifecycle to `status`."""

    def moved(found: M) -> M:
        return found.move_to(status)

    return change_one(uow, repository, key, moved)


def joined(outer: UnitOfWork) -> UnitOfWork:
    """The handler's open unit of work as a use case sees its own: entering opens nothing,
    commit() and leaving do nothing; the handler commits or rolls back everything together."""
    return cast(UnitOfWork, _Joined(outer))


class _Joined:
    def __init__(self, outer: UnitOfWork) -> None:
        self._outer = outer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._outer, name)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        return None  # the handler ends the transaction

    def commit(self) -> None:
        return None

    def rollback(self) -> None:
        raise RuntimeError("a joined unit of work is rolled back by its outer block")
