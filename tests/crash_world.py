"""The crash harness: `purldesk serve` under clients that move money, SIGKILLed and restarted.

Clients pledge and then record the receipt of what they pledged, over the API, each request
with an idempotency key of its own; a request that gets no answer (the server was killed) or a
503 is sent again with the same key until it is answered, unless the client gives it up (now and
then, to leave writes that were never acknowledged). Meanwhile the server is SIGKILLed at random
moments and started again. At the end, every acknowledged pledge and receipt is in the database
exactly once, no write is half there (each contribution carries exactly the ledger entries and
the audit entries of what it went through), and the ledger and the audit log verify.

Used by tests/integration/test_crash_kills.py (a few kills) and bench/crash.py (many).
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from typer.testing import CliRunner

from purldesk.bootstrap import Application, build
from purldesk.config import load_settings
from purldesk.domain import ledger
from purldesk.domain.access import Role, operator
from purldesk.domain.contributions import Contribution, ContributionStatus
from purldesk.domain.participants import (
    Participant,
    ParticipantCode,
    ParticipantKind,
    ParticipantStatus,
)
from purldesk.entrypoints.cli.app import app as cli
from purldesk.services import audit, contributions, participants, users
from purldesk.services import ledger as ledger_service

PURLDESK = Path(sys.executable).with_name("purldesk")
NATIONS = ("NLD", "DEU", "FRA", "POL", "SWE", "NOR", "DNK", "FIN", "CAN", "BEL", "ESP", "ITA")
# A day the bundled ECB rates cover, for pledges and receipts alike.
ON = "2025-08-04"
CURRENCIES = ("USD", "EUR")


@dataclass(frozen=True, slots=True)
class Plan:
    """How a crash run goes: `kills` SIGKILLs, each after a random `between_s` of load."""

    kills: int = 3
    clients: int = 4
    between_s: tuple[float, float] = (0.5, 2.0)
    give_up: float = 0.1  # how often a client abandons a request the server did not answer
    seed: int = 1


@dataclass
class Tally:
    """What the clients were told, and what they gave up on."""

    pledged: dict[str, tuple[int, str, int]] = field(default_factory=dict)  # key: id, cur, minor
    received: dict[str, int] = field(default_factory=dict)  # key: contribution id
    abandoned_pledges: set[str] = field(default_factory=set)
    abandoned_receipts: dict[str, int] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    aborted: threading.Event = field(default_factory=threading.Event)  # the run failed

    def answered(self) -> int:
        with self.lock:
            return len(self.pledged) + len(self.received)


@dataclass
class Outcome:
    """A crash run's figures and every finding of its checks (none: it held)."""

    kills: int
    pledges: int
    receipts: int
    abandoned: int
    retries: int
    lost: int = 0
    duplicated: int = 0
    findings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"acknowledged: {self.pledges} pledges, {self.receipts} receipts; kills: {self.kills}; "
            f"requests sent again: {self.retries}; given up: {self.abandoned}; "
            f"lost: {self.lost}; duplicated: {self.duplicated}; findings: {len(self.findings)}"
        )


