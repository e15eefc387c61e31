"""`purldesk reports`: the transparency report, statements, package reports and the Open
Contracting (OCDS) export, as JSON, CSV or XLSX, to standard output or a file.

The command line is an operator's tool and reads everything, as an auditor does; the
transparency report and the OCDS export are always the public's view all the same.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from purldesk.entrypoints.cli.common import (
    application,
    command_group,
    console,
    errors_reported,
    json_text,
    print_json,
)
from purldesk.entrypoints.cli.options import DbOption

if TYPE_CHECKING:
    from purldesk.adapters.exports.reports import Rendered, ReportFormat

app = command_group("Transparency report, contributor statements, package reports, OCDS export.")

FormatOption = Annotated[
    str, typer.Option("--format", help="json, csv or xlsx (xlsx needs --out).", show_default=True)
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Write the report to this file instead of standard output."),
]


def _format(text: str) -> ReportFormat:
    from purldesk.adapters.exports.reports import ReportFormat
    from purldesk.domain.errors import InvalidInput

    try:
        return ReportFormat(text.strip().lower())
    except ValueError:
        raise InvalidInput("format", f"{text!r} is not one of json, csv, xlsx") from None


def _write(out: Path, data: bytes) -> None:
    from purldesk.domain.errors import InvalidInput

    try:
        out.write_bytes(data)
    except OSError as error:
        raise InvalidInput("out", f"cannot write {out}: {error.strerror}") from None
    console.print(f"wrote {out} ({len(data)} bytes)")


def _emit(
    name: str, kind: str, out: Path | None, *, subject: str, db: str | None, by: str = "groups",
    public: bool = False,
) -> None:  # fmt: skip
    """The registered report as JSON, CSV or XLSX, to `out` or (text formats only) standard
    output, read by the operator (who reads everything, as an auditor does), or by the public."""
    from purldesk.adapters.exports.fair_shares import PLANNING_REPORTS
    from purldesk.adapters.exports.reports import REPORTS, Asked
    from purldesk.domain.access import OPERATOR, PUBLIC
    from purldesk.domain.text import parse_choice
    from purldesk.services.views.overview import ContributorsBy

    contributors_by = parse_choice(ContributorsBy, by, field="by")
    report = {**REPORTS, **PLANNING_REPORTS}[name]
    with application(db) as wired:
        chosen = _format(kind)
        viewer = PUBLIC if public else OPERATOR
        asked = Asked(viewer, wired.clock.now().date(), subject, contributors_by)
        _write_out(report.render(wired.reader(), asked, chosen), chosen, out)


def _write_out(rendered: Rendered, kind: ReportFormat, out: Path | None) -> None:
    """JSON to standard output or `out`; a sheet to `out`, or a CSV to standard output."""
    from purldesk.adapters.exports.reports import ReportFormat
    from purldesk.domain.errors import InvalidInput

    if rendered.document is not None:
        if out is None:
            print_json(rendered.document)
            return
        _write(out, json_text(rendered.document).encode())
        return
    if out is not None:
        _write(out, rendered.body)
    elif kind is ReportFormat.XLSX:
        raise InvalidInput("out", "an xlsx report is a binary file: give --out FILE")
    else:
        typer.echo(rendered.body.decode(), nl=False)


@app.command("transparency")
def transparency(
    kind: FormatOption = "json",
    out: OutOption = None,
    by: Annotated[
        str,
        typer.Option(
            "--by",
            help="Received money by contributor: groups (a group as one) or members (a "
            "group's money split into the parts its members gave, where it listed them).",
            show_default=True,
        ),
    ] = "groups",
    db: DbOption = None,
) -> None:
    """The public transparency report: aggregates, confidential amounts only counted."""
    _emit("transparency", kind, out, subject="", db=db, by=by)


@app.command("statement")
def statement(
    contributor: Annotated[str, typer.Argument(help="The contributor's code, such as NLD.")],
    kind: FormatOption = "json",
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """What a contributor's money bought, line by line, in full."""
    _emit("statement", kind, out, subject=contributor, db=db)


PackageArgument = Annotated[str, typer.Argument(help="Package reference, such as P-0001, or id.")]


