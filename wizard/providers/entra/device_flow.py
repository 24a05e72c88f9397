"""The device code sign-in: start() shows an address and a short code, finish() waits for the user."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wizard.providers.entra.msal_calls import TokenResult, msal_call, public_app, session_of
from wizard.providers.entra.signin_config import SigninConfig, SigninError
from wizard.providers.entra.token_cache import TokenCacheFile


@dataclass
class DeviceCode:
    """What the user needs to finish a device code sign-in elsewhere: an address and a short code."""

    user_code: str
    verification_uri: str
    expires_at: float
    message: str
    flow: dict[str, Any] = field(repr=False)

    def seconds_left(self, now: float | None = None) -> int:
        return max(0, int(self.expires_at - (time.time() if now is None else now)))

    def cancel(self) -> None:
        """Make a waiting finish_device_flow return at its next poll (msal stops at expires_at)."""
        self.flow["expires_at"] = 0


class DeviceSignin:
    """A device code sign-in in two halves: start() shows the code, finish() waits for the user."""

    def __init__(self, config: SigninConfig, scopes: Sequence[str]):
        self.config = config
        self.scopes = list(scopes)
        self.cache = TokenCacheFile(config.cache_file)
        self.app = public_app(config, self.cache)

    def start(self) -> DeviceCode:
        flow = msal_call(
            "device code", lambda: self.app.initiate_device_flow(scopes=self.scopes), session_of(self.app)
        )
        if "user_code" not in flow:
            result = TokenResult.from_msal(flow)
            raise SigninError(f"device code sign-in could not start: {result.detail}")
        uri = flow.get("verification_uri") or flow.get("verification_url") or ""
        return DeviceCode(
            user_code=str(flow["user_code"]),
            verification_uri=str(uri),
            expires_at=float(flow.get("expires_at") or time.time() + 900),
            message=str(flow.get("message") or f"Open {uri} and enter {flow['user_code']}"),
            flow=flow,
        )

    def finish(self, code: DeviceCode) -> TokenResult:
        """Poll until the user completes (or the code expires or is cancelled); persist the cache."""
        answer = msal_call(
            "device code", lambda: self.app.acquire_token_by_device_flow(code.flow), session_of(self.app)
        )
        result = TokenResult.from_msal(answer)
        self.cache.save()
        return result
