"""Read every workflow of an n8n through its public API and learn which credential each node uses.

`GET /api/v1/workflows?limit=100&excludePinnedData=true`, then the same with `cursor=<nextCursor>` until
n8n sends no nextCursor (n8n 1.123.81 public API, openapi.yml: parameters `limit` (at most 250) and `cursor`,
response `workflowList` = {data: [workflow], nextCursor}). A node's `credentials` object maps the credential
type to `{id, name}`. Needs the API key scopes workflow:list (and workflow:read). Nothing is written.

A page over the response size limit is asked for again in smaller pages. A garbled answer (no `data` list, a node without a credential id, a cursor that repeats) is a ProviderError,
never a partial result that would make drift say "in sync".
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from wizard.discovery.n8n_drift import NodeCredential, WorkflowInfo
from wizard.providers.errors import ErrorKind, ProviderError
from wizard.providers.http import expect_dict
from wizard.providers.n8n.client import N8nProvider

PAGE_SIZE = 100
MIN_PAGE_SIZE = 5  # an answer over the size limit is asked again in pages a quarter the size, down to this
MAX_PAGES = 2000  # 200,000 workflows: far beyond any real n8n; a server that never stops is refused
MAX_TEXT = 500  # longer names or ids are cut (they only label findings)


def _text(value: Any, what: str, required: bool = True) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or (required and not value):
        raise ProviderError(f"n8n list workflows: {what} is missing or not text", ErrorKind.BAD_RESPONSE)
    return value[:MAX_TEXT]


def parse_workflow(raw: Any) -> WorkflowInfo:
    """One workflow object of the list as WorkflowInfo (ProviderError when it is not one)."""
    if not isinstance(raw, dict):
        raise ProviderError("n8n list workflows: an item is not an object", ErrorKind.BAD_RESPONSE)
    wf_id = _text(raw.get("id"), "a workflow id")
    name = _text(raw.get("name", ""), "a workflow name", required=False)
    nodes = raw.get("nodes")
    if nodes is None:
        nodes = []
    if not isinstance(nodes, list):
        raise ProviderError(
            f"n8n list workflows: workflow {wf_id}: nodes is not a list", ErrorKind.BAD_RESPONSE
        )
    seen: dict[str, NodeCredential] = {}
    for node in nodes:
        creds = node.get("credentials") if isinstance(node, dict) else None
        if creds is None:
            continue
        if not isinstance(creds, dict):
            raise ProviderError(
                f"n8n list workflows: workflow {wf_id}: a node's credentials is not an object",
                ErrorKind.BAD_RESPONSE,
            )
        for cred_type, ref in creds.items():
            if not isinstance(ref, dict):
                raise ProviderError(
                    f"n8n list workflows: workflow {wf_id}: a credential reference is not an object",
                    ErrorKind.BAD_RESPONSE,
                )
            if ref.get("id") in (None, ""):
                continue  # a node set up by name only (n8n resolves it when the workflow runs): no id to match
            cred_id = _text(ref.get("id"), "a credential id")
            cred_name = _text(ref.get("name", ""), "a credential name", required=False)
            seen.setdefault(cred_id, NodeCredential(cred_id, cred_name, str(cred_type)[:MAX_TEXT]))
    return WorkflowInfo(wf_id, name, raw.get("active") is True, tuple(seen.values()))


def read_workflows(provider: N8nProvider, page_size: int = PAGE_SIZE) -> list[WorkflowInfo]:
    """Every workflow, page by page (ProviderError on any failure: never a partial list)."""
    api = provider._api  # the provider's one safe JsonApi (key header, limits, retries)
    found: list[WorkflowInfo] = []
    cursor = ""
    cursors: set[str] = set()
    for _ in range(MAX_PAGES):
        path = f"/api/v1/workflows?limit={page_size}&excludePinnedData=true"
        if cursor:
            path += f"&cursor={quote(cursor, safe='')}"
        try:
            body = expect_dict(api.call("GET", path).data, "n8n list workflows")
        except ProviderError as exc:
            if "too large" in exc.message and page_size > MIN_PAGE_SIZE:  # big workflows: smaller pages
                page_size = max(MIN_PAGE_SIZE, page_size // 4)
                continue
            raise
        items = body.get("data")
        if not isinstance(items, list):
            raise ProviderError("n8n list workflows: 'data' is not a list", ErrorKind.BAD_RESPONSE)
        found.extend(parse_workflow(item) for item in items)
        nxt = body.get("nextCursor")
        if nxt in (None, ""):
            return found
        if not isinstance(nxt, str) or nxt in cursors:
            raise ProviderError(
                "n8n list workflows: the next-page cursor is not usable (repeated or not text)",
                ErrorKind.BAD_RESPONSE,
            )
        cursors.add(nxt)
        cursor = nxt
    raise ProviderError("n8n list workflows: too many pages", ErrorKind.BAD_RESPONSE)
