"""What every benchmark shares: a figure beside its floor, medians and spreads, the check against a target.

A figure is measured several times and so is its floor, in the same run, alternating, so a busy moment of
the machine lands on both. The figure shown is the median of the runs; the spread is (max - min) / median
of those runs, which is what `python -m bench --noise` reports to justify the check's margin.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The check fails when a figure misses its target by more than this fraction; bench/README.md gives the
# spreads measured with `python -m bench --noise` that it has to cover.
MARGIN = 0.25

# How busy the machine was while a suite ran, shown beside the figures (not used by the check: correcting
# for it added the calibration's own noise, see bench/README.md): how much slower a fixed pure-Python
# workload ran than on the idle machine, where its median is CALIBRATION_REFERENCE_MS.
CALIBRATION_REFERENCE_MS = 48.0  # the lowest median seen on the idle machine (49 ms, 2026-11-27)


def calibration_ms() -> float:
    """Milliseconds of a fixed workload shaped like idspine's own: dicts, strings, sorting, small objects."""
    start = time.perf_counter()
    rows = [
        {"id": f"cred-{i:05d}", "client": f"client-{i % 200:04d}", "n": i * 7 % 1000} for i in range(40_000)
    ]
    index: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        index.setdefault(str(row["client"]), []).append(row)
    rows.sort(key=lambda r: (r["client"], -int(r["n"])))  # type: ignore[call-overload]
    " ".join(str(r["id"]).upper() for r in rows if "7" in str(r["id"]))
    return (time.perf_counter() - start) * 1000


def machine_speed(runs: int = 5) -> float:
    """How much slower than the idle reference machine this one runs now (1.0 or more)."""
    return max(1.0, statistics.median(calibration_ms() for _ in range(runs)) / CALIBRATION_REFERENCE_MS)


@dataclass
class Figure:
    """One measured figure, its floor and its target.

    kind "ratio": the target is measured / floor (start-up: at most 1.5x a bare Textual app);
    kind "max": the target is an absolute limit in the figure's unit (ms or MB).
    """

    name: str
    unit: str  # "ms" or "MB"
    kind: str  # "ratio" or "max"
    target: float
    floor_name: str
    samples: list[float] = field(default_factory=list)
    floor_samples: list[float] = field(default_factory=list)
    speed: float = 1.0  # machine_speed() when measured: how busy the machine was (shown, not checked)

    @property
    def measured(self) -> float:
        return statistics.median(self.samples)

    @property
    def floor(self) -> float:
        return statistics.median(self.floor_samples) if self.floor_samples else float("nan")

    @property
    def ratio(self) -> float:
        return self.measured / self.floor if self.floor_samples and self.floor else float("nan")

    @property
    def value(self) -> float:
        """What the check compares with the target.

        Ratio targets: the median over the floor's median. Times against an absolute target: the fastest
        run. Another process on the machine can only make a run slower, never faster, so the fastest run is
        the steadiest statistic for "can it do this here": the medians of short in-app figures moved by up to
        3x between repeats on the busy machine (bench/README.md). Memory: the median.
        """
        if self.kind == "ratio":
            return self.ratio
        if self.unit == "ms":
            return min(self.samples)
        return self.measured

    @property
    def spread(self) -> float:
        """(max - min) / median of the runs: how much this figure moved between runs."""
        return spread(self.samples)

    def met(self, margin: float = 0.0) -> bool:
        return self.value <= self.target * (1 + margin)

    @property
    def gating(self) -> bool:
        """Whether `--check` fails on this figure: ratio targets (the issue's rule: a ratio measured against
        a floor of the same run cancels a busy machine) and memory. Absolute times are shown with their
        verdict, and gate only with --strict: on the shared 2-core machine their fastest of three runs moved
        by up to 150 % between repeats (bench/README.md), more than any margin that still means something."""
        return self.kind == "ratio" or self.unit == "MB"

    def target_text(self) -> str:
        return f"≤ {self.target:g}× floor" if self.kind == "ratio" else f"< {self.target:g} {self.unit}"

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "unit": self.unit,
            "kind": self.kind,
            "target": self.target,
            "measured": self.measured,
            "floor": self.floor,
            "floor_name": self.floor_name,
            "ratio": self.ratio,
            "spread": self.spread,
            "speed": self.speed,
            "checked_value": self.value,
            "runs": len(self.samples),
            "samples": self.samples,
            "floor_samples": self.floor_samples,
        }


