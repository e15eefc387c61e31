"""Conditions over indicators: the `when` language of policy phases, parsed once and evaluated
on a date with three-valued (Kleene) logic.

expr := or;  or := and ('or' and)*;  and := unary ('and' unary)*;  unary := 'not' unary | primary;
primary := '(' expr ')' | 'true' | 'false' | 'observed' '(' NAME ')' | operand OP operand,
where one operand is an indicator and the other a number or a policy parameter. An indicator
stands for its latest observation on or before the evaluation date: a comparison with an
indicator never observed is unknown, and a phase is in force only when its condition is true.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from purldesk.domain.errors import InvalidInput
from purldesk.domain.indicators import RESERVED_NAMES, Observation, ObservationId


class Op(StrEnum):
    GE = ">="
    GT = ">"
    LE = "<="
    LT = "<"
    EQ = "=="
    NE = "!="

    def holds(self, left: Decimal, right: Decimal) -> bool:
        return {
            Op.GE: left >= right, Op.GT: left > right, Op.LE: left <= right,
            Op.LT: left < right, Op.EQ: left == right, Op.NE: left != right,
        }[self]  # fmt: skip

    @property
    def flipped(self) -> Op:
        """The operator with its operands swapped: `3 < x` is `x > 3`."""
        return {Op.GE: Op.LE, Op.GT: Op.LT, Op.LE: Op.GE, Op.LT: Op.GT}.get(self, self)


@dataclass(frozen=True, slots=True)
class Compare:
    indicator: str
    op: Op
    threshold: Decimal
    parameter: str | None = None  # the policy parameter the threshold was written as

    def __str__(self) -> str:
        shown = f"{self.parameter} ({self.threshold})" if self.parameter else str(self.threshold)
        return f"{self.indicator} {self.op} {shown}"


@dataclass(frozen=True, slots=True)
class Observed:
    indicator: str

    def __str__(self) -> str:
        return f"observed({self.indicator})"


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition

    def __str__(self) -> str:
        return f"not ({self.operand})"


@dataclass(frozen=True, slots=True)
class AllOf:
    operands: tuple[Condition, ...]

    def __str__(self) -> str:
        return " and ".join(f"({c})" for c in self.operands)


@dataclass(frozen=True, slots=True)
class AnyOf:
    operands: tuple[Condition, ...]

    def __str__(self) -> str:
        return " or ".join(f"({c})" for c in self.operands)


@dataclass(frozen=True, slots=True)
class Constant:
    value: bool

    def __str__(self) -> str:
        return "true" if self.value else "false"


Condition = Compare | Observed | Not | AllOf | AnyOf | Constant


# How deep `not` and parentheses may nest in one condition; deeper is refused, not a crash.
MAX_CONDITION_DEPTH = 32


class ConditionSyntaxError(InvalidInput):
    """A `when` expression does not parse; `column` is 1-based within the expression."""

    def __init__(self, column: int, message: str) -> None:
        self.column = column
        super().__init__("when", f"column {column}: {message}")


_TOKEN = re.compile(
    r"\s*(?:(?P<op>>=|<=|==|!=|>|<)|(?P<paren>[()])"
    r"|(?P<number>-?\d[\d_]*(?:\.\d+)?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*))"
)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # op, paren, number, name, end
    text: str
    column: int


def _tokens(text: str) -> list[_Token]:
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None or match.lastgroup is None:
            column = position + len(text[position:]) - len(text[position:].lstrip()) + 1
            raise ConditionSyntaxError(column, f"unexpected {text[column - 1]!r}")
        kind = match.lastgroup
        tokens.append(_Token(kind, match.group(kind), match.start(kind) + 1))
        position = match.end()
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


class _Parser:
    """Recursive descent over the tokens of one `when` expression."""

    def __init__(self, text: str, parameters: Mapping[str, Decimal]) -> None:
        self.tokens = _tokens(text)
        self.position = 0
        self.depth = 0
        self.parameters = parameters

    @property
    def current(self) -> _Token:
        return self.tokens[self.position]

    def take(self) -> _Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def is_word(self, word: str) -> bool:
        return self.current.kind == "name" and self.current.text == word

    def expect(self, text: str) -> None:
        if self.current.text != text:
            found = self.current.text or "the end"
            raise ConditionSyntaxError(self.current.column, f"expected {text!r}, found {found!r}")
        self.take()

    def parse(self) -> Condition:
        if self.current.kind == "end":
            raise ConditionSyntaxError(1, "the condition is empty")
        condition = self.disjunction()
        if self.current.kind != "end":
            raise ConditionSyntaxError(
                self.current.column, f"unexpected {self.current.text!r} after a complete condition"
            )
        return condition

    def disjunction(self) -> Condition:
        return self.joined("or", self.conjunction, AnyOf)

    def conjunction(self) -> Condition:
        return self.joined("and", self.unary, AllOf)

    def joined(
        self,
        word: str,
        operand: Callable[[], Condition],
        combine: Callable[[tuple[Condition, ...]], Condition],
    ) -> Condition:
        """One or more operands joined by `word`; a single one stands for itself."""
        operands = [operand()]
        while self.is_word(word):
            self.take()
            operands.append(operand())
        return operands[0] if len(operands) == 1 else combine(tuple(operands))

    def nested(self, opening: _Token, parse: Callable[[], Condition]) -> Condition:
        """What `parse` reads one level deeper than `opening` (a `not` or a parenthesis)."""
        if self.depth == MAX_CONDITION_DEPTH:
            raise ConditionSyntaxError(
                opening.column, f"nested deeper than {MAX_CONDITION_DEPTH} levels"
            )
        self.depth += 1
        try:
            return parse()
        finally:
            self.depth -= 1

    def unary(self) -> Condition:
        if self.is_word("not"):
            return Not(self.nested(self.take(), self.unary))
        return self.primary()

    def parenthesized(self) -> Condition:
        inner = self.disjunction()
        self.expect(")")
        return inner

    def primary(self) -> Condition:
        token = self.current
        if token.text == "(":
            return self.nested(self.take(), self.parenthesized)
        if self.is_word("true") or self.is_word("false"):
            self.take()
            return Constant(token.text == "true")
        if self.is_word("observed"):
            self.take()
            self.expect("(")
            name = self.take()
            if name.kind != "name" or name.text in RESERVED_NAMES:
                raise ConditionSyntaxError(name.column, "observed(...) takes an indicator name")
            self.expect(")")
            return Observed(name.text)
        return self.comparison()

    def operand(self) -> _Token:
        token = self.take()
        if token.kind not in ("number", "name") or token.text in RESERVED_NAMES:
            found = token.text or "the end"
            raise ConditionSyntaxError(
                token.column, f"expected an indicator, a number or a parameter, found {found!r}"
            )
        return token

    def comparison(self) -> Condition:
        left = self.operand()
        if self.current.kind != "op":
            found = self.current.text or "the end"
            raise ConditionSyntaxError(
                self.current.column,
                f"expected a comparison (>=, >, <=, <, ==, !=) after {left.text!r}, found {found!r}",
            )
        op = Op(self.take().text)
        right = self.operand()
        if self._is_indicator(left) and not self._is_indicator(right):
            return self._compare(left.text, op, right)
        if self._is_indicator(right) and not self._is_indicator(left):
            return self._compare(right.text, op.flipped, left)
        if self._is_indicator(left):
            raise ConditionSyntaxError(
                right.column,
                f"compare an indicator with a number or a parameter; {right.text!r} is not a "
                "parameter of this policy",
            )
        raise ConditionSyntaxError(left.column, "a comparison needs an indicator on one side")

    def _is_indicator(self, token: _Token) -> bool:
        return token.kind == "name" and token.text not in self.parameters

    def _compare(self, indicator: str, op: Op, constant: _Token) -> Compare:
        if constant.kind == "number":
            return Compare(indicator, op, Decimal(constant.text.replace("_", "")))
        return Compare(indicator, op, self.parameters[constant.text], parameter=constant.text)


def parse_condition(text: str, *, parameters: Mapping[str, Decimal] | None = None) -> Condition:
    """Parse a `when` expression; names found in `parameters` are constants, others indicators."""
    return _Parser(text, parameters or {}).parse()


def indicators_in(condition: Condition) -> frozenset[str]:
    """Every indicator the condition reads."""
    if isinstance(condition, Compare | Observed):
        return frozenset({condition.indicator})
    if isinstance(condition, Not):
        return indicators_in(condition.operand)
    if isinstance(condition, AllOf | AnyOf):
        return frozenset().union(*(indicators_in(c) for c in condition.operands))
    return frozenset()


def truth(condition: Condition, values: Mapping[str, Decimal | None]) -> bool | None:
    """The condition's three-valued truth for indicator values (None: never observed)."""
    if isinstance(condition, Constant):
        return condition.value
    if isinstance(condition, Observed):
        return values.get(condition.indicator) is not None
    if isinstance(condition, Compare):
        value = values.get(condition.indicator)
        return None if value is None else condition.op.holds(value, condition.threshold)
    if isinstance(condition, Not):
        inner = truth(condition.operand, values)
        return None if inner is None else not inner
    results = [truth(c, values) for c in condition.operands]
    if isinstance(condition, AllOf):
        return False if False in results else (None if None in results else True)
    return True if True in results else (None if None in results else False)


