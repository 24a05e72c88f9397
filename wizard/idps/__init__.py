"""Identity providers: what each one calls groups and workload identities, their limits, and where to click."""

from wizard.idps.catalogue import PROFILES, profile_for
from wizard.idps.profile import GroupRules, IdpProfile, WorkloadIdentity

__all__ = ["PROFILES", "GroupRules", "IdpProfile", "WorkloadIdentity", "profile_for"]
