"""Identity blueprints the consultant builds for clients, turned into groups, app registrations, app roles,
group-to-role mappings, federated credentials and checklist items in the workspace (idempotently).

Each blueprint is one module here, drawn from a real rollout: an internal app with JIT provisioning and
scope-based permissions; a data API trusting several OIDC issuers; a platform with three identity planes;
a staff tenant under Terraform. The shared pieces (parameters, planning, merging) are in `model`.
"""

from __future__ import annotations

from wizard.blueprints import data_api_oidc, internal_app_jit, staff_tenant_terraform, three_planes
from wizard.blueprints.model import Blueprint, BlueprintPlan, Params, merge_plan, plan_blueprint
from wizard.model import Workspace

BLUEPRINTS: dict[str, Blueprint] = {
    m.BLUEPRINT.id: m.BLUEPRINT
    for m in (internal_app_jit, data_api_oidc, three_planes, staff_tenant_terraform)
}


def plan(ws: Workspace, blueprint_id: str, client: str, params: Params | None = None) -> BlueprintPlan:
    """What applying the blueprint would add for `client` (KeyError: unknown blueprint or client)."""
    return plan_blueprint(BLUEPRINTS[blueprint_id], ws, client, params)


def apply_blueprint(ws: Workspace, blueprint_id: str, client: str, params: Params | None = None) -> Workspace:
    """A copy of the workspace with the blueprint's objects for `client`; applying twice adds nothing new.

    KeyError for an unknown blueprint or client, ValueError for missing or malformed parameters.
    """
    return merge_plan(ws, plan(ws, blueprint_id, client, params))


__all__ = ["BLUEPRINTS", "Blueprint", "BlueprintPlan", "apply_blueprint", "plan"]
