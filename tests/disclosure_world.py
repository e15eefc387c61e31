"""A package on the demo whose one lot is paid by confidential contributors only, in equal
parts: whether a reader sees their sum depends on k and nothing else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from purldesk.bootstrap import Application
from purldesk.demo.scenario import CYCLE_NAME, DEMO_OPERATOR
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import USD, Money, split
from purldesk.domain.packages import DEFAULT_TARGET, Attribution, Package
from purldesk.services import contributions, packages
from purldesk.services.handle import Command

PAID_ON = date(2025, 12, 1)
R = TypeVar("R")


def pay_one_lot_in_secret(wired: Application, contributors: Sequence[str]) -> Package:
    """Each of `contributors` pledges and pays its part of one lot of the cycle's first line
    with a lot left to fund, confidentially; the package holds that lot alone."""
    with wired.reader() as reader:
        cycle = reader.find_cycle(CYCLE_NAME)
        assert cycle is not None
        items, funded = reader.items(), reader.funded_lots(cycle.id)
        line = next(
            ln
            for ln in reader.lines(cycle.id)
            if funded.get(ln.id, 0) < ln.lots(items[ln.item_code])
        )
        price = items[line.item_code].lot_price
    assert price.currency == USD
    parts = split(price.minor, [1] * len(contributors))
    paid = []
    for code, minor in zip(contributors, parts, strict=True):
        pledge = contributions.Pledge(
            contributor=code, amount=Money(minor, USD), pledged_on=PAID_ON, confidential=True
        )
        made = run(wired, pledge)
        run(wired, contributions.Receive(contribution_id=ContributionId(made.id), on=PAID_ON))
        paid.append(Attribution(made.id, line.id, Money(minor, USD)))
    draft = packages.Draft(
        cycle_id=cycle.id, name="Paid in secret", package_target=DEFAULT_TARGET,
        lots=((line.id, 1),), attributions=tuple(paid), on=PAID_ON,
    )  # fmt: skip
    return run(wired, draft)


def run(wired: Application, command: Command[R]) -> R:
    return wired.run(command, actor=DEMO_OPERATOR, request_id="disclosure-world")
