"""The fault test's load: gunicorn with several workers, clients that retry with the same
Idempotency-Key until they get a final answer, and a killer that SIGKILLs workers at random."""

from __future__ import annotations

import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .world import SCARCE

ROOT = Path(__file__).resolve().parents[2]
# A retry sent at once would meet the dead worker's claim still held for a moment: wait a little.
RETRY_PAUSE = (0.05, 0.3)
# After the run, a call still without a final answer this long is a key left in progress.
GIVE_UP_SECONDS = 120
# How often a client stops waiting after a fraction of a second (and sends the request again).
IMPATIENT = 0.15
_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Call:
    """One logical request: every attempt carries the same key and body."""

    kind: str
    method: str
    path: str
    body: Any
    token: str
    key: str | None = None
    attempts: int = 0
    dropped: int = 0  # no answer: the connection died with its worker
    gave_up: int = 0  # the client stopped waiting for the answer
    waited: int = 0  # 409 still in progress, or 429: sent again after Retry-After
    server_errors: list[str] = field(default_factory=list)
    status: int | None = None
    answer: Any = None
    replayed: bool = False  # the final answer said Idempotent-Replayed

    @property
    def retried(self) -> bool:
        return self.attempts > 1


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """gunicorn as README's deployment runs it (config/gunicorn.conf.py), on the test's database."""

    def __init__(self, database_url: str, log: Path, *, workers: int, threads: int) -> None:
        self.port = free_port()
        self.log = log
        # Its own control socket (gunicorn 25+ opens one, by default one path per user): another
        # gunicorn running meanwhile (scripts/fuzz, another test run) keeps its own. A short path:
        # a Unix socket's path may not be longer than about 100 bytes.
        self.control = Path(tempfile.mkdtemp(prefix="faults-")) / "gunicorn.ctl"
        env = {
            **os.environ,
            "RESALAT_DATABASE_URL": database_url,
            "RESALAT_SECRET_KEY": "faults-only-secret",
            "RESALAT_BIND": f"127.0.0.1:{self.port}",
            "RESALAT_WORKERS": str(workers),
            "RESALAT_THREADS": str(threads),
            # As scripts/fuzz does: thousands of money calls a minute from one address are the
            # point here, not something to answer with 429.
            "RESALAT_RATELIMIT_MONEY_MEMBER": "100000/minute",
            "RESALAT_RATELIMIT_MONEY_ADDRESS": "100000/minute",
            "RESALAT_RATELIMIT_FORMS_MEMBER": "100000/minute",
        }
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self._log_file = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (the virtualenv's own gunicorn)
            [
                str(gunicorn),
                "-c",
                "config/gunicorn.conf.py",
                "--access-logfile",
                "/dev/null",
                "--error-logfile",
                "-",
            ]
            + ["--control-socket", str(self.control)],
            cwd=ROOT,
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        self.base = f"127.0.0.1:{self.port}"
        self._wait_until_up(workers)

    def _wait_until_up(self, workers: int) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn stopped at start-up:\n{self.log.read_text()[-3000:]}")
            try:
                status, _body, _headers = request(self.base, "GET", "/healthz", None, {})
                # Every worker serving before the load begins: the killer spares the last one.
                if status == 200 and len(self.serving(0.0)) >= workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer /healthz:\n{self.log.read_text()[-3000:]}")

    def workers(self, older_than: float = 0.0) -> list[int]:
        """The master's children (gunicorn's workers), read from /proc; with ``older_than``, only
        those started that many seconds ago or more (booted, serving)."""
        found = []
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (comm) state ppid ...": comm may hold spaces, so split after its closing paren.
            fields = stat.rsplit(")", 1)[1].split()
            started = int(fields[19]) / _TICKS  # field 22 of stat: start time after boot, in ticks
            if int(fields[1]) == self.process.pid and uptime - started >= older_than:
                found.append(int(entry.name))
        return found

    def serving(self, booted: float) -> list[int]:
        """The workers that have booted and serve. gunicorn's control socket (gunicorn 25 and later)
        tells: a worker's heartbeat starts once its app is loaded and it waits for requests (before,
        the master reports a heartbeat from the far past). Without it, workers up ``booted`` seconds."""
        try:
            from gunicorn.ctl.client import ControlClient
        except ImportError:
            return self.workers(booted)
        try:
            with ControlClient(str(self.control), timeout=5) as client:
                shown = client.send_command("show workers")
        except Exception:  # noqa: BLE001 (the socket is gone or busy: fall back to their age)
            return self.workers(booted)
        beats = {w["pid"]: w.get("last_heartbeat") for w in shown.get("workers", [])}
        return [pid for pid, beat in beats.items() if beat is not None and 0 <= beat < 30]

    def kill_a_worker(self, rng: random.Random, booted: float) -> int | None:
        """SIGKILL one serving worker, never the last one serving (the clients would only wait)."""
        alive = self.serving(booted)
        if len(alive) < 2:
            return None
        victim = rng.choice(alive)
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            return None
        return victim

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_file.close()
        shutil.rmtree(self.control.parent, ignore_errors=True)


def request(
    base: str, method: str, path: str, body: Any, headers: dict[str, str], timeout: float = 60
) -> tuple[int, Any, Any]:
    host, port = base.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        payload = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **headers})
        response = conn.getresponse()
        data = response.read()
        try:
            parsed = json.loads(data) if data else None
        except ValueError:
            parsed = data.decode(errors="replace")
        return response.status, parsed, response.headers
    finally:
        conn.close()


