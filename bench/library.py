"""The catalogue and the explainers: loading the catalogue, one explainer search; each beside its floor.

These were timing assertions inside unit tests (tests/unit/catalogue, tests/unit/explainers); they are
figures here. Floors, in the same run: parsing the catalogue's TOML alone (load), and a plain substring
scan of every explainer's text for the query's words (search).

Run: python bench/library.py [--runs N] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import Figure, alternate, table, timed, with_byte_code_cache

TARGET_CATALOGUE_MS = 50
TARGET_SEARCH_MS = 20
QUERY = "refresh token lifetime entra"


def measure(runs: int) -> list[Figure]:
    from importlib import resources

    import tomli

    from wizard import explainer_library
    from wizard.catalogue import load_catalogue

    text = resources.files("wizard.catalogue").joinpath("services.toml").read_text(encoding="utf-8")

    def load() -> None:
        load_catalogue.cache_clear()
        load_catalogue()

    explainer_library.search("warm up the index")
    texts = [
        " ".join((e.title, e.summary, *e.sections.values())).lower()
        for e in explainer_library.all_explainers()
    ]
    words = QUERY.split()
    catalogue = alternate(
        Figure("catalogue load (read, parse, validate)", "ms", "max", TARGET_CATALOGUE_MS, "tomli parse"),
        runs,
        lambda: timed(load),
        lambda: timed(lambda: tomli.loads(text)),
    )
    search = alternate(
        Figure("explainer search, one query", "ms", "max", TARGET_SEARCH_MS, "substring scan"),
        runs,
        lambda: timed(lambda: explainer_library.search(QUERY)),
        lambda: timed(lambda: [t for t in texts if all(w in t for w in words)]),
    )
    return [catalogue, search]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with_byte_code_cache()
    figures = measure(args.runs)
    print(json.dumps([f.as_dict() for f in figures], indent=2) if args.json else table(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
