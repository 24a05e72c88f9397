"""idspine: a teaching wizard for identity and credentials, with a secret-free inventory."""

__version__ = "0.1.0"
