"""Who may do what: roles, permissions, ownership, and the one redaction of contributions.

An `Actor` is the authenticated user a write acts for; a `Viewer` is whoever reads (a user,
the public, the command-line operator) and knows what it may see.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NewType

from purldesk.domain.errors import Conflict, InvalidInput, NotFound, NotPermitted, PurldeskError
from purldesk.domain.packages import Restriction
from purldesk.domain.participants import Participant, ParticipantCode, ParticipantKind
from purldesk.domain.text import parse_choice

UserId = NewType("UserId", int)


class Role(StrEnum):
    RECIPIENT = "recipient"
    COORDINATOR = "coordinator"
    CONTRIBUTOR = "contributor"
    SUPPLIER = "supplier"
    AUDITOR = "auditor"
    # Whoever runs the command line on the database: it holds the data already, so it may
    # do everything, and it is audited like everyone else. No user account has this role.
    OPERATOR = "operator"


class Permission(StrEnum):
    READ_PARTICIPANTS = "read_participants"
    READ_CATALOG = "read_catalog"
    READ_LIST = "read_list"  # cycles, lines and their rank history
    READ_CONTRIBUTIONS = "read_contributions"
    READ_PACKAGES = "read_packages"
    READ_LEDGER = "read_ledger"  # a contributor's view is scoped to its own accounts
    VERIFY_LEDGER = "verify_ledger"
    CHECKPOINT_LEDGER = "checkpoint_ledger"  # sign a checkpoint on demand: the operator's
    READ_AUDIT = "read_audit"
    EDIT_CATALOG = "edit_catalog"
    OPEN_CYCLE = "open_cycle"
    SUBMIT_CYCLE = "submit_cycle"
    ENDORSE_CYCLE = "endorse_cycle"
    CLOSE_CYCLE = "close_cycle"
    EDIT_LIST = "edit_list"
    PLEDGE = "pledge"
    COMMIT_CONTRIBUTION = "commit_contribution"
    RECEIVE_CONTRIBUTION = "receive_contribution"
    CANCEL_CONTRIBUTION = "cancel_contribution"
    SET_DISCLOSURE = "set_disclosure"  # a contributor sets its own only: amount shown, giver named
    REFUND_CONTRIBUTION = "refund_contribution"
    BUILD_PACKAGE = "build_package"  # draft, propose, top up and restrict its contents
    CANCEL_PACKAGE = "cancel_package"
    VALIDATE_PACKAGE = "validate_package"
    ACCEPT_PACKAGE = "accept_package"  # and re-price it
    CLOSE_PACKAGE = "close_package"
    READ_DELIVERIES = "read_deliveries"
    SHIP = "ship"
    CONFIRM_RECEIPT = "confirm_receipt"
    READ_ALLOCATION = "read_allocation"  # a proposal shows every fund's money
    RUN_ALLOCATION = "run_allocation"
    READ_POLICIES = "read_policies"
    SET_POLICY = "set_policy"  # a contributor sets its own only
    READ_INDICATORS = "read_indicators"
    RECORD_INDICATOR = "record_indicator"
    SET_FX_RATES = "set_fx_rates"  # load reference rates, record one from another source
    READ_FX_RATES = "read_fx_rates"  # reference rates are public data: every user reads them
    RUN_WHATIF = "run_whatif"  # compares every fund's money
    IMPORT = "import"  # load files of pledges, lines, items, indicators: the operator's
    REGISTER_PARTICIPANT = "register_participant"  # who takes part: the operator's only
    MANAGE_USERS = "manage_users"  # add and revoke users, set passwords: the operator's


_P = Permission
_EVERYONE_READS = frozenset(
    {_P.READ_PARTICIPANTS, _P.READ_CATALOG, _P.READ_LIST, _P.READ_PACKAGES}
    | {_P.READ_DELIVERIES, _P.READ_POLICIES, _P.READ_INDICATORS, _P.READ_FX_RATES}
)

ROLE_PERMISSIONS: Mapping[Role, frozenset[Permission]] = {
    Role.RECIPIENT: _EVERYONE_READS
    | {_P.READ_CONTRIBUTIONS, _P.SUBMIT_CYCLE, _P.EDIT_LIST, _P.CONFIRM_RECEIPT},
    Role.COORDINATOR: _EVERYONE_READS
    | {_P.READ_CONTRIBUTIONS, _P.READ_LEDGER, _P.VERIFY_LEDGER, _P.OPEN_CYCLE, _P.ENDORSE_CYCLE}
    | {_P.CLOSE_CYCLE, _P.RECEIVE_CONTRIBUTION, _P.REFUND_CONTRIBUTION, _P.BUILD_PACKAGE}
    | {_P.CANCEL_PACKAGE, _P.VALIDATE_PACKAGE, _P.CLOSE_PACKAGE, _P.READ_ALLOCATION}
    | {_P.RUN_ALLOCATION, _P.RECORD_INDICATOR, _P.RUN_WHATIF, _P.SET_FX_RATES},
    Role.CONTRIBUTOR: _EVERYONE_READS
    | {_P.READ_CONTRIBUTIONS, _P.READ_LEDGER, _P.PLEDGE, _P.COMMIT_CONTRIBUTION}
    | {_P.RECEIVE_CONTRIBUTION, _P.CANCEL_CONTRIBUTION, _P.SET_DISCLOSURE, _P.SET_POLICY},
    Role.SUPPLIER: _EVERYONE_READS | {_P.EDIT_CATALOG, _P.ACCEPT_PACKAGE, _P.SHIP},
    # Everything readable, nothing writable.
    Role.AUDITOR: _EVERYONE_READS
    | {_P.READ_CONTRIBUTIONS, _P.READ_LEDGER, _P.VERIFY_LEDGER, _P.READ_AUDIT}
    | {_P.READ_ALLOCATION, _P.RUN_WHATIF},
    Role.OPERATOR: frozenset(Permission),
}

# What may be read at all: the command-line operator holds these and nothing else.
READ_PERMISSIONS = frozenset(
    {_P.READ_PARTICIPANTS, _P.READ_CATALOG, _P.READ_LIST, _P.READ_CONTRIBUTIONS}
    | {_P.READ_PACKAGES, _P.READ_LEDGER, _P.READ_AUDIT, _P.READ_DELIVERIES, _P.READ_ALLOCATION}
    | {_P.READ_POLICIES, _P.READ_INDICATORS, _P.READ_FX_RATES}
)

# Roles that act only on their own organization's objects.
OWNERSHIP_SCOPED = frozenset({Role.CONTRIBUTOR})
# Roles that see every amount, confidential or not.
SEES_ALL_AMOUNTS = frozenset({Role.COORDINATOR, Role.AUDITOR, Role.OPERATOR})

# The kind of organization each role's users must belong to; an auditor may sit anywhere.
ROLE_KINDS: Mapping[Role, frozenset[ParticipantKind]] = {
    Role.RECIPIENT: frozenset({ParticipantKind.RECIPIENT}),
    Role.COORDINATOR: frozenset({ParticipantKind.COORDINATOR}),
    Role.CONTRIBUTOR: frozenset({ParticipantKind.ALLY, ParticipantKind.PARTNER}),
    Role.SUPPLIER: frozenset({ParticipantKind.SUPPLIER}),
    Role.AUDITOR: frozenset(ParticipantKind),
    Role.OPERATOR: frozenset(),
}
USER_ROLES = tuple(role for role in Role if ROLE_KINDS[role])


class NotAuthenticated(PurldeskError):
    """No valid credentials came with the request; the reason is logged, never returned."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__("missing, unknown, expired or revoked token")


