"""Client secret steps: a new secret goes straight from Graph's answer to the sink; pending markers and rotation.

Before asking for a secret, a "pending" checklist item records its display name (every attempt's name, each
unique), so a secret whose answer was lost, or that was made just before a crash, is found and removed later
in the run or by a later run. A name leaves the item only when its secret was removed, or when a read made
long enough after the attempt (RetryPolicy.secret_settle) does not show it. Rotation is dual-phase: the new
secret is added, stored and (when a verifier is given) proven to get a token before the previous idspine
secrets are removed; otherwise a checklist item says until when the previous one stays valid.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets as _random

from wizard.model import Method, ServicePrincipal, Workspace
from wizard.providers import ProviderError
from wizard.providers.entra.apply_recording import StepRecorder, checklist_slug, sp_of
from wizard.providers.entra.apply_report import StepOutcome
from wizard.providers.entra.plan import PlanStep
from wizard.secrets.sinks import SecretSinkError

_PENDING_PREFIX = "pending-secret:"
_OLD_SECRET_PREFIX = "previous-secret:"
_SECRET_NAME_PREFIX = "idspine "
_PENDING_NAME = re.compile(r"'(idspine \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ(?: [0-9a-f]+)?)'")
_NAME_TIME = re.compile(r"idspine (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")


class SecretSteps(StepRecorder):
    """The client-secret step and the sweep of secrets earlier attempts lost track of."""

    def _client_secret(self, step: PlanStep) -> StepOutcome:
        sp = self._sp(step)
        if self.sink is None:
            raise ProviderError("no secret store is configured for new client secrets", "invalid-request")
        if not sp.application_object_id:
            raise ProviderError(f"{sp.name} has no app registration yet", "invalid-request")
        app_oid, name, rotating = sp.application_object_id, sp.name, bool(sp.secret_ref)
        removed, _ = self._sweep_orphans(sp.name, app_oid)
        before = self.graph.password_credentials(app_oid) if rotating else []
        now = self.retry.now()
        display = f"{_SECRET_NAME_PREFIX}{now.strftime('%Y-%m-%dT%H:%M:%SZ')} {_random.token_hex(3)}"
        self._set_pending(sp.name, [*self._pending_names(sp.name), display])
        self.save()  # the name is on disk before Graph is asked: a lost answer can always be cleaned up
        end = now + dt.timedelta(days=self.secret_days)
        try:
            secret = self.graph.add_password(app_oid, display, end)
        except ProviderError as exc:
            if (
                exc.status is not None and exc.status < 500
            ):  # answered and refused (429, 4xx): nothing was made
                self._set_pending(name, [n for n in self._pending_names(name) if n != display])
            raise
        try:
            ref = self.sink.store(name, secret.value, secret.end)
            verified = self._prove(sp, secret.value) if rotating and self.verify_secret else None
        except SecretSinkError as exc:
            raise ProviderError(
                f"the new secret for {name} could not be stored: {exc}", "secret-store"
            ) from None
        finally:
            secret.value = ""
        expires = secret.end.date()

        def change(ws: Workspace) -> None:
            s = sp_of(ws, name)
            s.secret_ref, s.secret_created, s.secret_expires = ref, self.today, expires
            for cred in ws.credentials:
                if cred.identity == name and cred.method == Method.OAUTH_CLIENT_CREDENTIALS:
                    cred.secret_ref = ref
                    cred.expires = expires

        self.record(change)
        self._set_pending(name, [n for n in self._pending_names(name) if n != display])
        self.save()
        details = [f"stored as {ref}, expires {expires}"]
        if rotating:
            details.append(self._retire_previous(name, app_oid, before, secret.key_id, verified))
        removed += self._settle_orphans(step.key, name, app_oid)
        if removed:
            details.append(f"removed {removed} unrecorded secret(s)")
        left = self._pending_names(name)
        if left:
            details.append(
                f"{len(left)} possible unrecorded secret(s) not visible yet; the next apply removes them"
            )
        return StepOutcome(step.key, "created", ", ".join(details))

    def _prove(self, sp: ServicePrincipal, value: str) -> tuple[bool, str]:
        """Ask for a token with the new secret; a brand-new secret takes a while to work everywhere."""
        assert self.verify_secret is not None
        ok, detail = False, ""
        for attempt in range(1, self.retry.secret_proof_attempts + 1):
            ok, detail = self.verify_secret(sp, value)
            if ok or attempt == self.retry.secret_proof_attempts:
                break
            self.retry.pause(
                f"client-secret:{sp.name}",
                self.retry.replication_wait(attempt),
                "the new secret does not get a token yet (replication)",
            )
        return ok, detail

    def _retire_previous(
        self, name: str, app_oid: str, before: list[dict], new_key: str, verified: tuple[bool, str] | None
    ) -> str:
        """Phase two of a rotation: remove the previous idspine secrets once the new one is proven."""
        previous = [
            c
            for c in before
            if c.get("keyId")
            and c.get("keyId") != new_key
            and str(c.get("displayName") or "").startswith(_SECRET_NAME_PREFIX)
        ]
        others = [c for c in before if c.get("keyId") and c not in previous and c.get("keyId") != new_key]
        item_id = _OLD_SECRET_PREFIX + checklist_slug(name)
        if verified is not None and verified[0]:
            for cred in previous:
                self.graph.remove_password(app_oid, str(cred["keyId"]))
            still = others
            done = f"new secret proven; {len(previous)} previous secret(s) removed"
        else:
            still = previous + others
            why = "not verified (no verifier)" if verified is None else f"not verified: {verified[1]}"
            done = f"new secret {why}; the previous secret(s) stay valid"
        if still:
            ends = sorted(str(c.get("endDateTime") or "?")[:10] for c in still)
            hints = ", ".join(
                f"hint {str(c.get('hint') or '?')[:3]}… until {str(c.get('endDateTime') or '?')[:10]}"
                for c in still
            )
            self._set_checklist(
                item_id,
                f"Previous client secret(s) of {name} still valid ({hints}). Remove them "
                f"once everything uses the new one; the last stays valid until {ends[-1]}.",
                client=self._client_of(name),
            )
        else:
            self._drop_checklist(item_id)
        self.save()
        return done

    def _pending_names(self, name: str) -> list[str]:
        item = next((c for c in self.ws.checklist if c.id == _PENDING_PREFIX + checklist_slug(name)), None)
        return _PENDING_NAME.findall(item.text) if item else []

    def _set_pending(self, name: str, names: list[str]) -> None:
        item_id = _PENDING_PREFIX + checklist_slug(name)
        if not names:
            self._drop_checklist(item_id)
            return
        quoted = ", ".join(f"'{n}'" for n in names)
        self._set_checklist(
            item_id,
            f"Client secret(s) named {quoted} were being created for {name} and are "
            "not recorded. Rerun apply: it removes them from the app registration.",
            client=self._client_of(name),
        )

    def _sweep_orphans(self, name: str, app_oid: str) -> tuple[int, list[str]]:
        """Remove the pending secrets a read shows; keep those a read cannot rule out yet. (removed, kept)"""
        names = self._pending_names(name)
        if not names:
            return 0, []
        removed, seen = 0, set()
        for cred in self.graph.password_credentials(app_oid):
            display = cred.get("displayName")
            if display in names and cred.get("keyId"):
                try:
                    self.graph.remove_password(app_oid, str(cred["keyId"]))
                except ProviderError as exc:
                    if exc.kind != "not-found":
                        raise
                removed += 1
                seen.add(display)
        now = self.retry.clock()
        keep = [n for n in names if n not in seen and now - _attempt_time(n) < self.retry.secret_settle]
        if keep != names:
            self._set_pending(name, keep)
            self.save()
        return removed, keep

    def _settle_orphans(self, key: str, name: str, app_oid: str) -> int:
        """Wait (bounded) until every pending secret is removed or proven never made."""
        removed, keep = self._sweep_orphans(name, app_oid)
        attempt = 0
        while keep:
            attempt += 1
            deadline = max(_attempt_time(n) for n in keep) + self.retry.secret_settle
            wait = min(self.retry.replication_wait(attempt), max(0.0, deadline - self.retry.clock()) + 0.5)
            self.retry.pause(key, wait, "a secret whose answer was lost is not visible yet")
            more, keep = self._sweep_orphans(name, app_oid)
            removed += more
        return removed

    def sweep_leftovers(self, name: str) -> int:
        """For a service principal with no secret step this run: remove secrets earlier runs lost track of."""
        sp = self.ws.service_principal(name)
        if sp is None or not sp.application_object_id or not self._pending_names(name):
            return 0
        return self._settle_orphans(f"client-secret:{name}", name, sp.application_object_id)


def _attempt_time(display: str) -> float:
    match = _NAME_TIME.search(display)
    if not match:
        return float("-inf")
    return dt.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC).timestamp()
