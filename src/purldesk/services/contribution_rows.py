"""Rows of a contributions file, checked before any is written: every finding with its line
(unknown contributors, dates, currencies without a rate, earmarks that could never be honoured,
members' parts that are not the group's or do not sum to the pledge), and each row's identity, so that a file imported twice records its money once."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from purldesk.domain.chains import canonical_json
from purldesk.domain.contributions import UNRESTRICTED, Earmark, contribution_ref
from purldesk.domain.errors import FxRateUnavailable, InvalidInput, RowError
from purldesk.domain.member_parts import FIELD, check_parts
from purldesk.domain.money import USD, Money, convertible
from purldesk.domain.participants import Participant
from purldesk.services import earmarks, member_parts
from purldesk.services.imports import FileRow
from purldesk.services.member_parts import MemberAmount
from purldesk.services.ports import FxRates, UnitOfWork


@dataclass(frozen=True, slots=True)
class ContributionRow(FileRow):
    """One parsed row of a contributions file."""

    contributor: str
    amount: Money
    pledged_on: date
    received_on: date | None
    confidential: bool
    purpose: str
    source: str = ""
    anonymous: bool = False
    earmark: Earmark = UNRESTRICTED
    members: tuple[MemberAmount, ...] = ()


def check_rows(
    uow: UnitOfWork,
    fx: FxRates,
    rows: Sequence[ContributionRow],
    *,
    today: date,
    skip_imported: bool = False,
) -> list[RowError]:
    """Every finding about rows that parsed: unknown contributors, dates, missing FX rates, and
    rows imported before (unless they are to be skipped)."""
    with uow:
        return checked(uow, fx, rows, today=today, skip_imported=skip_imported)[1]


def import_digests(rows: Sequence[ContributionRow]) -> list[str]:
    """Each row's identity, as SHA-256 hex: what makes it the same pledge (contributor,
    currency, amount, pledged_on, purpose, source) and how many rows before it in the file say
    the same, so that two alike rows of one file are two pledges and the file again is none."""
    earlier: Counter[str] = Counter()
    digests = []
    for row in rows:
        pledge = canonical_json(
            [
                row.contributor.upper(), row.amount.currency, row.amount.minor,
                row.pledged_on.isoformat(), row.purpose, row.source,
            ]
        )  # fmt: skip
        digests.append(hashlib.sha256(f"{pledge}#{earlier[pledge]}".encode()).hexdigest())
        earlier[pledge] += 1
    return digests


def checked(
    uow: UnitOfWork,
    fx: FxRates,
    rows: Sequence[ContributionRow],
    *,
    today: date,
    skip_imported: bool,
) -> tuple[list[tuple[ContributionRow, str]], list[RowError]]:
    """The rows not imported before, each with its digest, and every finding about the rows:
    a row imported before is one, unless it is to be skipped. Reads only the rows' digests."""
    digests = import_digests(rows)
    earlier = uow.contributions.find_imported(digests)
    fresh: list[tuple[ContributionRow, str]] = []
    errors: list[RowError] = []
    for row, digest in zip(rows, digests, strict=True):
        if digest not in earlier:
            fresh.append((row, digest))
            errors.extend(_row_errors(uow, fx, row, today))
        elif not skip_imported:
            ref = contribution_ref(earlier[digest])
            errors.append(RowError(row.line, "row", f"already imported as {ref}"))
    return fresh, errors


def _row_errors(uow: UnitOfWork, fx: FxRates, row: ContributionRow, today: date) -> list[RowError]:
    errors = [
        RowError(row.line, field, f"{on} is after today ({today})")
        for field, on in (("pledged_on", row.pledged_on), ("received_on", row.received_on))
        if on is not None and on > today
    ]
    participant = uow.participants.find(row.contributor)
    if participant is None:
        errors.append(RowError(row.line, "contributor", f"{row.contributor} is not a participant"))
    elif not participant.can_contribute:
        errors.append(
            RowError(row.line, "contributor", f"{row.contributor} is a {participant.kind}")
        )
    elif row.members:
        errors.extend(_members_errors(fx, participant, row))
    errors.extend(
        RowError(row.line, finding.field, finding.message)
        for finding in earmarks.findings(uow, row.earmark, pledged_on=row.pledged_on)
    )
    try:
        convertible(row.amount.currency, fx.currencies())
    except InvalidInput as error:
        errors.append(RowError(row.line, error.field, error.message))
        return errors
    if row.received_on is not None:
        if row.received_on < row.pledged_on:
            errors.append(
                RowError(row.line, "received_on", f"{row.received_on} is before the pledge")
            )
        else:
            try:
                fx.rate(row.amount.currency, USD, row.received_on)
            except FxRateUnavailable as error:
                errors.append(RowError(row.line, "received_on", str(error)))
    return errors


def _members_errors(fx: FxRates, group: Participant, row: ContributionRow) -> list[RowError]:
    """The first finding about the row's members' parts, as the pledge would refuse them."""
    try:
        parts = member_parts.priced(fx, group, row.members, on=row.pledged_on)
        check_parts(row.amount, parts)
    except InvalidInput as error:
        return [RowError(row.line, error.field, error.message)]
    except FxRateUnavailable as error:
        return [RowError(row.line, FIELD, str(error))]
    return []