@app.command("package")
def package(
    ref: PackageArgument, kind: FormatOption = "json", out: OutOption = None, db: DbOption = None
) -> None:
    """A package's lines, lots, prices, deliveries and who paid what, in full."""
    _emit("package", kind, out, subject=ref, db=db)


@app.command("ocds")
def ocds(
    ref: Annotated[
        str | None,
        typer.Argument(help="Package reference, such as P-0001, or id; none: every package."),
    ] = None,
    record: Annotated[
        bool,
        typer.Option("--record", help="The package's record (with its compiled release)."),
    ] = False,
    out: OutOption = None,
    db: DbOption = None,
) -> None:
    """Open Contracting (OCDS 1.1) data as the public sees it: the package's releases (one per
    change), its record with --record, or every package's releases."""
    from purldesk.adapters.exports import ocds as open_contracting
    from purldesk.adapters.exports import ocds_documents
    from purldesk.domain.errors import InvalidInput
    from purldesk.domain.packages import package_ref, parse_package_ref

    with application(db) as wired:
        published = wired.ocds_publication
        if ref is None:
            if record:
                raise InvalidInput("record", "name the package whose record to write")
            with wired.reader() as reader:
                total = reader.release_count()
            document, _ = ocds_documents.releases_document(
                wired.reader(), published, offset=0, limit=max(total, 1)
            )
        elif record:
            ocid = open_contracting.ocid(published.ocid_prefix, package_ref(parse_package_ref(ref)))
            document = ocds_documents.record_document(wired.reader(), published, ocid)
        else:
            package_id = parse_package_ref(ref)
            document = ocds_documents.package_document(wired.reader(), published, package_id)
        text = open_contracting.dumps(document) + "\n"
        if out is None:
            typer.echo(text, nl=False)
        else:
            _write(out, text.encode())


@app.command("burden-sharing")
def burden_sharing(
    kind: FormatOption = "json",
    out: OutOption = None,
    public: Annotated[
        bool,
        typer.Option(
            "--public",
            help="As the public sees it: confidential amounts, and a nation's ratios with them, "
            "withheld.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Each nation's received contributions (its parts of its groups' included) against its
    GDP, and its share of the pool against its share of the combined GDP."""
    _emit("burden-sharing", kind, out, subject="", db=db, public=public)


@app.command("forecast")
def forecast(
    kind: FormatOption = "json",
    out: OutOption = None,
    target: Annotated[
        str,
        typer.Option("--target", help="The package target in USD (default 500,000,000)."),
    ] = "",
    backtest: Annotated[
        bool,
        typer.Option(
            "--backtest",
            help="Instead: forecast from the first of each past month when --target more "
            "would come in, and compare with the day it did (JSON only).",
        ),
    ] = False,
    window: Annotated[
        int, typer.Option("--window", min=2, max=60, help="Months the pace is measured over.")
    ] = 6,
    until: Annotated[
        str, typer.Option("--until", help="With --backtest: the last day of the history.")
    ] = "",
    db: DbOption = None,
) -> None:
    """When the pool reaches the package target, and each unfunded rank of the current
    endorsed cycle is funded, at the pace of the last months' receipts (docs/FORECAST.md)."""
    if backtest:
        _backtest(target, window=window, until=until, out=out, db=db)
        return
    from purldesk.domain.errors import InvalidInput

    with errors_reported():
        for option, given in (("until", bool(until)), ("window", window != 6)):
            if given:
                raise InvalidInput(option, "is for --backtest only")
    _emit("forecast", kind, out, subject=target, db=db)


def _backtest(target: str, *, window: int, until: str, out: Path | None, db: str | None) -> None:
    from purldesk.adapters.exports import fair_shares
    from purldesk.adapters.exports.reports import Asked
    from purldesk.domain.access import OPERATOR
    from purldesk.domain.forecast import LEVEL
    from purldesk.entrypoints.cli.common import day_or_today
    from purldesk.services.views import forecast as forecasts

    with application(db) as wired:
        today = day_or_today(until or None, wired.clock.now(), field="until")
        amount = fair_shares.target_of(Asked(OPERATOR, today, target))
        result = forecasts.backtest(
            wired.reader(), viewer=OPERATOR, amount=amount, today=today, window_months=window
        )
        document = fair_shares.backtest(result, window_months=window, level=LEVEL)
        if out is None:
            print_json(document)
        else:
            _write(out, json_text(document).encode())
