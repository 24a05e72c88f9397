"""n8n provider: create, check, delete and rotate workflow credentials through n8n's public API.

n8n 1.123 has no `GET /api/v1/credentials` (405), so idspine remembers the id n8n returns in the
inventory (Credential.n8n_id). A recorded id is checked with a harmless probe: asking to move the
credential to a project that cannot exist; n8n answers "could not find the credential" when the id is
gone and "could not find project" when it exists (nothing is moved either way; needs the
`credential:move` scope). The API key travels only in the X-N8N-API-KEY header.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from wizard.model import Credential, Status, Workspace
from wizard.providers.errors import ErrorKind, ProviderError
from wizard.providers.http import HttpSettings, JsonApi, expect_dict, expect_str
from wizard.providers.n8n.credentials import BuildContext, CredentialBuildError, build_data, schema_problems
from wizard.providers.n8n.workflow_calls import WorkflowCalls
from wizard.providers.n8n.workflow_calls import check_id as _check_id
from wizard.secrets.resolver import SecretUnavailable

_PROBE_PROJECT = "idspine-existence-probe-no-such-project"


class N8nProvider(WorkflowCalls):
    """One n8n instance's public API (base address like https://n8n.example.com)."""

    def __init__(
        self, base_url: str, client: httpx.Client, api_key: str, settings: HttpSettings | None = None
    ):
        if not api_key:
            raise ProviderError("no n8n API key", ErrorKind.REFUSED)
        self._api = JsonApi("n8n", base_url, client, {"X-N8N-API-KEY": api_key}, settings)
        self._plain = JsonApi("n8n", base_url, client, {}, settings)
        self.base_url = self._api.base_url
        self._schemas: dict[str, dict[str, Any]] = {}

    def __repr__(self) -> str:
        return f"N8nProvider({self.base_url!r})"

    # ---------------------------------------------------------------- credentials
    def credential_schema(self, n8n_type: str) -> dict[str, Any]:
        """n8n's JSON schema for the data of *n8n_type* (ProviderError not-found for unknown types)."""
        if n8n_type not in self._schemas:
            what = f"n8n credential schema {n8n_type}"
            res = self._api.call("GET", f"/api/v1/credentials/schema/{quote(n8n_type, safe='')}")
            schema = expect_dict(res.data, what)
            if not isinstance(schema.get("properties"), dict):
                raise ProviderError(f"{what}: the answer has no properties object", ErrorKind.BAD_RESPONSE)
            self._schemas[n8n_type] = schema
        return self._schemas[n8n_type]

    def create_credential(self, name: str, n8n_type: str, data: dict[str, Any]) -> str:
        """Create a credential; returns the id n8n gave it. The data's values are never quoted back."""
        secrets = [v for v in data.values() if isinstance(v, str) and len(v) >= 4]
        res = self._api.call(
            "POST",
            "/api/v1/credentials",
            json_body={"name": name, "type": n8n_type, "data": data},
            secrets=secrets,
        )
        body = expect_dict(res.data, "n8n create credential")
        cred_id = expect_str(body, "id", "n8n create credential", max_len=64)
        return _check_id(cred_id)

    def delete_credential(self, cred_id: str) -> bool:
        """Delete a credential; False when n8n says it does not exist (already gone)."""
        try:
            self._api.call("DELETE", f"/api/v1/credentials/{_check_id(cred_id)}")
        except ProviderError as exc:
            if exc.kind == ErrorKind.NOT_FOUND:
                return False
            raise
        return True

    def credential_exists(self, cred_id: str) -> bool | None:
        """True/False when n8n tells, None when the answer is ambiguous (e.g. the key lacks credential:move)."""
        try:
            self._api.call(
                "PUT",
                f"/api/v1/credentials/{_check_id(cred_id)}/transfer",
                json_body={"destinationProjectId": _PROBE_PROJECT},
                ok=(200, 204),
            )
        except ProviderError as exc:
            text = exc.message.lower()
            if exc.status in (400, 404) and "could not find the credential" in text:
                return False
            if exc.status in (400, 404) and "could not find project" in text:
                return True
            if exc.status == 404 and "not found" in text and "project" not in text:
                return False
            if (
                exc.kind in (ErrorKind.NETWORK, ErrorKind.INVALID_URL, ErrorKind.REDIRECT)
                or exc.status == 401
            ):
                raise
            return None
        return True  # pragma: no cover - n8n never accepts the probe project

    def audit(self, categories: tuple[str, ...] = ("credentials",)) -> dict[str, Any]:
        """n8n's security audit (POST /api/v1/audit); needs the securityAudit:generate scope."""
        res = self._api.call(
            "POST",
            "/api/v1/audit",
            json_body={"additionalOptions": {"categories": list(categories)}},
            idempotent=True,
        )
        if res.data is None or res.data == []:
            return {}
        return expect_dict(res.data, "n8n audit")

    # ---------------------------------------------------------------- routes (SSO verification)
    def route_status(self, path: str) -> int:
        """The HTTP status n8n answers for GET *path*, sent without the API key (404: no such route)."""
        res = self._plain.call("GET", path, ok=range(100, 600), parse=False)
        return res.status


