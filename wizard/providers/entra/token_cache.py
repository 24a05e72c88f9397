"""The private token cache file: msal's cache persisted to one file (0600 in a 0700 directory), atomically."""

from __future__ import annotations

import contextlib
from pathlib import Path

from wizard.providers.entra.signin_config import default_cache_path


class TokenCacheFile:
    """An msal token cache persisted to one private file (0600 in a 0700 directory), atomically."""

    def __init__(self, path: Path):
        import msal  # type: ignore[import-untyped]

        self.path = Path(path)
        self.cache = msal.SerializableTokenCache()
        if self.path.exists():
            with contextlib.suppress(ValueError, OSError):
                self.cache.deserialize(self.path.read_text(encoding="utf-8"))

    def save(self) -> None:
        """Write the cache when msal changed it; the file is created 0600 before any byte lands."""
        if not self.cache.has_state_changed:
            return
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        from wizard.files import write_text_atomic

        write_text_atomic(self.path, self.cache.serialize(), mode=0o600)
        self.cache.has_state_changed = False


def sign_out(cache_path: Path | None = None) -> bool:
    """Forget every signed-in account by deleting the token cache file; True when there was one."""
    path = cache_path or default_cache_path()
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True