def _retryable(status: int, answer: Any) -> bool:
    """409 while the first request with the key is at work (or just died), 429: send it again."""
    if status == 429:
        return True
    if status != 409 or not isinstance(answer, dict):
        return False
    error = answer.get("error") or {}
    # The first request with the key failed (and was forgotten) while this one waited for it.
    just_failed = error.get("code") == "conflict" and "Idempotency-Key" in str(error.get("message"))
    return error.get("code") == "idempotency_in_progress" or just_failed


def send(base: str, call: Call, rng: random.Random, give_up: float) -> Call:
    """Send ``call`` until it gets a final answer (or ``give_up``, a monotonic time, passes)."""
    headers = {"Authorization": f"Bearer {call.token}"}
    if call.key is not None:
        headers["Idempotency-Key"] = call.key
    while time.monotonic() < give_up:
        call.attempts += 1
        try:
            # Now and then an impatient client: it stops waiting and sends the request again while
            # the first is still at work, so the two meet on the key (a wait, a 409, a replay).
            impatient = call.key is not None and rng.random() < IMPATIENT
            timeout = rng.uniform(0.05, 0.5) if impatient else 60
            status, answer, got = request(base, call.method, call.path, call.body, headers, timeout)
        except TimeoutError:
            call.gave_up += 1
            continue
        except (OSError, http.client.HTTPException):
            call.dropped += 1
            time.sleep(rng.uniform(*RETRY_PAUSE))
            continue
        if _retryable(status, answer):
            call.waited += 1
            time.sleep(min(float(got.get("Retry-After") or 1), 1.0) * rng.uniform(0.3, 1.0))
            continue
        if status >= 500:
            # Not stored, so it may be sent again; but a 5xx is never a right answer.
            call.server_errors.append(f"{status} {str(answer)[:300]}")
            time.sleep(rng.uniform(*RETRY_PAUSE))
            continue
        call.status, call.answer = status, answer
        call.replayed = got.get("Idempotent-Replayed") == "true"
        return call
    return call


@dataclass
class Load:
    """Everything the clients sent, and the killer's count."""

    calls: list[Call] = field(default_factory=list)
    kills: int = 0
    disbursed: list[int] = field(default_factory=list)  # loans paid out, for their borrowers to repay
    lock: threading.Lock = field(default_factory=threading.Lock)

    def done(self, call: Call) -> Call:
        with self.lock:
            self.calls.append(call)
        return call


def new_key(kind: str) -> str:
    return f"faults:{kind}:{uuid.uuid4().hex}"


