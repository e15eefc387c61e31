"""The policy page: whose policy it shows."""

from __future__ import annotations

from purldesk.domain.access import Viewer
from purldesk.services.ports import UnitOfWork


def contributor_shown(uow: UnitOfWork, *, viewer: Viewer, asked: str) -> str:
    """The contributor asked for; else, to a viewer that reads only its own, its own
    organization; else the first contributor (by code) that has set a policy, or "" if none has."""
    code = asked.strip().upper()
    if code:
        return code
    if viewer.own_only and viewer.organization is not None:
        return viewer.organization
    with uow:
        holders = [version.contributor for version in uow.policies.list()]
    return holders[0] if holders else ""
