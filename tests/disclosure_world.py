"""A package on the demo whose one lot is paid in equal parts by confidential contributors
(and any public ones): whether a reader sees the confidential sum depends on k alone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from purldesk.bootstrap import Application
from purldesk.demo.scenario import DEMO_OPERATOR
from purldesk.domain.contributions import ContributionId
from purldesk.domain.money import USD, Money, split
from purldesk.domain.packages import DEFAULT_TARGET, Attribution, Package
from purldesk.services import contributions, packages
from purldesk.services.handle import Command
from scenario_world import CYCLE_NAME

PAID_ON = date(2025, 12, 1)
R = TypeVar("R")


def pay_one_lot_in_secret(
    wired: Application, contributors: Sequence[str], *, in_public: Sequence[str] = ()
) -> Package:
    """Each of `contributors` (confidentially) and of `in_public` pledges and pays its part of
    one lot of the cycle's first line with a lot left to fund; the package holds that lot."""
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
    payers = [*((code, True) for code in contributors), *((code, False) for code in in_public)]
    parts = split(price.minor, [1] * len(payers))
    paid = []
    for (code, confidential), minor in zip(payers, parts, strict=True):
        pledge = contributions.Pledge(
            contributor=code, amount=Money(minor, USD), pledged_on=PAID_ON,
            confidential=confidential,
        )  # fmt: skip
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
