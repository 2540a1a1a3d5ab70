"""How long `resalat demo --reset` takes on embedded SQLite, beside creating the empty schema.

Both run as the real command in a fresh process on a throwaway SQLite file, in the same run, so
the printed ratio (demo ÷ empty schema) is what to compare across machines; the target is the
project's: the whole demo world loads in under a minute.

    .venv/bin/python bench/demo.py [--runs 3] [--json]

Each figure is the median of the runs, as wall-clock and as CPU time of the command (on a machine
shared with other work the CPU time is the steadier of the two).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess  # noqa: S404 (runs the project's own command)
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 60.0
RESALAT = Path(sys.executable).with_name("resalat")


def _timed(args: list[str], database: Path) -> tuple[float, float]:
    """Run ``resalat ARGS`` on ``database``; returns (wall seconds, CPU seconds of the child)."""
    env = {**os.environ, "RESALAT_DATABASE_URL": f"sqlite:///{database}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([str(RESALAT), *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"resalat {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(runs: int) -> list[dict[str, float | str]]:
    schema: list[tuple[float, float]] = []
    demo: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as folder:
        for n in range(runs):
            empty = Path(folder) / f"schema-{n}.db"
            schema.append(_timed(["db", "upgrade"], empty))
            # On the schema just made, as a developer would: --reset drops it, migrates, loads.
            demo.append(_timed(["demo", "--reset"], empty))
    reference = statistics.median(w for w, _ in schema)
    rows: list[dict[str, float | str]] = []
    for step, found in (("empty schema (resalat db upgrade)", schema), ("resalat demo --reset", demo)):
        wall = statistics.median(w for w, _ in found)
        rows.append(
            {
                "step": step,
                "wall_seconds": round(wall, 2),
                "cpu_seconds": round(statistics.median(c for _, c in found), 2),
                "ratio": round(wall / reference, 2),
                "target_seconds": TARGET_SECONDS if step.startswith("resalat demo") else "",
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure(max(1, args.runs))
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'step':<36}  {'wall s':>7}  {'CPU s':>6}  {'ratio':>6}  target")
    for row in rows:
        target = f"< {row['target_seconds']:.0f} s" if row["target_seconds"] else ""
        print(
            f"{row['step']:<36}  {row['wall_seconds']:>7.2f}  {row['cpu_seconds']:>6.2f}  "
            f"{row['ratio']:>6.2f}  {target}"
        )
    demo = rows[-1]
    verdict = "meets" if float(demo["wall_seconds"]) < TARGET_SECONDS else "MISSES"
    print(f"the demo {verdict} its target of {TARGET_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