class TooManyAttempts(PurldeskError):
    """A client failed authentication too often in the current window."""

    def __init__(self, client: str, retry_after_s: int) -> None:
        self.client, self.retry_after_s = client, retry_after_s
        super().__init__(f"too many failed authentications; retry in {retry_after_s} s")


class IdempotencyKeyReused(Conflict):
    """An idempotency key came back with a different request than the one it first guarded."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"Idempotency-Key {key!r} was used for a different request")


@dataclass(frozen=True, slots=True)
class Actor:
    """The authenticated user a request acts for."""

    user_id: UserId
    name: str
    organization: ParticipantCode
    role: Role

    @property
    def sees_all_amounts(self) -> bool:
        return self.role in SEES_ALL_AMOUNTS

    @property
    def viewer(self) -> Viewer:
        """What this user may see when it reads: its role's permissions, its own money."""
        return Viewer(
            f"the {self.role} role", self.organization, ROLE_PERMISSIONS[self.role],
            sees_all_amounts=self.role in SEES_ALL_AMOUNTS,
            own_only=self.role in OWNERSHIP_SCOPED,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Viewer:
    """Whoever reads a page or a report, and so what it may see.

    The public belongs to no organization and sees public amounts and aggregates only; an
    organization's user sees its own money in full; a viewer that `sees_all_amounts`
    (coordinator, auditor, the command-line operator) sees every amount and every giver.
    """

    name: str  # who reads, as a refusal names it: "the auditor role", "the public"
    organization: ParticipantCode | None  # None: no organization's money is its own
    permissions: frozenset[Permission]
    sees_all_amounts: bool = False
    own_only: bool = False  # reads (and acts on) its own organization's objects only

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    def bucket_minimum(self, k: int) -> int:
        """The fewest contributors a hidden sum shown to this viewer must cover, where hidden
        money is published only summed over `k` of them. What the public sees, every
        contributor sees too, knowing its own part: one more is needed there."""
        public = self.organization is None and not self.sees_all_amounts
        return k + 1 if public else k

    def owns(self, organization: str | None) -> bool:
        """Whether `organization` is the viewer's own (never true for the public)."""
        return self.organization is not None and organization == self.organization

    def sees_everything_of(self, organization: str | None) -> bool:
        """Every amount and the name of the giver, however confidential or anonymous."""
        return self.sees_all_amounts or self.owns(organization)

    @property
    def takes_delivery(self) -> bool:
        """The supplier ships and the recipient confirms: both must know what is delivered."""
        return self.can(Permission.SHIP) or self.can(Permission.CONFIRM_RECEIPT)

    def sees_contents(self, restriction: Restriction | None) -> bool:
        """Whether the viewer sees a package's items, lines and who pays which line, where its
        contents are under `restriction` (None: published). Whoever does not still sees the
        package's value, status and dates, and a contributor its own attributions."""
        return (
            restriction is None
            or self.sees_all_amounts
            or self.takes_delivery
            or (self.organization is not None and self.organization in restriction.cleared)
        )

    def check(self, permission: Permission, *, owner: Owned | None = None) -> None:
        """NotPermitted if the viewer may not read this at all; NotFound if it is another
        organization's and the viewer reads only its own, so its existence does not leak."""
        if not self.can(permission):
            raise NotPermitted(permission.value, f"{self.name} does not allow it")
        if owner is not None and self.own_only and not self.owns(owner.organization):
            raise NotFound(owner.entity, owner.key)


# Anyone, logged in or not: aggregates and public amounts, nothing to act on.
PUBLIC = Viewer("the public", None, frozenset())
# The command line is an operator's tool: it reads everything, as an auditor does.
OPERATOR = Viewer("the command line", None, READ_PERMISSIONS, sees_all_amounts=True)


def viewer_of(reader: Actor | Viewer) -> Viewer:
    """The viewer an actor reads as; a viewer is itself."""
    return reader.viewer if isinstance(reader, Actor) else reader


@dataclass(frozen=True, slots=True)
class User:
    id: UserId
    name: str
    organization: ParticipantCode
    role: Role
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def as_actor(self) -> Actor:
        return Actor(self.id, self.name, self.organization, self.role)


NO_ORGANIZATION = ParticipantCode("-")


def operator(name: str) -> Actor:
    """The command line's identity: `name` is who runs it (the login of the shell user)."""
    return Actor(UserId(0), name, NO_ORGANIZATION, Role.OPERATOR)


@dataclass(frozen=True, slots=True)
class ApiToken:
    """A stored token: its public id, a per-token salt and the peppered digest of its secret."""

    token_id: str
    user_id: UserId
    salt: str
    digest: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None

    def is_valid_at(self, at: datetime) -> bool:
        return self.revoked_at is None and at < self.expires_at


TOKEN_PREFIX = "pd"


def format_token(token_id: str, secret: str) -> str:
    """The token as the user holds it: `pd_<id>_<secret>`; the id is hex, so '_' splits it."""
    return f"{TOKEN_PREFIX}_{token_id}_{secret}"


def parse_token(text: str) -> tuple[str, str] | None:
    """(token id, secret) of a well-formed token, else None."""
    parts = text.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def token_digest(secret: str, *, salt: str, pepper: bytes) -> str:
    """HMAC-SHA256 keyed by the server's pepper over salt and secret (hex)."""
    return hmac.new(pepper, f"{salt}:{secret}".encode(), hashlib.sha256).hexdigest()


def is_token_secret(secret: str, token: ApiToken, *, pepper: bytes) -> bool:
    """Constant-time check of a presented secret against the stored digest."""
    return hmac.compare_digest(token_digest(secret, salt=token.salt, pepper=pepper), token.digest)


def check_role_fits(role: Role, participant: Participant) -> None:
    if participant.kind not in ROLE_KINDS[role]:
        raise InvalidInput(
            "role", f"a {role} cannot belong to {participant.code} (kind {participant.kind})"
        )


def parse_role(text: str, *, field: str = "role") -> Role:
    return parse_choice(Role, text, field=field, allowed=USER_ROLES)


@dataclass(frozen=True, slots=True)
class Owned:
    """An object that belongs to one organization, named as a NotFound would name it."""

    organization: str
    entity: str
    key: object


def can(actor: Actor, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[actor.role]


def authorize(actor: Actor, permission: Permission, *, owner: Owned | None = None) -> None:
    """Raise NotPermitted if the role may not do this at all; NotFound if the object is
    another organization's and the role acts only on its own, so its existence does not leak.
    """
    if not can(actor, permission):
        raise NotPermitted(permission.value, f"the {actor.role} role does not allow it")
    if (
        owner is not None
        and actor.role in OWNERSHIP_SCOPED
        and owner.organization != actor.organization
    ):
        raise NotFound(owner.entity, owner.key)
