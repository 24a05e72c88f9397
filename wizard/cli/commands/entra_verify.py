"""`idspine entra verify NAME`: prove a service principal's secret gets a token, through the core verify operation.

The work is `wizard.providers.entra.verify.verify_and_record`, the same function the Entra screen calls;
this module turns options into its arguments and its outcome into a line and an exit code. For a consultancy
whose IdP is not Entra, the token comes from that IdP (wizard.providers.oidc_verify).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.cli import add_file_option
from wizard.cli.commands.entra import EXIT_FAILED, EXIT_USAGE, fail
from wizard.safe_text import one_line

if TYPE_CHECKING:
    from wizard.model import Workspace
    from wizard.providers.entra.signin_config import SigninConfig
    from wizard.providers.entra.verify import TokenAskFor


def verify_options(p: argparse.ArgumentParser) -> None:
    """NAME and the options saying where its token comes from."""
    p.add_argument("name", metavar="NAME", help="service principal name in the inventory")
    add_file_option(p)
    p.add_argument("--tenant", help="tenant id or domain (default: where its service principal lives)")
    p.add_argument("--oidc-authority", metavar="URL", help="an OpenID issuer instead of Entra")
    p.add_argument("--client-id", help="client id to use (default: the inventory's app id)")
    p.add_argument("--scope", action="append", help="scope to ask for (default: Graph's .default)")
    p.add_argument("--ca-bundle", metavar="PEM", default=None, help="trust this CA file (private IdPs)")
    p.add_argument("--no-save", action="store_true", help="do not record the result in the inventory")
    p.add_argument("--audience", help="Auth0: the API to ask a token for (default: the Management API)")
    p.add_argument(
        "--client-auth",
        choices=["basic", "post"],
        help="IdPs other than Entra: send the secret as HTTP Basic or in the form (default: the IdP's usual)",
    )
    p.add_argument(
        "--certificate",
        metavar="PEM",
        help="certificate identities: the certificate's PEM file, when it is not beside the key in the secret",
    )
    p.add_argument("--allow-loopback-http", action="store_true", help=argparse.SUPPRESS)


def run_verify(args: argparse.Namespace) -> int:
    """Acquire a token with the service principal's own secret or certificate; print and record the result."""
    from wizard.cli.workspace_arg import WorkspaceUnavailable, open_workspace, report_unavailable
    from wizard.providers.entra.signin_config import GRAPH_DEFAULT_SCOPE, signin_config_from
    from wizard.providers.entra.verify import VerifyRefused, verify_and_record
    from wizard.providers.oidc_verify import uses_oidc_verify
    from wizard.secrets.resolver import resolve

    try:
        ws = open_workspace(args)
    except WorkspaceUnavailable as exc:
        return report_unavailable(exc)

    def signin_for(client_id: str, tenant: str) -> SigninConfig:
        return signin_config_from(
            client_id, tenant, oidc_authority=args.oidc_authority, ca_bundle=args.ca_bundle
        )

    try:
        certificate_pem = _read_certificate(args.certificate)
    except ValueError as exc:
        return fail(str(exc), EXIT_USAGE)
    save = not args.no_save and not args.demo
    # Okta, Auth0, Keycloak, authentik: that IdP's own token endpoint; Entra (or --oidc-authority): msal
    token_ask_for = _idp_token_ask(args, ws) if uses_oidc_verify(ws) else None
    try:
        outcome = verify_and_record(
            ws,
            args.name,
            signin_for=None if token_ask_for else signin_for,
            token_ask_for=token_ask_for,
            resolve_secret=resolve,
            scopes=args.scope or [GRAPH_DEFAULT_SCOPE],
            client_id=args.client_id,
            tenant=args.tenant,
            path=Path(args.file) if save else None,
            certificate_pem=certificate_pem,
        )
    except VerifyRefused as exc:
        return fail(str(exc), EXIT_USAGE)
    verification = outcome.verification
    print(
        f"{one_line(outcome.name)}: {'ok' if verification.ok else 'FAILED'}: {one_line(verification.detail)}"
    )
    if outcome.save_error:
        return fail(outcome.save_error)
    return 0 if verification.ok else EXIT_FAILED


def _read_certificate(path: str | None) -> str:
    """The certificate's PEM text from --certificate (public: read as it is); '' when not given."""
    if not path:
        return ""
    try:
        with open(path, encoding="ascii") as f:
            text = f.read(256 * 1024)
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not a PEM text file"
        raise ValueError(f"--certificate {one_line(path)}: cannot read ({reason.lower()})") from None
    if "-----BEGIN CERTIFICATE-----" not in text:
        raise ValueError(f"--certificate {one_line(path)}: no PEM certificate in the file")
    return text


def _idp_token_ask(args: argparse.Namespace, ws: Workspace) -> TokenAskFor:
    """Where a non-Entra IdP gives the token: its issuer's discovery, or its profile's token endpoint."""
    from wizard.providers.http_settings import HttpSettings
    from wizard.providers.oidc_verify import BASIC, POST, oidc_token_ask
    from wizard.settings import Environment

    settings = HttpSettings(
        allow_loopback_http=bool(args.allow_loopback_http),
        ca_bundle=args.ca_bundle or Environment.read().ca_bundle,
    )
    return oidc_token_ask(
        ws,
        settings=settings,
        scopes=args.scope or (),
        audience=args.audience,
        issuer=args.oidc_authority,
        auth_method={"basic": BASIC, "post": POST}.get(args.client_auth or ""),
    )
