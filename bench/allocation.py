"""Benchmark the allocation engine against the HiGHS sequential-MIP baseline.

    .venv/bin/python bench/allocation.py                       # the documented table
    .venv/bin/python bench/allocation.py --sizes 1000x60 --repeats 3 --mip-time-limit 20

Instances are random but seeded: 4 aid classes x 10 areas, about 30% of funds restricted,
money about half of the demand so the interesting middle (partly funded, re-routed) is large.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from purldesk.allocation import mip, problem_to_json, result_to_json, solve
from purldesk.allocation.problem import AidClass, AllocationProblem, Fund, FundId, Line, LineId

AREAS = [
    "air_defence",
    "artillery",
    "armour",
    "engineering",
    "logistics",
    "medical",
    "naval",
    "signals",
    "training",
    "uav",
]
CLASSES = list(AidClass)
CLASS_WEIGHTS = [1, 3, 4, 4]
RESTRICTED_CLASSES = [
    frozenset({AidClass.HUMANITARIAN}),
    frozenset({AidClass.HUMANITARIAN, AidClass.NONLETHAL}),
    frozenset({AidClass.NONLETHAL}),
    frozenset({AidClass.NONLETHAL, AidClass.DEFENSIVE}),
    frozenset({AidClass.DEFENSIVE}),
]
ROOT = Path(__file__).resolve().parent.parent


def make_instance(
    *, n_lines: int, n_funds: int, seed: int, money_ratio: float = 0.5
) -> AllocationProblem:
    """A seeded, roughly realistic instance."""
    rng = random.Random(seed)
    lines = []
    demand = 0
    for k in range(n_lines):
        price = int(10 ** rng.uniform(5, 8.7))
        lots = rng.randint(1, 20)
        demand += price * lots
        lines.append(
            Line(
                id=LineId(f"L-{k:06d}"),
                rank=rng.randint(1, max(1, n_lines // 3)),
                aid_class=rng.choices(CLASSES, CLASS_WEIGHTS)[0],
                area=rng.choice(AREAS),
                lot_price_minor=price,
                lots=lots,
            )
        )
    weights = [10 ** rng.uniform(0, 2) for _ in range(n_funds)]
    scale = demand * money_ratio / sum(weights)
    funds = []
    for k in range(n_funds):
        aid_classes = areas = None
        if rng.random() < 0.3:
            kind = rng.random()
            if kind < 0.5:
                aid_classes = rng.choice(RESTRICTED_CLASSES)
            elif kind < 0.8:
                areas = frozenset(rng.sample(AREAS, rng.randint(1, 3)))
            else:
                aid_classes = rng.choice(RESTRICTED_CLASSES)
                areas = frozenset(rng.sample(AREAS, rng.randint(2, 5)))
        funds.append(
            Fund(
                id=FundId(f"F-{k:03d}"),
                contributor=f"C{k % 40:02d}",
                available_minor=int(weights[k] * scale),
                aid_classes=aid_classes,
                areas=areas,
            )
        )
    return AllocationProblem(currency="USD", lines=tuple(lines), funds=tuple(funds))


def time_engine(problem: AllocationProblem, repeats: int) -> tuple[float, dict[str, int]]:
    times = []
    lots: dict[str, int] = {}
    for _ in range(repeats):
        started = time.perf_counter()
        result = solve(problem)
        times.append(time.perf_counter() - started)
        lots = {x.id: x.funded_lots for x in result.lines}
    return statistics.median(times), lots


def cli_command() -> list[str]:
    script = ROOT / ".venv" / "bin" / "purldesk"
    if script.exists():
        probe = subprocess.run(
            [str(script), "allocate", "--help"], capture_output=True, text=True, check=False
        )
        if probe.returncode == 0:
            return [str(script), "allocate"]
    code = (
        "import sys, typer\n"
        "from purldesk.entrypoints.cli.allocate import register\n"
        "app = typer.Typer()\n"
        "register(app)\n"
        "app.command('noop')(lambda: None)\n"
        "app(sys.argv[1:])\n"
    )
    return [sys.executable, "-c", code, "allocate"]


def time_process(problem: AllocationProblem, repeats: int) -> tuple[float, str]:
    command = cli_command()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "problem.json"
        path.write_text(json.dumps(problem_to_json(problem)), encoding="utf-8")
        expected = json.dumps(result_to_json(solve(problem)), sort_keys=True, separators=(",", ":"))
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            out = subprocess.run(
                [*command, "--input", str(path), "--json"],
                capture_output=True,
                text=True,
                check=True,
            )
            times.append(time.perf_counter() - started)
            if out.stdout.strip() != expected:
                raise SystemExit("the CLI printed a different result than the engine")
    shown = " ".join(Path(c).name if k == 0 else c for k, c in enumerate(command[:1]))
    label = f"{shown} allocate" if len(command) == 2 else "python -c <typer app> allocate"
    return statistics.median(times), label


def machine() -> str:
    model = "unknown"
    try:
        for row in Path("/proc/cpuinfo").read_text().splitlines():
            if row.startswith("model name"):
                model = row.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"nproc {os.cpu_count()}, {model}, Python {platform.python_version()} "
        f"({platform.python_implementation()}), {platform.system()} {platform.machine()}"
    )


def parse_size(text: str) -> tuple[int, int]:
    n_lines, _, n_funds = text.partition("x")
    return int(n_lines), int(n_funds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="1000x60,1000x200,10000x60,10000x200,100000x60,100000x200",
        help="comma-separated LINESxFUNDS",
    )
    parser.add_argument("--repeats", type=int, default=5, help="engine runs per size (median)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--mip-time-limit", type=float, default=30.0, help="seconds per MIP run")
    parser.add_argument(
        "--mip-max-lines", type=int, default=10000, help="skip the MIP above this many lines"
    )
    parser.add_argument("--process-size", default="10000x60", help="size timed as a process")
    parser.add_argument("--process-repeats", type=int, default=5)
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    sizes = [parse_size(size) for size in args.sizes.split(",")]
    instances = {
        size: make_instance(n_lines=size[0], n_funds=size[1], seed=args.seed) for size in sizes
    }
    # Engine timings first, then the process, then HiGHS: its worker threads must not share
    # the cores with the engine's timed runs.
    engine: dict[tuple[int, int], tuple[float, dict[str, int]]] = {}
    for size in sizes:
        engine[size] = time_engine(instances[size], args.repeats)
    n_lines, n_funds = parse_size(args.process_size)
    problem = make_instance(n_lines=n_lines, n_funds=n_funds, seed=args.seed)
    process_seconds, label = time_process(problem, args.process_repeats)

    print()
    print("| lines | funds | engine median (s) | ms per 1k lines | funded lines | MIP (s) | MIP |")
    print("|---:|---:|---:|---:|---:|---:|---|")
    for size in sizes:
        seconds, lots = engine[size]
        funded = sum(1 for v in lots.values() if v)
        if size[0] > args.mip_max_lines:
            mip_time, agrees = "skipped", f"not run (> {args.mip_max_lines:,} lines)"
        else:
            outcome = mip.solve_lexicographic(instances[size], time_limit_s=args.mip_time_limit)
            same = all(lots[k] == v for k, v in outcome.funded_lots.items())
            verdict = "same result" if same else "**DIFFERENT**"
            mip_time = f"{outcome.seconds:.2f}"
            if outcome.complete:
                agrees = verdict
            else:
                agrees = f"time limit after {len(outcome.funded_lots):,} lines; {verdict} on those"
        per_k = 1000 * seconds / size[0] * 1000
        print(
            f"| {size[0]:,} | {size[1]} | {seconds:.3f} | {per_k:.1f} | {funded:,} "
            f"| {mip_time} | {agrees} |",
            flush=True,
        )
    print()
    print(
        f"whole process `{label} --input <file> --json`, {n_lines:,} x {n_funds}: "
        f"median {process_seconds:.3f} s over {args.process_repeats} runs"
    )
    if label.startswith("python"):
        print("(console script not wired yet; timed a Typer app calling register())")


if __name__ == "__main__":
    main()
