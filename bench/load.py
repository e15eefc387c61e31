"""Many clients at once against `purldesk serve` on PostgreSQL, and a bare FastAPI endpoint as
the ceiling, in one run: throughput and p50/p95/p99 latency per cell.

    .venv/bin/python bench/load.py                         # 10 and 50 clients, 1 and 2 workers
    .venv/bin/python bench/load.py --seconds 15 --clients 10 50 --workers 1 2 --runs 3
    .venv/bin/python bench/load.py --mixes read --clients 50 --workers 2 --seconds 60

The demo (`purldesk demo`) is built once into a PostgreSQL database of its own,
`purldesk_load_<pid>`, kept as a template; every cell serves a fresh copy of it (`CREATE
DATABASE ... TEMPLATE`), so each starts from the same state and a write mix does not grow the
next cell's database. Both are dropped at the end.

A cell starts the server (`purldesk serve --workers N`, or the bare app on the same kind of
listening socket), then runs C clients as asyncio tasks in this process, each on one kept-alive
connection (a minimal HTTP/1.1 client on asyncio streams), each sending its next request as
soon as the last is answered, for --warmup seconds unmeasured and --seconds measured; with
--runs R every cell is measured R times, in turns, and the medians are printed. The requests
of each client come in a fixed order from a seeded random generator (--seed), so a run
repeats the same requests.

- read: GET /public (the public page), /api/v1/reports/transparency, /api/v1/contributions
  ?limit=100, /api/v1/reports/packages/1 and /api/v1/policies/NLD, in equal shares, with a
  contributor's token (the public page and the transparency report need none);
- write: a pledge (POST /api/v1/contributions) and then its receipt (POST
  /api/v1/contributions/{id}/receive), each with its own Idempotency-Key, as NLD;
- bare: GET / of a FastAPI app returning {"ok": true}, no database: the most one worker
  process gives through the same server, client and socket.

Every request begun in the measured window counts, however long it takes to end (a request
stalled past the window is waited for); any answer other than 2xx counts as an error, by
status, and a request begun before the window and answered only after it as "pending all
window". The client shares the machine with the server: on 2 cores it takes a good part of
one, so the ceiling is this client's too.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

PURLDESK = Path(sys.executable).with_name("purldesk")
DEFAULT_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
READS = (
    "/public",
    "/api/v1/reports/transparency",
    "/api/v1/contributions?limit=100",
    "/api/v1/reports/packages/1",
    "/api/v1/policies/NLD",
)
PLEDGED_ON, RECEIVED_ON = "2025-10-01", "2025-10-06"  # days the bundled ECB rates cover
PEPPER = "load-bench-pepper-of-at-least-thirty-two-characters"


@dataclass
class Cell:
    target: str  # "purldesk" or "bare"
    mix: str
    workers: int
    clients: int
    latencies_s: list[float] = field(default_factory=list)
    by_request_s: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def key(self) -> tuple[str, str, int, int]:
        return self.target, self.mix, self.workers, self.clients

    def rate(self) -> float:
        return len(self.latencies_s) / self.seconds if self.seconds else 0.0

    def percentile_ms(self, p: float) -> float | None:
        return percentile_ms(self.latencies_s, p)


def percentile_ms(times_s: list[float], p: float) -> float | None:
    ordered = sorted(times_s)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000 if ordered else None


def summary_row(runs: list[Cell]) -> str:
    """A cell's row: the median over its runs of the throughput and of each percentile."""
    first = runs[0]

    def median(values: list[float | None]) -> str:
        known = [v for v in values if v is not None]
        return f"{statistics.median(known):,.1f}" if known else "-"

    errors: dict[str, int] = {}
    for cell in runs:
        for kind, count in cell.errors.items():
            errors[kind] = errors.get(kind, 0) + count
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "0"
    return (
        f"| {first.target} | {first.mix} | {first.workers} | {first.clients} | "
        f"{median([c.rate() for c in runs])} | "
        + " | ".join(median([c.percentile_ms(p) for c in runs]) for p in (0.50, 0.95, 0.99))
        + f" | {sum(len(c.latencies_s) for c in runs):,} | {shown} |"
    )


