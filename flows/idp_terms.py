"""Client onboarding's words for where a client's workload identities live, for an IdP other than Entra ID.

Entra ID speaks of tenants, multi-tenant apps and consent (flows.client_onboarding keeps those words); every
other IdP gets the same three choices in plain terms: the client's own identity provider, yours with the
client's admin letting the identity in, or yours alone.
"""

from __future__ import annotations

from wizard import placement
from wizard.idps import where as idp_words
from wizard.model import Placement, Workspace
from wizard.steps import Option

PLACEMENT_OPTIONS = (  # hints under 60 characters show beside each choice
    Option(
        Placement.CLIENT.value, "In the client's own identity provider", "the client owns and can revoke them"
    ),
    Option(
        Placement.MULTI_TENANT.value,
        "In yours, let in by the client's admin",
        "you rotate it at home; the client can shut it out",
    ),
    Option(Placement.HOME.value, "In your own identity provider", "only when the data they reach is yours"),
)


def placement_line(ws: Workspace, home: placement.Tenant, theirs: placement.Tenant, chosen: str) -> str:
    """'Data-access API service apps: in ... Okta groups: in ...' for the chosen placement."""
    prof = idp_words.profile(ws)
    mine, yours = idp_words.label(ws, home), idp_words.label(ws, theirs)
    spot = {
        Placement.CLIENT.value: f"in {yours}",
        Placement.MULTI_TENANT.value: f"in {mine}, let in at {yours}",
        Placement.HOME.value: f"in {mine}",
    }[chosen]
    groups = idp_words.plural(prof.groups.term)
    return f"Data-access {idp_words.plural(prof.workload.short)}: {spot}. {groups[:1].upper()}{groups[1:]}: in {mine}."
