"""Reports: the public transparency report (no token needed), a contributor's statement, a
package report, and a package as Open Contracting (OCDS 1.1) data; JSON, CSV or XLSX."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response

from purldesk.adapters.exports import ocds
from purldesk.adapters.exports import reports as documents
from purldesk.adapters.exports.reports import ReportFormat
from purldesk.adapters.exports.sheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, Table
from purldesk.domain.access import Actor, Permission
from purldesk.domain.packages import PackageId
from purldesk.entrypoints.api.deps import CurrentActor, Id, Wired, allowed
from purldesk.entrypoints.api.errors import ERROR_RESPONSES
from purldesk.entrypoints.api.report_schemas import (
    PackageReport,
    StatementReport,
    TransparencyReport,
)
from purldesk.services import reports

router = APIRouter(tags=["reports"])

Reader = Annotated[Actor, Depends(allowed(Permission.READ_PACKAGES))]
FormatQuery = Annotated[
    ReportFormat,
    Query(alias="format", description="json (default), or a csv or xlsx file of the report."),
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
    422: ERROR_RESPONSES[422],
    200: {"description": _DESCRIPTION, "content": _SHEETS},
}


def _file(table: Table, kind: ReportFormat, name: str) -> Response:
    body, media_type = documents.sheet(table, kind)
    return Response(
        body, media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}.{kind.value}"'},
    )  # fmt: skip


@router.get("/reports/transparency", response_model=TransparencyReport, responses=PUBLIC_RESPONSES)
def transparency(application: Wired, kind: FormatQuery = ReportFormat.JSON) -> Any:
    """The public transparency report, for anyone, with or without a token: always computed
    as the public sees it, never as the caller."""
    today = application.clock.now().date()
    view = reports.transparency(application.uow(), today=today)
    if kind is ReportFormat.JSON:
        return documents.transparency(view, as_of=today)
    return _file(documents.transparency_table(view), kind, f"transparency-{today.isoformat()}")


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
) -> Any:
    """What a contributor's money bought, line by line: a contributor reads its own (another's
    is 404), the coordinator and the auditor any."""
    view = reports.statement(application.uow(), viewer=actor, contributor=contributor)
    if kind is ReportFormat.JSON:
        return documents.statement(view)
    return _file(documents.statement_table(view), kind, f"statement-{view.contributor}")


@router.get(
    "/reports/packages/{package_id}", response_model=PackageReport, responses=SHEET_RESPONSES
)
def package(
    package_id: Id, actor: Reader, application: Wired, kind: FormatQuery = ReportFormat.JSON
) -> Any:
    """A package's lines, lots, prices and deliveries, and who paid what as you may see it:
    money you may not see is one `undisclosed` payment."""
    view = reports.package(application.uow(), viewer=actor, package_id=PackageId(package_id))
    if kind is ReportFormat.JSON:
        return documents.package(view)
    return _file(documents.package_table(view), kind, f"package-{view.summary.ref}")


@router.get(
    "/reports/packages/{package_id}/ocds",
    response_class=Response,
    dependencies=[Depends(allowed(Permission.READ_PACKAGES))],
    responses={
        **ERROR_RESPONSES,
        200: {
            "description": "An OCDS 1.1 release package with the package's current release, "
            "as the public sees it; amounts are exact decimal numbers.",
            "content": {ocds.MEDIA_TYPE: {"schema": ocds.RELEASE_PACKAGE_SCHEMA}},
        },
    },
)
def package_ocds(package_id: Id, application: Wired) -> Response:
    """The package as Open Contracting data, always as the public sees it: a confidential
    amount is never shown per contributor."""
    report = reports.public_package(application.uow(), package_id=PackageId(package_id))
    settings = application.settings.reports
    document = ocds.release_package(
        report, ocid_prefix=settings.ocid_prefix, publisher=settings.publisher,
        uri=ocds.package_uri(settings.public_url, package_id), at=application.clock.now(),
    )  # fmt: skip
    return Response(ocds.dumps(document), media_type=ocds.MEDIA_TYPE)