# -- the servers ---------------------------------------------------------------------------


def bare_app() -> Any:
    """The ceiling: one cheap JSON endpoint, no database, no middleware."""
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/")
    def ok() -> dict[str, bool]:
        return {"ok": True}

    return app


def serve_bare(port: int, workers: int) -> None:
    """Serve `bare_app` as `purldesk serve` serves its app: uvicorn, warning logs, and for
    several workers the listening socket `serve` makes (with TCP_NODELAY on its connections)."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    from purldesk.entrypoints.cli.serve import listening_socket

    sys.path.insert(0, str(Path(__file__).parent))
    if workers == 1:
        uvicorn.run(bare_app(), host="127.0.0.1", port=port, log_level="warning")
        return
    config = uvicorn.Config(
        "load:bare_app", factory=True, host="127.0.0.1", port=port, workers=workers,
        log_level="warning",
    )  # fmt: skip
    Multiprocess(config, sockets=[listening_socket("127.0.0.1", port)]).run()


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.machine()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server(command: list[str], port: int, env: dict[str, str]) -> Iterator[None]:
    """The server running until the block ends; then SIGINT, which uvicorn ends on cleanly."""
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit(f"no server on port {port}: {command}") from None
                time.sleep(0.2)
        yield
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the databases -------------------------------------------------------------------------


def libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database(base: str, name: str) -> str:
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def purldesk(url: str, *args: str) -> str:
    env = {**os.environ, "PURLDESK_DATABASE_URL": url, "PURLDESK_AUTH__TOKEN_PEPPER": PEPPER}
    done = subprocess.run(
        [str(PURLDESK), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def build_template(base: str, name: str) -> str:
    """The demo (packages in every state included), and a contributor's API token."""
    with psycopg.connect(libpq(base), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = database(base, name)
    purldesk(url, "demo")
    said = purldesk(url, "users", "add", "--org", "NLD", "--role", "contributor",
                    "--name", "load-nld")  # fmt: skip
    tokens = re.findall(r"^\S{20,}$", said, flags=re.MULTILINE)
    if not tokens:
        raise SystemExit(f"no token in: {said}")
    return str(tokens[-1])


@contextlib.contextmanager
def copy_of(base: str, template: str, name: str) -> Iterator[str]:
    with psycopg.connect(libpq(base), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        admin.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    try:
        yield database(base, name)
    finally:
        with psycopg.connect(libpq(base), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


# -- the clients ---------------------------------------------------------------------------


class Failed(Exception):
    """An answer other than 2xx, or a request that could not be made."""


class Connection:
    """One kept-alive HTTP/1.1 connection, written directly on asyncio streams: httpx spends
    about 2 ms of CPU a request, which on this machine would make the client the ceiling."""

    def __init__(self, port: int, headers: dict[str, str]) -> None:
        self.port = port
        self.head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def get(self, path: str) -> bytes:
        return await self.send("GET", path, None, {})

    async def post(self, path: str, document: Any, headers: dict[str, str]) -> Any:
        return json.loads(await self.send("POST", path, json.dumps(document).encode(), headers))

    async def send(
        self, method: str, path: str, body: bytes | None, headers: dict[str, str]
    ) -> bytes:
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n{self.head}"
        head += "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        writer.write(head.encode() + b"\r\n" + (body or b""))
        await writer.drain()
        status = int((await reader.readline()).split()[1])
        fields: dict[str, str] = {}
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            fields[name.strip().lower()] = value.strip()
        if fields.get("transfer-encoding") == "chunked":
            answer = b""
            while size := int((await reader.readline()).strip(), 16):
                answer += await reader.readexactly(size + 2)
                answer = answer[:-2]
            await reader.readline()
        else:
            answer = await reader.readexactly(int(fields.get("content-length", "0")))
        if fields.get("connection") == "close":
            await self.close()
        if not 200 <= status < 300:
            raise Failed(str(status))
        return answer

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


# What a request is called in the tables, and how it is sent.
Request = tuple[str, Callable[[Connection], Awaitable[Any]]]


async def client_loop(
    cell: Cell,
    connection: Connection,
    requests: Iterator[Request],
    measuring: asyncio.Event,
    stop: asyncio.Event,
) -> None:
    while not stop.is_set():
        name, make = next(requests)
        counted = measuring.is_set()  # a request begun in the window counts, however it ends
        started = time.perf_counter()
        failure = None
        try:
            await make(connection)
        except (Failed, OSError, asyncio.IncompleteReadError, ValueError) as error:
            failure = str(error) if isinstance(error, Failed) else type(error).__name__
            await connection.close()
        elapsed = time.perf_counter() - started
        if not counted:
            if stop.is_set():  # begun before the window, ended after it: stalled throughout
                cell.errors["pending all window"] = cell.errors.get("pending all window", 0) + 1
            continue
        if failure is None:
            cell.latencies_s.append(elapsed)
            cell.by_request_s.setdefault(name, []).append(elapsed)
        else:
            cell.errors[failure] = cell.errors.get(failure, 0) + 1


def read_requests(seed: int) -> Iterator[Request]:
    rng = random.Random(seed)
    while True:
        path = rng.choice(READS)

        async def get(connection: Connection, path: str = path) -> None:
            await connection.get(path)

        yield f"GET {path}", get


def write_requests(seed: int, run: str) -> Iterator[Request]:
    """Pledge, then receive what was pledged: two requests, each with its own key."""
    rng = random.Random(seed)
    n = 0
    while True:
        n += 1
        amount = f"{rng.randint(1_000, 1_000_000)}.00"
        made: dict[str, int] = {}
        pledged = {"contributor": "NLD", "amount": amount, "currency": "EUR",
                   "pledged_on": PLEDGED_ON}  # fmt: skip

        async def pledge(connection: Connection, n: int = n, pledged: Any = pledged,
                         made: dict[str, int] = made) -> None:  # fmt: skip
            key = {"Idempotency-Key": f"{run}-{seed}-{n}-pledge"}
            made["id"] = (await connection.post("/api/v1/contributions", pledged, key))["id"]

        async def receive(connection: Connection, n: int = n,
                          made: dict[str, int] = made) -> None:  # fmt: skip
            if "id" not in made:
                raise Failed("its pledge failed")
            key = {"Idempotency-Key": f"{run}-{seed}-{n}-receive"}
            path = f"/api/v1/contributions/{made['id']}/receive"
            await connection.post(path, {"on": RECEIVED_ON}, key)

        yield "POST /api/v1/contributions", pledge
        yield "POST /api/v1/contributions/{id}/receive", receive


def bare_requests() -> Iterator[Request]:
    async def get(connection: Connection) -> None:
        await connection.get("/")

    while True:
        yield "GET /", get


async def run_cell(cell: Cell, port: int, token: str, args: argparse.Namespace) -> None:
    measuring, stop = asyncio.Event(), asyncio.Event()
    headers = {"Authorization": f"Bearer {token}"} if cell.target == "purldesk" else {}
    run = f"{os.getpid()}-{cell.mix}-{cell.workers}-{cell.clients}"
    clients = [Connection(port, headers) for _ in range(cell.clients)]

    def requests(i: int) -> Iterator[Request]:
        seed = args.seed * 1000 + i
        if cell.mix == "read":
            return read_requests(seed)
        if cell.mix == "write":
            return write_requests(seed, run)
        return bare_requests()

    tasks = [
        asyncio.create_task(client_loop(cell, c, requests(i), measuring, stop))
        for i, c in enumerate(clients)
    ]
    await asyncio.sleep(args.warmup)
    measuring.set()
    started = time.perf_counter()
    await asyncio.sleep(args.seconds)
    stop.set()
    cell.seconds = time.perf_counter() - started
    await asyncio.gather(*tasks)
    for c in clients:
        await c.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=os.environ.get("PURLDESK_TEST_POSTGRES_URL", DEFAULT_SERVER),
                        help="a PostgreSQL URL whose user may create databases")  # fmt: skip
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--clients", type=int, nargs="+", default=[10, 50])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--mixes", nargs="+", default=["bare", "read", "write"],
                        choices=["bare", "read", "write"])  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1, help="repeat every cell, in turns")
    parser.add_argument("--serve-bare", nargs=2, type=int, metavar=("PORT", "WORKERS"),
                        help=argparse.SUPPRESS)  # fmt: skip
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(*args.serve_bare)
        return
    template = f"purldesk_load_{os.getpid()}"
    print(f"building the demo into {template} ...", file=sys.stderr)
    token = build_template(args.db, template)
    cells: list[Cell] = []
    try:
        for run in range(1, args.runs + 1):
            for mix in args.mixes:
                for workers in args.workers:
                    for clients in args.clients:
                        cell = Cell("bare" if mix == "bare" else "purldesk", mix, workers, clients)
                        print(f"run {run}: {cell.target} {mix}, {workers} workers, {clients} "
                              "clients ...", file=sys.stderr)  # fmt: skip
                        measure(cell, args, template, token)
                        print(summary_row([cell]), file=sys.stderr)
                        cells.append(cell)
    finally:
        with psycopg.connect(libpq(args.db), autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(template))
            )
    report(cells, args)


