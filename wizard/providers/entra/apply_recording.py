"""The state every apply step shares, and how a step records what it did in the inventory.

Changes are replayable (a copy another writer saved meanwhile gets them too) and go through the
InventoryWriter: the same lock and digest check as every save. Checklist items are recorded the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable

from wizard.inventory_writer import InventoryWriter
from wizard.model import ChecklistItem, ServicePrincipal, Workspace
from wizard.providers import ProviderError
from wizard.providers.entra.client import GraphClient
from wizard.providers.entra.plan import Plan, PlanStep
from wizard.providers.entra.retry import RetryPolicy
from wizard.secrets.sinks import SecretSink

# verify_secret(sp, secret_value) -> (ok, detail): proves a new secret gets a token (rotation)
SecretVerifier = Callable[[ServicePrincipal, str], tuple[bool, str]]


def sp_of(ws: Workspace, name: str) -> ServicePrincipal:
    sp = ws.service_principal(name)
    if sp is None:  # removed by another writer meanwhile: nothing to record on it
        raise LookupError(name)
    return sp


class StepRecorder:
    """What apply works with (workspace, plan, Graph, sink, writer, policy) and how its steps record results."""

    def __init__(
        self,
        ws: Workspace,
        plan: Plan,
        graph: GraphClient,
        sink: SecretSink | None,
        writer: InventoryWriter,
        today: dt.date,
        secret_days: int,
        retry: RetryPolicy,
        verify_secret: SecretVerifier | None,
    ):
        self.ws = ws
        self.plan = plan
        self.graph = graph
        self.sink = sink
        self.writer = writer
        self.today = today
        self.secret_days = secret_days
        self.retry = retry
        self.verify_secret = verify_secret
        self._permissions: dict[str, tuple[str, dict[tuple[str, str], str]]] = {}
        self._made: set[str] = set()  # steps that created their object in an earlier try of this run

    def _action(self, key: str, action: str) -> str:
        """'created' when this run made the object, even if a retry of the step then found it."""
        if action == "created":
            self._made.add(key)
        return "created" if key in self._made else action

    # ---------------------------------------------------------------- recording
    def record(self, change: Callable[[Workspace], None]) -> None:
        """Change the workspace in a way that can be replayed onto a copy another writer saved meanwhile."""

        def safe(ws: Workspace) -> None:
            with contextlib.suppress(LookupError):  # removed by another writer meanwhile
                change(ws)

        self.writer.change(self.ws, safe)

    def save(self) -> None:
        self.writer.save(self.ws)

    def _update_sp(self, name: str, **values: object) -> None:
        def change(ws: Workspace) -> None:
            sp = sp_of(ws, name)
            for key, value in values.items():
                setattr(sp, key, value)

        self.record(change)

    def _sp(self, step: PlanStep) -> ServicePrincipal:
        sp = self.ws.service_principal(step.subject)
        if sp is None:
            raise ProviderError(f"{step.subject} is no longer in the inventory", "invalid-request")
        return sp

    def _client_of(self, name: str) -> str:
        sp = self.ws.service_principal(name)
        return sp.client if sp else ""

    def _set_checklist(self, item_id: str, text: str, client: str = "") -> None:
        def change(ws: Workspace) -> None:
            for item in ws.checklist:
                if item.id == item_id:
                    item.text = text
                    return
            ws.checklist.append(ChecklistItem(id=item_id, text=text, client=client))

        self.record(change)

    def _drop_checklist(self, item_id: str) -> None:
        def change(ws: Workspace) -> None:
            ws.checklist = [c for c in ws.checklist if c.id != item_id]

        self.record(change)


def checklist_slug(name: str) -> str:
    return re.sub(r"[^a-z0-9:._-]", "-", name.lower()).strip("-") or "item"
