"""Benchmark: load, save and `idspine check` at 1,000 and 10,000 credentials, each beside its floor.

Floors: reading the same file's bytes (load/save), and starting Python to run nothing (check).
Run: python bench/inventory_scale.py [--short] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from wizard.demo import DEMO_TODAY, scaled_workspace  # noqa: E402
from wizard.inventory import load, save  # noqa: E402


def _best(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times) if repeat < 3 else statistics.median(times)


def _run(argv: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def measure(sizes: list[int], repeat: int) -> list[dict[str, float | int]]:
    """Seconds per operation for each size."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = Path(tmp) / f"inv-{n}.toml"
            ws = scaled_workspace(n, DEMO_TODAY)
            save(ws, path, expected_digest=None)
            rows.append(
                {
                    "credentials": n,
                    "bytes": path.stat().st_size,
                    "read_bytes_floor": _best(path.read_bytes, repeat),
                    "load": _best(lambda p=path: load(p), repeat),
                    "save": _best(lambda w=ws, p=path: save(w, p), repeat),
                    "python_start_floor": _best(lambda: _run([sys.executable, "-c", "pass"]), repeat),
                    "check_cli": _best(
                        lambda p=path: _run(
                            [sys.executable, "-m", "wizard", "check", str(p), "--today", str(DEMO_TODAY)]
                        ),
                        repeat,
                    ),
                }
            )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="one run per figure (CI)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = measure([1_000, 10_000], 1 if args.short else 5)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print("| credentials | file size | read floor | load | save | python start floor | idspine check |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['credentials']:,} | {r['bytes'] / 1e6:.1f} MB | {r['read_bytes_floor'] * 1000:.1f} ms "
            f"| {r['load'] * 1000:.0f} ms | {r['save'] * 1000:.0f} ms | {r['python_start_floor'] * 1000:.0f} ms "
            f"| {r['check_cli'] * 1000:.0f} ms |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
