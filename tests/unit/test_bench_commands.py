"""bench/commands.py times every command the CLI has that reads: each command is timed there or
named among those that only write, so that a new command cannot be forgotten."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from purldesk.entrypoints.cli.app import COMMANDS, load_command

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
import commands as bench


def leaves(name: str, command: Any) -> list[str]:
    """The runnable commands under `command`, as the words that name them."""
    children = getattr(command, "commands", None)
    if not children:
        return [name]
    return [leaf for sub, child in children.items() for leaf in leaves(f"{name} {sub}", child)]


def registered() -> set[str]:
    return {leaf for name in COMMANDS for leaf in leaves(name, load_command(name))}


def timed() -> set[str]:
    """The command each of the bench's lines runs: its leading words that name commands."""
    found = set()
    for _name, line, _kind in bench.COMMANDS:
        words, command = [], None
        for word in line.split():
            children = COMMANDS if command is None else getattr(command, "commands", None) or {}
            if word not in children:
                break
            command = load_command(word) if command is None else children[word]
            words.append(word)
        found.add(" ".join(words))
    return found


def test_every_command_is_timed_or_named_as_writing() -> None:
    everything = registered()
    assert {"ledger verify", "export", "reference gdp list", "import"} <= everything
    assert everything - timed() - bench.WRITES == set(), "add them to bench/commands.py"


def test_the_bench_names_only_commands_the_cli_has() -> None:
    everything = registered()
    assert timed() - everything == set()
    assert bench.WRITES - everything == set()
    assert timed() & bench.WRITES == set()


def test_each_timed_command_has_its_own_name() -> None:
    names = [name for name, _line, _kind in bench.COMMANDS]
    assert len(names) == len(set(names))
