"""Time every page and API read on one or more databases, side by side, to see what grows.

    .venv/bin/python bench/reads.py --db sqlite:////tmp/demo.sqlite3 --db sqlite:////tmp/grown.sqlite3
    .venv/bin/python bench/reads.py --db ... --runs 7 --only public,transparency --markdown

Each database is read in a process of its own (one process reading several in turn slows the
later ones; `--profile` reads them in this one), and each request goes through the whole
application there (FastAPI's TestClient: routing, authentication, the read, templates or JSON),
`--runs` times after one warm-up; the table gives the median in milliseconds per database and
the ratio of the last to the first. By default the time is the CPU time of that process (`time.process_time`: the client, the server's threads
and SQLite, which works in-process), steadier than wall time on a shared machine; `--clock
wall` measures wall time instead (the one to use against PostgreSQL, whose work is elsewhere).
Beside the time, the rows the read fetched from the database (as the tests count them,
`tests/sql_costs.py`): a steady measure of what it reads, whatever the machine's load. The databases
are the demo (`purldesk demo`, then `purldesk allocate --cycle 2025-09 --commit`, so that it has
packages) and one grown by `bench/growth.py`. The subjects are found in each database: its
latest cycle and that cycle's first package and line, and the contributor NLD.

One user per role (organizations of the demo's participants) is added with a password, through
the `users.add` command, to log in to the dashboard and to call the API with its token. An
SQLite file is copied first and the copy is read, so the file given is left as it was; any other
database gets the users (named with a random suffix) for good.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from types import FrameType

from fastapi.testclient import TestClient
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from purldesk import bootstrap
from purldesk.config import Settings
from purldesk.domain.access import Role, operator
from purldesk.entrypoints.web.app import create_app
from purldesk.services import packages, requirements, users

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from growth import machine
from sql_costs import SqlCounter

PASSWORD = "bench-reads-password"
CONTRIBUTOR = "NLD"
ROLES: dict[str, tuple[str, Role]] = {
    "coordinator": ("NATO-NSATU", Role.COORDINATOR),
    "recipient": ("UKR", Role.RECIPIENT),
    "contributor": (CONTRIBUTOR, Role.CONTRIBUTOR),
    "supplier": ("USA", Role.SUPPLIER),
    "auditor": ("NATO-NSATU", Role.AUDITOR),
}

# (name, who asks: a role, "public" or "<role> (api)", path with {cycle}, {cycle_id},
# {package}, {sized}, {ref}, {contributor}, {restricted} filled in from each database; see
# `Subjects`)
READS: tuple[tuple[str, str, str], ...] = (
    ("public page", "public", "/public"),
    ("overview (coordinator)", "coordinator", "/"),
    ("overview (recipient)", "recipient", "/"),
    ("overview (contributor)", "contributor", "/"),
    ("overview (supplier)", "supplier", "/"),
    ("overview (auditor)", "auditor", "/"),
    ("requirements page", "recipient", "/requirements"),
    ("line history page", "recipient", "/requirements/{cycle}/lines/{ref}"),
    ("allocation preview page", "coordinator", "/requirements/{cycle}/allocation"),
    ("packages page", "coordinator", "/packages"),
    ("package page", "coordinator", "/packages/{package}"),
    ("package page (sized)", "coordinator", "/packages/{sized}"),
    ("contributions page", "coordinator", "/contributions"),
    ("statement page", "coordinator", "/statement?contributor={contributor}"),
    ("statement CSV download (export)", "coordinator", "/statement.csv?contributor={contributor}"),
    ("statement page (restricted)", "coordinator", "/statement?contributor={restricted}"),
    ("policy page", "coordinator", "/policy"),
    ("ledger page", "auditor", "/ledger"),
    ("transparency", "public", "/api/v1/reports/transparency"),
    ("burden-sharing", "public", "/api/v1/reports/burden-sharing"),
    ("forecast", "coordinator api", "/api/v1/reports/forecast"),
    ("statement report", "coordinator api", "/api/v1/reports/statements/{contributor}"),
    ("statement CSV (export)", "coordinator api",
     "/api/v1/reports/statements/{contributor}?format=csv"),
    ("package report", "coordinator api", "/api/v1/reports/packages/{package}"),
    ("package report (sized)", "coordinator api", "/api/v1/reports/packages/{sized}"),
    ("package report CSV (export)", "coordinator api",
     "/api/v1/reports/packages/{package}?format=csv"),
    ("whatif", "coordinator api", "/api/v1/whatif?cycle={cycle}"),
    ("contributions?limit=100", "coordinator api", "/api/v1/contributions?limit=100"),
    ("contributions/totals", "coordinator api", "/api/v1/contributions/totals"),
    ("packages", "coordinator api", "/api/v1/packages"),
    ("package", "coordinator api", "/api/v1/packages/{package}"),
    ("package (sized)", "coordinator api", "/api/v1/packages/{sized}"),
    ("deliveries", "coordinator api", "/api/v1/deliveries"),
    ("cycles", "coordinator api", "/api/v1/cycles"),
    ("cycle lines", "coordinator api", "/api/v1/cycles/{cycle_id}/lines"),
    ("ledger balances", "auditor api", "/api/v1/ledger/balances"),
    ("ledger entries", "auditor api", "/api/v1/ledger/entries"),
    ("audit log", "auditor api", "/api/v1/audit"),
    ("changes", "auditor api", "/api/v1/changes"),
    ("ocds releases", "auditor api", "/api/v1/ocds/releases"),
    ("ocds package", "auditor api", "/api/v1/reports/packages/{package}/ocds"),
    ("ocds package (sized)", "auditor api", "/api/v1/reports/packages/{sized}/ocds"),
    ("ledger verify (grows)", "auditor api", "/api/v1/ledger/verify"),
)  # fmt: skip


@dataclass
class Subjects:
    """What the reads name: the latest cycle, its first package, a line of it, a contributor,
    one whose money a policy restricts (its statement tells substitutions), and `sized`: the
    package paid by as many contributions as the first database's `package` (the closest
    number), so that a package's reads are also compared at the same size."""

    cycle: str
    cycle_id: int
    package: int
    payers: int
    sized: int
    ref: str
    restricted: str
    contributor: str = CONTRIBUTOR


