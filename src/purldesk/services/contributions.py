"""Use cases for contributions: pledge, commit, receive, cancel, refund, disclose, import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import ClassVar, TypeVar

from purldesk.domain import ledger
from purldesk.domain.access import Actor, Owned, Permission, authorize
from purldesk.domain.contributions import (
    AWAITING_MONEY,
    CONTRIBUTION_TRANSITIONS,
    UNRESTRICTED,
    Contribution,
    ContributionId,
    ContributionStatus,
    Earmark,
    contribution_ref,
    status_after_movement,
)
from purldesk.domain.errors import (
    Conflict,
    ImportRejected,
    InvalidInput,
)
from purldesk.domain.ledger import TransactionKind
from purldesk.domain.member_parts import MemberPart, check_members_once
from purldesk.domain.money import USD, Money, convert, convertible
from purldesk.domain.participants import ParticipantCode, ParticipantStatus
from purldesk.services import contribution_rows, earmarks, member_parts
from purldesk.services.contribution_rows import ContributionRow
from purldesk.services.handle import Command, Context, change_one, check_lengths, command
from purldesk.services.member_parts import MemberAmount
from purldesk.services.ports import FxRates, UnitOfWork

R = TypeVar("R")


def pledge(
    uow: UnitOfWork,
    *,
    contributor: str,
    amount: Money,
    pledged_on: date,
    at: datetime,
    confidential: bool = False,
    anonymous: bool = False,
    purpose: str = "",
    source: str = "",
    earmark: Earmark = UNRESTRICTED,
    members: Sequence[MemberAmount] = (),
    fx: FxRates | None = None,
) -> Contribution:
    """Record a pledge in its own currency (a group's with its members' parts, priced at the
    rates `fx` gives for the pledge day), with its receivable on the ledger."""
    with uow:
        contribution = _pledge(
            uow, fx, contributor=contributor, amount=amount, pledged_on=pledged_on, at=at,
            confidential=confidential, anonymous=anonymous, purpose=purpose, source=source,
            earmark=earmark, members=members,
        )  # fmt: skip
        uow.commit()
        return contribution


def commit(uow: UnitOfWork, *, contribution_id: ContributionId) -> Contribution:
    """The contributor's formal commitment; no money moves."""
    return change_one(
        uow, lambda opened: opened.contributions, contribution_id, Contribution.commit
    )


def set_disclosure(
    uow: UnitOfWork,
    *,
    actor: Actor,
    contribution_id: ContributionId,
    confidential: bool,
    anonymous: bool,
) -> Contribution:
    """The contributor's own choice of what others see: the amount, and who gave it.

    Only the contributor itself may make it; to anyone else its contribution is not found.
    """
    with uow:
        contribution = uow.contributions.get(contribution_id)
        owner = Owned(contribution.contributor, "contribution", contribution_id)
        authorize(actor, Permission.SET_DISCLOSURE, owner=owner)
        disclosed = contribution.disclose(confidential=confidential, anonymous=anonymous)
        if disclosed != contribution:
            uow.contributions.save(disclosed)
        uow.commit()
        return disclosed


def receive(
    uow: UnitOfWork,
    fx: FxRates,
    *,
    contribution_id: ContributionId,
    received_on: date,
    at: datetime,
) -> Contribution:
    """Money arrived: convert to USD at the reference rate of that day and pool it."""
    with uow:
        received = _receive(uow, fx, uow.contributions.get(contribution_id), received_on, at)
        uow.commit()
        return received


