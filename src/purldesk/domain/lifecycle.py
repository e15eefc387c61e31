"""Lifecycles as data: one transition table per entity and one function that applies them."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import TypeVar

from purldesk.domain.errors import IllegalTransition

S = TypeVar("S", bound=StrEnum)


def transition(entity: str, table: Mapping[S, frozenset[S]], current: S, target: S) -> S:
    """Return `target` if `current -> target` is in `table`, else raise IllegalTransition."""
    if target not in table.get(current, frozenset()):
        raise IllegalTransition(entity, current, target)
    return target


def can_transition(table: Mapping[S, frozenset[S]], current: S, target: S) -> bool:
    return target in table.get(current, frozenset())
