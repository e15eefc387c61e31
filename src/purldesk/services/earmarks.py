"""Earmarks as people give them (aid class names, areas, a package, an expiry), and every reason
one could never be honoured: the pledge refuses it then, rather than keep money nothing can spend."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from purldesk.domain.catalog import parse_aid_class, parse_area
from purldesk.domain.contributions import UNRESTRICTED, Earmark
from purldesk.domain.errors import InvalidInput, NotFound
from purldesk.domain.packages import PackageId, PackageStatus, package_ref, parse_package_ref
from purldesk.domain.requirements import CycleStatus
from purldesk.services.ports import UnitOfWork


def parse_earmark(
    *,
    aid_classes: Iterable[str] = (),
    areas: Iterable[str] = (),
    package: str | None = None,
    expires_on: date | None = None,
) -> Earmark:
    """An earmark from its parts as people write them (aid class names, area names, a package
    reference such as P-0001); no part given is unrestricted. Whether the catalog knows the
    areas and the package exists is for the pledge to check (`findings`)."""
    classes = frozenset(parse_aid_class(a, field="earmark.aid_classes") for a in aid_classes)
    named = frozenset(parse_area(a, field="earmark.areas") for a in areas)
    package_id = None if not package else parse_package_ref(package, field="earmark.package")
    earmark = Earmark(
        package_id=package_id, areas=named or None, aid_classes=classes or None,
        expires_on=expires_on,
    )  # fmt: skip
    return UNRESTRICTED if earmark == UNRESTRICTED else earmark


# A package may be earmarked only while money can still come to it.
ENDED_PACKAGE = frozenset({PackageStatus.CANCELLED, PackageStatus.CLOSED})


def findings(uow: UnitOfWork, earmark: Earmark, *, pledged_on: date) -> list[InvalidInput]:
    """Every reason `earmark` could never be honoured, each naming its field: areas no catalog
    item has, a package that does not exist or has ended (or whose cycle has closed), an expiry
    before the pledge. Aid classes are members of AidClass by their type."""
    findings = []
    if earmark.areas is not None:
        known = {item.area for item in uow.catalog.list()}
        unknown = sorted(earmark.areas - known)
        if unknown:
            findings.append(
                InvalidInput("earmark.areas", f"no catalog item has area(s) {', '.join(unknown)}")
            )
    if earmark.package_id is not None:
        problem = _package_problem(uow, PackageId(earmark.package_id))
        if problem is not None:
            findings.append(InvalidInput("earmark.package", problem))
    if earmark.expires_on is not None and earmark.expires_on < pledged_on:
        findings.append(
            InvalidInput(
                "earmark.expires_on", f"{earmark.expires_on} is before the pledge ({pledged_on})"
            )
        )
    return findings


def _package_problem(uow: UnitOfWork, package_id: PackageId) -> str | None:
    ref = package_ref(package_id)
    try:
        package = uow.packages.get(package_id)
    except NotFound:
        return f"{ref} is not a package"
    if package.status in ENDED_PACKAGE:
        return f"{ref} is {package.status}; it takes no more money"
    cycle = uow.cycles.get(package.cycle_id)
    if cycle.status is CycleStatus.CLOSED:
        return f"the cycle of {ref} ({cycle.ref}) is closed"
    return None
