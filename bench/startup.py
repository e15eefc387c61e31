"""How long the `purldesk` command takes to start: `--help`, and a read command on the demo.

Each command runs --runs times as a fresh process (after one warm-up run each), in turns, so
that load from elsewhere falls on all of them alike; `python -c pass` in the same turns is the
floor no command can go under. Prints the median and the fastest wall time of each, and the
median CPU time (user + system), which other load on the machine disturbs less.

    .venv/bin/python bench/startup.py [--runs 15] [--purldesk .venv/bin/purldesk]

The demo database is built afresh in a temporary directory with `purldesk demo`. Bytecode
caches are allowed (PYTHONDONTWRITEBYTECODE is dropped for the children), as in any installed
copy: the warm-up run writes them, so no timed run compiles source.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run of `command`, in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each command")
    parser.add_argument(
        "--purldesk",
        default=str(Path(sys.executable).with_name("purldesk")),
        help="the purldesk executable (default: next to this Python)",
    )
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory(prefix="purldesk-startup-") as directory:
        db = f"sqlite:///{Path(directory) / 'demo.sqlite3'}"
        subprocess.run([args.purldesk, "demo", "--db", db], env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "purldesk --help": [args.purldesk, "--help"],
            "purldesk requirements list --json (demo)": [
                args.purldesk, "requirements", "list", "--json", "--db", db,
            ],
        }  # fmt: skip
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for command in commands.values():
            timed(command, env)  # warm-up: bytecode caches, the page cache
        for _ in range(args.runs):
            for name, command in commands.items():
                times[name].append(timed(command, env))
    print(f"{args.runs} runs each, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"{'command':<44} {'median s':>9} {'min s':>7} {'median CPU s':>13}")
    for name, runs in times.items():
        walls, cpus = [wall for wall, _ in runs], [cpu for _, cpu in runs]
        median, fastest, cpu = statistics.median(walls), min(walls), statistics.median(cpus)
        print(f"{name:<44} {median:>9.3f} {fastest:>7.3f} {cpu:>13.3f}")


if __name__ == "__main__":
    main()
