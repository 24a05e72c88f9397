"""n8n: the public-API client, credential builders, SSO settings."""
