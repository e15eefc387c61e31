"""Reports: the public transparency report (no token needed), a contributor's statement and a
package report; JSON, CSV or XLSX. (A package as Open Contracting data: `routers/ocds.py`.)"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from purldesk.adapters.exports.reports import (
    ATTRIBUTIONS,
    CONTRIBUTIONS,
    EFFECTS,
    LINES,
    PACKAGE,
    STATEMENT,
    TRANSPARENCY,
    Asked,
    Report,
    ReportFormat,
)
from purldesk.adapters.exports.sheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from purldesk.bootstrap import Application
from purldesk.domain.access import PUBLIC, Actor, Permission, Viewer
from purldesk.entrypoints.api.deps import CurrentActor, Id, Wired, allowed
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.routers.packages import (
    ATTRIBUTIONS_PAGE,
    AttributionsLimit,
    AttributionsOffset,
)
from purldesk.entrypoints.api.routers.reports_schemas import (
    PackageReport,
    StatementReport,
    TransparencyReport,
)
from purldesk.services.views.overview import ContributorsBy
from purldesk.services.views.paging import Window

router = APIRouter(tags=["reports"])

Reader = Annotated[Actor, Depends(allowed(Permission.READ_PACKAGES))]
FormatQuery = Annotated[
    ReportFormat,
    Query(alias="format", description="json (default), or a csv or xlsx file of the report."),
]
# The statement's JSON holds a part of each of its long lists; its files hold all of them.
LIST_PAGE, EFFECTS_PAGE = 100, 10  # items of each list, and effects, unless asked for others
_FILES_WHOLE = " A CSV or XLSX file holds them all, whatever is asked."
ContributionsLimit = Annotated[
    int,
    Query(ge=1, le=500, description="Contributions in the answer, from the offset." + _FILES_WHOLE),
]
ContributionsOffset = Annotated[
    int, Query(ge=0, le=10**9, description="Contributions to skip, the newest first.")
]
LinesLimit = Annotated[
    int,
    Query(ge=1, le=500, description="Paid lines in the answer, from the offset." + _FILES_WHOLE),
]
LinesOffset = Annotated[
    int, Query(ge=0, le=10**9, description="Paid lines to skip, the newest package first.")
]
EffectsLimit = Annotated[
    int,
    Query(
        ge=1, le=100,
        description="Substitution effects (one per allocation) in the answer, from the offset."
        + _FILES_WHOLE,
    ),
]  # fmt: skip
EffectsOffset = Annotated[
    int, Query(ge=0, le=10**9, description="Substitution effects to skip, the newest first.")
]
Contributor = Annotated[
    str, Path(min_length=1, max_length=40, description="The contributor's code, such as NLD.")
]

_SHEETS: dict[str, dict[str, Any]] = {
    CSV_MEDIA_TYPE.split(";")[0]: {"schema": {"type": "string"}},
    XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
}
_DESCRIPTION = "The report as JSON, or as a CSV or XLSX file with `?format=`."
SHEET_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES,
    200: {"description": _DESCRIPTION, "content": _SHEETS},
}
PUBLIC_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: ERROR_RESPONSES[400],
    404: ERROR_RESPONSES[404],  # a cycle asked for that does not exist
    422: ERROR_RESPONSES[422],
    200: {"description": _DESCRIPTION, "content": _SHEETS},
}


def _serve(
    report: Report[Any], application: Application, kind: ReportFormat, *, viewer: Viewer,
    subject: str = "", contributors_by: ContributorsBy = ContributorsBy.GROUPS,
    windows: Mapping[str, Window] | None = None,
) -> Any:  # fmt: skip
    """The registered report as JSON (a document the route's schema checks, holding the part
    of each long list `windows` asks for), or as a file (always the whole report)."""
    today = application.clock.now().date()
    asked = Asked(viewer, today, subject, contributors_by, windows or {})
    rendered = report.render(application.reader(), asked, kind)
    if rendered.document is not None:
        return rendered.document
    return Response(
        rendered.body, media_type=rendered.media_type,
        headers={"Content-Disposition": f'attachment; filename="{rendered.filename}"'},
    )  # fmt: skip


@router.get("/reports/transparency", response_model=TransparencyReport, responses=PUBLIC_RESPONSES)
def transparency(
    application: Wired,
    kind: FormatQuery = ReportFormat.JSON,
    cycle: Annotated[
        str,
        Query(
            max_length=40,
            description="The cycle shown; default: the latest endorsed one that has opened.",
        ),
    ] = "",
    by: Annotated[
        ContributorsBy,
        Query(
            description="groups (default): a group's money as the group's; members: split into "
            "the parts its members gave, where the group listed them."
        ),
    ] = ContributorsBy.GROUPS,
) -> Any:
    """The public transparency report, for anyone, with or without a token: always computed
    as the public sees it, never as the caller."""
    return _serve(TRANSPARENCY, application, kind, viewer=PUBLIC, subject=cycle, contributors_by=by)


@router.get(
    "/reports/statements/{contributor}",
    response_model=StatementReport,
    responses=SHEET_RESPONSES,
)
def statement(
    contributor: Contributor,
    actor: CurrentActor,
    application: Wired,
    kind: FormatQuery = ReportFormat.JSON,
    contributions_limit: ContributionsLimit = LIST_PAGE,
    contributions_offset: ContributionsOffset = 0,
    lines_limit: LinesLimit = LIST_PAGE,
    lines_offset: LinesOffset = 0,
    effects_limit: EffectsLimit = EFFECTS_PAGE,
    effects_offset: EffectsOffset = 0,
) -> Any:
    """What a contributor's money bought, line by line: a contributor reads its own (another's
    is 404), the coordinator and the auditor any. As JSON, a page of each long list (its
    contributions, the lines its money paid, its substitution effects), the newest first,
    with how many each holds and the totals over the whole statement; as a file, all of it."""
    windows = {
        CONTRIBUTIONS: Window(contributions_offset, contributions_limit),
        LINES: Window(lines_offset, lines_limit),
        EFFECTS: Window(effects_offset, effects_limit),
    }
    return _serve(
        STATEMENT, application, kind, viewer=actor.viewer, subject=contributor, windows=windows
    )


@router.get(
    "/reports/packages/{package_id}", response_model=PackageReport, responses=SHEET_RESPONSES
)
def package(
    package_id: Id,
    actor: Reader,
    application: Wired,
    kind: FormatQuery = ReportFormat.JSON,
    attributions_limit: AttributionsLimit = ATTRIBUTIONS_PAGE,
    attributions_offset: AttributionsOffset = 0,
) -> Any:
    """A package's lines, lots, prices and deliveries, and who paid what as you may see it:
    money you may not see is one `undisclosed` payment. As JSON, a page of the payments, in
    the package's order, as `GET /packages/{id}` pages its attributions; as a file, all."""
    windows = {ATTRIBUTIONS: Window(attributions_offset, attributions_limit)}
    return _serve(
        PACKAGE, application, kind, viewer=actor.viewer, subject=str(package_id), windows=windows
    )
