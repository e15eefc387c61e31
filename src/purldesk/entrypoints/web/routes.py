"""The dashboard's pages and forms: thin routes over the same services the API calls.

Reads go through `services.views` (which applies the one redaction); every write runs
through `services.handle.handle` without a key, so the effect and its audit entry commit in
one transaction, or nothing does. A form with bad input is shown again, with a message next
to the field at fault, and writes nothing.

Each area has its own module and router (the shared page and form helpers are in `render`);
this router includes them all, in the order their routes are matched.
"""

from __future__ import annotations

from fastapi import APIRouter

from purldesk.entrypoints.web import (
    contributions,
    ledger,
    lists,
    login,
    overview,
    packages,
    policy,
)

router = APIRouter(include_in_schema=False)
for area in (login, overview, lists, packages, contributions, policy, ledger):
    router.include_router(area.router)