def report(cells: list[Cell], args: argparse.Namespace) -> None:
    by_key: dict[tuple[str, str, int, int], list[Cell]] = {}
    for cell in cells:
        by_key.setdefault(cell.key(), []).append(cell)
    print(f"\n{platform.node()}: nproc {os.cpu_count()}, {cpu_model()}, "
          f"Python {platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{args.seconds:g} s measured after {args.warmup:g} s, {args.runs} runs in turns, "
          f"seed {args.seed}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")  # fmt: skip
    print("\nMedians over the runs; requests and errors summed over them.\n")
    print("| server | mix | workers | clients | requests/s | p50 ms | p95 ms | p99 ms "
          "| requests | errors |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for runs in by_key.values():
        print(summary_row(runs))
    print("\nBy request, every run's requests together:\n")
    print("| mix | workers | clients | request | requests | p50 ms | p99 ms |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for (_target, mix, workers, clients), runs in by_key.items():
        names = sorted({name for cell in runs for name in cell.by_request_s})
        for name in names:
            times = [t for cell in runs for t in cell.by_request_s.get(name, [])]
            p50, p99 = percentile_ms(times, 0.5), percentile_ms(times, 0.99)
            assert p50 is not None and p99 is not None
            print(f"| {mix} | {workers} | {clients} | `{name}` | {len(times):,} "
                  f"| {p50:,.1f} | {p99:,.1f} |")  # fmt: skip


def measure(cell: Cell, args: argparse.Namespace, template: str, token: str) -> None:
    port = free_port()
    if cell.target == "bare":
        command = [sys.executable, __file__, "--serve-bare", str(port), str(cell.workers)]
        with server(command, port, dict(os.environ)):
            asyncio.run(run_cell(cell, port, token, args))
        return
    with copy_of(args.db, template, f"{template}_cell") as url:
        env = {**os.environ, "PURLDESK_DATABASE_URL": url, "PURLDESK_AUTH__TOKEN_PEPPER": PEPPER}
        command = [str(PURLDESK), "serve", "--port", str(port), "--workers", str(cell.workers)]
        with server(command, port, env):
            asyncio.run(run_cell(cell, port, token, args))


if __name__ == "__main__":
    main()
