"""Read, from each output on its own terms, which tenant every object lands in: the Entra plan, the az script
(run against a recording fake `az` that remembers which tenant it is signed in to) and the Terraform (each
block's provider alias). Tests compare these views with each other and with wizard.placement."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import hcl2

from wizard.export.terraform import ident
from wizard.model import Workspace
from wizard.providers.entra.plan import build_plans

# A fake az: logs every call with the tenant it is signed in to; app ids name their app so a service principal
# made later (`az ad sp create --id app:NAME`) can be traced back to its app.
FAKE_AZ = r"""#!/usr/bin/env bash
state="$AZ_STATE"
case "$*" in
  "login --tenant "*) printf '%s' "$3" > "$state"; exit 0 ;;
esac
tenant="$(cat "$state" 2>/dev/null || echo NONE)"
line="$tenant"; for a in "$@"; do line="$line"$'\x1f'"$a"; done
printf '%s\n' "$line" >> "$AZ_LOG"
case "$*" in
  "ad app create --display-name "*) echo "app:$5" ;;
  *" list "*|*" list"|"keyvault secret show"*|"ad app show"*|"rest --method GET"*) ;;
  "ad user show"*) echo 22222222-2222-2222-2222-222222222222 ;;
  "ad sp show"*) echo 11111111-1111-1111-1111-111111111111 ;;
  "ad app credential reset"*) echo generated-secret-value-for-the-test ;;
  "keyvault secret set"*) cat > /dev/null ;;
  *) echo new-id ;;
esac
"""


def plan_view(ws: Workspace, client: str | None = None) -> dict[tuple[str, str], str]:
    """(kind, name) -> tenant, for groups, app registrations and service principals in the per-tenant plans."""
    out = {}
    for plan in build_plans(ws, client=client):
        for step in plan.steps:
            if step.kind in ("group", "application", "service-principal"):
                out[(step.kind, step.subject)] = plan.tenant
    return out


def az_view(
    script: str, tmp_path: Path, env_extra: dict[str, str] | None = None, expect_ok: bool = True
) -> tuple[dict[tuple[str, str], str], list[list[str]]]:
    """Run the script; (kind, name) -> the tenant az was signed in to when it created the object, and every call."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "az").write_text(FAKE_AZ)
    (bin_dir / "az").chmod(0o755)
    log = tmp_path / "az-tenants.log"
    env = {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "AZ_LOG": str(log),
        "AZ_STATE": str(tmp_path / "az-tenant"),
        "HOME": str(tmp_path),
        "SECRETS_DIR": str(tmp_path / "s"),
        **(env_extra or {}),
    }
    done = subprocess.run(["bash", "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True)
    assert (done.returncode == 0) == expect_ok, done.stderr
    (tmp_path / "az-stderr.txt").write_text(done.stderr)
    calls = [line.split("\x1f") for line in log.read_text().splitlines()] if log.exists() else []
    out = {}
    for tenant, *words in calls:
        if words[:3] == ["ad", "group", "create"]:
            out[("group", words[words.index("--display-name") + 1])] = tenant
        elif words[:3] == ["ad", "app", "create"]:
            out[("application", words[words.index("--display-name") + 1])] = tenant
        elif words[:3] == ["ad", "sp", "create"]:
            out[("service-principal", words[words.index("--id") + 1].removeprefix("app:"))] = tenant
    return out, calls


def terraform_view(hcl: str, ws: Workspace) -> tuple[dict[tuple[str, str], str], dict]:
    """(kind, name) -> the tenant of the provider each group, application and service principal names."""
    doc = hcl2.load(io.StringIO(hcl))
    alias_tenant = {}
    for block in doc.get("provider", []):
        for name, body in block.items():
            alias = body["alias"].strip('"')
            tenant = (
                ws.consultancy.home_tenant
                if alias == "home"
                else next(c.tenant for c in ws.clients if ident(c.slug) == alias)
            )
            alias_tenant[alias] = tenant
            assert name.strip('"') == "azuread" and body["tenant_id"]
    kinds = {
        "azuread_group": "group",
        "azuread_application": "application",
        "azuread_service_principal": "service-principal",
    }
    apps = {}
    for block in doc["resource"]:
        for rtype, instances in block.items():
            for rname, body in instances.items():
                if rtype.strip('"') == "azuread_application":
                    apps[rname.strip('"')] = body["display_name"].strip('"')
    out = {}
    for block in doc["resource"]:
        for rtype, instances in block.items():
            for rname, body in instances.items():
                assert "provider" in body, (rtype, rname)  # every resource names its tenant's provider
                kind = kinds.get(rtype.strip('"'))
                if kind is None:
                    continue
                name = body["display_name"].strip('"') if "display_name" in body else apps[rname.strip('"')]
                out[(kind, name)] = alias_tenant[
                    body["provider"].removeprefix("${").removesuffix("}").removeprefix("azuread.")
                ]
    return out, doc
