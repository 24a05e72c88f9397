"""Where an object lives and where to click, in the chosen IdP's words, for the checklist and off-boarding.

Entra ID keeps its tenant wording (wizard.placement); these helpers are for every other IdP, where a
"tenant" is the IdP's own container (an Okta org, an Auth0 tenant, a Keycloak realm, an authentik instance,
a Cloud Identity customer) at the address the consultancy recorded (Consultancy.idp_address).
"""

from __future__ import annotations

from wizard import placement
from wizard.idps.catalogue import ENTRA, profile_for
from wizard.idps.profile import IdpProfile
from wizard.model import Workspace

# Words that name Entra-only objects or consoles; a catalogue hint that uses them does not apply elsewhere.
ENTRA_WORDS = ("Entra", "app registration", "App registration", "Enterprise application", "enterprise app")


def profile(ws: Workspace) -> IdpProfile:
    """The consultancy's IdP profile (Entra ID while none is chosen)."""
    return profile_for(ws.consultancy.idp)


def is_entra(ws: Workspace) -> bool:
    """True when the consultancy's objects live in Entra ID (chosen, or nothing chosen yet)."""
    return profile(ws).key == ENTRA.key


def plural(term: str) -> str:
    """'Okta group' -> 'Okta groups', 'service account' -> 'service accounts'."""
    return term if term.endswith("s") else term + "s"


def home_label(ws: Workspace) -> str:
    """The consultancy's own IdP container, with its address or a note that it is missing."""
    prof, address = profile(ws), ws.consultancy.idp_address
    shown = address or "address not recorded: run first-time setup"
    return f"{prof.groups.container} ({shown})"


def label(ws: Workspace, tenant: placement.Tenant) -> str:
    """Where an object lives: your own IdP, or the client's own identity provider."""
    if tenant.key == placement.HOME_KEY:
        return home_label(ws)
    client = ws.client(tenant.client)
    name = client.name if client else tenant.client
    return f"{name}'s own identity provider ({tenant.tenant or 'not recorded'})"


def hint(ws: Workspace, text: str) -> str:
    """A catalogue hint as it applies to this IdP: unchanged unless it names Entra-only objects."""
    if is_entra(ws) or not text or not any(w in text for w in ENTRA_WORDS):
        return text
    prof = profile(ws)
    return (
        f"in {prof.name}: {prof.workload.console_revoke}; on the service's side as its own documentation "
        "says (idspine's catalogue only knows the Microsoft set-up for it)"
    )


def create_hint(ws: Workspace, text: str) -> str:
    """Where to create a credential, as it applies to this IdP (see `hint`)."""
    if is_entra(ws) or not text or not any(w in text for w in ENTRA_WORDS):
        return text
    prof = profile(ws)
    return (
        f"in {prof.name}: {prof.workload.console_create}; on the service's side as its own documentation "
        "says (idspine's catalogue only knows the Microsoft set-up for it)"
    )
