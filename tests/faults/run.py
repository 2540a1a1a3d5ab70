"""One fault run: prepare the world, serve it with gunicorn, load it while killing workers, check."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask

from . import checks
from .load import Buyer, Call, Load, Server, borrowers, killer, officer, replay
from .world import World, prepare


@dataclass
class Settings:
    seconds: float = float(os.environ.get("FAULTS_SECONDS", "25"))
    seed: int = int(os.environ.get("FAULTS_SEED", "1404"))
    buyers: int = int(os.environ.get("FAULTS_BUYERS", "8"))
    loans: int = int(os.environ.get("FAULTS_LOANS", "4"))
    workers: int = int(os.environ.get("FAULTS_WORKERS", "3"))
    threads: int = int(os.environ.get("FAULTS_THREADS", "4"))
    # A worker takes seconds to boot (it loads every plugin; 15 s on a busy machine): one serving
    # worker is killed every 1-3 s while another serves, so some always serve, others restart.
    kill_every: tuple[float, float] = (1.0, 3.0)
    booted: float = 20.0  # without gunicorn's control socket: a worker this old serves


@dataclass
class Outcome:
    load: Load
    pairs: list[tuple[Call, Call]]
    problems: list[str] = field(default_factory=list)
    took: float = 0.0

    def summary(self) -> str:
        calls = self.load.calls
        keyed = [c for c in calls if c.key]
        kinds = Counter(c.kind for c in keyed)
        done = Counter(c.kind for c in keyed if c.status is not None and c.status < 400)
        refused = Counter(c.kind for c in keyed if c.status is not None and c.status >= 400)
        codes: dict[str, set[str]] = {kind: set() for kind in kinds}
        for c in keyed:
            if c.status is not None and c.status >= 400 and isinstance(c.answer, dict):
                codes[c.kind].add(str((c.answer.get("error") or {}).get("code")))
        lines = [
            f"faults: {self.took:.0f} s, {len(calls)} requests ({sum(c.attempts for c in calls)} attempts), "
            f"{self.load.kills} workers killed",
            f"  retried {sum(c.retried for c in calls)} (no answer {sum(c.dropped for c in calls)}, "
            f"stopped waiting {sum(c.gave_up for c in calls)}, "
            f"409/429 waits {sum(c.waited for c in calls)}, 5xx {sum(len(c.server_errors) for c in calls)}); "
            f"answered as a replay {sum(c.replayed for c in calls)}; replays checked {len(self.pairs)}",
            *(
                f"  {kind}: {kinds[kind]} sent, {done[kind]} done, {refused[kind]} refused"
                + (f" ({', '.join(sorted(codes[kind]))})" if codes[kind] else "")
                for kind in sorted(kinds)
            ),
            f"  problems: {len(self.problems)}",
        ]
        return "\n".join(lines)


def run(app: Flask, database_url: str, log: Path, settings: Settings | None = None) -> Outcome:
    settings = settings or Settings()
    world = prepare(app, buyers=settings.buyers, loans=settings.loans)
    started = time.monotonic()
    server = Server(database_url, log, workers=settings.workers, threads=settings.threads)
    load = Load()
    try:
        until = time.monotonic() + settings.seconds
        threads = [
            threading.Thread(
                target=Buyer(
                    actor,
                    [b for b in world.buyers if b is not actor],
                    world,
                    load,
                    server.base,
                    settings.seed + n,
                ).run,
                args=(until,),
            )
            for n, actor in enumerate(world.buyers)
        ]
        people = (world, load, server.base, settings.seed, until)
        threads += [threading.Thread(target=actor, args=people) for actor in (officer, borrowers)]
        threads.append(
            threading.Thread(
                target=killer, args=(server, load, settings.seed, until, settings.kill_every, settings.booted)
            )
        )
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        pairs = replay(server.base, load.calls, settings.seed)
    finally:
        server.stop()
    outcome = Outcome(load, pairs, took=time.monotonic() - started)
    outcome.problems = check(app, world, load.calls, pairs)
    return outcome


def check(app: Flask, world: World, calls: list[Call], pairs: list[tuple[Call, Call]]) -> list[str]:
    problems = [f"{c.kind} {c.key}: {e}" for c in calls for e in c.server_errors]
    problems += checks.ledger(app)
    with app.app_context():
        session: Any = app.extensions["resalat"].db.session()
        try:
            problems += checks.orders_and_escrow(session, world)
            problems += checks.stock(session, world)
            problems += checks.vouchers(session, world)
            problems += checks.pending_transfers(session, world)
            problems += checks.idempotency(session, calls)
            problems += checks.counted_once(session, world, calls)
        finally:
            session.rollback()
    problems += checks.replays(pairs)
    return problems