def spread(samples: list[float]) -> float:
    if len(samples) < 2:
        return 0.0
    middle = statistics.median(samples)
    return (max(samples) - min(samples)) / middle if middle else 0.0


def timed(fn: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def alternate(figure: Figure, runs: int, measure: Callable[[], float], floor: Callable[[], float]) -> Figure:
    """Run the floor and the measure in turn, `runs` times each (and note the machine's speed)."""
    figure.speed = machine_speed()
    for _ in range(runs):
        figure.floor_samples.append(floor())
        figure.samples.append(measure())
    return figure


def bench_env() -> dict[str, str]:
    """The environment for measured child processes.

    Byte-code is cached (in a folder of its own under the temporary directory, never in the tree) even when
    the caller sets PYTHONDONTWRITEBYTECODE: an installed idspine has its .pyc files, as Textual has in the
    floor, so compiling idspine's sources on every start would measure something no user sees.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "idspine-bench-pycache")
    return env


def with_byte_code_cache() -> None:
    """Re-run this process in bench_env() unless it already is: the figures measured in-process (screens,
    inspector) must not include compiling idspine's sources, as no installed copy does."""
    env = bench_env()
    if os.environ.get("PYTHONPYCACHEPREFIX") != env["PYTHONPYCACHEPREFIX"]:
        sys.stdout.flush()
        os.execve(sys.executable, sys.orig_argv, env)


def run_python(code_or_argv: str | list[str], timeout: float = 120) -> tuple[float, str]:
    """Milliseconds a fresh `python -c CODE` (or `python ARGV...`) takes, wall clock, and its stdout."""
    argv = (
        [sys.executable, "-c", code_or_argv]
        if isinstance(code_or_argv, str)
        else [sys.executable, *code_or_argv]
    )
    start = time.perf_counter()
    done = subprocess.run(argv, env=bench_env(), capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode not in (0, 1):  # `idspine check` exits 1 when it finds errors: still a full run
        raise RuntimeError(f"benchmark process failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def table(figures: list[Figure], margin: float | None = None) -> str:
    """The figures as a Markdown table: target, measured, floor, ratio, spread (and the check's verdict)."""
    head = "| measure | target | measured | floor | ratio | spread | runs |"
    rule = "| --- | --- | ---: | --- | ---: | ---: | ---: |"
    if margin is not None:
        head += " busy × | checked | verdict |"
        rule += " ---: | ---: | --- |"
    lines = [head, rule]
    for f in figures:
        fmt = "{:.0f}" if min(f.measured, f.floor if f.floor_samples else f.measured) >= 10 else "{:.1f}"
        measured = fmt.format(f.measured) + f" {f.unit}"
        floor = (fmt.format(f.floor) + f" {f.unit} ({f.floor_name})") if f.floor_samples else f.floor_name
        ratio = f"{f.ratio:.2f}×" if f.floor_samples else "—"
        line = f"| {f.name} | {f.target_text()} | {measured} | {floor} | {ratio} | {f.spread:.0%} | {len(f.samples)} |"
        if margin is not None:
            checked = f"{f.value:.2f}×" if f.kind == "ratio" else fmt.format(f.value) + f" {f.unit}"
            line += f" {f.speed:.2f} | {checked} |"
            verdict = "ok" if f.met() else ("within margin" if f.met(margin) else "**MISSED**")
            line += f" {verdict}{'' if f.gating else ' (shown)'} |"
        lines.append(line)
    return "\n".join(lines)