class Buyer:
    """A member who shops (voucher and instalments at checkout), pays instalments and sends money."""

    def __init__(self, actor: Any, others: list[Any], world: Any, load: Load, base: str, seed: int) -> None:
        self.actor, self.others, self.world, self.load, self.base = actor, others, world, load, base
        self.rng = random.Random(seed)
        self.in_cart: set[int] = set()
        self.purchases: set[int] = set()

    def call(self, kind: str, method: str, path: str, body: Any, *, idempotent: bool, give_up: float) -> Call:
        made = Call(kind, method, path, body, self.actor.token, new_key(kind) if idempotent else None)
        return self.load.done(send(self.base, made, self.rng, give_up))

    def run(self, until: float) -> None:
        give_up = until + GIVE_UP_SECONDS
        while time.monotonic() < until:
            choice = self.rng.random()
            if choice < 0.45:
                self.checkout(give_up)
            elif choice < 0.75 and self.purchases:
                self.instalment(give_up)
            else:
                other = self.rng.choice(self.others)
                body = {"recipient": other.mobile, "amount_rials": self.rng.randint(1, 50) * 10_000}
                self.call(
                    "transfer", "POST", "/api/v1/hesam/transfers", body, idempotent=True, give_up=give_up
                )

    def instalment(self, give_up: float) -> None:
        purchase = self.rng.choice(sorted(self.purchases))
        path = f"/api/v1/aghsat/purchases/{purchase}/pay"
        paid = self.call("instalment", "POST", path, {}, idempotent=True, give_up=give_up)
        # Paid off, or refused (nothing left to pay): on to other purchases.
        finished = paid.status == 200 and paid.answer["purchase"]["status"] != "running"
        if finished or (paid.status or 0) >= 400:
            self.purchases.discard(purchase)

    def put_cart(self, product: int, quantity: int, give_up: float) -> Call:
        """Set a product's quantity in the cart (a PUT: sent again as it is, without a key)."""
        path = f"/api/v1/bazaar/cart/items/{product}"
        return self.call("cart", "PUT", path, {"quantity": quantity}, idempotent=False, give_up=give_up)

    def checkout(self, give_up: float) -> None:
        # Half the time one of the scarce goods: the buyers race for their last pieces.
        goods = self.world.products[:SCARCE] if self.rng.random() < 0.5 else self.world.products
        product, booth = self.rng.choice(goods)
        for stale in self.in_cart - {product}:
            self.put_cart(stale, 0, give_up)
        self.in_cart = {product}
        put = self.put_cart(product, self.rng.randint(1, 3), give_up)
        if put.status != 200:
            return
        methods = []
        offered = put.answer.get("payment_methods") or []
        vouchers = [m["code"] for m in offered if m["code"].startswith("vouchers.")]
        plans = [m["code"] for m in offered if m["code"].startswith("aghsat.")]
        if vouchers and self.rng.random() < 0.5:
            methods.append(self.rng.choice(vouchers))
        if plans and self.rng.random() < 0.4:
            methods.append(self.rng.choice(plans))
        body = {"delivery": {str(booth): "pickup"}, "methods": methods}
        paid = self.call(
            "checkout", "POST", "/api/v1/bazaar/checkout", body, idempotent=True, give_up=give_up
        )
        if paid.status == 201:
            self.in_cart = set()
            if any(m.startswith("aghsat.") for m in methods):
                mine = self.call(
                    "purchases", "GET", "/api/v1/aghsat/purchases", None, idempotent=False, give_up=give_up
                )
                if mine.status == 200:
                    self.purchases |= {p["id"] for p in mine.answer["items"] if p["status"] == "running"}


def officer(world: Any, load: Load, base: str, seed: int, until: float) -> None:
    """The Zanjan credit officer approves the waiting solar requests, spread over the run."""
    rng = random.Random(seed)
    give_up = until + GIVE_UP_SECONDS
    for loan_id, amount in world.loans:
        time.sleep(rng.uniform(0, max(0.0, until - time.monotonic()) / max(1, len(world.loans))))
        body = {"decision": "approve", "confirm": True, "amount_rials": amount, "reason": "طرح تأیید شد"}
        path = f"/api/v1/loans/{loan_id}/decision"
        made = Call("disbursal", "POST", path, body, world.officer.token, new_key("loan"))
        if load.done(send(base, made, rng, give_up)).status == 200:
            with load.lock:
                load.disbursed.append(loan_id)


def borrowers(world: Any, load: Load, base: str, seed: int, until: float) -> None:
    """The borrowers repay their loans once paid out, an instalment at a time."""
    rng = random.Random(seed)
    give_up = until + GIVE_UP_SECONDS
    while time.monotonic() < until:
        time.sleep(rng.uniform(0.1, 0.5))
        with load.lock:
            owing = list(load.disbursed)
        if not owing:
            continue
        loan_id = rng.choice(owing)
        path = f"/api/v1/loans/{loan_id}/pay"
        made = Call("repayment", "POST", path, {"count": 1}, world.borrowers[loan_id].token, new_key("repay"))
        if (load.done(send(base, made, rng, give_up)).status or 0) >= 400:
            with load.lock:
                load.disbursed.remove(loan_id)  # repaid in full (or refused): nothing more to pay


def killer(
    server: Server, load: Load, seed: int, until: float, every: tuple[float, float], booted: float
) -> None:
    """SIGKILL a random serving worker every ``every`` seconds; gunicorn's master starts another
    in its place."""
    rng = random.Random(seed)
    while True:
        time.sleep(rng.uniform(*every))
        if time.monotonic() >= until:
            return
        if server.kill_a_worker(rng, booted) is not None:
            with load.lock:
                load.kills += 1


def replay(base: str, calls: list[Call], seed: int) -> list[tuple[Call, Call]]:
    """Send each retried call that succeeded once more, with its key: the answer must be the first."""
    rng = random.Random(seed)
    pairs = []
    for call in calls:
        if call.key is None or call.status is None or call.status >= 400 or not call.retried:
            continue
        again = Call(call.kind, call.method, call.path, call.body, call.token, call.key)
        pairs.append((call, send(base, again, rng, time.monotonic() + GIVE_UP_SECONDS)))
    return pairs