# ==================================================================== pushing the inventory


@dataclass
class PushOutcome:
    """What happened to one inventory credential."""

    credential: str
    n8n_type: str
    result: str  # created | adopted | failed | planned (dry run) | skipped
    n8n_id: str = ""
    detail: str = ""


@dataclass
class PushReport:
    """The outcome of `push_credentials`, one line per credential."""

    outcomes: list[PushOutcome] = field(default_factory=list)
    aborted: str = ""
    aborted_kind: ErrorKind | None = None  # ProviderError.kind of the failure that stopped the run

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)

    @property
    def ok(self) -> bool:
        return not self.aborted and self.count("failed") == 0


Resolver = Callable[[str], str]


def credentials_for_n8n(ws: Workspace, client: str | None = None) -> list[Credential]:
    """Inventory credentials that live in n8n (have an n8n type, are not retired), optionally one client's."""
    return [
        c
        for c in ws.credentials
        if c.n8n_type and c.status != Status.RETIRED and (client is None or c.client == client)
    ]


def build_context(ws: Workspace, cred: Credential) -> BuildContext:
    """The non-secret facts idspine knows for *cred* (OAuth client id, tenant, Supabase address, scopes)."""
    sp = ws.service_principal(cred.identity) if cred.identity else None
    client = ws.client(cred.client) if cred.client else None
    from wizard.placement import service_principal_tenant  # its tokens come from where its principal lives

    tenant = (
        (service_principal_tenant(ws, sp).tenant if sp else "")
        or (client.tenant if client and client.tenant else "")
        or ws.consultancy.home_tenant
    )
    ref = ws.consultancy.integrations.supabase_project_ref
    return BuildContext(
        client_id=(sp.app_id or "") if sp else "",
        tenant=tenant,
        supabase_url=f"https://{ref}.supabase.co" if ref else "",
        scopes=tuple(cred.scopes),
    )


def secret_ref_of(ws: Workspace, cred: Credential) -> str | None:
    """Where the credential's secret lives: its own reference, else its service principal's."""
    if cred.secret_ref:
        return cred.secret_ref
    sp = ws.service_principal(cred.identity) if cred.identity else None
    return sp.secret_ref if sp else None


def n8n_name(cred: Credential) -> str:
    """The name the credential gets in n8n: its label and the inventory id it came from."""
    label = (cred.label or cred.service).strip()
    return f"{label} [idspine:{cred.id}]"[:128]


def prepare_data(ws: Workspace, cred: Credential, resolve: Resolver) -> dict[str, Any]:
    """Resolve the secret now and build the n8n data (CredentialBuildError / SecretUnavailable)."""
    ref = secret_ref_of(ws, cred)
    if not ref:
        raise CredentialBuildError(
            "no secret reference recorded (set secret_ref on the credential or its service principal)"
        )
    return build_data(cred.n8n_type, resolve(ref), build_context(ws, cred))


def _record(cred: Credential, n8n_id: str, host: str) -> None:
    cred.n8n_id = n8n_id
    if not any(u.startswith("n8n:") for u in cred.used_by):
        cred.used_by = [*cred.used_by, f"n8n:{host}"]


