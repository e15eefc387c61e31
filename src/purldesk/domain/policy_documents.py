"""Policy documents: TOML in, a checked Policy out, every finding with its line and field.

The format (see docs/CLI.md, "Policy documents"): top-level `contributor`, `valid_from`, optional
`valid_until`, `title`, `source`, `additional` (a boolean), a `[parameters]` table of named numbers, an ordered array of
`[[phases]]` (name, when, aid_classes, optional areas, cap_per_package, cap_per_cycle, note),
and a `[default]` phase without `when`.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

from purldesk.domain.catalog import AidClass, parse_aid_class, parse_area
from purldesk.domain.conditions import (
    AllOf,
    AnyOf,
    Compare,
    Condition,
    Not,
    indicators_in,
    parse_condition,
    truth,
)
from purldesk.domain.errors import ImportRejected, InvalidInput, RowError
from purldesk.domain.indicators import parse_indicator_name
from purldesk.domain.money import USD, Money
from purldesk.domain.policies import Phase, Policy
from purldesk.domain.text import check_text, strings_in

POLICY_FORMAT = "purldesk.policy/1"
_PHASE_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
# Reachability is decided by trying every region of every indicator's thresholds; beyond this
# many combinations the check is skipped rather than made slow.
_MAX_REGION_COMBINATIONS = 100_000

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class _Parser(Protocol[T_co]):
    """A domain parser of one value: InvalidInput naming `field` if it cannot read it."""

    def __call__(self, text: str, *, field: str) -> T_co: ...


class PolicyRejected(ImportRejected):
    """A policy document was refused; every finding has its line and field, nothing was set."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        super().__init__(source, errors)
        self.message = f"{len(errors)} problem(s) in the policy document; nothing was set"
        self.args = (f"{source}: {self.message}",)


_TOP_KEYS = frozenset(
    {"format", "contributor", "title", "source", "valid_from", "valid_until", "additional",
     "parameters", "phases", "default"}
)  # fmt: skip
_PHASE_KEYS = frozenset(
    {"name", "when", "aid_classes", "areas", "cap_per_package", "cap_per_cycle", "note"}
)
_TOML_ERROR_AT = re.compile(r"\(at line (\d+), column \d+\)")
_TABLE_ARRAY = re.compile(r"^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]")
_TABLE = re.compile(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]")
_KEY = re.compile(r"^([A-Za-z0-9_-]+)\s*=\s*(.*)$")

Path = tuple[str | int, ...]


def _key_lines(text: str) -> dict[Path, int]:
    """Where each table and key starts: ('phases', 0, 'when') -> line number.

    tomllib reports no positions for values, so this light scan of the text finds them; it
    knows enough TOML (tables, arrays of tables, multi-line strings and arrays) for that.
    """
    found: dict[Path, int] = {}
    table: Path = ()
    counts: dict[str, int] = {}
    closing: str | None = None  # the delimiter of an open multi-line string
    depth = 0  # open brackets of a multi-line array
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if closing is not None:
            if closing in line:
                closing = None
            continue
        if depth > 0:
            depth += line.count("[") - line.count("]")
            continue
        if not line or line.startswith("#"):
            continue
        if match := _TABLE_ARRAY.match(line):
            name = match.group(1)
            table = (name, counts.get(name, 0))
            counts[name] = counts.get(name, 0) + 1
            found[table] = number
        elif match := _TABLE.match(line):
            table = tuple(match.group(1).split("."))
            found[table] = number
        elif match := _KEY.match(line):
            found[(*table, match.group(1))] = number
            value = match.group(2)
            for delimiter in ('"""', "'''"):
                if value.startswith(delimiter) and value.count(delimiter) == 1:
                    closing = delimiter
            if value.startswith("["):
                depth = value.count("[") - value.count("]")
    return found


