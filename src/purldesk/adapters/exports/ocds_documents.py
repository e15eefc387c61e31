"""OCDS packages of releases and of records, and the standard's schema they are merged by.

A release package holds releases (a page of every package's, or one package's history); a
record package holds one record per contracting process: all its releases and its compiled
release, merged by `ocdsmerge` (the Open Contracting Partnership's reference implementation)
under the merge rules of the bundled OCDS 1.1.5 release schema with the budget breakdown
extension applied (`ocds_standard/`, Apache 2.0), so nothing is fetched from the network.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from purldesk.adapters.exports import ocds
from purldesk.adapters.exports.ocds import BUDGET_BREAKDOWN_EXTENSION, OCDS_VERSION, utc
from purldesk.domain.errors import InvalidInput, NotFound
from purldesk.domain.packages import PackageId, package_ref, parse_package_ref
from purldesk.services.read_ports import Reader
from purldesk.services.views.releases import histories, release_page

STANDARD = "purldesk.adapters.exports.ocds_standard"
Document = dict[str, Any]
EXTENSIONS = ("budget_breakdown",)


def standard_file(name: str) -> Any:
    """A JSON file of the bundled standard, such as `release-schema.json`."""
    return json.loads(resources.files(STANDARD).joinpath(name).read_text(encoding="utf-8"))


def merge_patch(target: Any, patch: Any) -> Any:
    """`target` with `patch` applied as a JSON Merge Patch (RFC 7386), as OCDS applies an
    extension's schema to the release schema."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


@cache
def release_schema() -> dict[str, Any]:
    """The OCDS 1.1.5 release schema with the extensions purldesk uses applied."""
    schema: dict[str, Any] = standard_file("release-schema.json")
    for extension in EXTENSIONS:
        schema = merge_patch(schema, standard_file(f"extensions/{extension}/release-schema.json"))
    return schema


@cache
def _merger() -> Any:
    from ocdsmerge import Merger  # with requests, loaded only when a record is compiled

    return Merger(schema=release_schema())


