"""Every write is a command handled by `services.handle.handle`: the commands are enumerated
here, and the API's route x role matrix is checked against the handler directly."""

from __future__ import annotations

import csv
import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute

from command_world import all_commands, command_name
from purldesk.domain.access import ROLE_PERMISSIONS, Actor, Role, UserId
from purldesk.domain.errors import NotPermitted
from purldesk.domain.participants import ParticipantCode
from purldesk.entrypoints.api.app import PREFIX, ROUTERS
from purldesk.entrypoints.api.writes import command_of
from purldesk.services.handle import Command, Context, handle

MATRIX = Path(__file__).parents[1] / "api" / "access_matrix.csv"
WRITES = ("POST", "PUT", "PATCH", "DELETE")

# Roles of the matrix's columns; a second contributor is the same role acting on another's.
COLUMNS = {
    "recipient": Role.RECIPIENT,
    "coordinator": Role.COORDINATOR,
    "contributor": Role.CONTRIBUTOR,
    "contributor_other": Role.CONTRIBUTOR,
    "supplier": Role.SUPPLIER,
    "auditor": Role.AUDITOR,
}


def route_commands() -> dict[tuple[str, str], str | None]:
    """The command each write route of the API translates its request into, as the route is
    declared; None for a write route not declared from a command."""
    found: dict[tuple[str, str], str | None] = {}
    for router in ROUTERS:
        for route in router.routes:
            if isinstance(route, APIRoute):
                command = command_of(route.endpoint)
                for method in route.methods & set(WRITES):
                    name = None if command is None else command_name(command)
                    found[(method, PREFIX + route.path)] = name
    return found


COMMANDS = all_commands()
ROUTE_COMMANDS = route_commands()


class Opened(Exception):
    """Raised by the stub unit of work: the handler got past the role check."""


class StubUnitOfWork:
    def __enter__(self) -> StubUnitOfWork:
        raise Opened

    def __exit__(self, *exc: object) -> None:
        return None


def context(role: Role) -> Context:
    actor = Actor(UserId(1), "someone", ParticipantCode("NLD"), role)
    return Context(actor=actor, at=datetime(2025, 8, 4, tzinfo=UTC), request_id="r", fx=None)  # type: ignore[arg-type]


def blank(cls: type[Command[Any]]) -> Command[Any]:
    """An instance without fields: the role check reads only the class's permission."""
    return object.__new__(cls)


def test_every_command_is_a_frozen_keyword_only_dataclass_with_its_own_action() -> None:
    assert len(COMMANDS) >= len(set(ROUTE_COMMANDS.values()))
    actions = [cls.action for cls in COMMANDS.values()]
    assert len(actions) == len(set(actions)), "two commands share an audit action"
    for name, cls in COMMANDS.items():
        assert dataclasses.is_dataclass(cls), name
        params = cls.__dataclass_params__  # type: ignore[attr-defined]
        assert params.frozen, f"{name} is not frozen"
        assert all(f.kw_only for f in dataclasses.fields(cls)), f"{name} takes positional fields"
        area, _, verb = cls.action.partition(".")
        assert area and verb, f"{name}'s action {cls.action!r} is not area.verb"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_handler_admits_exactly_the_roles_with_the_commands_permission(name: str) -> None:
    cls = COMMANDS[name]
    for role in Role:
        if cls.permission in ROLE_PERMISSIONS[role]:
            with pytest.raises(Opened):
                handle(StubUnitOfWork(), blank(cls), context=context(role))  # type: ignore[arg-type]
        else:
            with pytest.raises(NotPermitted):
                handle(StubUnitOfWork(), blank(cls), context=context(role))  # type: ignore[arg-type]


def matrix_writes() -> list[dict[str, str]]:
    with MATRIX.open(newline="", encoding="utf-8") as file:
        return [row for row in csv.DictReader(file) if row["method"] in WRITES]


def test_every_write_route_of_the_api_names_its_command() -> None:
    routes = {(row["method"], row["path"]) for row in matrix_writes()}
    assert routes == set(ROUTE_COMMANDS)
    assert set(ROUTE_COMMANDS.values()) <= set(COMMANDS)


@pytest.mark.parametrize("row", matrix_writes(), ids=lambda row: f"{row['method']} {row['path']}")
def test_the_route_matrix_holds_against_the_handler_directly(row: dict[str, str]) -> None:
    cls = COMMANDS[str(ROUTE_COMMANDS[(row["method"], row["path"])])]
    for column, role in COLUMNS.items():
        expected = row[column]
        if expected == "deny":
            with pytest.raises(NotPermitted):
                handle(StubUnitOfWork(), blank(cls), context=context(role))  # type: ignore[arg-type]
        else:  # allow, or hidden: the role may, the ownership check is the command's owner()
            with pytest.raises(Opened):
                handle(StubUnitOfWork(), blank(cls), context=context(role))  # type: ignore[arg-type]
