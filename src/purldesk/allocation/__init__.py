"""The allocation engine: which lines are funded, by whom, and why the rest are not."""

from purldesk.allocation.documents import parse_problem, problem_to_json, result_to_json
from purldesk.allocation.engine import solve
from purldesk.allocation.problem import (
    AidClass,
    AllocationProblem,
    AllocationResult,
    Blocked,
    Fund,
    FundUsage,
    InvalidProblem,
    Line,
    LineAllocation,
)

__all__ = [
    "AidClass",
    "AllocationProblem",
    "AllocationResult",
    "Blocked",
    "Fund",
    "FundUsage",
    "InvalidProblem",
    "Line",
    "LineAllocation",
    "parse_problem",
    "problem_to_json",
    "result_to_json",
    "solve",
]
