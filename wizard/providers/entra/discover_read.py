"""Read-only Microsoft Graph reads for `discover entra`: paged lists, one clear line for every bad answer.

Paging follows `@odata.nextLink` (https://learn.microsoft.com/en-us/graph/paging) only when the link stays on
the Graph address idspine was given (same scheme, host, port and version path), so a token is never sent
elsewhere. Short throttling and 5xx are retried inside `JsonApi`; a longer Retry-After is waited out through
apply's `RetryPolicy` (wizard.providers.entra.retry) up to its `max_throttle_wait`, and 5xx/network trouble
that outlasts JsonApi's own tries is retried with the same policy's backoff (`retryable`).

Every failure becomes a ProviderError whose message is one line saying what to do: 401 (the sign-in expired),
403 (a permission is not consented), garbage or cut-short JSON, a next link to another host.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from wizard.providers import ProviderError
from wizard.providers.entra.retry import RetryPolicy, retryable
from wizard.providers.http import HttpSettings, JsonApi, Throttled

READ_SCOPES_HINT = "Application.Read.All, Group.Read.All and User.Read.All"


class GraphReader:
    """GETs against one Graph version (v1.0 or beta) with one tenant's token."""

    def __init__(
        self,
        base_url: str,
        client: httpx.Client,
        token: str,
        settings: HttpSettings | None = None,
        retry: RetryPolicy | None = None,
        tenant: str = "",
    ):
        self._api = JsonApi(
            "Microsoft Graph", base_url, client, {"Authorization": f"Bearer {token}"}, settings
        )
        self.base_url = self._api.base_url
        self._base = urlsplit(self.base_url)
        self.retry = retry or RetryPolicy()
        self.tenant = tenant
        self.calls = 0

    def __repr__(self) -> str:
        return f"GraphReader({self.base_url!r})"

    def get(self, path: str) -> Any:
        """One GET (path relative to the base address) with throttling and 5xx waited out; ProviderError else."""
        throttles = failures = 0
        while True:
            self.calls += 1
            try:
                return self._api.call("GET", path).data
            except Throttled as exc:
                throttles += 1
                wait = exc.retry_at - self.retry.clock()
                if wait > self.retry.max_throttle_wait or throttles > self.retry.attempts + 2:
                    raise ProviderError(
                        f"Microsoft Graph is throttling the reads of {self.tenant or 'this tenant'}; "
                        f"try again after {exc.resume_after}",
                        "throttled",
                        exc.status,
                    ) from None
                self.retry.pause(
                    "discover", max(wait, 0.0), f"Microsoft Graph asks to wait until {exc.resume_after}"
                )
            except ProviderError as exc:
                failures += 1
                if retryable(exc) and failures < self.retry.attempts:
                    self.retry.pause("discover", self.retry.wait(failures), exc.message)
                    continue
                raise self._explained(exc, path) from None

    def pages(self, path: str) -> Iterator[list[dict[str, Any]]]:
        """Each page's `value` list of a collection, following @odata.nextLink on the same Graph address."""
        next_path: str | None = path
        seen: set[str] = set()
        while next_path is not None:
            data = self.get(next_path)
            where = f"GET {path.split('?')[0]}"
            if not isinstance(data, dict) or not isinstance(data.get("value"), list):
                raise ProviderError(
                    f"{where}: the answer is not a Graph collection (no 'value' list)",
                    "bad-response",
                )
            yield [v for v in data["value"] if isinstance(v, dict)]
            link = data.get("@odata.nextLink")
            if link is None:
                return
            next_path = self._same_host_path(link, where)
            if next_path in seen:
                raise ProviderError(f"{where}: the next-page link repeats itself", "bad-response")
            seen.add(next_path)

    def collect(self, path: str) -> list[dict[str, Any]]:
        """Every item of a paged collection."""
        return [item for page in self.pages(path) for item in page]

    def _same_host_path(self, link: Any, where: str) -> str:
        if not isinstance(link, str) or not link:
            raise ProviderError(f"{where}: the next-page link is not an address", "bad-response")
        target = urlsplit(link)
        same = (target.scheme, target.hostname, target.port) == (
            self._base.scheme,
            self._base.hostname,
            self._base.port,
        )
        if not same or not link.startswith(self.base_url + "/"):
            raise ProviderError(
                f"{where}: the next-page link points at another address ({target.scheme}://{target.hostname}); "
                "idspine sends the token only to the Graph address it was given",
                "redirect",
            )
        return link[len(self.base_url) :]

    def _explained(self, exc: ProviderError, path: str) -> ProviderError:
        """The error with what to do next, for the refusals people meet."""
        who = self.tenant or "the tenant"
        if exc.status == 401:
            return ProviderError(
                f"Microsoft Graph refused the token for {who} (HTTP 401: expired or not for Graph); "
                f"sign in again (`idspine entra signin --tenant {self.tenant or 'TENANT'}`)",
                "refused",
                401,
                explained=True,
            )
        if exc.status == 403:
            return ProviderError(
                f"Microsoft Graph refused GET {path.split('?')[0]} in {who} (HTTP 403): the signed-in account or "
                f"app lacks consent for {READ_SCOPES_HINT}, or a directory reader role",
                "refused",
                403,
                explained=True,
            )
        return ProviderError(exc.message, exc.kind, exc.status)
