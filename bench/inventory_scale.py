"""Inventory at scale: load, save and `idspine check` of 10,000 credentials, each beside its floor.

Floors, measured in the same run on the same file:
- load: parsing the file's TOML with tomli (the compiled parser idspine uses) and nothing else;
- save: writing the same bytes to a file (open, write, close) and nothing else;
- check: a fresh interpreter that parses the same file with tomli (start-up + parse, no validation).

The parse cache (wizard/inventory_cache.py) makes a load of bytes idspine has read or written before skip
the TOML parse and the raw scans. Both figures are printed: the plain names ("load 10,000 credentials",
"`idspine check` ...") are warm, the file's document in the cache, as on every start after the first and
after every save; the "cold" figures run with the cache off (IDSPINE_PARSE_CACHE=off), as the first read of
a file someone else wrote. The cache lives in a temporary folder of the run (XDG_CACHE_HOME), never in the
user's own. The save figure includes writing the cache. A save checks the text it writes part by part
(wizard/inventory_verify.py) and re-checks only parts new since the previous save: "save" is a save
after an earlier one in the same process; "first save of the process" finds the previous save's parts in
the parse cache; "first save, cold" has neither (a file another tool wrote, or the cache off) and checks
the whole text as before.

Run: python bench/inventory_scale.py [--runs N] [--sizes 10000,20000] [--json]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Figure, alternate, run_python, table, timed, with_byte_code_cache

TARGET_LOAD_MS = 300
TARGET_SAVE_MS = 300
TARGET_CHECK_MS = 500


def write_inventory(n: int, folder: Path) -> Path:
    """The demo workspace grown to n credentials, saved at folder/inv-n.toml."""
    from wizard.demo import DEMO_TODAY, scaled_workspace
    from wizard.inventory import save

    path = folder / f"inv-{n}.toml"
    save(scaled_workspace(n, DEMO_TODAY), path, expected_digest=None)
    return path


@contextlib.contextmanager
def parse_cache_off() -> Any:
    """The cold path: no parse cache, here and in child processes (which inherit os.environ)."""
    os.environ["IDSPINE_PARSE_CACHE"] = "off"
    try:
        yield
    finally:
        del os.environ["IDSPINE_PARSE_CACHE"]


def measure(runs: int, sizes: tuple[int, ...] = (10_000,)) -> list[Figure]:
    saved = {name: os.environ.get(name) for name in ("XDG_CACHE_HOME", "IDSPINE_PARSE_CACHE")}
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache  # the run's own parse cache, never the user's
        os.environ.pop("IDSPINE_PARSE_CACHE", None)
        try:
            return _measure(runs, sizes)
        finally:  # the other suites of `python -m bench` see the environment as it was
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _measure(runs: int, sizes: tuple[int, ...]) -> list[Figure]:
    import tomli

    from wizard.demo import DEMO_TODAY
    from wizard.inventory import load, load_with_digest, save

    figures = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            path = write_inventory(n, Path(tmp))  # saved: its document is in the parse cache
            data = path.read_bytes()
            ws = load(path)
            plain = Path(tmp) / "plain.toml"
            load(path)  # warm: schema built, catalogue cached, as in a running app
            figures.append(
                alternate(
                    Figure(f"load {n:,} credentials", "ms", "max", TARGET_LOAD_MS, "tomli parse"),
                    runs,
                    lambda p=path: timed(lambda: load(p)),
                    lambda d=data: timed(lambda: tomli.loads(d.decode())),
                )
            )
            with parse_cache_off():
                figures.append(
                    alternate(
                        Figure(
                            f"load {n:,} credentials, cold (no parse cache: a file read for the first time)",
                            "ms",
                            "max",
                            TARGET_LOAD_MS,
                            "tomli parse",
                        ),
                        runs,
                        lambda p=path: timed(lambda: load(p)),
                        lambda d=data: timed(lambda: tomli.loads(d.decode())),
                    )
                )
            saved = {"digest": load_with_digest(path).digest, "run": 0}

            def save_changed(w: Any = ws, p: Path = path, saved: dict[str, Any] = saved) -> float:
                """The app's save (Ctrl+S): digest check, lock, atomic write and .bak, of a changed workspace."""
                saved["run"] += 1
                w.credentials[0].notes = f"benchmark run {saved['run']}"  # a real change: a real write
                start = time.perf_counter()
                saved["digest"] = save(w, p, expected_digest=saved["digest"])
                return (time.perf_counter() - start) * 1000

            figures.append(
                alternate(
                    Figure(
                        f"save {n:,} credentials (the app's save)", "ms", "max", TARGET_SAVE_MS, "plain write"
                    ),
                    runs,
                    save_changed,
                    lambda d=data, o=plain: timed(lambda: o.write_bytes(d)),
                )
            )

            def first_save(w: Any = ws, p: Path = path, saved: dict[str, Any] = saved) -> float:
                """The same, as the first save of a process: no part of the text checked at an earlier save."""
                from wizard import inventory_verify

                inventory_verify.forget()
                return save_changed(w, p, saved)

            def plain_write(d: bytes = data, o: Path = plain) -> float:
                return timed(lambda: o.write_bytes(d))

            def save_figure(name: str, n: int = n) -> Figure:
                return Figure(f"save {n:,} credentials, {name}", "ms", "max", TARGET_SAVE_MS, "plain write")

            figures.append(
                alternate(
                    save_figure("first save of the process (parts from the parse cache)"),
                    runs,
                    first_save,
                    plain_write,
                )
            )
            with parse_cache_off():
                figures.append(
                    alternate(
                        save_figure("first save, cold (no parse cache: the whole text checked)"),
                        runs,
                        first_save,
                        plain_write,
                    )
                )
            check = ["-m", "wizard", "check", str(path), "--today", str(DEMO_TODAY)]
            floor = f"import tomli; tomli.loads(open({str(path)!r}, 'rb').read().decode())"
            run_python(check)  # warm the byte-code cache
            for name, cold in (("whole process", False), ("whole process, cold (no parse cache)", True)):
                with parse_cache_off() if cold else contextlib.nullcontext():
                    figures.append(
                        alternate(
                            Figure(
                                f"`idspine check` {n:,} credentials, {name}",
                                "ms",
                                "max",
                                TARGET_CHECK_MS,
                                "python + tomli parse",
                            ),
                            runs,
                            lambda c=check: run_python(c)[0],
                            lambda f=floor: run_python(f)[0],
                        )
                    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with_byte_code_cache()
    figures = measure(args.runs, tuple(int(s) for s in args.sizes.split(",")))
    print(json.dumps([f.as_dict() for f in figures], indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