def cancel(
    uow: UnitOfWork, *, contribution_id: ContributionId, on: date, at: datetime
) -> Contribution:
    """Withdraw a pledge not yet paid; its receivable is written off against the pledge."""
    with uow:
        contribution = uow.contributions.get(contribution_id)
        cancelled = contribution.cancel_on(on)
        uow.contributions.save(cancelled)
        uow.ledger.append(
            [
                ledger.transfer(
                    TransactionKind.PLEDGE_CANCELLATION, source=ledger.receivable(contribution.id),
                    destination=ledger.pledged(contribution.id), amount=contribution.amount,
                    occurred_on=on, memo=f"pledge {contribution.ref} cancelled",
                    contribution_id=contribution.id,
                )
            ],
            recorded_at=at,
        )  # fmt: skip
        uow.commit()
        return cancelled


def refund(
    uow: UnitOfWork, *, contribution_id: ContributionId, on: date, at: datetime
) -> tuple[Contribution, Money]:
    """Return a contribution's unallocated USD to its contributor."""
    with uow:
        contribution = uow.contributions.get(contribution_id)
        if contribution.status not in (ContributionStatus.RECEIVED, ContributionStatus.ALLOCATED):
            raise Conflict(f"{contribution.ref} is {contribution.status}; nothing to refund")
        contribution.refund_on(on)
        uow.ledger.lock()
        pool = ledger.pool(contribution.id)
        left = ledger.balance(uow.ledger.balances_of([pool]), pool)
        if not left.is_positive:
            raise Conflict(f"{contribution.ref} has no unallocated money to refund")
        uow.ledger.append(
            [
                ledger.transfer(
                    TransactionKind.REFUND, source=ledger.pool(contribution.id),
                    destination=ledger.refunded(contribution.id), amount=left, occurred_on=on,
                    memo=f"refund of {left} to {contribution.contributor}",
                    contribution_id=contribution.id,
                )
            ],
            recorded_at=at,
        )  # fmt: skip
        refunded = sync_status(uow, contribution)
        uow.commit()
        return refunded, left


def get(uow: UnitOfWork, *, contribution_id: ContributionId) -> Contribution:
    with uow:
        return uow.contributions.get(contribution_id)


def list_all(uow: UnitOfWork, *, contributor: ParticipantCode | None = None) -> list[Contribution]:
    with uow:
        return uow.contributions.list(contributor=contributor)


def import_rows(
    uow: UnitOfWork,
    fx: FxRates,
    *,
    rows: Sequence[ContributionRow],
    at: datetime,
    skip_imported: bool = False,
) -> list[Contribution]:
    """Pledge (and receive) every row in one transaction, or write nothing.

    A row imported before (by `import_digests`) refuses the file, naming the contribution it
    became; with `skip_imported` it is left out and the other rows are imported."""
    with uow:
        fresh, errors = contribution_rows.checked(
            uow, fx, rows, today=at.date(), skip_imported=skip_imported
        )
        if errors:
            raise ImportRejected("contributions", errors)
        imported = []
        for row, digest in fresh:
            contribution = _pledge(
                uow, fx, contributor=row.contributor, amount=row.amount,
                pledged_on=row.pledged_on, at=at, confidential=row.confidential,
                anonymous=row.anonymous, purpose=row.purpose, source=row.source,
                earmark=row.earmark, members=row.members, import_digest=digest,
            )  # fmt: skip
            if row.received_on is not None:
                contribution = _receive(uow, fx, contribution, row.received_on, at)
            imported.append(contribution)
        uow.commit()
        return imported


def sync_status(uow: UnitOfWork, contribution: Contribution) -> Contribution:
    """Bring a received contribution's status in line with where its money now is."""
    return sync_statuses(uow, [contribution])[0]


def sync_statuses(uow: UnitOfWork, touched: Sequence[Contribution]) -> list[Contribution]:
    """`sync_status` for several contributions, reading the balances of their accounts only."""
    totals = uow.ledger.contribution_balances(c.id for c in touched) if touched else {}
    synced = []
    for contribution in touched:
        held = ledger.holdings(totals, contribution.id)
        target = status_after_movement(
            contribution.status,
            unallocated_minor=held.unallocated_minor,
            spent_minor=held.spent_minor,
            disbursed_minor=held.disbursed_minor,
            refunded_minor=held.refunded_minor,
        )
        if target is contribution.status:
            synced.append(contribution)
            continue
        moved = contribution.move_to(target)
        uow.contributions.save(moved)
        synced.append(moved)
    return synced


