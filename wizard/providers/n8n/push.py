"""Push the inventory's credentials to n8n: the one operation behind `idspine n8n push` and the n8n screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from wizard.model import Workspace
from wizard.providers.n8n import connect
from wizard.providers.n8n.client import PushReport, push_credentials

if TYPE_CHECKING:
    from wizard.settings import Connections


def push_to_n8n(
    ws: Workspace,
    connections: Connections,
    url: str,
    key_ref: str,
    *,
    client: str | None = None,
    dry_run: bool = False,
    on_change: Callable[[Workspace], None] | None = None,
) -> PushReport:
    """Create the workspace's n8n credentials that n8n lacks, adopt those it holds, and report each.

    A dry run opens no connection (url and key_ref are not used) but resolves secrets and builds the data.
    Opening n8n may raise SecretUnavailable (the API key) or ProviderError (the address); failures while
    pushing are in the report (`aborted`, `aborted_kind`, and each outcome's detail).
    """
    provider = None if dry_run else connect.open_n8n(url, key_ref, connections)
    return push_credentials(
        ws, provider, connections.resolve, client=client, dry_run=dry_run, on_change=on_change
    )
