"""Audit rules on who can reach an app: multi-tenant apps open to every user, Google OAuth clients still in Testing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from wizard import placement
from wizard.audit import Finding, Severity
from wizard.audit.rules.scope import credential_subject, live
from wizard.model import Hat, Method, ServicePrincipal, Workspace, is_google_service

# Scopes Google exempts from the 7-day limit on refresh tokens in Testing mode (name, email address, profile):
# https://developers.google.com/identity/protocols/oauth2 ("Refresh token expiration"), and
# https://support.google.com/cloud/answer/15549945 (publishing status, 7-day authorizations). The Audience page
# holds user type and publishing status: https://developers.google.com/data-manager/api/devguides/concepts/oauth-verification
BASIC_GOOGLE_SCOPES = frozenset(
    {
        "openid",
        "email",
        "profile",
        "https://www.googleapis.com/auth/userinfo.email",
        "https://www.googleapis.com/auth/userinfo.profile",
    }
)
# Callers that are a person at a keyboard, not an unattended workflow.
INTERACTIVE_CALLERS = ("laptop:", "idspine")
PRODUCTION_HATS = frozenset({Hat.OWN_PRODUCTION, Hat.CLIENT_DELIVERY})


def is_multi_tenant(ws: Workspace, sp: ServicePrincipal) -> bool:
    """The audience the IdP reported when recorded, else the one wizard.placement gives the app."""
    if sp.sign_in_audience is not None:
        return sp.sign_in_audience == "multi-tenant"
    return placement.is_multi_tenant(ws, sp)


def multi_tenant_without_assignment(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """A multi-tenant app whose enterprise app does not require assignment: every user of each tenant that
    consented can sign in to it. Mirrors Maester MT.1075 (third-party apps open to all users), which is how the
    app looks from each client's tenant. Group assignment and its P1/P2 licence: learn.microsoft.com/en-us/entra/
    identity/enterprise-apps/assign-user-or-group-access-portal."""
    for sp in live(ws.service_principals):
        if sp.assignment_required is True or not is_multi_tenant(ws, sp):
            continue
        state = "is off" if sp.assignment_required is False else "is not recorded as on"
        yield Finding(
            "multi-tenant-no-assignment",
            Severity.WARNING,
            f"service-principal:{sp.name}",
            f"{sp.name} is a multi-tenant app and 'Assignment required' {state}: any user of a tenant that "
            "consented to it can sign in.",
            "In each tenant where it has an enterprise app, open Enterprise applications > the app > Properties, "
            "set 'Assignment required?' to Yes (Graph: appRoleAssignmentRequired = true), then assign only the "
            "groups that need it under Users and groups (group assignment needs Entra ID P1 or P2 and does not "
            "reach nested groups; without it, assign the users); record assignment_required = true here.",
            "b2b-and-multi-tenant",
        )


def google_testing_in_production(ws: Workspace, today: dt.date) -> Iterator[Finding]:
    """A Google OAuth client whose consent screen is still in Testing, used by an unattended production workflow:
    its refresh token stops working 7 days after consent, and the workflow fails with invalid_grant."""
    production_hats = PRODUCTION_HATS & set(ws.consultancy.hats)
    for c in live(ws.credentials):
        if c.google_publishing_status != "testing" or c.method != Method.OAUTH_USER:
            continue
        if not is_google_service(c.service):
            continue
        if c.scopes and all(s in BASIC_GOOGLE_SCOPES for s in c.scopes):
            continue  # sign-in scopes only: Google's exception to the 7-day limit
        workflows = [u for u in c.used_by if not u.startswith(INTERACTIVE_CALLERS)]
        if not workflows or not (c.client or production_hats):
            continue
        for_client = bool(c.client)
        yield Finding(
            "google-oauth-testing",
            Severity.ERROR if for_client else Severity.WARNING,
            credential_subject(c),
            f"{c.label or c.id} is a Google OAuth client in Testing mode used by {', '.join(workflows)}: "
            "its refresh token expires 7 days after consent, and the workflow then fails with invalid_grant"
            + (" in work delivered for a client." if for_client else "."),
            "On the Audience page (Google Cloud console > Google Auth Platform > Audience), move the publishing "
            "status to In production, or set the user type to Internal when only your Workspace's accounts use "
            "it; submit the app for verification if it asks for sensitive or restricted "
            "scopes; then sign the workflow's credential in again and record google_publishing_status = "
            "in-production.",
            "google-oauth-verification",
        )
