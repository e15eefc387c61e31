"""`purldesk fx`: reference rates per euro, loaded from the ECB or recorded from another source."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from purldesk.entrypoints.cli.common import (
    command_group,
    console,
    execute,
    parse_date,
    print_listing,
    read,
)
from purldesk.entrypoints.cli.options import DbOption, JsonOption

if TYPE_CHECKING:
    from purldesk.domain.rates import FxRate

app = command_group("Load, record and show the reference rates conversions use.")

ECB_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"


@app.command("update")
def update(
    file: Annotated[
        Path | None,
        typer.Option("--file", help="An eurofxref-hist CSV or ZIP; without it, the ECB's."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Load the ECB's reference rates; loading the same rates again changes nothing."""
    from rich.progress import Progress

    from purldesk.adapters.imports.ecb_rates import ecb_text, parse_ecb_rates
    from purldesk.services import rates

    content, name = (_download(), ECB_URL) if file is None else (_read(file), file.name)
    text = ecb_text(content)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("reading rates", total=text.count("\n"))
        rows = parse_ecb_rates(text, progress=lambda days: progress.advance(task, days))
    loaded = execute(db, rates.Update(rows=tuple(rows), source_name=name))
    last = f", the latest of {loaded.last_date}" if loaded.last_date else ""
    console.print(f"{loaded.added} new rate(s) of {loaded.given} read{last}")


def _read(file: Path) -> bytes:
    from purldesk.domain.errors import InvalidInput

    try:
        return file.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(str(file), "no such file") from None
    except OSError as error:
        raise InvalidInput(str(file), error.strerror or "cannot be read") from None


def _download() -> bytes:
    import urllib.request

    from purldesk.entrypoints.cli.common import fail

    try:
        with urllib.request.urlopen(ECB_URL, timeout=60) as response:
            body: bytes = response.read()
            return body
    except OSError as error:
        fail(f"cannot fetch {ECB_URL} ({error}); give a file with --file", 1)


@app.command("set")
def set_(
    currency: Annotated[str, typer.Argument(help="ISO 4217 code, such as UAH.")],
    on: Annotated[str, typer.Argument(help="Date of the rate (YYYY-MM-DD).")],
    rate: Annotated[str, typer.Argument(help="Units of the currency per euro, like the ECB's.")],
    source: Annotated[str, typer.Option("--source", help="The official source, such as the NBU.")],
    db: DbOption = None,
) -> None:
    """Record a rate per euro from another official source, for a currency the ECB lacks."""
    from purldesk.domain.indicators import parse_value
    from purldesk.services import rates

    command = rates.SetRate(
        currency=currency.upper(), rate_date=parse_date(on, "date"), per_eur=parse_value(rate, field="rate"),
        source=source,
    )  # fmt: skip
    recorded = execute(db, command)
    console.print(f"recorded {recorded.describe()}")


@app.command("show")
def show(
    currency: Annotated[str | None, typer.Argument(help="Only this currency.")] = None,
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """The latest stored rate of each currency, with its date and source."""
    from purldesk.services import rates

    found = read(db, lambda uow: rates.latest_rates(uow, currency=currency and currency.upper()))

    def document(r: FxRate) -> dict[str, str]:
        return {
            "currency": r.currency, "rate_date": r.rate_date.isoformat(),
            "per_eur": str(r.per_eur), "source": r.source,
            "loaded_at": r.loaded_at.isoformat(),
        }  # fmt: skip

    def row(r: FxRate) -> tuple[str, ...]:
        return (r.currency, str(r.per_eur), r.rate_date.isoformat(), r.source)

    print_listing(
        found, json_output=json_output, document=document,
        columns=("currency", "per EUR", "date", "source"), row=row,
    )  # fmt: skip