@contextmanager
def readable_copy(url: str) -> Iterator[str]:
    """An SQLite file's copy in a temporary folder, or the URL itself."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / Path(parsed.database).name
        shutil.copyfile(parsed.database, copy)
        yield parsed.set(database=str(copy)).render_as_string(hide_password=False)


def subjects_of(app: bootstrap.Application, payers: int | None = None) -> Subjects:
    """The latest cycle, its first package (or any) and its first line; the package paid by
    the number of contributions closest to `payers` (None: the first package's)."""
    cycle = max(requirements.list_cycles(app.uow()), key=lambda c: c.id)
    lines = requirements.list_lines(app.uow(), cycle_id=cycle.id)
    made = packages.list_all(app.uow())
    ours = [p for p in made if p.cycle_id == cycle.id] or made
    if not ours:
        raise SystemExit(f"no package in {app.settings.database_url}: commit an allocation")
    first = min(ours, key=lambda p: p.id)
    paid_by = {p.id: len({a.contribution_id for a in p.attributions}) for p in made}
    wanted = paid_by[first.id] if payers is None else payers
    sized = min(made, key=lambda p: (abs(paid_by[p.id] - wanted), -p.id))
    with app.uow() as uow:
        restricted = min((v.contributor for v in uow.policies.list()), default=CONTRIBUTOR)
    return Subjects(
        cycle.name, cycle.id, first.id, paid_by[first.id], sized.id, lines[0].ref, restricted
    )


def clients(app: bootstrap.Application, client: TestClient) -> dict[str, dict[str, str]]:
    """Headers for each asker: a bearer token for the API, a session cookie for the pages."""
    suffix = secrets.token_hex(3)
    asking: dict[str, dict[str, str]] = {"public": {}}
    for role, (organization, kind) in ROLES.items():
        name = f"bench-{role}-{suffix}"
        command = users.AddUser(
            name=name, organization=organization, role=kind, token_lifetime=timedelta(days=1),
            pepper=app.settings.auth.token_pepper.get_secret_value().encode(),
            password_hash=app.passwords.hash(PASSWORD),
        )  # fmt: skip
        _, token = app.run(command, actor=operator("bench"), request_id="bench")
        asking[f"{role} api"] = {"Authorization": f"Bearer {token}"}
        client.cookies.clear()
        form = client.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
        assert csrf is not None, "no CSRF token on the login form"
        answer = client.post(
            "/login",
            data={"username": name, "password": PASSWORD, "csrf_token": csrf.group(1)},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        asking[role] = {"Cookie": f"purldesk_session={client.cookies['purldesk_session']}"}
    client.cookies.clear()
    return asking


def profile(client: TestClient, target: str, headers: dict[str, str], console: Console) -> None:
    """Where one read spends its time: purldesk's functions by share of stack samples taken
    every millisecond in every other thread (the TestClient serves from threads of its own,
    which cProfile does not see), most first, after a warm-up."""
    client.get(target, headers=headers)
    me, counts, samples = threading.get_ident(), Counter[str](), 0
    done = threading.Event()

    def sample() -> None:
        nonlocal samples
        while not done.wait(0.001):
            for thread, frame in sys._current_frames().items():
                if thread in (me, threading.get_ident()):
                    continue
                seen: set[str] = set()
                walked: FrameType | None = frame
                while walked is not None:
                    code = walked.f_code
                    if "purldesk" in code.co_filename:
                        seen.add(f"{Path(code.co_filename).name}:{code.co_name}")
                    walked = walked.f_back
                counts.update(seen)
                samples += bool(seen)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    client.get(target, headers=headers)
    done.set()
    sampler.join()
    console.print(f"[bold]{target}[/]: {samples} samples")
    for name, count in counts.most_common(25):
        console.print(f"  {100 * count / max(samples, 1):5.1f}%  {name}")


def time_reads(
    url: str,
    runs: int,
    only: set[str],
    profiled: Console | None = None,
    clock: Callable[[], float] = time.process_time,
    payers: int | None = None,
) -> tuple[dict[str, tuple[float, int]], Subjects, int]:
    """Median milliseconds and rows fetched per read on the database at `url`, its subjects
    (`sized` paid by about `payers` contributions) and ledger size."""
    with readable_copy(url) as readable:
        app = bootstrap.build(Settings(database_url=readable))
        try:
            with TestClient(create_app(app.settings, wired=app)) as client:
                subjects = subjects_of(app, payers)
                asking = clients(app, client)
                found: dict[str, tuple[float, int]] = {}
                counter = SqlCounter(app.engine)
                for name, who, path in READS:
                    if only and name not in only:
                        continue
                    target = path.format(**vars(subjects))
                    if profiled is not None:
                        profile(client, target, asking[who], profiled)
                    seconds = []
                    _, cost = counter.measure(partial(client.get, target, headers=asking[who]))
                    for run in range(runs + 1):
                        started = clock()
                        answer = client.get(target, headers=asking[who])
                        elapsed = clock() - started
                        if run:  # the first is a warm-up
                            seconds.append(elapsed)
                    # A read the database cannot answer (no policy to show: 404) is left out.
                    found[name] = (
                        statistics.median(seconds) * 1000 if answer.status_code == 200
                        else -answer.status_code,
                        cost.rows,
                    )  # fmt: skip
                total = client.get(
                    "/api/v1/ledger/entries?limit=1", headers=asking["auditor api"]
                ).json()["total"]
                return found, subjects, int(total)
        finally:
            app.close()


def database_heading(url: str, entries: int) -> str:
    """A column's heading: the database's file (or URL) and the size of its ledger."""
    return f"{Path(make_url(url).database or url).name}\n{entries:,} entries"


def ratio(values: list[float]) -> str:
    """The last value over the first, or "-" where either is missing (negative)."""
    return f"{values[-1] / values[0]:.1f}×" if min(values) > 0 else "-"


def print_markdown(header: list[str], rows: list[list[str]]) -> None:
    """A Markdown table: the first column left-aligned, the others right-aligned."""
    print("| " + " | ".join(header) + " |")
    print("|---|" + "---:|" * (len(header) - 1))
    print("\n".join("| " + " | ".join(row) + " |" for row in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", required=True, help="a database URL (repeat)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per read (default 5)")
    parser.add_argument("--only", default="", help="comma-separated names of reads to time")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table too")
    parser.add_argument("--profile", action="store_true", help="profile each read (sampling)")
    parser.add_argument("--clock", choices=("cpu", "wall"), default="cpu", help="default cpu")
    parser.add_argument(
        "--payers", type=int, default=None,
        help="how many contributions pay the (sized) package (default: the first database's)",
    )  # fmt: skip
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    console = Console()
    console.print(machine())
    results = []
    payers = args.payers  # else the first database's package's, for `sized` in the others
    clock = time.process_time if args.clock == "cpu" else time.perf_counter
    for url in args.db:
        if args.profile:
            found, subjects, entries = time_reads(url, args.runs, only, console, clock, payers)
        else:
            # Each database in a fresh process: one process reading several in turn slowed
            # the later ones (its heap grown by the earlier ones) by up to 1.8x.
            with multiprocessing.get_context("spawn").Pool(1) as fresh:
                found, subjects, entries = fresh.apply(
                    time_reads, (url, args.runs, only, None, clock, payers)
                )
        payers = subjects.payers if payers is None else payers
        console.print(f"{url}: {entries:,} ledger entries; {subjects}")
        results.append((url, found, entries))
    table = Table(title=f"median {args.clock} ms of {args.runs} runs")
    table.add_column("read")
    for url, _found, entries in results:
        table.add_column(database_heading(url, entries), justify="right")
    table.add_column("last / first", justify="right")
    for k in range(len(results)):
        table.add_column(f"rows, db {k + 1}", justify="right")
    rows = []
    for name, _who, _path in READS:
        if only and name not in only:
            continue
        values = [found[name][0] for _url, found, _entries in results]
        fetched = [f"{found[name][1]:,}" for _url, found, _entries in results]
        cells = [f"{v:,.0f}" if v >= 0 else f"HTTP {-v:.0f}" for v in values]
        rows.append([name, *cells, ratio(values), *fetched])
        table.add_row(*rows[-1])
    console.print(table)
    if args.markdown:
        dbs = range(1, len(results) + 1)
        print_markdown(
            ["read", *(f"db {k} (ms)" for k in dbs), "last / first",
             *(f"rows, db {k}" for k in dbs)],
            rows,
        )  # fmt: skip


if __name__ == "__main__":
    main()
