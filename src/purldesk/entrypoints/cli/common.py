"""What every command shares: the console, building the application, handling a command,
printing a listing, and errors."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer
from rich.cells import cell_len
from rich.console import Console
from typer.core import TyperCommand

from purldesk.domain.errors import (
    Conflict,
    ImportRejected,
    InvalidInput,
    LedgerError,
    NotFound,
    NotPermitted,
    PurldeskError,
    StorageUnavailable,
)
from purldesk.domain.text import check_text

if TYPE_CHECKING:
    from rich.table import Column, Table

    from purldesk.bootstrap import Application
    from purldesk.services.handle import Command
    from purldesk.services.ports import UnitOfWork

R = TypeVar("R")
T = TypeVar("T")

# One table from error class to exit code; the most specific class wins.
EXIT_CODES: list[tuple[type[PurldeskError], int]] = [
    (InvalidInput, 2),
    (NotFound, 3),
    (Conflict, 4),
    (NotPermitted, 5),
    (LedgerError, 6),
    (StorageUnavailable, 7),
    (PurldeskError, 1),
]

# Messages are never broken at the terminal's width: they carry URLs, references and hashes
# that must copy whole (the terminal wraps them for the eye). Tables lay themselves out to the
# width all the same (`print_table`).
console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def command_group(summary: str) -> typer.Typer:
    """A group of commands (`purldesk GROUP ...`), which shows its help when given no command."""
    return typer.Typer(help=summary, no_args_is_help=True)


def fail(message: str, code: int) -> NoReturn:
    err_console.print(f"[bold red]error:[/] {message}", markup=True)
    raise typer.Exit(code)


def exit_code(error: PurldeskError) -> int:
    return next(code for cls, code in EXIT_CODES if isinstance(error, cls))


@contextmanager
def errors_reported() -> Iterator[None]:
    """Turn purldesk's own errors into one clear line each, and an exit code."""
    try:
        yield
    except ImportRejected as error:
        for finding in error.errors:
            err_console.print(f"{error.source}: {finding}", markup=False)
        fail(str(error), exit_code(error))
    except PurldeskError as error:
        fail(str(error), exit_code(error))


class PlainTextCommand(TyperCommand):
    """A command that refuses a control character in any text option or argument (exit 2),
    and reports purldesk's errors as one line and an exit code wherever the command raises
    them."""

    def invoke(self, ctx: Any) -> Any:  # a typer.Context; its base is private to Typer
        with errors_reported():
            for name, value in ctx.params.items():
                texts = value if isinstance(value, list | tuple) else [value]
                for text in texts:
                    if isinstance(text, str):
                        check_text(name, text)
            return super().invoke(ctx)


def check_text_options(group: typer.Typer) -> None:
    """Make every plain command of `group` and of its subgroups a PlainTextCommand."""
    for command in group.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = PlainTextCommand
    for sub in group.registered_groups:
        if sub.typer_instance is not None:
            check_text_options(sub.typer_instance)


@contextmanager
def application(db: str | None) -> Iterator[Application]:
    """The wired application for one command; the database is disposed of afterwards."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from purldesk.bootstrap import build
    from purldesk.config import load_settings

    app = build(load_settings(database_url=db))
    try:
        with errors_reported():
            try:
                yield app
            except StorageUnavailable as error:
                url = app.engine.url.render_as_string(hide_password=True)
                fail(
                    f"{error} (the database {url}: is it running and reachable?)", exit_code(error)
                )
    except (OperationalError, ProgrammingError) as error:
        fail(
            f"the database {app.engine.url.render_as_string(hide_password=True)} cannot be used "
            f"({error.orig}); is it reachable, and was `purldesk db upgrade` run on it?",
            1,
        )
    finally:
        app.close()


def parse_date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(field, f"{text!r} is not a date (YYYY-MM-DD)") from None


def optional_date(text: str | None, field: str = "on") -> date | None:
    """The date given on the command line, or None for "today" (the handler's clock decides)."""
    return parse_date(text, field) if text else None


def run(app: Application, command: Command[R]) -> R:
    """Handle one command as the operator: whoever runs the command line, audited by login."""
    import getpass
    import uuid

    from purldesk.domain.access import operator

    try:
        login = getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment
        login = "operator"
    return app.run(command, actor=operator(login), request_id=f"cli-{uuid.uuid4().hex}")


def execute(db: str | None, command: Command[R]) -> R:
    """Handle one command as the operator (see `run`) on the database `db`, and give its result."""
    with application(db) as wired:
        return run(wired, command)


def read(db: str | None, query: Callable[[UnitOfWork], R]) -> R:
    """What `query` reads from the database `db` in a unit of work of its own."""
    with application(db) as wired:
        return query(wired.uow())


def day_or_today(on: str | None, now: datetime, field: str = "on") -> date:
    """The date given on the command line, or today by the application's clock."""
    return parse_date(on, field) if on else now.date()


def json_text(document: Any) -> str:
    """Stable JSON: sorted keys, two-space indent, no ASCII escaping needed by consumers."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def print_json(document: Any) -> None:
    sys.stdout.write(json_text(document))


def print_listing(
    items: Iterable[T],
    *,
    json_output: bool,
    document: Callable[[T], Any],
    columns: Sequence[str],
    row: Callable[[T], Sequence[str]],
    title: str | None = None,
) -> None:
    """The items as a JSON array of their documents, or as a table of one row each."""
    if json_output:
        print_json([document(item) for item in items])
        return
    from rich.table import Table

    table = Table(*columns, title=title)
    for item in items:
        table.add_row(*row(item))
    print_table(table)


# A cell of more words than this is free text, which may wrap between words; shorter cells
# (amounts such as "EUR 500,000,000.00", references, dates, codes) are kept on one line.
_FREE_TEXT_WORDS = 3


def print_table(table: Table) -> None:
    """Print a table whole, at any terminal width or piped: no cell is ever cut short.

    Rich elides what does not fit ("EUR 500,00…"), and a cut amount is a wrong number. So
    short cells never wrap, free text wraps only between words, nothing is elided, and a
    table that needs more than the terminal's width is printed at the width it needs.
    """
    needed = len(table.columns) + 1  # the vertical rules
    for column in table.columns:
        needed += _keep_whole(column) + 2  # the cell's padding
    width = console.width
    console.width = max(width, needed)
    try:
        console.print(table, crop=False)
    finally:
        console.width = width


def _keep_whole(column: Column) -> int:
    """Set `column` never to elide a cell; return the narrowest width that keeps it whole."""
    texts = [str(column.header), *(str(cell) for cell in column.cells)]
    column.overflow = "fold"
    if all(len(text.split()) <= _FREE_TEXT_WORDS for text in texts):
        column.no_wrap = True
        column.min_width = max(cell_len(text) for text in texts)
    else:
        column.min_width = max(cell_len(word) for text in texts for word in text.split())
    return column.min_width
