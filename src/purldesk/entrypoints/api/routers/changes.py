"""The change feed: what changed after a cursor, in the order it changed, as you may know it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from purldesk.entrypoints.api.deps import CurrentActor, Wired
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.schemas import Schema
from purldesk.services.changed import ObjectKind
from purldesk.services.views import changes
from purldesk.services.views.changes import MAX_CURSOR

router = APIRouter(responses=ERROR_RESPONSES, tags=["changes"])


class ChangeRead(Schema):
    kind: ObjectKind
    id: str = Field(description="The object's id or code.")
    version: int = Field(description="The number of the write that changed it (the cursor).")
    changed_at: datetime
    href: str = Field(description="Where to read the object as it is now.")


class ChangesRead(Schema):
    items: list[ChangeRead]
    next: int = Field(description="The cursor to ask from next (`since`).")
    more: bool = Field(description="Whether later changes were left for the next page.")


@router.get("/changes", response_model=ChangesRead)
def list_changes(
    actor: CurrentActor,
    application: Wired,
    since: Annotated[
        int,
        Query(ge=0, le=MAX_CURSOR, description="The `next` of the last page; 0: from the start."),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500, description="At most this many changes.")] = 100,
) -> ChangesRead:
    """What changed after the cursor `since`, object by object (kind, id, version), oldest
    first: read each `href` to bring a copy up to date, then ask again from `next`. Only
    objects you may read are listed; an object changed twice is listed once, at its later
    version. The cursor counts writes, not time, so nothing is missed or repeated."""
    page = changes.changes(application.reader(), actor.viewer, since=since, limit=limit)
    return ChangesRead(
        items=[
            ChangeRead(
                kind=c.kind, id=c.key, version=c.version, changed_at=c.changed_at,
                href=f"/api/v1/{c.path}",
            )
            for c in page.changes
        ],
        next=page.next,
        more=page.more,
    )  # fmt: skip
