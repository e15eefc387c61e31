"""Open Contracting (OCDS 1.1) data: every package's releases (a paged release package), one
package's releases, and the record of one contracting process with its compiled release;
always as the public sees them, whoever asks."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from purldesk.adapters.exports import ocds, ocds_documents
from purldesk.domain.access import Permission
from purldesk.domain.packages import PackageId
from purldesk.entrypoints.api.deps import Id, PagingDep, Wired, allowed
from purldesk.entrypoints.api.errors import ERROR_RESPONSES

router = APIRouter(
    tags=["open contracting"], dependencies=[Depends(allowed(Permission.READ_PACKAGES))]
)

Ocid = Annotated[
    str, Path(min_length=1, max_length=100, description="The contracting process's ocid.")
]


def _json(document: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(ocds.dumps(document), media_type=ocds.MEDIA_TYPE, headers=headers)


def _answer(description: str, schema: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    content = {ocds.MEDIA_TYPE: {"schema": schema}}
    return {**ERROR_RESPONSES, 200: {"description": description, "content": content}}


@router.get(
    "/ocds/releases",
    response_class=Response,
    responses=_answer(
        "An OCDS 1.1 release package: a page of every package's releases, in the order they "
        "were made (a `Link` header names the next page); 404 past the last.",
        ocds_documents.RELEASE_PACKAGE_SCHEMA,
    ),
)
def releases(application: Wired, paging: PagingDep) -> Response:
    """Every package's releases: one per write that changed the package, as the public sees
    it today; amounts are exact decimal numbers."""
    published = application.ocds_publication
    document, total = ocds_documents.releases_document(
        application.reader(), published, offset=paging.offset, limit=paging.limit
    )
    following = paging.offset + paging.limit
    headers = {}
    if following < total:
        path = ocds_documents.releases_path(offset=following, limit=paging.limit)
        headers["Link"] = f'<{published.url(path)}>; rel="next"'
    return _json(document, headers)


@router.get(
    "/ocds/records/{ocid}",
    response_class=Response,
    responses=_answer(
        "An OCDS 1.1 record package: the contracting process's releases and its compiled "
        "release, merged as OCDS merges them.",
        ocds_documents.RECORD_PACKAGE_SCHEMA,
    ),
)
def record(ocid: Ocid, application: Wired) -> Response:
    """One package's record, by its ocid (`<ocid prefix>-P-0001`)."""
    document = ocds_documents.record_document(
        application.reader(), application.ocds_publication, ocid
    )
    return _json(document)


@router.get(
    "/reports/packages/{package_id}/ocds",
    response_class=Response,
    tags=["reports"],
    responses=_answer(
        "An OCDS 1.1 release package with every release of the package, as the public sees "
        "it; amounts are exact decimal numbers.",
        ocds_documents.RELEASE_PACKAGE_SCHEMA,
    ),
)
def package_ocds(package_id: Id, application: Wired) -> Response:
    """The package as Open Contracting data, always as the public sees it: a confidential
    amount is never shown per contributor."""
    document = ocds_documents.package_document(
        application.reader(), application.ocds_publication, PackageId(package_id)
    )
    return _json(document)
