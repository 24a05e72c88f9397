"""Every benchmark of idspine, each figure beside its floor measured in the same run.

python -m bench              all figures (5 runs each, inspector also at 20,000 credentials)
python -m bench --check      the short mode for CI (3 runs each, 10,000 credentials): exit 1 when a figure
                             misses its target by more than the margin (bench/common.py MARGIN)
python -m bench --noise K    the short mode K times over: how far each figure's median moves between
                             runs on this machine, which is what the margin has to cover
--only startup,screens,inspector,inventory,review,library   a subset; --json for machine-readable output
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from bench import common

SUITES: dict[str, Callable[[int, bool], list[common.Figure]]] = {}


def _suites() -> None:
    from bench import discover_review, inspector, inventory_scale, library, screens, startup

    SUITES["startup"] = lambda runs, short: startup.measure(runs)
    SUITES["screens"] = lambda runs, short: screens.measure(runs)
    SUITES["inspector"] = lambda runs, short: inspector.measure(
        runs, (10_000,) if short else (10_000, 20_000)
    )
    SUITES["inventory"] = lambda runs, short: inventory_scale.measure(runs)
    SUITES["review"] = lambda runs, short: discover_review.measure(runs)
    SUITES["library"] = lambda runs, short: library.measure(runs)


def run(names: list[str], runs: int, short: bool) -> list[common.Figure]:
    figures: list[common.Figure] = []
    for name in names:
        figures += SUITES[name](runs, short)
    return figures


def noise(names: list[str], repeats: int, runs: int) -> str:
    """Each figure's median over `repeats` short runs: the spread of those medians, largest first."""
    medians: dict[str, list[float]] = {}
    values: dict[str, list[float]] = {}
    for _ in range(repeats):
        for f in run(names, runs, short=True):
            medians.setdefault(f.name, []).append(f.measured)
            values.setdefault(f.name, []).append(f.value)
    lines = [
        f"Spread of the median of {runs} runs, over {repeats} repeats: (max - min) / median",
        "| measure | medians | spread of the medians | spread of the checked value |",
        "| --- | --- | ---: | ---: |",
    ]
    rows = sorted(medians, key=lambda n: -common.spread(values[n]))
    for name in rows:
        shown = ", ".join(f"{m:.0f}" for m in medians[name])
        lines.append(
            f"| {name} | {shown} | {common.spread(medians[name]):.0%} | {common.spread(values[name]):.0%} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="short mode; exit 1 when a target is missed")
    parser.add_argument(
        "--strict",
        action="store_true",
        help="with --check: absolute times fail the check too (a quiet machine)",
    )
    parser.add_argument(
        "--noise", type=int, metavar="K", help="repeat the short mode K times, report spreads"
    )
    parser.add_argument("--runs", type=int, help="runs per figure (default 5, or 3 in the short modes)")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated suites: " + "startup,screens,inspector,inventory,review,library",
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    common.with_byte_code_cache()
    _suites()
    names = [n for n in args.only.split(",") if n] or list(SUITES)
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(unknown)}")
    short = args.check or args.noise is not None
    runs = args.runs or (3 if short else 5)
    started = time.perf_counter()
    if args.noise:
        print(noise(names, args.noise, runs))
        return 0
    figures = run(names, runs, short)
    missed = [f for f in figures if (f.gating or args.strict) and not f.met(common.MARGIN)]
    if args.json:
        print(json.dumps({"margin": common.MARGIN, "figures": [f.as_dict() for f in figures]}, indent=2))
    else:
        print(common.table(figures, common.MARGIN if args.check else None))
        print(
            f"\n{len(figures)} figures in {time.perf_counter() - started:.0f} s; median of {runs} runs each."
        )
    if args.check:
        for f in missed:
            print(
                f"MISSED: {f.name}: {f.value:.2f} (checked value) against a target of {f.target:g} "
                f"(+{common.MARGIN:.0%} margin: {f.target * (1 + common.MARGIN):.2f})",
                file=sys.stderr,
            )
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
