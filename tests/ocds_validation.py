"""Validation of Open Contracting documents against the bundled OCDS 1.1.5 schemas (with the
budget breakdown extension applied) and their closed codelists, offline, with jsonschema.

The extension is applied here with this module's own JSON Merge Patch, not the application's,
so a fault in one is not hidden by the same fault in the other."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

STANDARD = resources.files("purldesk.adapters.exports.ocds_standard")
RELEASE_SCHEMA_URI = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"


def _json(name: str) -> Any:
    return json.loads(STANDARD.joinpath(name).read_text(encoding="utf-8"))


def _patched(target: Any, patch: Any) -> Any:
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = _patched(result.get(key), value)
    return result


@cache
def release_schema() -> dict[str, Any]:
    patch = _json("extensions/budget_breakdown/release-schema.json")
    schema: dict[str, Any] = _patched(_json("release-schema.json"), patch)
    return schema


def codelist(name: str) -> list[str]:
    text = STANDARD.joinpath(f"codelists/{name}").read_text(encoding="utf-8")
    return [row["Code"] for row in csv.DictReader(io.StringIO(text))]


def closed_codelists(schema: Any = None, path: str = "") -> Iterator[tuple[str, str, list[Any]]]:
    """(where, codelist file, the schema's enum) of every field with a closed codelist."""
    schema = release_schema() if schema is None else schema
    if isinstance(schema, dict):
        if schema.get("codelist") and schema.get("openCodelist") is False:
            enum = schema.get("enum") or schema.get("items", {}).get("enum")
            yield path, schema["codelist"], list(enum)
        for key, value in schema.items():
            yield from closed_codelists(value, f"{path}/{key}")


_formats = FormatChecker()


@_formats.checks("date-time", raises=ValueError)
def _date_time(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@_formats.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and " " not in value


@cache
def _validator(name: str) -> Draft4Validator:
    registry: Registry[Any] = Registry().with_resource(
        RELEASE_SCHEMA_URI, Resource.from_contents(release_schema(), default_specification=DRAFT4)
    )
    schema = release_schema() if name == "release" else _json(f"{name}-schema.json")
    return Draft4Validator(schema, registry=registry, format_checker=_formats)


def problems(document: Any, kind: str) -> list[str]:
    """Every way `document` (a `release`, `release-package` or `record-package`, parsed with
    decimals) breaks the schema; none means it validates."""
    found = _validator(kind).iter_errors(document)
    return sorted(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found)