def compiled(releases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The compiled release of one contracting process's releases (OCDS merging)."""
    merged: dict[str, Any] = _merger().create_compiled_release(copy.deepcopy(list(releases)))
    return merged


@dataclass(frozen=True, slots=True)
class Publication:
    """Who publishes, where the API is reached from outside, and the date packages carry
    (None: the date of the newest release they hold, the last change to their contents)."""

    ocid_prefix: str
    publisher: str
    public_url: str
    published_at: datetime | None = None

    def url(self, path: str) -> str:
        return f"{self.public_url.rstrip('/')}/api/v1/{path.lstrip('/')}"

    def published_date(self, releases: Sequence[dict[str, Any]]) -> str:
        if self.published_at is not None:
            return utc(self.published_at)
        return max(str(r["date"]) for r in releases)

    def _head(self, uri: str, releases: Sequence[dict[str, Any]]) -> dict[str, Any]:
        return {
            "uri": uri,
            "version": OCDS_VERSION,
            "extensions": [BUDGET_BREAKDOWN_EXTENSION],
            "publishedDate": self.published_date(releases),
            "publisher": {"name": self.publisher},
        }

    def release_package(self, releases: Sequence[dict[str, Any]], *, uri: str) -> dict[str, Any]:
        """An OCDS 1.1 release package of `releases` (at least one)."""
        return {**self._head(uri, releases), "releases": list(releases)}

    def record_package(
        self, histories: Sequence[Sequence[dict[str, Any]]], *, uri: str, packages: Sequence[str]
    ) -> dict[str, Any]:
        """An OCDS 1.1 record package: one record per history (the releases of one contracting
        process, oldest first), with its releases embedded and its compiled release; `packages`
        are the URIs of the release packages the releases are published in."""
        everything = [release for history in histories for release in history]
        records = [
            {
                "ocid": history[0]["ocid"],
                "releases": list(history),
                "compiledRelease": compiled(history),
            }
            for history in histories
        ]
        head = self._head(uri, everything)
        return {**head, "packages": list(packages), "records": records}


def package_path(package_id: int) -> str:
    """Where the API serves one package's release package."""
    return f"reports/packages/{package_id}/ocds"


def record_path(ocid: str) -> str:
    return f"ocds/records/{ocid}"


def releases_path(*, offset: int, limit: int) -> str:
    return f"ocds/releases?offset={offset}&limit={limit}"


def package_document(reader: Reader, publication: Publication, package_id: PackageId) -> Document:
    """One package's release package: every release of its history, oldest first."""
    (history,) = histories(reader, {package_id}).values()
    releases = [ocds.release(found, ocid_prefix=publication.ocid_prefix) for found in history]
    return publication.release_package(releases, uri=publication.url(package_path(package_id)))


def releases_document(
    reader: Reader, publication: Publication, *, offset: int, limit: int
) -> tuple[Document, int]:
    """A page of every package's releases in the order they were made, and how many there are;
    NotFound for a page past the last (a release package holds at least one release)."""
    found, total = release_page(reader, offset=offset, limit=limit)
    if not found:
        raise NotFound("releases", f"offset {offset} (there are {total})")
    releases = [ocds.release(r, ocid_prefix=publication.ocid_prefix) for r in found]
    uri = publication.url(releases_path(offset=offset, limit=limit))
    return publication.release_package(releases, uri=uri), total


def record_document(reader: Reader, publication: Publication, ocid: str) -> Document:
    """The record package of one contracting process, named by its ocid."""
    package_id = package_of(publication.ocid_prefix, ocid)
    (history,) = histories(reader, {package_id}).values()
    releases = [ocds.release(found, ocid_prefix=publication.ocid_prefix) for found in history]
    return publication.record_package(
        [releases], uri=publication.url(record_path(ocid)),
        packages=[publication.url(package_path(package_id))],
    )  # fmt: skip


def package_of(ocid_prefix: str, ocid: str) -> PackageId:
    """The package an ocid of this publisher names; NotFound for any other."""
    ref = ocid.removeprefix(f"{ocid_prefix}-")
    try:
        package_id = parse_package_ref(ref)
    except InvalidInput:
        raise NotFound("contracting process", ocid) from None
    if ref != package_ref(package_id) or ocid == ref:
        raise NotFound("contracting process", ocid)
    return package_id


# The responses' shapes for the OpenAPI description: the parts of the OCDS 1.1 package schemas
# purldesk fills in (the full schemas are in ocds_standard/).
_VALUE = {
    "type": "object",
    "required": ["amount", "currency"],
    "properties": {"amount": {"type": "number"}, "currency": {"type": "string"}},
}
_REFERENCE = {
    "type": "object",
    "required": ["id", "name"],
    "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
}
_ITEM = {
    "type": "object",
    "required": ["id"],
    "properties": {
        "id": {"type": "string"},
        "description": {"type": "string"},
        "quantity": {"type": "number"},
        "unit": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "value": _VALUE},
        },
    },
}
_RELEASE: dict[str, Any] = {
    "type": "object",
    "required": ["ocid", "id", "date", "tag", "initiationType"],
    "properties": {
        "ocid": {"type": "string"},
        "id": {"type": "string"},
        "date": {"type": "string", "format": "date-time"},
        "tag": {"type": "array", "items": {"type": "string"}},
        "initiationType": {"type": "string", "enum": ["tender"]},
        "language": {"type": "string"},
        "parties": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "name", "roles"],
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "roles": {"type": "array", "items": {"type": "string"}},
                },
            },
        },
        "buyer": _REFERENCE,
        "planning": {"type": "object"},
        "tender": {
            "type": "object",
            "required": ["id", "status"],  # no items where contents are restricted
            "properties": {
                "id": {"type": "string"},
                "status": {"type": "string"},
                "items": {"type": "array", "items": _ITEM},
                "value": _VALUE,
            },
        },
        "awards": {"type": "array", "items": {"type": "object"}},
        "contracts": {"type": "array", "items": {"type": "object"}},
    },
}
_PACKAGE_HEAD: dict[str, Any] = {
    "uri": {"type": "string"},
    "version": {"type": "string", "enum": [OCDS_VERSION]},
    "extensions": {"type": "array", "items": {"type": "string"}},
    "publishedDate": {"type": "string", "format": "date-time"},
    "publisher": {
        "type": "object", "required": ["name"], "properties": {"name": {"type": "string"}},
    },
}  # fmt: skip
RELEASE_PACKAGE_SCHEMA: dict[str, Any] = {
    "title": "OCDS 1.1 release package",
    "type": "object",
    "required": ["uri", "version", "publishedDate", "publisher", "releases"],
    "properties": {**_PACKAGE_HEAD, "releases": {"type": "array", "items": _RELEASE}},
}
RECORD_PACKAGE_SCHEMA: dict[str, Any] = {
    "title": "OCDS 1.1 record package",
    "type": "object",
    "required": ["uri", "version", "publishedDate", "publisher", "records"],
    "properties": {
        **_PACKAGE_HEAD,
        "packages": {"type": "array", "items": {"type": "string"}},
        "records": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["ocid", "releases", "compiledRelease"],
                "properties": {
                    "ocid": {"type": "string"},
                    "releases": {"type": "array", "items": _RELEASE},
                    "compiledRelease": {"type": "object"},
                },
            },
        },
    },
}
