"""Latency of keep-alive requests to `purldesk serve`, one and several workers.

Each configuration serves a fresh empty database on a free port; one client sends --requests
GET /healthz on a single kept-alive connection (after 10 unmeasured ones) and the median
round trip is taken; configurations run in turns, --runs times, and the median of the run
medians is printed. "uvicorn's socket" is the same multi-worker app started by
`uvicorn.run(..., workers=N)` itself, for comparison in the same run.

    .venv/bin/python bench/keepalive.py [--runs 5] [--requests 200] [--workers 2]
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PURLDESK = Path(sys.executable).with_name("purldesk")
UVICORN_OWN_SOCKET = (
    "import sys, uvicorn; uvicorn.run("
    "'purldesk.entrypoints.web.app:create_app_from_environment', factory=True, "
    "host='127.0.0.1', port=int(sys.argv[1]), workers=int(sys.argv[2]), log_level='warning')"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def median_round_trip(port: int, requests: int) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for k in range(requests + 10):
        started = time.perf_counter()
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        if k >= 10:
            times.append(time.perf_counter() - started)
    connection.close()
    return statistics.median(times)


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"no server on port {port}")


def measure(command: list[str], port: int, env: dict[str, str], requests: int) -> float:
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_until_up(port)
        return median_round_trip(port, requests)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        env = {**os.environ, "PURLDESK_DATABASE_URL": url, "PURLDESK_AUTH__TOKEN_PEPPER": "bench"}
        subprocess.run([str(PURLDESK), "db", "upgrade"], env=env, check=True)
        configurations = {
            "serve, 1 worker": lambda port: [str(PURLDESK), "serve", "--port", str(port)],
            f"serve, {args.workers} workers": lambda port: [
                str(PURLDESK), "serve", "--port", str(port), "--workers", str(args.workers)
            ],
            f"uvicorn's socket, {args.workers} workers": lambda port: [
                sys.executable, "-c", UVICORN_OWN_SOCKET, str(port), str(args.workers)
            ],
        }  # fmt: skip
        results: dict[str, list[float]] = {name: [] for name in configurations}
        for _ in range(args.runs):
            for name, command in configurations.items():
                port = free_port()
                results[name].append(measure(command(port), port, env, args.requests))
    for name, medians in results.items():
        print(f"{name:<32} median round trip {statistics.median(medians) * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
