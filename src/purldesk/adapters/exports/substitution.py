"""A substitution effect as told to a reader (`services/substitution.py`), as a document: the
what-if answer and the contributor's statement both carry it, each in its own money shape."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from purldesk.domain.money import Money
from purldesk.services.substitution import Told, ToldLine


def told_document(
    effect: Told, *, sentence: str, money: Callable[[Money], Any], suffix: str = ""
) -> dict[str, Any]:
    """`money` shapes each amount, named `amount<suffix>` (`unallocated<suffix>`); a withheld
    amount is null."""

    def shaped(value: Money | None) -> Any:
        return None if value is None else money(value)

    def lines(told: Iterable[ToldLine]) -> list[dict[str, Any]]:
        return [{"line": line.ref, f"amount{suffix}": shaped(line.amount)} for line in told]

    return {
        "standing": effect.standing.value, "took_over": lines(effect.took_over),
        "left": lines(effect.left), "went_to": lines(effect.went_to),
        f"unallocated{suffix}": shaped(effect.unallocated), "lines_not_named": effect.unnamed,
        "sentence": sentence,
    }  # fmt: skip
