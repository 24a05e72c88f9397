"""Keep Python's full garbage collections off the keystrokes.

A full (oldest-generation) collection walks every container object the process holds: Textual's widgets and
styles, the modules, the workspace's models and, at 10,000 credentials, the audit's findings and the
inspector's rows, a few hundred thousand objects. One took 40-80 ms on the demo and 100-200 ms at 10,000
credentials on the 2-core machine, and it landed inside a screen opening or an inspector sort in a third to
a half of the benchmark runs. So, at quiet moments, everything alive is moved out of the collector's way
(`gc.freeze`): once the first screen is shown and the other screens' modules are loaded, and when the
inspector has built its rows. Collections then walk only what is new.

What is frozen is not collected while frozen; reference counting still frees whatever is not in a cycle.
So when a large structure with cycles goes (the inspector closes: its widgets and rows), `tidy` hands
everything back, collects once and freezes what is still alive; `thaw` hands it all back when the app
ends (tests run many apps in one process). A freeze made by someone else (nothing was frozen when this
module was first asked) is left alone: this module then does nothing at all.
"""

from __future__ import annotations

import gc
import threading

_lock = threading.Lock()
_managed: bool | None = None  # None: not decided yet; False: another part of the program freezes


def settle() -> None:
    """Everything alive now is long-lived: keep it out of full collections."""
    global _managed
    with _lock:
        if _managed is None:
            _managed = gc.get_freeze_count() == 0
        if _managed:
            gc.freeze()


def tidy() -> None:
    """After a large structure has gone: collect it once, then keep the rest out of the way again."""
    with _lock:
        if _managed:
            gc.unfreeze()
            gc.collect()
            gc.freeze()


def thaw() -> None:
    """Hand everything back to the collector (the app ends)."""
    global _managed
    with _lock:
        if _managed:
            gc.unfreeze()
        _managed = None
