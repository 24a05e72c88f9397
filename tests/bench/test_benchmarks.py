"""The benchmarks' own logic: figures beside floors, the check's verdict, the paint clock. No timing bounds
here: the figures are `python -m bench` (CI runs `python -m bench --check`)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bench import __main__ as bench_main
from bench import common
from bench.common import MARGIN, Figure
from bench.paint import PaintClock
from bench.startup import heavy_modules


def figure(kind: str, target: float, samples: list[float], floor: list[float], speed: float = 1.0) -> Figure:
    f = Figure("f", "ms", kind, target, "floor", list(samples), list(floor))
    f.speed = speed
    return f


def test_a_ratio_target_compares_the_median_with_the_floor_of_the_same_run() -> None:
    f = figure("ratio", 1.5, [300, 310, 900], [200, 210, 190])  # the median, not the fastest run
    assert f.measured == 310 and f.floor == 200 and f.value == pytest.approx(1.55)
    assert not f.met() and f.met(MARGIN)
    assert not figure("ratio", 1.5, [500, 500, 500], [200, 200, 200]).met(MARGIN)  # 2.5x: missed


def test_an_absolute_time_is_checked_on_its_fastest_run() -> None:
    assert figure("max", 100, [90, 300, 400], [10]).value == 90  # runs slowed by another process: ignored
    assert not figure("max", 100, [180, 190, 200], [10], speed=2.0).met(MARGIN)  # busy or not: missed
    memory = Figure("m", "MB", "max", 150, "floor", [100, 160, 170], [30])
    assert memory.value == 160 and not memory.met()  # memory: the median
    assert common.machine_speed(runs=1) >= 1.0


def test_spread_is_range_over_median() -> None:
    assert common.spread([90, 100, 130]) == pytest.approx(0.4)
    assert common.spread([5]) == 0.0


def test_check_mode_exits_non_zero_when_a_target_is_missed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(common, "with_byte_code_cache", lambda: None)
    monkeypatch.setattr(bench_main, "_suites", lambda: None)

    def suite(f: Figure) -> dict[str, object]:
        return {"fake": lambda runs, short: [f]}

    monkeypatch.setattr(bench_main, "SUITES", suite(figure("ratio", 1.5, [400] * 3, [200] * 3)))
    assert bench_main.main(["--check", "--only", "fake"]) == 1  # 2x against 1.5x (+25 %): missed
    assert "MISSED" in capsys.readouterr().err
    monkeypatch.setattr(bench_main, "SUITES", suite(figure("max", 50, [80] * 3, [1])))
    assert bench_main.main(["--check", "--only", "fake"]) == 0  # an absolute time: shown, not gating
    assert "(shown)" in capsys.readouterr().out
    assert bench_main.main(["--check", "--strict", "--only", "fake"]) == 1
    capsys.readouterr()
    monkeypatch.setattr(bench_main, "SUITES", suite(figure("max", 50, [55] * 3, [1])))
    assert bench_main.main(["--check", "--strict", "--only", "fake"]) == 0  # within the margin
    out = capsys.readouterr().out
    assert "within margin" in out
    assert bench_main.main(["--only", "fake", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["figures"][0]["measured"] == 55


async def test_the_paint_clock_ends_at_a_frame_painted_after_ready() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Tiny(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("before", id="s")

    app = Tiny()
    async with app.run_test(size=(40, 5)) as pilot:
        clock = PaintClock(app)
        await pilot.pause()
        app.query_one("#s", Static).update("after")
        import time

        asked = time.perf_counter()
        painted = await clock.painted(lambda: True)
        assert painted >= asked and clock.frames and clock.frames[-1][1] is app.screen


@pytest.mark.slow
def test_the_first_screen_loads_no_network_library() -> None:
    heavy = heavy_modules()
    assert "msal" not in heavy and "httpx" not in heavy


@pytest.mark.slow
def test_every_bench_script_runs_standalone() -> None:
    done = subprocess.run(
        [sys.executable, str(common.ROOT / "bench" / "library.py"), "--runs", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        env=common.bench_env(),
        check=True,
    )
    names = [f["name"] for f in json.loads(done.stdout)]
    assert any("catalogue" in n for n in names) and any("search" in n for n in names)
