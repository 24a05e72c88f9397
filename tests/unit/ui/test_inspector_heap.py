"""The inspector freezes the heap while it is open and hands everything back to the collector when it closes
(wizard/ui/widgets/inspector_heap.py): nothing it froze may stay frozen, and it never unfreezes a freeze that
was not its own."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from tests.support.journeys import demo_app, open_with, settle
from wizard.ui.widgets.inspector_heap import HeapHold


@pytest.fixture(autouse=True)
def thawed() -> Iterator[None]:
    gc.unfreeze()
    HeapHold.holders, HeapHold.managed = 0, False
    yield
    gc.unfreeze()
    HeapHold.holders, HeapHold.managed = 0, False


def test_the_last_release_unfreezes_what_the_holds_froze() -> None:
    HeapHold.hold()
    HeapHold.hold()
    assert gc.get_freeze_count() > 0
    HeapHold.release()
    assert gc.get_freeze_count() > 0  # one holder left
    HeapHold.release()
    assert gc.get_freeze_count() == 0
    HeapHold.release()  # an extra release is harmless
    assert HeapHold.holders == 0


def test_a_freeze_made_elsewhere_is_left_alone() -> None:
    gc.freeze()
    frozen = gc.get_freeze_count()
    HeapHold.hold()
    HeapHold.refreeze()
    junk = [[] for _ in range(50)]
    HeapHold.refreeze()
    assert gc.get_freeze_count() == frozen  # not ours to add to
    HeapHold.release()
    assert gc.get_freeze_count() == frozen
    del junk


async def test_the_inspector_holds_while_open_and_releases_when_it_closes() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        await settle(pilot)
        assert HeapHold.holders == 1 and gc.get_freeze_count() > 0
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert HeapHold.holders == 0 and gc.get_freeze_count() == 0


async def test_quitting_with_the_inspector_open_releases_too() -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_with(pilot, "i", "InspectorScreen")
        await settle(pilot)
        assert HeapHold.holders == 1
    assert HeapHold.holders == 0 and gc.get_freeze_count() == 0
