"""The `purldesk` command: one Typer app, one module per command group.

The command groups are loaded lazily: a group's module is imported, and its Typer app turned
into a click command, only when that group runs or its own help is shown. `purldesk --help`
reads each group's help without building its commands, and a command pays for its own group
only, so starting the CLI costs Typer and little else.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, MutableMapping
from functools import cache
from importlib import import_module
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup
from typer.main import get_command, get_group, solve_typer_info_help
from typer.models import TyperInfo

from purldesk.entrypoints.cli.common import check_text_options

# The top-level commands, in the order `--help` lists them: name -> (module, attribute), where
# the attribute is a command group's Typer app or a single command's function.
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "demo"),
    "serve": ("serve", "serve"),
    "export": ("export", "export"),
    "import": ("restore", "restore"),
    "backup": ("backup", "backup"),
    "restore": ("backup", "restore"),
    "whatif": ("whatif", "whatif"),
    "allocate": ("allocate", "allocate"),
    "db": ("db", "app"),
    "participants": ("participants", "app"),
    "catalog": ("catalog", "app"),
    "cycles": ("cycles", "app"),
    "requirements": ("requirements", "app"),
    "contributions": ("contributions", "app"),
    "packages": ("packages", "app"),
    "deliveries": ("deliveries", "app"),
    "ledger": ("ledger", "app"),
    "proof": ("proofs", "app"),
    "keys": ("keys", "app"),
    "indicators": ("indicators", "app"),
    "fx": ("fx", "app"),
    "reference": ("reference", "app"),
    "policy": ("policy", "app"),
    "users": ("users", "app"),
    "reports": ("reports", "app"),
}


def _target(name: str) -> Any:
    module, attribute = COMMANDS[name]
    return getattr(import_module(f"purldesk.entrypoints.cli.{module}"), attribute)


@cache
def load_command(name: str) -> TyperCommand | TyperGroup:
    """The click command of a top-level command, built the way `add_typer` would build it."""
    target = _target(name)
    command: TyperCommand | TyperGroup
    if isinstance(target, typer.Typer):
        check_text_options(target)  # each text option refuses control characters (exit 2)
        command = get_group(target)
    else:
        single = typer.Typer(add_completion=False)
        single.command(name)(target)
        check_text_options(single)
        built = get_command(single)
        assert isinstance(built, TyperCommand)
        command = built
    command.name = name
    return command


def _summary(name: str) -> TyperCommand | TyperGroup:
    """A stand-in that carries only the name and help `--help` lists, nothing to run."""
    target = _target(name)
    if isinstance(target, typer.Typer):
        return TyperGroup(name=name, help=solve_typer_info_help(TyperInfo(target)))
    return TyperCommand(name=name, help=inspect.getdoc(target))


class _Commands(MutableMapping[str, Any]):
    """The root's subcommands by name (all of COMMANDS), each loaded when first looked up."""

    def __getitem__(self, name: str) -> TyperCommand | TyperGroup:
        if name not in COMMANDS:
            raise KeyError(name)
        return load_command(name)

    def __setitem__(self, name: str, command: Any) -> None:
        raise TypeError("the root's commands are listed in COMMANDS")

    def __delitem__(self, name: str) -> None:
        raise TypeError("the root's commands are listed in COMMANDS")

    def __iter__(self) -> Iterator[str]:
        return iter(COMMANDS)

    def __len__(self) -> int:
        return len(COMMANDS)


class LazyGroup(TyperGroup):
    """The root command: its subcommands load when resolved; its help lists stand-ins."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands()
        self._listing = False

    def list_commands(self, _ctx: Any) -> list[str]:  # a click Context, private to Typer
        return list(COMMANDS)

    def get_command(self, _ctx: Any, cmd_name: str) -> TyperCommand | TyperGroup | None:
        if cmd_name not in COMMANDS:
            return None
        return _summary(cmd_name) if self._listing else load_command(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    name="purldesk",
    help="Pooled funding of a prioritized requirements list, traceable to the cent.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


@app.callback()
def _root() -> None:
    # A callback makes the root a group even though no group is registered with Typer.
    pass


def main() -> None:
    app()
