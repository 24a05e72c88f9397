"""The audit rules, by topic. Each takes (workspace, today) and yields findings; all run in linear time.

`RULES` lists them in the order they run; `BASELINES` names the public baseline check a rule id mirrors.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from wizard.audit import Finding
from wizard.audit.rules.audience import google_testing_in_production, multi_tenant_without_assignment
from wizard.audit.rules.consistency import (
    dangling_references,
    duplicate_keys,
    duplicates,
    group_names,
    missing_owner,
    tenant_not_recorded,
)
from wizard.audit.rules.lifetimes import (
    better_method_available,
    expired_or_expiring,
    secret_lifetime,
    static_without_expiry,
)
from wizard.audit.rules.permissions import (
    TAKEOVER_PERMISSIONS,
    TIER0_PERMISSIONS,
    federation_subjects,
    privileged_in_workflows,
    takeover_permissions,
)
from wizard.audit.rules.secrets import (
    missing_secret_reference,
    onepassword_ref_without_field,
    secret_beside_federation,
    secret_not_keyless,
    secret_shared_across_clients,
    secret_store_collisions,
)
from wizard.audit.rules.usage import unused_credentials
from wizard.model import Workspace

__all__ = ["BASELINES", "RULES", "TAKEOVER_PERMISSIONS", "TIER0_PERMISSIONS", "Rule"]

Rule = Callable[[Workspace, dt.date], Iterator[Finding]]

RULES: list[Rule] = [
    expired_or_expiring,
    secret_lifetime,
    static_without_expiry,
    missing_owner,
    missing_secret_reference,
    secret_store_collisions,
    federation_subjects,
    privileged_in_workflows,
    group_names,
    duplicates,
    dangling_references,
    better_method_available,
    duplicate_keys,
    secret_not_keyless,
    takeover_permissions,
    secret_shared_across_clients,
    secret_beside_federation,
    tenant_not_recorded,
    multi_tenant_without_assignment,
    google_testing_in_production,
    unused_credentials,
    onepassword_ref_without_field,
]

# Public baseline checks a rule mirrors, only where the id was confirmed against the baseline's own pages (Maester's
# test docs and Pester files in maester365/maester). None found for no-owner, secret-shared-across-clients: CISA
# ScubaGear's MS.AAD.5.x cover app registration and consent, not these. None for google-oauth-testing: Maester and
# ScubaGear check Microsoft 365 tenants, not Google Cloud projects' consent screens. None for credential-unused: Entra's own
# recommendation (staleApps) flags whole apps after 90 days; the 30-day credential limit is issue 19's choice.
# None for secret-ref-no-field: it checks the 1Password CLI's own reference syntax, not a tenant setting.
BASELINES = {
    "takeover-permission": "Maester MT.1050 (https://maester.dev/docs/next/tests/MT.1050)",
    # MT.1002 checks the tenant has an app management policy; its own wording asks for passwords to be replaced and
    # credentials renewed about every six months. This rule applies that limit to each recorded secret.
    "secret-lifetime": "Maester MT.1002 (https://maester.dev/docs/tests/MT.1002)",
    "certificate-lifetime": "Maester MT.1002 (https://maester.dev/docs/tests/MT.1002)",
    # MT.1057: app registrations should no longer use secrets (federated credentials or certificates instead).
    "secret-not-keyless": "Maester MT.1057 (https://maester.dev/docs/tests/MT.1057)",
    "secret-beside-federation": "Maester MT.1057 (https://maester.dev/docs/tests/MT.1057)",
    # MT.1075: third-party (other tenants') enterprise apps should require assignment; a multi-tenant app of yours
    # is exactly that in each client's tenant (tests/Maester/Entra/Test-AppRegistrations.Tests.ps1).
    "multi-tenant-no-assignment": "Maester MT.1075 (https://maester.dev/docs/tests/MT.1075)",
}