_FATAL_KINDS = frozenset({ErrorKind.REFUSED, ErrorKind.NETWORK, ErrorKind.INVALID_URL, ErrorKind.REDIRECT})


def push_credentials(
    ws: Workspace,
    provider: N8nProvider | None,
    resolve: Resolver,
    client: str | None = None,
    dry_run: bool = False,
    on_change: Callable[[Workspace], None] | None = None,
) -> PushReport:
    """Create each of the workspace's n8n credentials that n8n does not hold yet; adopt those it does.

    Ids are written into the workspace as they are created and *on_change* is called after each, so a
    crash part-way leaves an inventory that matches n8n. A refused key or network failure stops the run.
    In a dry run nothing is sent and no secret value is shown, but secrets are resolved and data built.
    """
    report = PushReport()
    host = urlsplit(provider.base_url).hostname if provider else ""
    for cred in credentials_for_n8n(ws, client):
        outcome = PushOutcome(cred.id, cred.n8n_type, "failed")
        report.outcomes.append(outcome)
        try:
            if cred.n8n_id and not dry_run and provider is not None:
                exists = provider.credential_exists(cred.n8n_id)
                if exists is not False:
                    outcome.result, outcome.n8n_id = "adopted", cred.n8n_id
                    outcome.detail = (
                        "already in n8n" if exists else "recorded id kept (n8n could not confirm it)"
                    )
                    continue
                outcome.detail = f"recorded id {cred.n8n_id} no longer exists in n8n; created again. "
            data = prepare_data(ws, cred, resolve)
            if dry_run or provider is None:
                outcome.result = "planned" if not cred.n8n_id else "adopted"
                outcome.n8n_id = cred.n8n_id
                outcome.detail = (
                    "would create with fields " + ", ".join(sorted(data))
                    if not cred.n8n_id
                    else "has a recorded id (checked on a real run)"
                )
                continue
            problems = schema_problems(data, provider.credential_schema(cred.n8n_type))
            if problems:
                raise CredentialBuildError("does not match n8n's schema: " + "; ".join(problems))
            new_id = provider.create_credential(n8n_name(cred), cred.n8n_type, data)
            _record(cred, new_id, host or "")
            outcome.result, outcome.n8n_id = "created", new_id
            outcome.detail += "created"
            if on_change:
                on_change(ws)
        except (CredentialBuildError, SecretUnavailable) as exc:
            outcome.detail += str(exc)
        except ProviderError as exc:
            outcome.detail += exc.message
            if exc.kind in _FATAL_KINDS:
                report.aborted, report.aborted_kind = exc.message, exc.kind
                break
    return report


@dataclass
class RotateResult:
    """The outcome of rotating one credential in n8n."""

    old_id: str
    new_id: str
    workflows: list[str]
    old_deleted: bool


def rotate_credential(
    ws: Workspace,
    cred_id: str,
    provider: N8nProvider,
    resolve: Resolver,
    on_change: Callable[[Workspace], None] | None = None,
) -> RotateResult:
    """Create the credential anew from its current secret, repoint workflows, then delete the old one.

    The new id is recorded before anything is deleted; if repointing fails the old credential is kept.
    """
    cred = ws.credential(cred_id)
    if cred is None or not cred.n8n_type:
        raise ProviderError(f"no n8n credential {cred_id!r} in the inventory", ErrorKind.INVALID_REQUEST)
    old_id = cred.n8n_id
    data = prepare_data(ws, cred, resolve)
    problems = schema_problems(data, provider.credential_schema(cred.n8n_type))
    if problems:
        raise CredentialBuildError("does not match n8n's schema: " + "; ".join(problems))
    name = n8n_name(cred)
    new_id = provider.create_credential(name, cred.n8n_type, data)
    _record(cred, new_id, urlsplit(provider.base_url).hostname or "")
    if on_change:
        on_change(ws)
    moved: list[str] = []
    deleted = False
    if old_id:
        for wf in provider.workflows_using(old_id):
            provider.repoint_workflow(wf, old_id, new_id, name)
            moved.append(str(wf.get("name") or wf.get("id")))
        deleted = provider.delete_credential(old_id)
    return RotateResult(old_id, new_id, moved, deleted)
