"""Every command of the services, found by walking `Command`'s subclasses: what the tests of
the commands' rules (permissions, audit, checkpoints) range over."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import purldesk.services
from purldesk.services.handle import Command


def command_name(cls: type[Command[Any]]) -> str:
    return f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}"


def all_commands() -> dict[str, type[Command[Any]]]:
    """Every concrete command of the services, by `module.Class`."""
    for module in pkgutil.iter_modules(purldesk.services.__path__):
        importlib.import_module(f"purldesk.services.{module.name}")
    found: dict[str, type[Command[Any]]] = {}
    pending: list[type[Command[Any]]] = [Command]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        concrete = not cls.__name__.startswith("_") and cls is not Command
        if concrete:
            found[command_name(cls)] = cls
    return found
