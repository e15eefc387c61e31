"""How a write the database broke off is tried again: a bounded number of attempts, waiting
between them with exponential backoff and full jitter (so writers that failed together do not
come back together). `handle` is the one place that retries; the clock's sleep and the
randomness come from the composition root."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from purldesk.domain.errors import StorageUnavailable


@dataclass(frozen=True, slots=True)
class Retries:
    """Up to `attempts` tries in all; before the n-th retry, a wait drawn uniformly below
    min(`longest_wait_s`, `first_wait_s` × 2ⁿ⁻¹)."""

    attempts: int
    first_wait_s: float
    longest_wait_s: float
    sleep: Callable[[float], None]
    jitter: Callable[[], float]  # uniform in [0, 1)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("at least one attempt")

    def wait_s(self, failures: int) -> float:
        """How long to wait after the `failures`-th failed attempt."""
        ceiling = min(self.longest_wait_s, self.first_wait_s * 2.0 ** (failures - 1))
        return ceiling * self.jitter()

    def may_retry(self, error: StorageUnavailable, *, failures: int, replayable: bool) -> bool:
        """Whether to try again after `failures` failed attempts, the last with `error`.

        A transaction whose COMMIT lost its connection may have been written: it is tried
        again only when the retry would replay it (`replayable`: an idempotency key that
        stores the response), never run a second time.
        """
        if not error.retryable or failures >= self.attempts:
            return False
        return replayable or not error.outcome_unknown


def _no_wait(_seconds: float) -> None:
    return None


# One attempt: what a Context gets unless the composition root hands it a policy.
ONCE = Retries(attempts=1, first_wait_s=0, longest_wait_s=0, sleep=_no_wait, jitter=float)
