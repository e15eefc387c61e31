"""Reference baseline: the lexicographic optimum by sequential HiGHS MIP solves.

The model: lots `x_i` (integers), money `y[f, t]` from fund `f` to type `t` where eligible;
per type, the lines' cost equals the money it gets; per fund, the money it gives is at most
its money; the cap bounds the total cost, and each limited item's units bound
`Σ units_per_lot × x_i` over the lines of that item.

Used by tests and the benchmark to check the engine; the engine itself never imports this.
Rows are scaled so the floating-point model stays well conditioned; lot counts are read back
rounded, so this is a check, not an exact authority on huge amounts.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import highspy

from purldesk.allocation.problem import AllocationProblem, LineId

_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class MipOutcome:
    """Lots per line id as far as the solver got; `complete` is False on a time-out."""

    funded_lots: dict[LineId, int]
    complete: bool
    solves: int
    seconds: float


@dataclass(slots=True)
class _Model:
    highs: highspy.Highs
    x_cols: list[int]
    z_col: int


def _build(problem: AllocationProblem, *, minmax: bool) -> _Model:
    lines = sorted(problem.lines, key=lambda line: (line.rank, line.id))
    funds = sorted(problem.funds, key=lambda fund: fund.id)
    kinds = sorted({(line.aid_class, line.area) for line in lines})
    kind_of = {key: t for t, key in enumerate(kinds)}
    inf = highspy.kHighsInf
    # Row scaling keeps coefficients near 1: y[f, t] is measured in units of the dearest lot
    # of type t, fund rows are divided by the fund's money and the cap row by the cap.
    unit = [1.0] * len(kinds)
    for line in lines:
        t = kind_of[(line.aid_class, line.area)]
        unit[t] = max(unit[t], float(line.lot_price_minor))
    cap = problem.cap_minor
    cap_scale = float(max(cap or 0, 1))
    # One row per limited item that some line draws on: its lines' units, scaled by its units.
    limited = sorted(
        {line.item for line in lines if line.item is not None}.intersection(problem.units_available)
    )

    # Columns: x_i (lots), then y[f, t], then z (the largest utilisation, min-max model only).
    cols: list[tuple[float, float, list[tuple[int, float]]]] = []  # (lower, upper, entries)
    n_kinds = len(kinds)
    fund_row = n_kinds
    cap_row = n_kinds + len(funds)
    item_row = {item: cap_row + (cap is not None) + k for k, item in enumerate(limited)}
    units_scale = {item: float(max(problem.units_available[item], 1)) for item in limited}
    for line in lines:
        t = kind_of[(line.aid_class, line.area)]
        entries = [(t, -line.lot_price_minor / unit[t])]
        if cap is not None:
            entries.append((cap_row, line.lot_price_minor / cap_scale))
        if line.item is not None and line.item in item_row:
            entries.append((item_row[line.item], line.units_per_lot / units_scale[line.item]))
        cols.append((0.0, 0.0, entries))
    for f, fund in enumerate(funds):
        for t, (aid_class, area) in enumerate(kinds):
            eligible = (fund.aid_classes is None or aid_class in fund.aid_classes) and (
                fund.areas is None or area in fund.areas
            )
            if eligible and fund.available_minor:
                cols.append((0.0, inf, [(t, 1.0), (fund_row + f, unit[t] / fund.available_minor)]))
    z_col = len(cols)
    if minmax:
        cols.append(
            (
                0.0,
                inf,
                [(fund_row + f, -1.0) for f, fund in enumerate(funds) if fund.available_minor],
            )
        )

    n_rows = n_kinds + len(funds) + (1 if cap is not None else 0) + len(limited)
    row_lower = [0.0] * n_kinds + [-inf] * len(funds)
    if minmax:
        row_upper = [0.0] * n_kinds + [0.0] * len(funds)
    else:
        row_upper = [0.0] * n_kinds + [1.0] * len(funds)
    if cap is not None:
        row_lower.append(-inf)
        row_upper.append(cap / cap_scale)
    for item in limited:
        row_lower.append(-inf)
        row_upper.append(problem.units_available[item] / units_scale[item])

    lp = highspy.HighsLp()
    lp.num_col_ = len(cols)
    lp.num_row_ = n_rows
    lp.col_cost_ = [0.0] * len(cols)
    lp.col_lower_ = [c[0] for c in cols]
    lp.col_upper_ = [c[1] for c in cols]
    lp.row_lower_ = row_lower
    lp.row_upper_ = row_upper
    start, index, value = [0], [], []
    for _, _, entries in cols:
        for r, v in sorted(entries):
            index.append(r)
            value.append(v)
        start.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = start
    lp.a_matrix_.index_ = index
    lp.a_matrix_.value_ = value
    lp.integrality_ = [highspy.HighsVarType.kInteger] * len(lines) + [
        highspy.HighsVarType.kContinuous
    ] * (len(cols) - len(lines))
    highs = highspy.Highs()  # type: ignore[no-untyped-call]
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("mip_rel_gap", 0.0)
    for option in ("primal_feasibility_tolerance", "mip_feasibility_tolerance"):
        highs.setOptionValue(option, 1e-9)
    highs.passModel(lp)
    return _Model(highs=highs, x_cols=list(range(len(lines))), z_col=z_col)


def solve_lexicographic(problem: AllocationProblem, *, time_limit_s: float = 60.0) -> MipOutcome:
    """Maximise each line's lots in `(rank, id)` order, fixing it before the next solve."""
    started = time.perf_counter()
    lines = sorted(problem.lines, key=lambda line: (line.rank, line.id))
    model = _build(problem, minmax=False)
    highs = model.highs
    highs.changeObjectiveSense(highspy.ObjSense.kMaximize)
    funded: dict[LineId, int] = {}
    solves = 0
    for i, line in enumerate(lines):
        left = time_limit_s - (time.perf_counter() - started)
        if left <= 0:
            return MipOutcome(funded, False, solves, time.perf_counter() - started)
        col = model.x_cols[i]
        lots = 0
        if line.lots:
            highs.setOptionValue("time_limit", left)
            highs.changeColBounds(col, 0.0, float(line.lots))
            highs.changeColCost(col, 1.0)
            highs.run()
            solves += 1
            status = highs.getModelStatus()
            if status == highspy.HighsModelStatus.kTimeLimit:
                return MipOutcome(funded, False, solves, time.perf_counter() - started)
            if status != highspy.HighsModelStatus.kOptimal:
                raise RuntimeError(f"HiGHS: {highs.modelStatusToString(status)} at {line.id}")
            value = highs.getSolution().col_value[col]
            lots = max(0, min(line.lots, math.floor(value + _EPS)))
            highs.changeColCost(col, 0.0)
        highs.changeColBounds(col, float(lots), float(lots))
        funded[line.id] = lots
    return MipOutcome(funded, True, solves, time.perf_counter() - started)


def min_max_utilisation(problem: AllocationProblem, funded_lots: dict[LineId, int]) -> float:
    """The smallest possible largest `used / available` over funds, paying `funded_lots`."""
    lines = sorted(problem.lines, key=lambda line: (line.rank, line.id))
    model = _build(problem, minmax=True)
    highs = model.highs
    for i, line in enumerate(lines):
        lots = float(funded_lots[line.id])
        highs.changeColBounds(model.x_cols[i], lots, lots)
    highs.changeColCost(model.z_col, 1.0)
    highs.changeObjectiveSense(highspy.ObjSense.kMinimize)
    highs.run()
    status = highs.getModelStatus()
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"HiGHS: {highs.modelStatusToString(status)}")
    return float(highs.getSolution().col_value[model.z_col])
