"""The n8n workflow calls rotation needs: which workflows use a credential, re-pointing them, unused credentials.

n8n's public API cannot update a credential, so a rotation creates a new one and moves every workflow
over: `GET /api/v1/workflows` (paged by `nextCursor`, needs workflow:list/read) finds the nodes whose
`credentials` name the old id, and `PUT /api/v1/workflows/{id}` (workflow:update) writes the workflow back
with those references changed. The PUT body takes name, nodes, connections and settings only, and n8n
refuses settings keys it does not know, so only the documented ones are sent (n8n's public API spec,
packages/cli/src/public-api/v1/handlers/workflows/spec/schemas/workflow.yml and workflowSettings.yml in
n8n-io/n8n). `unused_credentials` reads n8n's security audit (POST /api/v1/audit, securityAudit:generate):
its credentials report has a section "Credentials not used in any workflow" whose locations are
{kind: credential, id, name} (packages/cli/src/security-audit/risk-reporters/credentials-risk-reporter.ts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from wizard.providers.errors import ErrorKind, ProviderError
from wizard.providers.http import expect_dict

if TYPE_CHECKING:
    from wizard.providers.http import JsonApi

_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
_MAX_PAGES = 200
_WORKFLOW_SETTINGS = frozenset(
    {
        "saveExecutionProgress",
        "saveManualExecutions",
        "saveDataErrorExecution",
        "saveDataSuccessExecution",
        "executionTimeout",
        "errorWorkflow",
        "timezone",
        "executionOrder",
        "callerPolicy",
        "callerIds",
        "timeSavedPerExecution",
        "availableInMCP",
    }
)
_UNUSED_SECTION = "not used in any workflow"  # the credentials report's section title ends so


def check_id(item_id: str) -> str:
    """An n8n id as it may go into a path (letters, digits, - and _), else ProviderError."""
    if not item_id or len(item_id) > 64 or not set(item_id) <= _ID_CHARS:
        raise ProviderError(
            "an n8n credential id is letters, digits, - and _ only", ErrorKind.INVALID_REQUEST
        )
    return item_id


def node_uses(node: Any, cred_id: str) -> bool:
    """Whether a workflow node's `credentials` map names credential *cred_id*."""
    creds = node.get("credentials") if isinstance(node, dict) else None
    return isinstance(creds, dict) and any(
        isinstance(r, dict) and r.get("id") == cred_id for r in creds.values()
    )


class WorkflowCalls:
    """Mixed into N8nProvider: the calls on workflows (and the audit) a rotation makes."""

    _api: JsonApi

    def workflows(self) -> list[dict[str, Any]]:
        """Every workflow the API key may read, page by page."""
        found: list[dict[str, Any]] = []
        cursor = ""
        for _ in range(_MAX_PAGES):
            path = "/api/v1/workflows?limit=100" + (f"&cursor={quote(cursor, safe='')}" if cursor else "")
            body = expect_dict(self._api.call("GET", path).data, "n8n list workflows")
            items = body.get("data")
            if not isinstance(items, list):
                raise ProviderError("n8n list workflows: 'data' is not a list", ErrorKind.BAD_RESPONSE)
            found += [wf for wf in items if isinstance(wf, dict)]
            cursor = body.get("nextCursor") or ""
            if not isinstance(cursor, str) or not cursor:
                return found
        raise ProviderError("n8n list workflows: too many pages", ErrorKind.BAD_RESPONSE)

    def workflows_using(self, cred_id: str) -> list[dict[str, Any]]:
        """Workflows with a node that uses credential *cred_id* (needs workflow:list/read)."""
        return [wf for wf in self.workflows() if any(node_uses(n, cred_id) for n in wf.get("nodes") or [])]

    def repoint_workflow(self, workflow: dict[str, Any], old_id: str, new_id: str, new_name: str) -> None:
        """Point every node of *workflow* that used credential *old_id* at *new_id* (PUT /workflows/{id})."""
        wf_id = check_id(str(workflow.get("id", "")))
        nodes = []
        for node in workflow.get("nodes") or []:
            node = dict(node)
            creds = node.get("credentials")
            if isinstance(creds, dict):
                node["credentials"] = {
                    t: (
                        {"id": new_id, "name": new_name}
                        if isinstance(ref, dict) and ref.get("id") == old_id
                        else ref
                    )
                    for t, ref in creds.items()
                }
            nodes.append(node)
        settings = {k: v for k, v in (workflow.get("settings") or {}).items() if k in _WORKFLOW_SETTINGS}
        body = {
            "name": workflow.get("name", ""),
            "nodes": nodes,
            "connections": workflow.get("connections") or {},
            "settings": settings,
        }
        self._api.call("PUT", f"/api/v1/workflows/{wf_id}", json_body=body)

    def unused_credentials(self) -> list[dict[str, str]]:
        """Credentials no workflow uses, as n8n's audit lists them ({"id", "name"}); needs securityAudit:generate."""
        res = self._api.call(
            "POST",
            "/api/v1/audit",
            json_body={"additionalOptions": {"categories": ["credentials"]}},
            idempotent=True,
        )
        if res.data in (None, []):
            return []
        body = expect_dict(res.data, "n8n audit")
        report = body.get("Credentials Risk Report")
        sections = report.get("sections") if isinstance(report, dict) else None
        out: list[dict[str, str]] = []
        for section in sections if isinstance(sections, list) else []:
            if not isinstance(section, dict) or _UNUSED_SECTION not in str(section.get("title", "")).lower():
                continue
            for loc in section.get("location") or []:
                if isinstance(loc, dict) and loc.get("kind") == "credential" and loc.get("id"):
                    out.append({"id": str(loc["id"]), "name": str(loc.get("name") or "")})
        return out
