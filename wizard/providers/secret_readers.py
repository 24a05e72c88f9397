"""Register the readers for keyvault:// (Key Vault REST) and op:// / 1password:// (the 1Password CLI) with the
core resolver (wizard.secrets.resolver.register_reader). wizard.providers imports this module, so wherever a
provider is in use these references resolve; the network and subprocess code is imported only when a
reference of that kind is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from wizard.secrets.resolver import register_reader

if TYPE_CHECKING:
    from wizard.settings import Connections


def _keyvault(ref: str, environ: Mapping[str, str], connections: Connections | None) -> str:
    from wizard.providers.keyvault import read_keyvault_secret

    return read_keyvault_secret(ref, connections)


def _onepassword(ref: str, environ: Mapping[str, str], connections: Connections | None) -> str:
    from wizard.providers.onepassword import read_op_reference

    return read_op_reference(ref, environ)


register_reader("keyvault://", _keyvault)
register_reader("op://", _onepassword)
register_reader("1password://", _onepassword)
