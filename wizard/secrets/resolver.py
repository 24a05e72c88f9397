"""Resolve a secret reference (env:NAME, file:PATH[#KEY]) to its value at the moment of use.

The value is returned to the caller and nowhere else: never logged, printed, cached or put in a message.
Errors name the reference (which is not secret) and what to do.

`keyvault://` (the Key Vault REST API) and `op://` / `1password://` (the 1Password CLI) need a network or a
program, which is providers' business: wizard.providers registers their readers here when it is imported
(wizard.providers.secret_readers), so this core module never imports network code, not even lazily (flows
import wizard.settings, whose Connections.resolve leads here). Without a registered reader such a reference
is refused with one line saying so.

`file:` references are read only from idspine's own folders, so an inventory someone else edited cannot
make idspine read ~/.ssh/id_ed25519 (or ~/.aws/credentials, ~/.pgpass) and push it to a server:
- the user config folder, ~/.config/idspine (platformdirs' user_config_dir("idspine"), which honours
  XDG_CONFIG_HOME), where idspine's own secret store writes;
- the folder of the inventory file in use (noted when it is loaded or saved), except when that folder is
  the home folder, the file system root or above the home folder;
- folders listed in IDSPINE_SECRET_DIRS (separated by the path separator ':'), an explicit opt-in
  (the file system root is ignored).
Below a folder, no hidden folder is allowed (.git, .ssh, .aws). The final target after following
symbolic links must be inside, and it must be a regular file owned by the user with mode 0600 or
stricter; all of this is checked before a byte is read, on the opened file itself.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from wizard.secrets.guard import validate_reference

if TYPE_CHECKING:
    from wizard.settings import Connections

MAX_SECRET_FILE_BYTES = 64 * 1024


class SecretUnavailable(Exception):
    """The secret behind a reference could not be read. The message names the reference, never a value."""


# reader(ref, environ, connections) -> the value; SecretUnavailable (one line naming the reference) otherwise
SecretReader = Callable[[str, Mapping[str, str], "Connections | None"], str]
_readers: dict[str, SecretReader] = {}


def register_reader(prefix: str, reader: SecretReader) -> None:
    """Let *reader* resolve references starting with *prefix* (wizard.providers.secret_readers does this)."""
    _readers[prefix] = reader


def registered_prefixes() -> tuple[str, ...]:
    """The reference prefixes a registered reader resolves (besides env: and file:)."""
    return tuple(_readers)


def resolve(
    ref: str, environ: Mapping[str, str] | None = None, *, connections: Connections | None = None
) -> str:
    """The secret value behind *ref*; SecretUnavailable when it cannot be read.

    *environ*: where env: references (and the 1Password CLI's own variables) are read, default the process
    environment; *connections*: the addresses and network settings for keyvault:// (None: the defaults).
    """
    try:
        validate_reference(ref)
    except ValueError as exc:
        raise SecretUnavailable(f"not a usable secret reference: {str(exc).splitlines()[0]}") from None
    env = os.environ if environ is None else environ
    if ref.startswith("env:"):
        return _from_env(ref, env)
    if ref.startswith("file:"):
        return _from_file(ref)
    for prefix, reader in _readers.items():
        if ref.startswith(prefix):
            value = reader(ref, env, connections)
            if not value:
                raise SecretUnavailable(f"{ref}: the secret is empty")
            return value
    scheme = ref.split(":", 1)[0]
    raise SecretUnavailable(
        f"{ref}: {scheme} references cannot be read here (the reader for them is not loaded); export the "
        "secret into an environment variable for this run and use env:NAME"
    )


def _from_env(ref: str, environ: Mapping[str, str]) -> str:
    name = ref.removeprefix("env:")
    value = environ.get(name)
    if value is None:
        raise SecretUnavailable(f"{ref}: the environment variable {name} is not set")
    value = value.strip()
    if not value:
        raise SecretUnavailable(f"{ref}: the environment variable {name} is empty")
    return value


SECRET_DIRS_VARIABLE = "IDSPINE_SECRET_DIRS"  # read through wizard.settings.Environment
_inventory_folders: list[Path] = []


def note_inventory(path: Path | str) -> None:
    """Remember the folder of an inventory in use: `file:` secrets beside it may be read."""
    folder = Path(os.path.realpath(Path(path).expanduser())).parent
    if folder not in _inventory_folders:
        _inventory_folders.append(folder)


def forget_inventories() -> None:
    """Forget every noted inventory folder (tests; closing a workspace)."""
    _inventory_folders.clear()


def _too_broad(folder: Path) -> bool:
    """The root, the home folder or anything above it: far too much to trust as a secrets folder."""
    home = Path(os.path.realpath(Path.home()))
    return folder == Path(folder.anchor) or folder == home or folder in home.parents


def allowed_folders(extra: Iterable[Path | str] = ()) -> list[Path]:
    """The folders `file:` secrets may be read from (real paths, most specific first)."""
    from platformdirs import user_config_dir

    folders = [Path(os.path.realpath(user_config_dir("idspine")))]
    for folder in _inventory_folders:  # where an inventory happens to sit: never the home folder or above
        if not _too_broad(folder) and folder not in folders:
            folders.append(folder)
    from wizard.settings import Environment  # the one reader of IDSPINE_* variables

    listed = [Path(p) for p in Environment.read().secret_dirs if p.strip()]
    for folder in [*listed, *(Path(p) for p in extra)]:  # the user's explicit choice: anything but the root
        real = Path(os.path.realpath(folder.expanduser()))
        if real != Path(real.anchor) and real not in folders:
            folders.append(real)
    return folders


def _inside(real: Path, folders: list[Path]) -> bool:
    for folder in folders:
        try:
            rel = real.relative_to(folder)
        except ValueError:
            continue
        if rel.parts and not any(part.startswith(".") for part in rel.parts[:-1]):
            return True
    return False


def _from_file(ref: str) -> str:
    spec = ref.removeprefix("file:")
    path_text, _, key = spec.partition("#")
    path = Path(path_text).expanduser()
    real = Path(os.path.realpath(path))
    if not _inside(real, allowed_folders()):
        raise SecretUnavailable(
            f"{ref}: idspine reads file: secrets only from its own folders (~/.config/idspine, the inventory's "
            "folder, or one listed in IDSPINE_SECRET_DIRS), never from hidden folders such as ~/.ssh; "
            "move the secret there (chmod 600) or store it elsewhere and use env:NAME"
        )
    try:
        # O_NOFOLLOW on the real path: a link swapped in after the check is refused, not followed;
        # O_NONBLOCK: a FIFO never blocks; every property is checked on the opened descriptor.
        fd = os.open(
            real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        )
    except FileNotFoundError:
        raise SecretUnavailable(f"{ref}: no such file") from None
    except OSError as exc:
        raise SecretUnavailable(f"{ref}: cannot read ({(exc.strerror or 'error').lower()})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise SecretUnavailable(f"{ref}: not a regular file")
        if info.st_mode & 0o077:
            raise SecretUnavailable(
                f"{ref}: the file is readable by others (mode {stat.S_IMODE(info.st_mode):04o}); "
                f"run `chmod 600 {path_text}` first"
            )
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise SecretUnavailable(f"{ref}: the file belongs to another user")
        if info.st_size > MAX_SECRET_FILE_BYTES:
            raise SecretUnavailable(f"{ref}: the file is too large to be a secret ({info.st_size} bytes)")
        raw = os.read(fd, MAX_SECRET_FILE_BYTES + 1)
    except OSError as exc:
        raise SecretUnavailable(f"{ref}: cannot read ({(exc.strerror or 'error').lower()})") from None
    finally:
        os.close(fd)
    if len(raw) > MAX_SECRET_FILE_BYTES:
        raise SecretUnavailable(f"{ref}: the file is too large to be a secret")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise SecretUnavailable(f"{ref}: cannot read the file as UTF-8 text") from None
    if key:
        return _env_file_value(text, key, ref)
    value = text.strip()
    if not value:
        raise SecretUnavailable(f"{ref}: the file is empty")
    return value


def _env_file_value(text: str, key: str, ref: str) -> str:
    """The value of KEY=VALUE (optionally `export KEY=...`, quoted) in an env-style file."""
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        name, sep, value = line.partition("=")
        if sep and name.strip() == key:
            value = value.strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            if not value:
                raise SecretUnavailable(f"{ref}: {key} is empty in the file")
            return value
    raise SecretUnavailable(f"{ref}: the file has no line {key}=...")