def _pledge(
    uow: UnitOfWork,
    fx: FxRates | None,
    *,
    contributor: str,
    amount: Money,
    pledged_on: date,
    at: datetime,
    confidential: bool,
    anonymous: bool,
    purpose: str,
    source: str,
    earmark: Earmark,
    members: Sequence[MemberAmount] = (),
    import_digest: str | None = None,
) -> Contribution:
    participant = uow.participants.get(contributor)
    if not participant.can_contribute:
        raise InvalidInput(
            "contributor", f"{contributor} is a {participant.kind}, not a contributor"
        )
    if participant.status is not ParticipantStatus.JOINED:
        raise InvalidInput(
            "contributor",
            f"{contributor} is {participant.status}: only a participant that has joined pledges",
        )
    if not amount.is_positive:
        raise InvalidInput("amount", "must be positive")
    findings = earmarks.findings(uow, earmark, pledged_on=pledged_on)
    if findings:
        raise findings[0]
    parts: tuple[MemberPart, ...] = ()
    if members:
        if fx is None:
            raise TypeError("members' parts are priced at reference rates: pass fx")
        parts = member_parts.priced(fx, participant, members, on=pledged_on)
    contribution = Contribution(
        id=ContributionId(uow.next_id("contribution")), contributor=participant.code,
        amount=amount, pledged_on=pledged_on, confidential=confidential, anonymous=anonymous,
        purpose=purpose, source=source, earmark=earmark, import_digest=import_digest,
        members=parts,
    )  # fmt: skip
    uow.contributions.add(contribution)
    uow.ledger.append(
        [
            ledger.transfer(
                TransactionKind.PLEDGE, source=ledger.pledged(contribution.id),
                destination=ledger.receivable(contribution.id), amount=amount,
                occurred_on=pledged_on, memo=f"pledge {contribution.ref} by {contributor}",
                contribution_id=contribution.id,
            )
        ],
        recorded_at=at,
    )  # fmt: skip
    return contribution


def _receive(
    uow: UnitOfWork, fx: FxRates, contribution: Contribution, received_on: date, at: datetime
) -> Contribution:
    rate, rate_date, source = fx.rate(contribution.amount.currency, USD, received_on)
    conversion = convert(
        contribution.amount, target=USD, rate=rate, rate_date=rate_date, source=source
    )
    received = contribution.receive(on=received_on, conversion=conversion)
    uow.contributions.save(received)
    uow.ledger.append(
        [ledger.receipt(contribution.id, conversion, occurred_on=received_on)], recorded_at=at
    )
    return received


# -- commands ----------------------------------------------------------------------------------


@command("contributions.pledge", Permission.PLEDGE)
class Pledge(Command[Contribution]):
    """A contributor pledges, in its own currency, for itself only; a group may list its
    members' parts (see domain/member_parts.py)."""

    contributor: str
    amount: Money
    pledged_on: date | None = None
    confidential: bool = False
    anonymous: bool = False
    purpose: str = ""
    source: str = ""
    earmark: Earmark = UNRESTRICTED
    members: tuple[MemberAmount, ...] = ()

    def __post_init__(self) -> None:
        if not self.amount.is_positive:
            raise InvalidInput("amount", "must be positive")
        check_lengths(purpose=self.purpose, source=self.source)
        check_members_once(part.code for part in self.members)

    def owner(self, uow: UnitOfWork) -> Owned:
        code = self.contributor.upper()
        return Owned(code, "participant", code)

    def execute(self, uow: UnitOfWork, context: Context) -> Contribution:
        convertible(self.amount.currency, context.fx.currencies())
        return _pledge(
            uow, context.fx, contributor=self.contributor.upper(), amount=self.amount,
            pledged_on=context.day(self.pledged_on, field="pledged_on"), at=context.at,
            confidential=self.confidential, anonymous=self.anonymous, purpose=self.purpose,
            source=self.source, earmark=self.earmark, members=self.members,
        )  # fmt: skip

    def target(self, result: Contribution) -> str:
        return result.ref


