"""The home screen's audit worker and the inspector's row builder ask for the audit at once when the inspector
is opened right after start-up; the app runs it once and both get that one (issue 18: three audits ran side
by side, tripling the inspector's memory peak and its wait)."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import wizard.audit
from tests.support.journeys import demo_app, settle


async def test_concurrent_askers_share_one_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    app = demo_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        real = wizard.audit.run_audit
        runs: list[int] = []

        def slow(*args: Any, **kwargs: Any) -> Any:
            runs.append(1)
            time.sleep(0.05)  # long enough for the other threads to arrive while it runs
            return real(*args, **kwargs)

        monkeypatch.setattr(wizard.audit, "run_audit", slow)
        app._audit = None
        got: list[object] = []
        threads = [threading.Thread(target=lambda: got.append(app.audit_findings())) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(runs) == 1 and len(got) == 3 and all(g is got[0] for g in got)
