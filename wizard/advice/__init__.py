"""Advice: which sign-in method per service, hat and host; and the identity-provider interview."""
