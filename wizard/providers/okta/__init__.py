"""okta: the dry-run plan in its own API (plan.py); live apply is Entra-only for now."""
