"""Full collections are kept off keystrokes (wizard/ui/heap.py): the app freezes what is alive once it is
warmed up, the inspector once its rows are built; closing the inspector collects its widgets and rows (no
frozen cycle outlives it); the app's end hands everything back; a freeze made elsewhere is left alone."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from tests.support.journeys import demo_app, open_with, settle
from wizard.ui import heap


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    heap.thaw()
    gc.unfreeze()
    yield
    heap.thaw()
    gc.unfreeze()


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_settle_freezes_tidy_collects_what_went_thaw_hands_back() -> None:
    node = Node()
    gone = weakref.ref(node)
    heap.settle()
    assert gc.get_freeze_count() > 0
    del node
    gc.collect()
    assert gone() is not None  # frozen: the collector does not look at it
    heap.tidy()
    assert gone() is None and gc.get_freeze_count() > 0
    heap.thaw()
    assert gc.get_freeze_count() == 0


def test_a_freeze_made_elsewhere_is_left_alone() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    junk = [[] for _ in range(50)]
    heap.settle()
    heap.tidy()
    assert gc.get_freeze_count() == frozen  # not ours: neither added to nor collected
    heap.thaw()
    assert gc.get_freeze_count() == frozen
    del junk


async def test_the_app_freezes_once_warm_and_thaws_when_it_ends() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.warmed.wait(10)
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0


async def test_a_closed_inspector_does_not_stay_frozen() -> None:
    """Textual keeps a closed screen referenced for a moment (its finished worker, a timer), so the tidy after
    a close may not collect that very screen; the next one does: no closed inspector piles up, frozen."""
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.warmed.wait(10)
        closed = []
        for _ in range(3):
            await open_with(pilot, "i", "InspectorScreen")
            await settle(pilot)
            closed.append(weakref.ref(app.screen))
            await pilot.press("escape")
            await settle(pilot)
            await pilot.pause(0.1)
            assert type(app.screen).__name__ == "HomeScreen"
        assert closed[0]() is None  # collected, not kept frozen (the latest may still be referenced)
        assert gc.get_freeze_count() > 0  # what is still alive is out of the way again
    assert gc.get_freeze_count() == 0
