"""Reports: the transparency report, a contributor's statement, a package report and the
package as Open Contracting data, each as one viewer may see it.

The data comes from `services.dashboard` (so the one redaction applies exactly as on the
dashboard); this module only decides who reads what, and as whom. The transparency report and
the Open Contracting export are always the public's view, whoever asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from purldesk.domain.access import Actor, Owned, Permission, Role, UserId, authorize
from purldesk.domain.packages import PackageId
from purldesk.domain.participants import (
    CONTRIBUTING_KINDS,
    Participant,
    ParticipantCode,
    ParticipantKind,
)
from purldesk.services import dashboard
from purldesk.services.dashboard import OverviewView, PackageDetail, StatementView
from purldesk.services.ports import UnitOfWork

# The command line is an operator's tool: it reads everything, as an auditor does.
OPERATOR = Actor(UserId(0), "command line", ParticipantCode("-"), Role.AUDITOR)


@dataclass(frozen=True, slots=True)
class PublicPackage:
    """A package as the public sees it, with the organizations that take part in it."""

    detail: PackageDetail
    recipients: list[Participant]
    coordinators: list[Participant]
    suppliers: list[Participant]
    funders: list[Participant]  # the contributors the public may see paying for it


def transparency(uow: UnitOfWork, *, today: date) -> OverviewView:
    """What the mechanism achieved, as the public sees it: hidden amounts are only counted."""
    return dashboard.overview(uow, viewer=dashboard.PUBLIC, today=today)


def statement(uow: UnitOfWork, *, viewer: Actor, contributor: str) -> StatementView:
    """A contributor's statement: for itself, and for the roles that read every ledger
    account; another contributor's is not found, so its existence does not leak."""
    code = contributor.strip().upper()
    authorize(viewer, Permission.READ_LEDGER, owner=Owned(code, "statement", code))
    return dashboard.statement(uow, viewer=viewer, contributor=code)


def package(uow: UnitOfWork, *, viewer: Actor, package_id: PackageId) -> PackageDetail:
    """Lines, lots, prices, deliveries and who paid what, as `viewer` may see them."""
    authorize(viewer, Permission.READ_PACKAGES)
    return dashboard.package_detail(uow, viewer=viewer, package_id=package_id)


def public_package(uow: UnitOfWork, *, package_id: PackageId) -> PublicPackage:
    """A package as the public sees it, whoever asks, with its parties by kind."""
    detail = dashboard.package_detail(uow, viewer=dashboard.PUBLIC, package_id=package_id)
    with uow:
        found = sorted(uow.participants.list(), key=lambda p: p.code)
    # A payment names its contributor as the dashboard shows it: by name, else by code.
    named = {key: p for p in found if p.kind in CONTRIBUTING_KINDS for key in (p.code, p.name)}
    paying = {payment.contributor for payment in detail.payments}
    return PublicPackage(
        detail=detail,
        recipients=[p for p in found if p.kind is ParticipantKind.RECIPIENT],
        coordinators=[p for p in found if p.kind is ParticipantKind.COORDINATOR],
        suppliers=[p for p in found if p.kind is ParticipantKind.SUPPLIER],
        funders=sorted({named[name] for name in paying if name in named}, key=lambda p: p.code),
    )
