"""What the Graph client takes and gives (specs, ids, new secrets), and how Graph's answers are read.

Specs describe a group or app registration to ensure; Ensured and NewSecret are what comes back; app role
ids are stable across runs.

Entra replicates a new object for seconds to minutes: calls that refer to it meanwhile answer 404
"Resource '...' does not exist or one of its queried reference-property objects are not present" or
400 "The appId '...' of the service principal does not reference a valid application object"
(NoBackingApplicationObject), and list reads from a replica may not show it yet (reported in
microsoftgraph/msgraph-sdk-dotnet#3108, hashicorp/vault-plugin-secrets-azure#8; terraform-provider-azuread
waits for replication since its PR #86). `is_replication_lag` names those answers so apply can retry the
step. A create whose answer was lost and that is repeated meets "already exists" (409, or 400 with
"Another object with the same value ... already exists" / "already exist"): the object is then looked up
and adopted; when the lookup does not show it yet, that is replication lag as well.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from wizard.providers import ProviderError
from wizard.settings import GUID

MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
WELL_KNOWN_RESOURCES = {"microsoft graph": MICROSOFT_GRAPH_APP_ID}
# A fixed namespace so an app role gets the same id on every run (Graph needs the id in the body).
_ROLE_NAMESPACE = uuid.UUID("6f1d9a52-4a57-4c2e-9a0e-6f0c2f3c1d7b")


_LAG_MARKERS = (
    "does not exist or one of its queried reference-property objects are not present",
    "does not reference a valid application object",
    "nobackingapplicationobject",
)
_EXISTS_MARKERS = ("already exist", "multipleobjectswithsamekeyvalue", "objectconflict")


def is_replication_lag(exc: ProviderError) -> bool:
    """True for Entra's answers about an object that was just created and has not replicated yet."""
    if exc.kind == "replication":
        return True
    text = exc.message.lower()
    return exc.status in (400, 404) and any(m in text for m in _LAG_MARKERS)


def is_already_exists(exc: ProviderError) -> bool:
    """True for a create refused because the object is already there (e.g. after a lost answer)."""
    text = exc.message.lower()
    return exc.status == 409 or (exc.status == 400 and any(m in text for m in _EXISTS_MARKERS))


def not_replicated_yet(what: str) -> ProviderError:
    """The error for 'Graph says it exists but reads do not show it yet' (retried by apply)."""
    return ProviderError(f"{what} exists but Graph does not show it yet (replication delay)", "replication")


def odata_literal(value: str) -> str:
    """A string as an OData literal: single-quoted, inner quotes doubled, then percent-encoded."""
    return quote("'" + value.replace("'", "''") + "'", safe="")


def object_id_of(value: str, what: str) -> str:
    if not isinstance(value, str) or not GUID.match(value):
        raise ProviderError(f"{what}: expected an object id (GUID)", "bad-response")
    return value


def mail_nickname(name: str) -> str:
    """A mail alias Graph accepts for a security group: ASCII letters, digits, '-', '.', '_' only."""
    nick = re.sub(r"[^A-Za-z0-9._-]", "", name)[:64]
    return nick or "group"


def app_role_id(app_name: str, role_value: str) -> str:
    """A stable id for an app role, so re-applying the same plan sends the same roles."""
    return str(uuid.uuid5(_ROLE_NAMESPACE, f"{app_name}\n{role_value}"))


@dataclass
class Ensured:
    """The outcome of an ensure_* call: the object's ids and whether it was created, adopted or updated."""

    id: str
    action: str  # "created" | "adopted" | "exists" | "updated"
    extra: dict[str, str] = field(default_factory=dict)


@dataclass
class NewSecret:
    """A client secret just created. The value is in a field that repr() leaves out."""

    key_id: str
    end: dt.datetime
    hint: str = ""
    value: str = field(default="", repr=False)


@dataclass
class GroupSpec:
    name: str
    description: str = ""
    owners: list[str] = field(default_factory=list)  # user principal names
    membership_rule: str = ""
    m365: bool = False


@dataclass
class ApplicationSpec:
    name: str
    description: str = ""
    app_roles: list[dict[str, Any]] = field(default_factory=list)  # Graph AppRole bodies
    required_resource_access: list[dict[str, Any]] = field(default_factory=list)
    redirect_uris: list[str] = field(default_factory=list)
    sign_in_audience: str = "AzureADMyOrg"  # AzureADMultipleOrgs for a multi-tenant app (wizard.placement)
