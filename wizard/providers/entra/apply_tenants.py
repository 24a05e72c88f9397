"""Build and run apply across tenants: the one plan-and-apply operation the CLI and the Entra screen both call.

`checked_plans` builds the per-tenant plans (refusing an unknown client or service principal to rotate);
`tenants_to_apply` keeps the tenants with steps and refuses one whose id or domain is not recorded;
`acquire_tokens` gets one token per tenant before anything changes (a token for one tenant never serves
another: wizard.providers.entra.tenant_tokens); `apply_tenants` runs each tenant's plan in order (home
first) with that tenant's token only, saving through the face's `InventoryWriter` (lock + digest check),
and stops at the first tenant that fails. The face injects what differs: the retry policy with its
wait/countdown callbacks, the secret sink, a confirmation per tenant, progress and report callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from wizard.model import Workspace
from wizard.providers.entra.plan import Plan, PlanStep, build_plans, pin_placement
from wizard.providers.entra.tenant_tokens import TenantTokens

if TYPE_CHECKING:
    from wizard.inventory_writer import InventoryWriter
    from wizard.providers.entra.apply_recording import SecretVerifier
    from wizard.providers.entra.apply_report import ApplyReport
    from wizard.providers.entra.retry import RetryPolicy
    from wizard.providers.http import HttpSettings
    from wizard.secrets.sinks import SecretSink

# token_for(plan, every plan that needs a token) -> the token for plan's tenant ('' when there is none)
TokenFor = Callable[[Plan, list[Plan]], str]
# progress_for(plan, steps of earlier tenants) -> apply_plan's progress callback for that tenant
ProgressFor = Callable[[Plan, int], "Callable[[int, int, PlanStep, str], None] | None"]


class ApplyRefused(ValueError):
    """Apply cannot go on before changing anything more; the message is one line, safe to show."""


def checked_plans(
    ws: Workspace, *, client: str | None = None, rotate: Collection[str] = (), tenant: str | None = None
) -> list[Plan]:
    """The per-tenant plans of *ws*, optionally one client's or one tenant's, rotating the named secrets."""
    if client and ws.client(client) is None:
        raise ApplyRefused(f"unknown client {client!r}")
    unknown = [n for n in rotate if ws.service_principal(n) is None]
    if unknown:
        raise ApplyRefused(f"unknown service principal(s) to rotate: {', '.join(unknown)}")
    plans = build_plans(ws, client=client, rotate=frozenset(rotate), tenant=tenant or None)
    if tenant and not plans:
        raise ApplyRefused(f"no planned object lives in tenant {tenant!r}")
    return plans


def tenants_to_apply(plans: Sequence[Plan]) -> list[Plan]:
    """The plans with steps; ApplyRefused when a tenant with automatic steps has no recorded id or domain."""
    todo = [p for p in plans if p.steps]
    missing = [p.title for p in todo if not p.tenant and p.automatic]
    if missing:
        raise ApplyRefused(f"{'; '.join(missing)}: record the tenant id or domain before apply")
    return todo


def acquire_tokens(todo: Sequence[Plan], token_for: TokenFor) -> TenantTokens:
    """One token per tenant with automatic steps, all before anything changes (ValueError or the face's
    sign-in error when one cannot be had; TokenMismatch when one tenant's token is offered for another)."""
    signing = [p for p in todo if p.automatic]
    tokens = TenantTokens()
    missing = []
    for plan in signing:
        token = token_for(plan, signing)
        if token:
            tokens.put(plan.key, plan.tenant, token, plan.title)
        else:
            missing.append(plan.title)
    if missing:
        raise ApplyRefused(f"not signed in to: {'; '.join(missing)}")
    return tokens


@dataclass
class ApplyRun:
    """What apply did per tenant: each report in order, the tenants declined, those never started."""

    reports: list[tuple[Plan, ApplyReport]] = field(default_factory=list)
    declined: list[Plan] = field(default_factory=list)
    not_started: list[Plan] = field(default_factory=list)

    @property
    def last(self) -> ApplyReport | None:
        return self.reports[-1][1] if self.reports else None

    @property
    def ok(self) -> bool:
        """Every tenant applied without a stop (declined tenants count as not ok)."""
        return all(report.ok for _, report in self.reports) and not self.declined


def apply_tenants(
    ws: Workspace,
    todo: Sequence[Plan],
    tokens: TenantTokens,
    *,
    graph_url: str,
    http_settings: HttpSettings,
    writer: InventoryWriter,
    retry: RetryPolicy,
    sink_for: Callable[[], SecretSink],
    confirm: Callable[[Plan], bool] | None = None,
    started: Callable[[Plan], None] | None = None,
    progress_for: ProgressFor | None = None,
    finished: Callable[[Plan, ApplyReport], None] | None = None,
    verify_secret: SecretVerifier | None = None,
) -> ApplyRun:
    """Carry out each tenant's plan with its own token; stop at the first tenant that fails.

    The secret sink is made (sink_for) only when a tenant has a client-secret step. ApplyRefused when the
    sink or the Graph client cannot be made; InventoryError when a save fails (the face says so).
    """
    from wizard.providers import ProviderError
    from wizard.providers.entra.apply import apply_plan
    from wizard.providers.entra.client import GraphClient
    from wizard.providers.http import build_client

    run = ApplyRun()
    sink: SecretSink | None = None
    done = 0
    for index, plan in enumerate(todo):
        if confirm is not None and not confirm(plan):
            run.declined.append(plan)
            continue
        try:
            if sink is None and any(s.kind == "client-secret" for s in plan.steps):
                sink = sink_for()
            token = tokens.get(plan.key) or ""
            graph = GraphClient(graph_url, build_client(http_settings), token, http_settings)
        except (ValueError, ProviderError) as exc:
            raise ApplyRefused(getattr(exc, "message", None) or str(exc)) from None
        if started is not None:
            started(plan)
        writer.change(ws, partial(pin_placement, plan=plan))  # replayed if another writer saved meanwhile
        report = apply_plan(
            ws,
            plan,
            graph,
            writer=writer,
            sink=sink,
            progress=progress_for(plan, done) if progress_for is not None else None,
            retry=retry,
            verify_secret=verify_secret,
        )
        done += len(plan.steps)
        run.reports.append((plan, report))
        if finished is not None:
            finished(plan, report)
        if not report.ok:
            run.not_started = list(todo[index + 1 :])
            break
    return run