@dataclass(frozen=True, slots=True, kw_only=True)
class _OnContribution(Command[R]):
    """A command on one contribution, which a contributor may only give for its own."""

    lifecycle: ClassVar[Mapping[ContributionStatus, frozenset[ContributionStatus]]] = (
        CONTRIBUTION_TRANSITIONS
    )

    contribution_id: ContributionId

    def owner(self, uow: UnitOfWork) -> Owned:
        found = uow.contributions.get(self.contribution_id)
        return Owned(found.contributor, "contribution", self.contribution_id)

    def target(self, result: R) -> str:
        return contribution_ref(self.contribution_id)


@command(
    "contributions.commit", Permission.COMMIT_CONTRIBUTION, moves_to=ContributionStatus.COMMITTED
)
class Commit(_OnContribution[Contribution]):
    def execute(self, uow: UnitOfWork, context: Context) -> Contribution:
        return commit(uow, contribution_id=self.contribution_id)


@command(
    "contributions.receive",
    Permission.RECEIVE_CONTRIBUTION,
    moves_to=ContributionStatus.RECEIVED,
    acts_in=AWAITING_MONEY,
)
class Receive(_OnContribution[Contribution]):
    on: date | None = None

    def execute(self, uow: UnitOfWork, context: Context) -> Contribution:
        return receive(
            uow, context.fx, contribution_id=self.contribution_id,
            received_on=context.day(self.on), at=context.at,
        )  # fmt: skip


@command(
    "contributions.cancel", Permission.CANCEL_CONTRIBUTION, moves_to=ContributionStatus.CANCELLED
)
class Cancel(_OnContribution[Contribution]):
    on: date | None = None

    def execute(self, uow: UnitOfWork, context: Context) -> Contribution:
        return cancel(
            uow, contribution_id=self.contribution_id, on=context.day(self.on), at=context.at
        )


@command("contributions.refund", Permission.REFUND_CONTRIBUTION)
class Refund(_OnContribution[tuple[Contribution, Money]]):
    on: date | None = None

    def execute(self, uow: UnitOfWork, context: Context) -> tuple[Contribution, Money]:
        return refund(
            uow, contribution_id=self.contribution_id, on=context.day(self.on), at=context.at
        )


@command("contributions.disclosure", Permission.SET_DISCLOSURE)
class SetDisclosure(_OnContribution[Contribution]):
    """The contributor's own choice of what others see: the amount, and who gave it."""

    confidential: bool
    anonymous: bool

    def execute(self, uow: UnitOfWork, context: Context) -> Contribution:
        return set_disclosure(
            uow, actor=context.actor, contribution_id=self.contribution_id,
            confidential=self.confidential, anonymous=self.anonymous,
        )  # fmt: skip


@command("contributions.import", Permission.IMPORT)
class Import(Command[list[Contribution]]):
    """Pledge (and receive) every row of a file in one transaction, or write nothing; rows
    imported before refuse the file, or are skipped if asked."""

    rows: tuple[ContributionRow, ...]
    source_name: str = ""
    skip_imported: bool = False

    def __post_init__(self) -> None:
        for row in self.rows:
            check_lengths(purpose=row.purpose, source=row.source)

    def execute(self, uow: UnitOfWork, context: Context) -> list[Contribution]:
        return import_rows(
            uow, context.fx, rows=self.rows, at=context.at, skip_imported=self.skip_imported
        )

    def target(self, result: list[Contribution]) -> str:
        return self.source_name or "contributions"