def seed(url: str, clients: int) -> list[str]:
    """Contributors and one API user per client on the migrated database at `url`: tokens."""
    wired = build(load_settings(database_url=url))
    try:
        codes = NATIONS[: min(clients, len(NATIONS))]
        participants.add_many(
            wired.uow(),
            participants=[
                Participant(ParticipantCode(code), code, ParticipantKind.ALLY,
                            ParticipantStatus.JOINED)
                for code in codes
            ],
        )  # fmt: skip
        tokens = []
        for n in range(clients):
            command = users.AddUser(
                name=f"client-{n}", organization=codes[n % len(codes)], role=Role.CONTRIBUTOR,
                token_lifetime=timedelta(days=1),
                pepper=wired.settings.auth.token_pepper.get_secret_value().encode(),
            )  # fmt: skip
            _, token = wired.run(command, actor=operator("crash"), request_id="crash-seed")
            tokens.append(token)
        return tokens
    finally:
        wired.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`purldesk serve` on `url`, on one port across restarts; its output goes to `log`."""

    def __init__(self, url: str, log: Path) -> None:
        self.url, self.log = url, log
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "PURLDESK_DATABASE_URL": self.url}
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [str(PURLDESK), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def _wait_until_up(self, timeout_s: float = 60) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"purldesk serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.05)  # still starting
        raise RuntimeError(f"purldesk serve did not answer in {timeout_s} s; see {self.log}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, transactions in flight cut off."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Client(threading.Thread):
    """Pledges, then records the receipt of what it pledged, until told to stop."""

    def __init__(
        self, n: int, token: str, base: str, tally: Tally, plan: Plan, stop: threading.Event
    ) -> None:
        super().__init__(name=f"client-{n}", daemon=True)
        self.n, self.tally, self.plan, self.stop = n, tally, plan, stop
        self.random = random.Random(plan.seed * 1000 + n)
        self.http = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
        )
        self.organization = NATIONS[n % min(plan.clients, len(NATIONS))]

    def run(self) -> None:
        count = 0
        try:
            while not self.stop.is_set():
                count += 1
                self.one_contribution(f"c{self.n}-{count}")
        finally:
            self.http.close()

    def one_contribution(self, name: str) -> None:
        currency = self.random.choice(CURRENCIES)
        minor = self.random.randrange(100_00, 10_000_000_00)
        body = {
            "contributor": self.organization, "amount": f"{minor // 100}.{minor % 100:02d}",
            "currency": currency, "pledged_on": ON, "purpose": f"{name}-pledge",
        }  # fmt: skip
        pledged = self.send("/api/v1/contributions", body, key=f"{name}-pledge")
        if pledged is None:
            with self.tally.lock:
                self.tally.abandoned_pledges.add(f"{name}-pledge")
            return
        with self.tally.lock:
            self.tally.pledged[f"{name}-pledge"] = (pledged["id"], currency, minor)
        path = f"/api/v1/contributions/{pledged['id']}/receive"
        received = self.send(path, {"on": ON}, key=f"{name}-receipt")
        with self.tally.lock:
            if received is None:
                self.tally.abandoned_receipts[f"{name}-receipt"] = pledged["id"]
            else:
                self.tally.received[f"{name}-receipt"] = received["id"]

    def send(self, path: str, body: dict[str, Any], *, key: str) -> dict[str, Any] | None:
        """The answer to `body` at `path`, sent with `key` until answered; None if given up."""
        while True:
            try:
                response = self.http.post(path, json=body, headers={"Idempotency-Key": key})
            except httpx.ConnectError:
                if self.tally.aborted.is_set():  # the server will not come back
                    return None
                time.sleep(0.05)  # the server is not up (yet): nothing was sent
                continue
            except httpx.TransportError:
                response = None  # sent, and cut off by a kill: it may or may not have been done
            if response is not None and response.status_code in (200, 201):
                answer: dict[str, Any] = response.json()
                return answer
            if response is not None and response.status_code != 503:
                with self.tally.lock:
                    self.tally.unexpected.append(f"{key}: {response.status_code} {response.text}")
                return None
            if response is None and self.random.random() < self.plan.give_up:
                return None
            with self.tally.lock:
                self.tally.retries += 1  # it will be sent again, with the same key
            time.sleep(self.random.uniform(0.05, 0.2))  # then the same request again


def run(url: str, plan: Plan, *, log: Path, say: Callable[[str], None] = print) -> Outcome:
    """One crash run on the fresh, migrated database at `url`; see the module docstring."""
    tokens = seed(url, plan.clients)
    server = Server(url, log)
    tally, stop = Tally(), threading.Event()
    chance = random.Random(plan.seed)
    server.start()
    clients = [Client(n, t, server.base, tally, plan, stop) for n, t in enumerate(tokens)]
    for client in clients:
        client.start()
    try:
        for kill in range(1, plan.kills + 1):
            _wait_for_an_answer(tally)  # so that the kill falls among the clients' writes
            time.sleep(chance.uniform(*plan.between_s))
            server.kill()
            say(f"kill {kill}/{plan.kills}: {tally.answered()} writes acknowledged")
            server.start()
        _wait_for_an_answer(tally)
    except BaseException:
        tally.aborted.set()
        raise
    finally:
        stop.set()
        for client in clients:
            client.join(timeout=120)
        server.stop()
    if any(client.is_alive() for client in clients):
        raise RuntimeError(f"a client did not finish; see {log}")
    return check(url, tally, kills=plan.kills)


def _wait_for_an_answer(tally: Tally, timeout_s: float = 60) -> None:
    """Until a client is told a write was done (the restarted server is at work)."""
    before, deadline = tally.answered(), time.monotonic() + timeout_s
    while tally.answered() == before:
        if time.monotonic() > deadline:
            raise RuntimeError(f"no write was acknowledged in {timeout_s} s")
        time.sleep(0.02)


def check(url: str, tally: Tally, *, kills: int) -> Outcome:
    """Hold the database against what the clients were told."""
    outcome = Outcome(
        kills=kills, pledges=len(tally.pledged), receipts=len(tally.received),
        abandoned=len(tally.abandoned_pledges) + len(tally.abandoned_receipts),
        retries=tally.retries, findings=list(tally.unexpected),
    )  # fmt: skip
    wired = build(load_settings(database_url=url))
    try:
        found = contributions.list_all(wired.uow())
        by_purpose: dict[str, list[Contribution]] = {}
        for made in found:
            by_purpose.setdefault(made.purpose, []).append(made)
        _check_pledges(outcome, tally, by_purpose)
        _check_receipts(outcome, tally, {c.id: c for c in found})
        _check_ledger_and_audit(outcome, wired, found)
    finally:
        wired.close()
    return outcome


def _check_pledges(outcome: Outcome, tally: Tally, by_purpose: dict[str, list[Any]]) -> None:
    for key, (made_id, currency, minor) in tally.pledged.items():
        stored = by_purpose.get(key, [])
        if not stored:
            outcome.lost += 1
            outcome.findings.append(f"acknowledged pledge {key} (id {made_id}) is missing")
        elif len(stored) > 1:
            outcome.duplicated += 1
            outcome.findings.append(f"pledge {key} is stored {len(stored)} times")
        elif (stored[0].id, stored[0].amount.currency, stored[0].amount.minor) != (
            made_id, currency, minor,
        ):  # fmt: skip
            outcome.findings.append(f"pledge {key} is stored as {stored[0]}")
    for key in tally.abandoned_pledges:
        if len(by_purpose.get(key, [])) > 1:
            outcome.duplicated += 1
            outcome.findings.append(f"abandoned pledge {key} is stored more than once")
    known = set(tally.pledged) | tally.abandoned_pledges
    for purpose in by_purpose.keys() - known:
        outcome.findings.append(f"a contribution no client asked for: {purpose!r}")


def _check_receipts(outcome: Outcome, tally: Tally, by_id: dict[int, Any]) -> None:
    for key, made_id in tally.received.items():
        stored = by_id.get(made_id)
        if stored is None or stored.status != ContributionStatus.RECEIVED:
            outcome.lost += 1
            outcome.findings.append(f"acknowledged receipt {key} of {made_id} is missing")


def _check_ledger_and_audit(outcome: Outcome, wired: Application, found: list[Any]) -> None:
    """Each contribution has exactly the ledger entries and audit entries of its status, and
    `purldesk ledger verify` and the audit log's verification find nothing."""
    balances = ledger_service.balances(wired.uow())
    with wired.uow() as uow:
        audited = Counter((e.action, e.target) for e in uow.audit.entries())
    for made in found:
        amount, received = made.amount, made.status == ContributionStatus.RECEIVED
        pledged_once = balances.get((ledger.pledged(made.id), amount.currency)) == -amount.minor
        due = 0 if received else amount.minor
        settled = balances.get((ledger.receivable(made.id), amount.currency), 0) == due
        usd = made.conversion.converted.minor if received and made.conversion else 0
        pooled = balances.get((ledger.pool(made.id), "USD"), 0) == usd
        if not (pledged_once and settled and pooled):
            outcome.findings.append(f"{made.ref} ({made.status}) has not its ledger entries")
        expected = {("contributions.pledge", made.ref): 1}
        if received:
            expected[("contributions.receive", made.ref)] = 1
        for action_target, times in expected.items():
            if audited[action_target] != times:
                outcome.duplicated += audited[action_target] > times
                outcome.findings.append(f"{action_target} audited {audited[action_target]} times")
    # `purldesk ledger verify`, run in this process: its subject is the database, not a process.
    verify = CliRunner().invoke(cli, ["ledger", "verify", "--db", wired.settings.database_url])
    if verify.exit_code != 0:
        outcome.findings.append(f"ledger verify exit {verify.exit_code}: {verify.output}")
    entries, findings = audit.verify(wired.uow(), actor=operator("crash"))
    outcome.findings += [f"audit log: {finding}" for finding in findings]
    if entries == 0:
        outcome.findings.append("the audit log is empty")
