"""How the dashboard names each code: one table of labels, used by every page and chooser.

Exports, the API and the command line keep the codes (`air_defence`, `nonlethal`); only what
people read on the dashboard is labelled. A code not in the table (a new catalog area, an
engine's own cause) is shown as words, so nothing ever shows as a bare identifier.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from purldesk.domain.access import Role
from purldesk.domain.catalog import AidClass
from purldesk.domain.contributions import ContributionStatus
from purldesk.domain.ledger import TransactionKind
from purldesk.domain.packages import PackageStatus
from purldesk.domain.participants import ParticipantKind, ParticipantStatus
from purldesk.domain.requirements import CycleStatus, LineStatus
from purldesk.services import reasons
from purldesk.services.read_ports import Funding

AID_CLASSES: Mapping[str, str] = {
    AidClass.HUMANITARIAN: "Humanitarian", AidClass.NONLETHAL: "Non-lethal",
    AidClass.DEFENSIVE: "Defensive", AidClass.LETHAL: "Lethal",
}  # fmt: skip
# The capability areas of the catalog (an area is data: one not named here reads as words).
AREAS: Mapping[str, str] = {
    "air_defence": "Air defence", "anti_armour": "Anti-armour", "armour": "Armour",
    "artillery": "Artillery", "communications": "Communications",
    "counter_drone": "Counter-drone", "engineering": "Engineering", "logistics": "Logistics",
    "medical": "Medical", "winterization": "Winterization",
}  # fmt: skip
LINE_STATUSES: Mapping[str, str] = {
    LineStatus.OPEN: "Open", LineStatus.PARTLY_FUNDED: "Partly funded",
    LineStatus.FUNDED: "Funded", LineStatus.DELIVERED: "Delivered",
    LineStatus.WITHDRAWN: "Withdrawn",
}  # fmt: skip
FUNDING: Mapping[str, str] = {
    Funding.FULLY: "Fully funded", Funding.PARTLY: "Partly funded", Funding.UNFUNDED: "Not funded",
}  # fmt: skip
CYCLE_STATUSES: Mapping[str, str] = {
    CycleStatus.DRAFT: "Draft", CycleStatus.SUBMITTED: "Submitted",
    CycleStatus.ENDORSED: "Endorsed", CycleStatus.CLOSED: "Closed",
}  # fmt: skip
PACKAGE_STATUSES: Mapping[str, str] = {
    PackageStatus.DRAFT: "Draft", PackageStatus.PROPOSED: "Proposed",
    PackageStatus.VALIDATED: "Validated", PackageStatus.FUNDED: "Funded",
    PackageStatus.ACCEPTED: "Accepted", PackageStatus.DELIVERING: "Delivering",
    PackageStatus.DELIVERED: "Delivered", PackageStatus.CLOSED: "Closed",
    PackageStatus.CANCELLED: "Cancelled",
}  # fmt: skip
CONTRIBUTION_STATUSES: Mapping[str, str] = {
    ContributionStatus.PLEDGED: "Pledged", ContributionStatus.COMMITTED: "Committed",
    ContributionStatus.RECEIVED: "Received", ContributionStatus.ALLOCATED: "Allocated",
    ContributionStatus.DISBURSED: "Disbursed", ContributionStatus.CANCELLED: "Cancelled",
    ContributionStatus.REFUNDED: "Refunded",
}  # fmt: skip
PARTICIPANT_KINDS: Mapping[str, str] = {
    ParticipantKind.ALLY: "Ally", ParticipantKind.PARTNER: "Partner",
    ParticipantKind.RECIPIENT: "Recipient", ParticipantKind.SUPPLIER: "Supplier",
    ParticipantKind.COORDINATOR: "Coordinator",
}  # fmt: skip
PARTICIPANT_STATUSES: Mapping[str, str] = {
    ParticipantStatus.INVITED: "Invited", ParticipantStatus.REVIEWING: "Reviewing",
    ParticipantStatus.JOINED: "Joined", ParticipantStatus.SUSPENDED: "Suspended",
}  # fmt: skip
ROLES: Mapping[str, str] = {
    Role.RECIPIENT: "Recipient", Role.COORDINATOR: "Coordinator",
    Role.CONTRIBUTOR: "Contributor", Role.SUPPLIER: "Supplier", Role.AUDITOR: "Auditor",
    Role.OPERATOR: "Operator",
}  # fmt: skip
TRANSACTION_KINDS: Mapping[str, str] = {
    TransactionKind.PLEDGE: "Pledge", TransactionKind.PLEDGE_CANCELLATION: "Pledge cancelled",
    TransactionKind.RECEIPT: "Receipt", TransactionKind.ALLOCATION: "Allocation",
    TransactionKind.RELEASE: "Release", TransactionKind.ACCEPTANCE: "Acceptance",
    TransactionKind.DISBURSEMENT: "Disbursement", TransactionKind.REFUND: "Refund",
    TransactionKind.REVERSAL: "Reversal",
}  # fmt: skip
# The kinds of ledger account (`domain/ledger.py`), as a balance is named by its kind.
ACCOUNT_KINDS: Mapping[str, str] = {
    "receivable": "Receivable", "pledged": "Pledged", "fx-trading": "FX trading",
    "pool": "Pool (unallocated)", "obligated": "Obligated", "payable": "Payable",
    "disbursed": "Disbursed", "refunded": "Refunded",
}  # fmt: skip
# Why an allocation leaves a line short (`services/reasons.py`).
CAUSES: Mapping[str, str] = {
    reasons.CAPACITY: "Supplier capacity", reasons.PACKAGE_TARGET: "Package target",
    reasons.MONEY_EXHAUSTED: "Money exhausted", reasons.MONEY_NOT_ALLOWED: "Money not allowed",
}  # fmt: skip

GROUPS: tuple[Mapping[str, str], ...] = (
    AID_CLASSES, AREAS, LINE_STATUSES, FUNDING, CYCLE_STATUSES, PACKAGE_STATUSES, CONTRIBUTION_STATUSES,
    PARTICIPANT_KINDS, PARTICIPANT_STATUSES, ROLES, TRANSACTION_KINDS, ACCOUNT_KINDS, CAUSES,
)  # fmt: skip


def _merged(groups: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """One table: a code that several groups share (`funded`, `draft`) has one label."""
    table: dict[str, str] = {}
    for group in groups:
        for code, name in group.items():
            if table.setdefault(str(code), name) != name:
                raise ValueError(f"{code} is labelled both {table[str(code)]!r} and {name!r}")
    return table


LABELS: Mapping[str, str] = _merged(GROUPS)


def label(code: str | StrEnum | None) -> str:
    """The code's label; a code not in the table as words ("new_area" reads "New area")."""
    if code is None:
        return ""
    text = str(code)
    found = LABELS.get(text)
    if found is not None:
        return found
    words = text.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def choices(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(code, label) pairs for a chooser, in the order of their labels."""
    return sorted(((code, label(code)) for code in set(codes)), key=lambda pair: pair[1])
