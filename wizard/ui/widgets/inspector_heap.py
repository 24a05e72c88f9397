"""Keep Python's full garbage collections off the inspector's keystrokes while it is open.

At 10,000 credentials the app holds a few hundred thousand container objects (the workspace's models, the
audit's findings, the inspector's rows). A full (oldest-generation) collection walks all of them: 100-200 ms
on the 2-core machine, and one fell inside the first render or a sort in most benchmark runs, since building
the rows and repainting a page promote enough new objects to trigger it. None of these objects becomes
garbage while the inspector is open (the workspace is replaced, not mutated in cycles), so the inspector
moves everything alive into the permanent generation (`gc.freeze`) when it opens and when its rows are
built; collections then walk only what is new. When the last inspector closes, `gc.unfreeze` hands it all
back to the collector, so nothing frozen here outlives the screen uncollected (reference counting frees
non-cyclic objects even while frozen).

If something else froze the heap before (another part of the program managing the same thing), this does
nothing at all, so it never unfreezes what it did not freeze.
"""

from __future__ import annotations

import gc


class HeapHold:
    """Counted holds on a frozen heap: the first hold freezes, the last release unfreezes."""

    holders = 0
    managed = False  # whether the freeze is ours (nothing was frozen when the first hold came)

    @classmethod
    def hold(cls) -> None:
        if cls.holders == 0:
            cls.managed = gc.get_freeze_count() == 0
        cls.holders += 1
        cls.refreeze()

    @classmethod
    def refreeze(cls) -> None:
        """Freeze what has been made since (the rows, once built)."""
        if cls.holders and cls.managed:
            gc.freeze()

    @classmethod
    def release(cls) -> None:
        if cls.holders == 0:
            return
        cls.holders -= 1
        if cls.holders == 0 and cls.managed:
            gc.unfreeze()
            cls.managed = False
