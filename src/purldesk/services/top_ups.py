"""Topping up a re-priced package: what its lines now lack is funded from the pool, by the
same engine and under the same restrictions as an allocation."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from purldesk import allocation
from purldesk.domain.contributions import SPENDABLE, ContributionId
from purldesk.domain.errors import Conflict
from purldesk.domain.money import USD, Money, exponent
from purldesk.domain.packages import Attribution, Package
from purldesk.domain.requirements import LineId
from purldesk.services import additionality, eligibility
from purldesk.services.ports import UnitOfWork


def fund_shortfall(
    uow: UnitOfWork, package: Package, missing: Mapping[LineId, int], on: date, *, today: date
) -> tuple[Attribution, ...]:
    """Attributions of pooled money that pay `missing` (minor units per line) exactly, chosen
    by the allocation engine under every fund's restrictions (additional money last), from money
    a write dated `on` and recorded `today` may spend; Conflict naming each line that cannot be
    paid."""
    if not missing:
        return ()
    lines = {line_id: uow.requirements.get(line_id) for line_id in missing}
    problem_lines = tuple(
        allocation.Line(
            id=allocation.problem.LineId(line.ref), rank=line.rank,
            aid_class=allocation.AidClass(line.aid_class.value), area=line.area,
            lot_price_minor=missing[line_id], lots=1,
        )
        for line_id, line in lines.items()
    )  # fmt: skip
    # Only the contributions whose pool holds money, found by the balances' index.
    pooled_minor = uow.ledger.pools_holding()
    spendable = (
        uow.contributions.list(ids=pooled_minor.keys(), statuses=SPENDABLE) if pooled_minor else []
    )
    funds = []
    by_ref: dict[str, ContributionId] = {}
    for contribution in spendable:
        available = pooled_minor[contribution.id]
        if contribution.earmark.package_id not in (None, package.id):
            continue
        if contribution.spending_obstacle(on=on, today=today) is not None:
            continue
        aid_classes, areas = eligibility.fund_restrictions(uow, contribution=contribution, on=on)
        by_ref[contribution.ref] = contribution.id
        funds.append(
            allocation.Fund(
                id=allocation.problem.FundId(contribution.ref),
                contributor=contribution.contributor, available_minor=available,
                aid_classes=None if aid_classes is None
                else frozenset(allocation.AidClass(a.value) for a in aid_classes),
                areas=areas,
            )
        )  # fmt: skip
    problem = allocation.AllocationProblem(
        currency=USD, lines=problem_lines, funds=tuple(funds), exponent=exponent(USD)
    )
    # Additional money is placed last here too: it pays only what the others' cannot.
    result = additionality.solve_by_policies(
        uow, problem, on=on, assumptions=eligibility.AS_RECORDED
    )
    ids = {line.ref: line_id for line_id, line in lines.items()}
    blocked = [
        f"{outcome.id}: {outcome.blocked_by.message}" if outcome.blocked_by else outcome.id
        for outcome in result.lines
        if outcome.funded_lots < 1
    ]
    if blocked:
        raise Conflict(f"{package.ref} cannot be topped up: " + "; ".join(blocked))
    return tuple(
        Attribution(by_ref[fund], ids[outcome.id], Money(amount, USD))
        for outcome in result.lines
        for fund, amount in outcome.by_fund
        if amount
    )
