"""The family of errors purldesk raises on purpose; each carries its data as attributes."""

from __future__ import annotations

from enum import StrEnum


class PurldeskError(Exception):
    """Base of every error purldesk raises on purpose."""


class NotFound(PurldeskError):
    """The thing asked for does not exist (or is not visible to the caller)."""

    def __init__(self, entity: str, key: object) -> None:
        self.entity, self.key = entity, key
        super().__init__(f"{entity} {key} not found")


class NotPermitted(PurldeskError):
    """The caller's role or organization does not allow this action."""

    def __init__(self, action: str, reason: str) -> None:
        self.action, self.reason = action, reason
        super().__init__(f"not permitted to {action}: {reason}")


class Conflict(PurldeskError):
    """The request is well formed, but the current state forbids it."""


class IllegalTransition(Conflict):
    """A lifecycle was asked to move along an edge its transition table does not have."""

    def __init__(self, entity: str, current: StrEnum, target: StrEnum) -> None:
        self.entity, self.current, self.target = entity, current, target
        super().__init__(f"{entity} cannot go from {current} to {target}")


class AlreadyExists(Conflict):
    """Something with this key exists already."""

    def __init__(self, entity: str, key: object) -> None:
        self.entity, self.key = entity, key
        super().__init__(f"{entity} {key} already exists")


class InsufficientFunds(Conflict):
    """An account would be overdrawn."""

    def __init__(self, account: str, available_minor: int, requested_minor: int) -> None:
        self.account = account
        self.available_minor, self.requested_minor = available_minor, requested_minor
        super().__init__(
            f"{account} holds {available_minor} minor units, {requested_minor} requested"
        )


class ProposalChanged(Conflict):
    """An allocation recomputed to be committed is not the one its preview showed."""

    def __init__(self) -> None:
        super().__init__("the allocation changed since the preview; preview again")


class InvalidInput(PurldeskError):
    """A value from outside is malformed; `field` names where."""

    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


class RowError(InvalidInput):
    """One field of one row of an imported file is invalid."""

    def __init__(self, line: int, field: str, message: str) -> None:
        self.line = line
        super().__init__(field, message)
        self.args = (f"line {line}, {field}: {message}",)

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class ImportRejected(InvalidInput):
    """A file was refused as a whole; every finding is listed and nothing was written."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        self.source, self.errors = source, errors
        super().__init__(source, f"{len(errors)} invalid row(s); nothing was written")


class LedgerError(PurldeskError):
    """Base of errors about ledger integrity."""


class UnbalancedTransaction(LedgerError):
    """A transaction's postings do not sum to zero in some currency."""

    def __init__(self, currency: str, residual_minor: int) -> None:
        self.currency, self.residual_minor = currency, residual_minor
        super().__init__(f"postings in {currency} sum to {residual_minor}, not 0")


class CurrencyMismatch(LedgerError):
    """Arithmetic was attempted across two currencies."""

    def __init__(self, left: str, right: str) -> None:
        self.left, self.right = left, right
        super().__init__(f"cannot combine {left} with {right}")


class ChainBroken(LedgerError):
    """The hash chain of the ledger does not hold."""

    def __init__(self, seq: int, message: str) -> None:
        self.seq = seq
        super().__init__(f"ledger entry {seq}: {message}")


class TreeOutOfStep(LedgerError):
    """A log's Merkle tree does not hold as many leaves as the log holds entries (entries
    were deleted or added behind the adapters' back): nothing is appended or signed."""

    def __init__(self, log: str, entries: int, leaves: int) -> None:
        self.log, self.entries, self.leaves = log, entries, leaves
        super().__init__(
            f"the {log} has {entries} entries but its Merkle tree {leaves}; nothing is appended "
            "or signed until `purldesk ledger verify` is clean"
        )


class ProofInvalid(LedgerError):
    """A proof of inclusion, or the checkpoints it rests on, does not show what it claims."""


class FxRateUnavailable(PurldeskError):
    """No reference rate is known for a currency pair on or shortly before a date."""

    def __init__(
        self,
        source: str,
        target: str,
        on: object,
        *,
        lookback_days: int | None = None,
        latest: object | None = None,
    ) -> None:
        self.source, self.target, self.on = source, target, on
        self.lookback_days, self.latest = lookback_days, latest
        message = f"no reference rate {source}->{target} on or before {on}"
        if lookback_days is not None:
            message += f" within {lookback_days} days"
            if latest is not None:
                message += f"; the latest is {latest}"
            message += ": load current rates with `purldesk fx update`"
        super().__init__(message)


class StorageUnavailable(PurldeskError):
    """The database could not finish a transaction now: the connection was lost, it refused a
    serialization or broke a deadlock, or it is busy. What the transaction did was rolled back,
    unless `outcome_unknown` (the connection was lost while committing); `retryable` says
    whether trying the same transaction again at once may succeed."""

    def __init__(
        self, reason: str, *, retryable: bool, outcome_unknown: bool = False, retry_after_s: int = 1
    ) -> None:
        self.reason, self.retryable = reason, retryable
        self.outcome_unknown, self.retry_after_s = outcome_unknown, retry_after_s
        outcome = (
            "it may or may not have been written" if outcome_unknown else "nothing was written"
        )
        super().__init__(f"the database is unavailable ({reason}); {outcome}; try again later")
