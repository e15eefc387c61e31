"""What a page offers a viewer to do, read from the commands themselves: a page keeps no
table of its own of who may do what, or when.

A command is offered where `handle` would run it: the viewer's role has the command's
permission, the aggregate's status passes the command's lifecycle rule (`Command.acts_on`),
and a viewer that acts only on its own organization's objects is offered them on its own.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from purldesk.domain.access import Owned, Viewer
from purldesk.services.handle import Command


def is_offered(
    viewer: Viewer,
    command: type[Command[Any]],
    status: StrEnum | None = None,
    *,
    owner: Owned | None = None,
) -> bool:
    """Whether `viewer` may run `command` on an aggregate in `status` (None: the command acts
    on no status) that belongs to `owner` (None: to no one in particular)."""
    if not viewer.can(command.permission):
        return False
    if owner is not None and viewer.own_only and not viewer.owns(owner.organization):
        return False
    return status is None or command.acts_on(status)
