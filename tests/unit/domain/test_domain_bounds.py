"""The bound on every amount, price, quantity and cap that comes in: at it is accepted, beyond
it is InvalidInput naming the field, in every domain constructor that takes one."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from builders import make_contribution, make_item, make_line, make_package, make_package_line, usd
from purldesk.domain.catalog import AidClass
from purldesk.domain.errors import InvalidInput
from purldesk.domain.money import MAX_AMOUNT_MINOR, MAX_QUANTITY, Money, bounded, currency
from purldesk.domain.packages import reprice
from purldesk.domain.policies import Phase
from purldesk.domain.requirements import edit, whole_lots

BOUND = MAX_AMOUNT_MINOR
MOMENT = make_line().needed_by


def refused(field: str, build: Callable[[], object]) -> InvalidInput:
    with pytest.raises(InvalidInput) as raised:
        build()
    assert raised.value.field == field
    return raised.value


@pytest.mark.parametrize(("text", "code"), [("10,000,000,000,000.00", "USD"),
                                            ("1000000000000000", "KRW"),
                                            ("1,000,000,000,000.000", "KWD")])  # fmt: skip
def test_an_amount_at_the_bound_parses(text: str, code: str) -> None:
    assert Money.parse(text, code).minor == BOUND


@pytest.mark.parametrize(
    "text", ["1000000000000001", "9223372036854775807", "1" + "0" * 21, "1e30", "-1e16"]
)
def test_an_amount_beyond_the_bound_is_refused_naming_the_field(text: str) -> None:
    error = refused("pledge", lambda: Money.parse(text, "KRW", field="pledge"))
    assert "KRW 1,000,000,000,000,000" in error.message


def test_bounded_gives_back_money_within_the_bound_either_way() -> None:
    for minor in (BOUND, -BOUND, 0):
        assert bounded(Money(minor, currency("KRW")), "amount").minor == minor
    refused("target", lambda: bounded(usd(BOUND + 1), "target"))


def test_money_itself_is_unbounded_so_totals_may_exceed_one_input() -> None:
    assert (usd(BOUND) + usd(BOUND)).minor == 2 * BOUND


def test_a_contribution_beyond_the_bound_is_refused() -> None:
    assert make_contribution(amount=usd(BOUND)).amount == usd(BOUND)
    refused("amount", lambda: make_contribution(amount=usd(BOUND + 1)))


def test_a_catalog_lot_beyond_the_bound_is_refused() -> None:
    assert make_item(unit_price=usd(BOUND)).lot_price == usd(BOUND)
    refused("unit_price", lambda: make_item(unit_price=usd(BOUND + 1)))
    refused("unit_price", lambda: make_item(unit_price=usd(BOUND // 10 + 1), lot_size=10))
    refused("lot_size", lambda: make_item(unit_price=usd(1), lot_size=MAX_QUANTITY + 1))
    refused("available_per_cycle", lambda: make_item(available_per_cycle=MAX_QUANTITY + 1))


def test_a_line_whose_cost_is_beyond_the_bound_is_refused() -> None:
    item = make_item(unit_price=usd(BOUND // 1000))
    assert whole_lots(1000, item) == 1000
    refused("quantity", lambda: whole_lots(1001, item))
    refused("quantity", lambda: make_line(quantity=MAX_QUANTITY + 1))
    line = make_line(item=item)
    refused("quantity", lambda: edit(line, item=item, quantity=1001, at=MOMENT, by="x"))


def test_a_package_target_line_or_new_price_beyond_the_bound_is_refused() -> None:
    refused("target", lambda: make_package(target=usd(BOUND + 1)))
    refused("lot_price", lambda: make_package_line(lot_price=usd(BOUND + 1)))
    refused("lots", lambda: make_package_line(lots=2, lot_price=usd(BOUND // 2 + 1)))
    refused("lots", lambda: make_package_line(lots=MAX_QUANTITY + 1, lot_price=usd(1)))
    package = make_package(lines=[make_package_line()])
    line_id = package.lines[0].line_id
    assert reprice(package, {line_id: usd(BOUND)}).package.cost == usd(BOUND)
    refused("prices", lambda: reprice(package, {line_id: usd(BOUND + 1)}))


@pytest.mark.parametrize("cap", ["cap_per_package", "cap_per_cycle"])
def test_a_policy_cap_beyond_the_bound_is_refused(cap: str) -> None:
    def phase(minor: int) -> Phase:
        return Phase(name="p", aid_classes=frozenset({AidClass.HUMANITARIAN}), **{cap: usd(minor)})

    assert getattr(phase(BOUND), cap) == usd(BOUND)
    refused(cap, lambda: phase(BOUND + 1))
