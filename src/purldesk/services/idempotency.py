"""Writes made once: an Idempotency-Key, the effect it guards and the audit entry commit together.

A write runs inside one transaction that first takes the write lock shared with ledger appends
(so balances read by the effect stay current until it commits), then looks the key up: a key
seen before with the same request returns the first response and does nothing; with another
request it is refused. Otherwise the effect runs on the same transaction, through a view of
the unit of work whose `with` and `commit()` are no-ops, so existing use cases compose
unchanged; then the audit entry and the key are written, and everything commits at once.
A failed effect rolls back and stores no key, so a retry runs it again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Self, cast

from purldesk.domain.access import Actor, IdempotencyKeyReused
from purldesk.domain.audit import AuditEvent, StoredResponse, canonical_json
from purldesk.services.ports import UnitOfWork


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an effect returns: the response document and how the audit log names the write."""

    status_code: int
    body: Any  # a JSON document
    action: str
    target: str


@dataclass(frozen=True, slots=True)
class WriteRequest:
    actor: Actor
    request_id: str
    method: str
    path: str
    body: Any  # the validated request, as JSON
    key: str | None  # None: a write that needs no key (it is naturally idempotent)

    @property
    def fingerprint(self) -> str:
        """What "the same request" means: method, path and body, canonically."""
        document = canonical_json([self.method, self.path, self.body])
        return hashlib.sha256(document.encode()).hexdigest()


def perform_once(
    uow: UnitOfWork,
    request: WriteRequest,
    effect: Callable[[UnitOfWork], Outcome],
    *,
    at: datetime,
) -> tuple[StoredResponse, bool]:
    """(the response, whether it is a replay of an earlier one); see the module docstring."""
    actor = request.actor
    with uow:
        uow.audit.lock()
        if request.key is not None:
            stored = uow.idempotency.find(actor.user_id, request.key)
            if stored is not None:
                if stored.request_hash != request.fingerprint:
                    raise IdempotencyKeyReused(request.key)
                return stored, True
        outcome = effect(cast(UnitOfWork, _Joined(uow)))
        response = StoredResponse(
            request.fingerprint, outcome.status_code, canonical_json(outcome.body)
        )
        event = AuditEvent(
            action=outcome.action, target=outcome.target, request_id=request.request_id,
            actor=actor, changes={"request": request.body, "result": outcome.body},
        )  # fmt: skip
        uow.audit.append(event, at=at)
        if request.key is not None:
            uow.idempotency.add(actor.user_id, request.key, response, at=at)
        uow.commit()
        return response, False


class _Joined:
    """An open unit of work as a use case sees its own: entering opens nothing, commit() and
    leaving do nothing; the outer block commits or rolls back everything together."""

    def __init__(self, outer: UnitOfWork) -> None:
        self._outer = outer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._outer, name)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    def commit(self) -> None:
        return None

    def rollback(self) -> None:
        raise RuntimeError("a joined unit of work is rolled back by its outer block")