@dataclass(frozen=True, slots=True)
class Verdict:
    """A condition's truth on a date, the observations that decided it, and what was missing."""

    value: bool | None
    evidence: tuple[Observation, ...] = ()
    missing: tuple[str, ...] = ()


def _merge(verdicts: Iterable[Verdict], value: bool | None) -> Verdict:
    evidence: dict[ObservationId, Observation] = {}
    missing: dict[str, None] = {}
    for verdict in verdicts:
        evidence.update((o.id, o) for o in verdict.evidence)
        missing.update(dict.fromkeys(verdict.missing))
    return Verdict(value, tuple(evidence.values()), tuple(missing))


def evaluate(condition: Condition, observations: Mapping[str, Observation]) -> Verdict:
    """The condition's truth for the observations in force, with the ones that decided it.

    `and` that fails is explained by its first false operand alone, `or` that holds by its
    first true operand alone; otherwise every operand's evidence counts.
    """
    if isinstance(condition, Constant):
        return Verdict(condition.value)
    if isinstance(condition, Compare | Observed):
        seen = observations.get(condition.indicator)
        if seen is None:
            return Verdict(
                False if isinstance(condition, Observed) else None, (), (condition.indicator,)
            )
        holds = (
            True
            if isinstance(condition, Observed)
            else condition.op.holds(seen.value, condition.threshold)
        )
        return Verdict(holds, (seen,))
    if isinstance(condition, Not):
        inner = evaluate(condition.operand, observations)
        return Verdict(
            None if inner.value is None else not inner.value, inner.evidence, inner.missing
        )
    parts = [evaluate(c, observations) for c in condition.operands]
    decisive = not isinstance(condition, AllOf)  # and: a false operand decides; or: a true one
    for part in parts:
        if part.value is decisive:
            return part
    if any(part.value is None for part in parts):
        return _merge(parts, None)
    return _merge(parts, not decisive)
