"""Contributions of several givers in three currencies, with every mix of confidential and
anonymous, in every status, some received at a rate; and the totals the domain gives for them
as one viewer may see them (what the SQL sums must equal)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal
from itertools import product

from purldesk.domain.access import Viewer
from purldesk.domain.confidentiality import Totals, redact, totals
from purldesk.domain.contributions import Contribution, ContributionId, ContributionStatus
from purldesk.domain.money import Money, convert, currency
from purldesk.domain.participants import ParticipantCode

RATES = {"USD": Decimal(1), "EUR": Decimal("1.0825"), "KRW": Decimal("0.00073")}
# Money that arrived; the others were only pledged, committed or cancelled.
ARRIVED = {ContributionStatus.RECEIVED, ContributionStatus.ALLOCATED, ContributionStatus.REFUNDED}
STATUSES = (
    ContributionStatus.PLEDGED, ContributionStatus.RECEIVED, ContributionStatus.COMMITTED,
    ContributionStatus.ALLOCATED, ContributionStatus.CANCELLED, ContributionStatus.REFUNDED,
    ContributionStatus.RECEIVED,
)  # fmt: skip


def contributions(givers: Sequence[str]) -> list[Contribution]:
    """Each giver's contributions in every currency with every mix of confidential and
    anonymous (12 a giver), in turn in every status, those whose money arrived at a rate."""
    made = []
    combinations = product(givers, RATES, (False, True), (False, True))
    for n, (who, code, confidential, anonymous) in enumerate(combinations, start=1):
        amount = Money(n * 1_234_567, currency(code))
        status = STATUSES[n % len(STATUSES)]
        pledged = Contribution(
            id=ContributionId(n), contributor=ParticipantCode(who), amount=amount,
            pledged_on=date(2025, 9, n % 28 + 1), confidential=confidential,
            anonymous=anonymous, purpose=f"purpose {n}",
        )  # fmt: skip
        if status in ARRIVED:
            conversion = convert(
                amount, target="USD", rate=RATES[code], rate_date=date(2025, 9, 29),
                source="ECB",
            )  # fmt: skip
            pledged = pledged.receive(on=date(2025, 9, 30), conversion=conversion)
        made.append(replace(pledged, status=status))
    return made


def expected_totals(
    viewer: Viewer,
    made: Sequence[Contribution],
    *,
    contributor: str | None = None,
    status: ContributionStatus | None = None,
) -> Totals:
    """The domain's totals over the views redacted for `viewer`, filtered after the redaction
    as the API always filtered them: a giver anonymous to the viewer is no one."""
    views = [redact(viewer, c) for c in made]
    return totals(
        v for v in views if contributor in (None, v.contributor) and status in (None, v.status)
    )
