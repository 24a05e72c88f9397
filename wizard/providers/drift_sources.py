"""The drift sources configured for a workspace: one callable per live system idspine can read.

- n8n, when integrations.n8n_url and n8n_api_key_ref are set: the workflows' credentials against the
  inventory (wizard.discovery.n8n_drift);
- Supabase, when integrations.supabase_project_ref and supabase_access_token_ref are set: the project's API
  key metadata and Auth providers (wizard.discovery.supabase_drift);
- Entra, one source per recorded tenant (home and clients' own), when the command line gives a way to get
  a token (wizard.providers.entra.discover reads, wizard.discovery.entra_drift compares).

A source never raises: a key that cannot be read, a refused token, a network failure or a garbled answer
becomes `unreadable={system: one line}` (exit code 2), so nothing is ever reported "in sync" unread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from wizard.discovery.drift import DriftSource
from wizard.discovery.findings import DriftReport
from wizard.model import Workspace

if TYPE_CHECKING:
    from wizard.settings import Connections


class _Source:
    """A named drift source: `system` for messages, `read` does the work and may raise."""

    def __init__(self, system: str, read: Callable[[Workspace], DriftReport], service: str):
        self.system = system
        self._read = read
        self._service = service

    def __repr__(self) -> str:
        return f"DriftSource({self.system!r})"

    def __call__(self, ws: Workspace) -> DriftReport:
        from wizard.providers.errors import ProviderError, Service, advice
        from wizard.secrets.resolver import SecretUnavailable

        try:
            return self._read(ws)
        except SecretUnavailable as exc:
            reason = f"the key or token cannot be read: {exc}"
        except ProviderError as exc:
            reason = exc.message
            if not exc.explained:
                reason += f" ({advice(exc.kind, Service(self._service))})"
        return DriftReport(
            checked_at=dt.datetime.now(dt.UTC), systems=[self.system], unreadable={self.system: reason}
        )


def n8n_source(url: str, key_ref: str, connections: Connections) -> DriftSource:
    """n8n's workflows and credential ids against the inventory."""

    def read(ws: Workspace) -> DriftReport:
        from wizard.discovery.n8n_drift import compare_n8n
        from wizard.providers.n8n.connect import open_n8n
        from wizard.providers.n8n.workflows import read_workflows

        provider = open_n8n(url, key_ref, connections)
        workflows = read_workflows(provider)
        return compare_n8n(ws, workflows, provider.credential_exists)

    return _Source("n8n", read, "n8n")


def supabase_source(project_ref: str, token_ref: str, connections: Connections) -> DriftSource:
    """The Supabase project's keys and Auth providers against the inventory."""
    from wizard.discovery.supabase_drift import system_of

    def read(ws: Workspace) -> DriftReport:
        from wizard.discovery.supabase_drift import compare_supabase
        from wizard.providers.supabase import open_supabase
        from wizard.providers.supabase_read import read_project

        return compare_supabase(ws, read_project(open_supabase(token_ref, connections), project_ref))

    return _Source(system_of(project_ref), read, "Supabase")


# ---- ENTRA SOURCE ------------------------------------------------------------------------------------------
TokenFor = Callable[[str], str]  # tenant -> a Graph access token; SecretUnavailable when there is none


def entra_tenants(ws: Workspace) -> list[tuple[str, str]]:
    """(tenant, client slug) for the home tenant and each active client's own tenant, each tenant once."""
    from wizard.model import Status

    out: dict[str, tuple[str, str]] = {}
    if ws.consultancy.home_tenant:
        out[ws.consultancy.home_tenant.lower()] = (ws.consultancy.home_tenant, "")
    for client in ws.clients:
        if client.tenant and client.status != Status.RETIRED:
            out.setdefault(client.tenant.lower(), (client.tenant, client.slug))
    return list(out.values())


def entra_source(tenant: str, client: str, token_for: TokenFor, connections: Connections) -> DriftSource:
    """One tenant's apps, credentials and groups (read through Graph, read-only) against the inventory."""

    def read(ws: Workspace) -> DriftReport:
        from wizard.discovery.entra_drift import compare_entra
        from wizard.discovery.entra_match import group_prefixes
        from wizard.providers.entra.discover import discover_tenant
        from wizard.providers.http_settings import http_settings_for
        from wizard.settings import Environment

        snapshot = discover_tenant(
            tenant,
            token_for(tenant),
            graph_url=Environment.read().graph_url or connections.graph_url,
            http_settings=http_settings_for(connections),
            group_prefixes=group_prefixes(ws, client),
        )
        return compare_entra(ws, snapshot)

    return _Source(f"entra:{tenant}", read, "Microsoft Graph")


# -----------------------------------------------------------------------------------------------------------

SYSTEMS = ("n8n", "supabase", "entra")


def drift_sources(
    ws: Workspace,
    connections: Connections,
    entra_token: TokenFor | None = None,
    systems: tuple[str, ...] = SYSTEMS,
) -> list[DriftSource]:
    """The sources this workspace is configured for, in a fixed order (n8n, Supabase, Entra tenants).

    Entra needs a way to get a token (*entra_token*, from the command line), the discovery modules, and an
    inventory on Entra (or with no IdP chosen yet) that records a tenant. *systems* limits the kinds compared.
    """
    from wizard.vocabulary import IdP

    i = ws.consultancy.integrations
    sources: list[DriftSource] = []
    if "n8n" in systems and i.n8n_url and i.n8n_api_key_ref:
        sources.append(n8n_source(i.n8n_url, i.n8n_api_key_ref, connections))
    if "supabase" in systems and i.supabase_project_ref and i.supabase_access_token_ref:
        sources.append(supabase_source(i.supabase_project_ref, i.supabase_access_token_ref, connections))
    on_entra = ws.consultancy.idp in (None, IdP.ENTRA)
    if "entra" in systems and entra_token is not None and on_entra:
        for tenant, client in entra_tenants(ws):
            sources.append(entra_source(tenant, client, entra_token, connections))
    return sources
