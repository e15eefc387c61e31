"""Hypothesis strategies for the domain: currencies, money, amounts as text, ledgers, lifecycles."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from hypothesis import strategies as st

from builders import make_contribution, make_cycle, make_line, make_package, make_participant
from purldesk.domain.contributions import CONTRIBUTION_TRANSITIONS, ContributionStatus
from purldesk.domain.ledger import LedgerTransaction, Posting, TransactionKind
from purldesk.domain.money import EXPONENTS, MAX_AMOUNT_MINOR, Currency, Money
from purldesk.domain.packages import PACKAGE_TRANSITIONS, PackageStatus
from purldesk.domain.participants import PARTICIPANT_TRANSITIONS, ParticipantStatus
from purldesk.domain.requirements import (
    CYCLE_TRANSITIONS,
    LINE_TRANSITIONS,
    CycleStatus,
    LineStatus,
    RequirementLine,
)

# Realistic bounds: 10**15 minor units is 10 trillion in a 2-decimal currency, far above any
# pledge, and well inside the 28 significant digits of the default Decimal context.
MAX_MINOR = MAX_AMOUNT_MINOR

# --- money --------------------------------------------------------------------------------


def currencies() -> st.SearchStrategy[Currency]:
    """Every currency of the exponent table."""
    return st.sampled_from(sorted(EXPONENTS)).map(Currency)


def minor_units(
    *, min_value: int = -MAX_MINOR, max_value: int = MAX_MINOR
) -> st.SearchStrategy[int]:
    return st.integers(min_value=min_value, max_value=max_value)


def money(
    code: str | None = None,
    *,
    min_minor: int = -MAX_MINOR,
    max_minor: int = MAX_MINOR,
) -> st.SearchStrategy[Money]:
    """Money of `code`, or of any known currency."""
    codes = currencies() if code is None else st.just(Currency(code))
    return st.builds(Money, minor_units(min_value=min_minor, max_value=max_minor), codes)


def positive_money(
    code: str | None = None, *, max_minor: int = MAX_MINOR
) -> st.SearchStrategy[Money]:
    return money(code, min_minor=1, max_minor=max_minor)


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return ",".join(groups)


@st.composite
def decimal_strings(draw: st.DrawFn, code: str) -> tuple[str, int]:
    """Text a person might type for an amount of `code`, with the minor units it means.

    At most the currency's decimals, optionally thousands separators, a sign, padding zeros
    after the point that stay within the exponent, and surrounding blanks.
    """
    exponent = EXPONENTS[code]
    minor = draw(minor_units())
    whole, fraction = divmod(abs(minor), 10**exponent)
    whole_text = str(whole)
    if draw(st.booleans()):
        whole_text = _group_thousands(whole_text)
    text = whole_text
    if exponent and (fraction or draw(st.booleans())):
        text += "." + str(fraction).rjust(exponent, "0")
    if minor < 0:
        text = "-" + text
    if draw(st.booleans()):
        text = " " + text + " "
    return text, minor


def weights(*, max_size: int = 12, max_weight: int = 10**9) -> st.SearchStrategy[list[int]]:
    """Non-negative weights with a positive sum, as `split` requires."""
    return st.lists(
        st.integers(min_value=0, max_value=max_weight), min_size=1, max_size=max_size
    ).filter(lambda ws: sum(ws) > 0)


# --- ledger -------------------------------------------------------------------------------

# Accounts of no contribution and none of the kinds verify watches for overdrafts, so any
# balanced set of postings over them forms a clean ledger.
ACCOUNTS = ("cash:main", "cash:reserve", "bank:eur", "expense:transport", "income:grants")


def accounts() -> st.SearchStrategy[str]:
    return st.sampled_from(ACCOUNTS)


@st.composite
def balanced_postings(
    draw: st.DrawFn, code: str | None = None, *, max_postings: int = 5
) -> list[Posting]:
    """Two or more non-zero postings in one currency that sum to zero."""
    cur = draw(currencies()) if code is None else Currency(code)
    nonzero = minor_units(min_value=-(10**12), max_value=10**12).filter(bool)
    amounts = draw(st.lists(nonzero, min_size=1, max_size=max_postings - 1))
    residual = sum(amounts)
    if residual:
        amounts.append(-residual)
    return [Posting(draw(accounts()), Money(minor, cur)) for minor in amounts]


@st.composite
def ledger_transactions(draw: st.DrawFn, *, max_currencies: int = 2) -> LedgerTransaction:
    """A valid transaction: balanced random postings in one or more currencies, in any order."""
    codes = draw(st.lists(currencies(), min_size=1, max_size=max_currencies, unique=True))
    postings = [p for code in codes for p in draw(balanced_postings(code))]
    postings = draw(st.permutations(postings))
    return LedgerTransaction(
        kind=draw(st.sampled_from(TransactionKind)),
        occurred_on=draw(dates()),
        postings=tuple(postings),
        memo=draw(st.text(max_size=20)),
        contribution_id=draw(st.none() | st.integers(min_value=1, max_value=10**6)),
        package_id=draw(st.none() | st.integers(min_value=1, max_value=10**4)),
    )


def dates(*, start: date = date(2024, 1, 1), days: int = 3 * 366) -> st.SearchStrategy[date]:
    return st.integers(min_value=0, max_value=days).map(lambda n: start + timedelta(days=n))


# --- lifecycles ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Lifecycle:
    """One entity's transition table, its status enum, the name its errors carry, and a builder
    of an entity in a given status (which must have `status` and `move_to`)."""

    entity: str
    statuses: type[StrEnum]
    table: Mapping[Any, frozenset[Any]]
    build: Callable[[Any], Any]

    def edges(self) -> list[tuple[StrEnum, StrEnum]]:
        return [(a, b) for a in self.statuses for b in self.statuses if b in self.table[a]]

    def non_edges(self) -> list[tuple[StrEnum, StrEnum]]:
        return [(a, b) for a in self.statuses for b in self.statuses if b not in self.table[a]]


LIFECYCLES = (
    Lifecycle(
        "participant",
        ParticipantStatus,
        PARTICIPANT_TRANSITIONS,
        lambda status: make_participant(status=status),
    ),
    Lifecycle("cycle", CycleStatus, CYCLE_TRANSITIONS, lambda status: make_cycle(status=status)),
    Lifecycle(
        "requirement line", LineStatus, LINE_TRANSITIONS, lambda status: make_line(status=status)
    ),
    Lifecycle(
        "contribution",
        ContributionStatus,
        CONTRIBUTION_TRANSITIONS,
        lambda status: make_contribution(status=status),
    ),
    Lifecycle(
        "package", PackageStatus, PACKAGE_TRANSITIONS, lambda status: make_package(status=status)
    ),
)


def lifecycles() -> st.SearchStrategy[Lifecycle]:
    return st.sampled_from(LIFECYCLES)


def statuses(enum: type[StrEnum]) -> st.SearchStrategy[StrEnum]:
    return st.sampled_from(list(enum))


@st.composite
def status_pairs(draw: st.DrawFn) -> tuple[Lifecycle, StrEnum, StrEnum]:
    """Any (lifecycle, current, target), legal or not."""
    lifecycle = draw(lifecycles())
    return lifecycle, draw(statuses(lifecycle.statuses)), draw(statuses(lifecycle.statuses))


@st.composite
def status_walks(draw: st.DrawFn, *, max_steps: int = 12) -> tuple[Lifecycle, list[StrEnum]]:
    """A lifecycle, a starting status and a sequence of requested targets (legal or not)."""
    lifecycle = draw(lifecycles())
    steps = draw(st.lists(statuses(lifecycle.statuses), min_size=1, max_size=max_steps))
    return lifecycle, steps


@st.composite
def requirement_lists(draw: st.DrawFn, *, max_lines: int = 12) -> list[RequirementLine]:
    """Lines with distinct ids, arbitrary ranks (gaps and ties too) and some withdrawn."""
    count = draw(st.integers(min_value=1, max_value=max_lines))
    ids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    return [
        make_line(
            id=line_id,
            rank=draw(st.integers(min_value=1, max_value=count + 3)),
            status=draw(
                st.sampled_from([LineStatus.OPEN, LineStatus.FUNDED, LineStatus.WITHDRAWN])
            ),
        )
        for line_id in ids
    ]