def _field(path: Path) -> str:
    """('phases', 1, 'when') -> 'phases[2].when' (1-based, as a person counts)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


class _Findings:
    def __init__(self, text: str) -> None:
        self.lines = _key_lines(text)
        self.errors: list[RowError] = []

    def add(self, path: Path, message: str) -> None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                line = self.lines[path[:end]]
                break
        else:
            line = 1
        self.errors.append(RowError(line, _field(path), message))


def parse_policy(
    text: str,
    *,
    filename: str,
    contributor: str | None = None,
    known_indicators: Collection[str] | None = None,
    known_areas: Collection[str] | None = None,
) -> Policy:
    """Read a policy document; every finding, with its line and field, is raised together.

    `known_indicators` (and a non-empty `known_areas`) are checked when given: a name outside
    them is almost always a typo. Documents read back from storage were checked when set.
    """
    findings = _Findings(text)
    try:
        document = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        at = _TOML_ERROR_AT.search(message)
        line = int(at.group(1)) if at else max(1, len(text.splitlines()))
        cleaned = _TOML_ERROR_AT.sub("", message).strip()
        raise PolicyRejected(filename, [RowError(line, "toml", cleaned)]) from None
    except RecursionError:  # tomllib descends once per nested array or table, without a bound
        raise PolicyRejected(filename, [RowError(1, "toml", "nested too deeply")]) from None
    reader = _Reader(findings, known_indicators, known_areas)
    policy = reader.policy(document, contributor)
    if findings.errors or policy is None:
        findings.errors.sort(key=lambda e: e.line)
        raise PolicyRejected(filename, findings.errors)
    return policy


class _Reader:
    """Turns the TOML document into a Policy, noting every problem instead of stopping."""

    def __init__(
        self,
        findings: _Findings,
        known_indicators: Collection[str] | None,
        known_areas: Collection[str] | None,
    ) -> None:
        self.findings = findings
        self.known_indicators = None if known_indicators is None else frozenset(known_indicators)
        self.known_areas = frozenset(known_areas) if known_areas else None

    def note(self, path: Path, message: str) -> None:
        self.findings.add(path, message)

    def policy(self, document: Mapping[str, Any], contributor: str | None) -> Policy | None:
        self.plain_text(document)
        for key in sorted(set(document) - _TOP_KEYS):
            self.note((key,), f"unknown key (expected one of {', '.join(sorted(_TOP_KEYS))})")
        if "format" in document and document["format"] != POLICY_FORMAT:
            self.note(("format",), f"{document['format']!r} is not {POLICY_FORMAT!r}")
        written = self.text(document, ("contributor",))
        if written and contributor is not None and written.upper() != contributor.upper():
            self.note(("contributor",), f"the document is {written}'s policy, not {contributor}'s")
        valid_from = self.date(document, ("valid_from",), required=True)
        valid_until = self.date(document, ("valid_until",), required=False)
        if valid_from and valid_until and valid_until < valid_from:
            self.note(("valid_until",), f"{valid_until} is before valid_from {valid_from}")
        additional = document.get("additional", False)
        if not isinstance(additional, bool):
            self.note(("additional",), f"{additional!r} is not true or false")
        parameters = self.parameters(document.get("parameters", {}))
        phases = self.phases(document.get("phases", []), parameters)
        default = None
        if "default" not in document:
            self.note(("default",), "missing: a [default] phase applies when no other holds")
        elif not isinstance(document["default"], dict):
            self.note(("default",), "must be a table")
        else:
            default = self.phase(document["default"], ("default",), parameters, is_default=True)
        if default is not None:
            names = [p.name for p in phases]
            if default.name in names:
                self.note(("default", "name"), f"phase name {default.name!r} is used twice")
            if all(p.when is not None for p in phases):
                self.reachability(phases)
        if valid_from is None or default is None:
            return None
        return Policy(
            valid_from=valid_from, valid_until=valid_until, phases=tuple(phases), default=default,
            contributor=written.upper() if written else None,
            parameters=tuple(sorted(parameters.items())),
            title=self.text(document, ("title",)), source=self.text(document, ("source",)),
            additional=additional is True,
        )  # fmt: skip

    def plain_text(self, document: Mapping[str, Any]) -> None:
        """TOML escapes such as \\u0000 put control characters in strings: each is noted."""
        for where, text in strings_in(document):
            try:
                check_text(_field(where), text)
            except InvalidInput as error:
                self.note(where, error.message)

    def text(self, table: Mapping[str, Any], path: Path) -> str:
        value = table.get(str(path[-1]), "")
        if not isinstance(value, str):
            self.note(path, "must be a string")
            return ""
        return value.strip()

    def date(self, table: Mapping[str, Any], path: Path, *, required: bool) -> date | None:
        key = str(path[-1])
        if key not in table:
            if required:
                self.note(path, "missing (a date such as 2024-11-07)")
            return None
        value = table[key]
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, date) and not isinstance(value, datetime):
            return value
        self.note(path, f"{value!r} is not a date (such as 2024-11-07)")
        return None

    def parameters(self, table: object) -> dict[str, Decimal]:
        if not isinstance(table, dict):
            self.note(("parameters",), "must be a table of name = number")
            return {}
        parameters: dict[str, Decimal] = {}
        for name, value in table.items():
            path: Path = ("parameters", name)
            try:
                parse_indicator_name(name, field=_field(path))
            except InvalidInput as error:
                self.note(path, error.message)
                continue
            if self.known_indicators is not None and name in self.known_indicators:
                self.note(path, f"{name!r} is an indicator; a parameter needs another name")
            if isinstance(value, bool) or not isinstance(value, int | Decimal):
                self.note(path, f"{value!r} is not a number")
                continue
            parameters[name] = Decimal(value)
        return parameters

    def phases(self, entries: object, parameters: Mapping[str, Decimal]) -> list[Phase]:
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            self.note(("phases",), "must be an array of tables: [[phases]]")
            return []
        phases: list[Phase] = []
        names: set[str] = set()
        for index, entry in enumerate(entries):
            phase = self.phase(entry, ("phases", index), parameters, is_default=False)
            if phase is None:
                continue
            if phase.name in names:
                self.note(("phases", index, "name"), f"phase name {phase.name!r} is used twice")
            names.add(phase.name)
            phases.append(phase)
        return phases

    def phase(
        self,
        table: Mapping[str, Any],
        path: Path,
        parameters: Mapping[str, Decimal],
        *,
        is_default: bool,
    ) -> Phase | None:
        errors_before = len(self.findings.errors)
        for key in sorted(set(table) - _PHASE_KEYS):
            self.note(
                (*path, key), f"unknown key (expected one of {', '.join(sorted(_PHASE_KEYS))})"
            )
        name = self.text(table, (*path, "name"))
        if not name:
            self.note((*path, "name"), "missing: every phase has a name")
        elif not _PHASE_NAME.match(name):
            self.note((*path, "name"), f"{name!r} is not a phase name (a-z, 0-9, '_', '-')")
        when, when_text = self.when(table, path, parameters, is_default=is_default)
        aid_classes = self.aid_classes(table, path)
        areas = self.areas(table, path)
        caps = [self.cap(table, (*path, key)) for key in ("cap_per_package", "cap_per_cycle")]
        note = self.text(table, (*path, "note"))
        if len(self.findings.errors) > errors_before or aid_classes is None:
            return None
        return Phase(
            name=name, aid_classes=aid_classes, areas=areas, cap_per_package=caps[0],
            cap_per_cycle=caps[1], when=when, when_text=when_text, note=note,
        )  # fmt: skip

    def when(
        self,
        table: Mapping[str, Any],
        path: Path,
        parameters: Mapping[str, Decimal],
        *,
        is_default: bool,
    ) -> tuple[Condition | None, str]:
        where = (*path, "when")
        if is_default:
            if "when" in table:
                self.note(where, "the default phase has no condition: it applies when none holds")
            return None, ""
        text = self.text(table, where)
        if not text:
            self.note(where, 'missing: a phase needs a condition, such as "x >= 10"')
            return None, ""
        try:
            condition = parse_condition(text, parameters=parameters)
        except InvalidInput as error:
            self.note(where, error.message)
            return None, text
        if self.known_indicators is not None:
            for name in sorted(indicators_in(condition) - self.known_indicators):
                known = ", ".join(sorted(self.known_indicators)) or "none recorded yet"
                self.note(where, f"unknown indicator {name!r} (known: {known})")
        return condition, text

    def aid_classes(self, table: Mapping[str, Any], path: Path) -> frozenset[AidClass] | None:
        where = (*path, "aid_classes")
        values = self.strings(table, where, required=True)
        if values is None:
            return None
        return frozenset(self.parsed(values, where, parse_aid_class, "unknown aid class: "))

    def areas(self, table: Mapping[str, Any], path: Path) -> frozenset[str] | None:
        where = (*path, "areas")
        values = self.strings(table, where, required=False)
        if values is None:
            return None
        areas = set()
        for area in self.parsed(values, where, parse_area):
            if self.known_areas is not None and area not in self.known_areas:
                known = ", ".join(sorted(self.known_areas))
                self.note(where, f"unknown capability area {area!r} (known: {known})")
            areas.add(area)
        return frozenset(areas)

    def parsed(
        self, values: list[str], where: Path, parse: _Parser[T], prefix: str = ""
    ) -> Iterator[T]:
        """Each value that `parse` reads, in order; each it refuses is noted as it comes."""
        for value in values:
            try:
                yield parse(value, field=_field(where))
            except InvalidInput as error:
                self.note(where, prefix + error.message)

    def strings(self, table: Mapping[str, Any], path: Path, *, required: bool) -> list[str] | None:
        key = str(path[-1])
        if key not in table:
            if required:
                self.note(path, 'missing: a list such as ["humanitarian", "nonlethal"]')
            return None
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.note(path, "must be a list of strings")
            return None
        return value

    def cap(self, table: Mapping[str, Any], path: Path) -> Money | None:
        key = str(path[-1])
        if key not in table:
            return None
        value = table[key]
        code, _, amount = str(value).strip().partition(" ")
        if not isinstance(value, str) or code != USD:
            self.note(
                path, f'{value!r} is not an amount in pooled money, such as "USD 100,000,000"'
            )
            return None
        try:
            cap = Money.parse(amount, USD, field=_field(path))
        except InvalidInput as error:
            self.note(path, error.message)
            return None
        if not cap.is_positive:
            self.note(path, "must be positive")
            return None
        return cap

    def reachability(self, phases: Sequence[Phase]) -> None:
        conditions = [p.when for p in phases if p.when is not None]
        regions = _regions(conditions)
        if regions is None:
            return
        reachable = [False] * (len(phases) + 1)
        for values in regions:
            for index, condition in enumerate(conditions):
                if truth(condition, values) is True:
                    reachable[index] = True
                    break
            else:
                reachable[-1] = True
            if all(reachable):
                return
        for index, phase in enumerate(phases):
            if not reachable[index]:
                self.note(
                    ("phases", index),
                    f"phase {phase.name!r} can never be in force: its condition is never true "
                    "when every phase before it is not",
                )
        if not reachable[-1]:
            self.note(
                ("default",),
                "the default phase can never be in force: a phase before it always holds",
            )


def _regions(conditions: Sequence[Condition]) -> Iterable[Mapping[str, Decimal | None]] | None:
    """Every distinct situation the conditions can see: per indicator, unobserved, each threshold,
    and a value between and beyond them. None if there are too many to try."""
    thresholds: dict[str, set[Decimal]] = {}
    for condition in conditions:
        for name in indicators_in(condition):
            thresholds.setdefault(name, set())
        _collect(condition, thresholds)
    candidates: dict[str, list[Decimal | None]] = {}
    for name, points in sorted(thresholds.items()):
        ordered = sorted(points)
        values: list[Decimal | None] = [None]
        if not ordered:
            values.append(Decimal(0))
        else:
            values += [ordered[0] - 1, ordered[-1] + 1, *ordered]
            values += [(a + b) / 2 for a, b in itertools.pairwise(ordered)]
        candidates[name] = values
    count = 1
    for values in candidates.values():
        count *= len(values)
    if count > _MAX_REGION_COMBINATIONS:
        return None
    names = list(candidates)
    return (
        dict(zip(names, combo, strict=True)) for combo in itertools.product(*candidates.values())
    )


def _collect(condition: Condition, thresholds: dict[str, set[Decimal]]) -> None:
    if isinstance(condition, Compare):
        thresholds[condition.indicator].add(condition.threshold)
    elif isinstance(condition, AllOf | AnyOf):
        for operand in condition.operands:
            _collect(operand, thresholds)
    elif isinstance(condition, Not):
        _collect(condition.operand, thresholds)
