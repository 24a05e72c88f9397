"""Issue 14: a `file:` reference outside idspine's own folders, through a symlink that escapes them, inside a
hidden folder, not 0600 or not a regular file is refused before anything is read or sent (today an inventory
can point at ~/.ssh/id_ed25519 and push it to n8n)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wizard import inventory
from wizard.secrets import resolver as secret_resolver
from wizard.secrets.resolver import SecretUnavailable, resolve

ROOT = Path(__file__).resolve().parents[2]
KEY_TEXT = "-----BEGIN OPENSSH " + "PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n"

INVENTORY = """schema_version = 1

[consultancy]
name = "Northwind Data"
slug = "northwind"

[[credentials]]
id = "stolen"
service = "n8n"
method = "api-key"
owner = "alex@northwind.example"
secret_ref = "{ref}"
n8n_type = "httpBearerAuth"
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fake home with an SSH key, idspine's config folder and no opt-in folders."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    key = home / ".ssh" / "id_ed25519"
    key.write_text(KEY_TEXT)
    key.chmod(0o600)
    (home / ".config" / "idspine").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("IDSPINE_SECRET_DIRS", raising=False)
    getattr(secret_resolver, "forget_inventories", lambda: None)()
    yield home
    getattr(secret_resolver, "forget_inventories", lambda: None)()


def private(path: Path, text: str = "s3cret-value-for-tests\n", mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def refused(ref: str, says: str = "") -> str:
    with pytest.raises(SecretUnavailable) as info:
        resolve(ref)
    message = str(info.value)
    assert "OPENSSH" not in message and "s3cret" not in message
    assert says in message, message
    return message


def test_an_ssh_key_is_never_read(home: Path) -> None:
    refused("file:~/.ssh/id_ed25519", says="own folders")
    refused(f"file:{home}/.ssh/id_ed25519", says="own folders")


def test_an_inventory_in_the_home_folder_does_not_open_the_home_folder(home: Path) -> None:
    inv = home / "idspine.toml"
    inv.write_text(INVENTORY.format(ref="env:X"))
    inventory.load(inv)
    private(home / "notes.txt")
    refused("file:~/notes.txt", says="own folders")
    refused("file:~/.ssh/id_ed25519", says="own folders")


def test_secrets_beside_the_inventory_and_in_the_config_folder_are_read(home: Path) -> None:
    work = home / "work"
    work.mkdir()
    inv = work / "idspine.toml"
    inv.write_text(INVENTORY.format(ref="env:X"))
    private(work / "acme.env", "ACME=value-one\n")
    refused(f"file:{work}/acme.env#ACME", says="own folders")  # not before the inventory is in use
    inventory.load(inv)
    assert resolve(f"file:{work}/acme.env#ACME") == "value-one"
    private(work / "secrets" / "deep" / "k", "x")
    assert resolve(f"file:{work}/secrets/deep/k") == "x"
    private(home / ".config" / "idspine" / "secrets.env", "SVC=value-two\n")
    assert resolve("file:~/.config/idspine/secrets.env#SVC") == "value-two"


def test_hidden_folders_below_a_trusted_folder_are_refused(home: Path) -> None:
    work = home / "work"
    inv = work / "idspine.toml"
    private(inv, INVENTORY.format(ref="env:X"), 0o644)
    inventory.load(inv)
    private(work / ".git" / "config")
    refused(f"file:{work}/.git/config", says="own folders")


def test_a_symlink_escaping_the_folders_is_refused(home: Path) -> None:
    link = home / ".config" / "idspine" / "deploy.key"
    link.symlink_to(home / ".ssh" / "id_ed25519")
    refused("file:~/.config/idspine/deploy.key", says="own folders")
    up = home / ".config" / "idspine" / "up"
    up.symlink_to(home)
    refused("file:~/.config/idspine/up/.ssh/id_ed25519", says="own folders")


def test_not_0600_or_not_a_regular_file_is_refused_without_blocking(home: Path) -> None:
    conf = home / ".config" / "idspine"
    private(conf / "open.env", mode=0o644)
    refused("file:~/.config/idspine/open.env", says="chmod 600")
    os.mkfifo(conf / "pipe", 0o600)
    refused("file:~/.config/idspine/pipe", says="not a regular file")
    (conf / "dir").mkdir(mode=0o700)
    refused("file:~/.config/idspine/dir", says="not a regular file")


def test_secret_dirs_opt_in_but_never_the_root_or_a_hidden_folder(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = private(tmp_path / "mounted-vault" / "k", "from-vault")
    refused(f"file:{vault}", says="own folders")
    monkeypatch.setenv("IDSPINE_SECRET_DIRS", f"/{os.pathsep}{vault.parent}")
    assert resolve(f"file:{vault}") == "from-vault"
    refused("file:~/.ssh/id_ed25519", says="own folders")
    monkeypatch.setenv("IDSPINE_SECRET_DIRS", str(home))  # listing the home folder still keeps ~/.ssh closed
    refused("file:~/.ssh/id_ed25519", says="own folders")


def test_n8n_push_never_reads_an_ssh_key_named_by_the_inventory(home: Path) -> None:
    work = home / "work"
    work.mkdir()
    inv = work / "idspine.toml"
    inv.write_text(INVENTORY.format(ref="file:~/.ssh/id_ed25519"))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "wizard", "n8n", "push", "--file", str(inv), "--dry-run", "--format", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr
    assert "OPENSSH" not in result.stdout + result.stderr
    assert result.returncode == 1, result.stdout + result.stderr
    assert '"failed": 1' in result.stdout and "own folders" in result.stdout


def test_secret_dirs_are_read_through_the_one_reader_of_idspine_variables(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """IDSPINE_SECRET_DIRS comes from wizard.settings.Environment, as every IDSPINE_* variable does."""
    from wizard import settings

    vault = private(tmp_path / "opted-in" / "k", "from-opt-in")
    refused(f"file:{vault}", says="own folders")
    monkeypatch.setattr(
        settings.Environment, "read", classmethod(lambda cls: cls(secret_dirs=(str(vault.parent),)))
    )
    assert resolve(f"file:{vault}") == "from-opt-in"


def test_the_secret_modules_never_load_the_network_client() -> None:
    """Reading and storing secrets is offline code: the Key Vault client lives with the providers."""
    child = (
        "import sys\n"
        "import wizard.secrets.guard, wizard.secrets.refs, wizard.secrets.resolver, wizard.secrets.sinks\n"
        "from wizard.secrets.sinks import EnvFileSink, SecretSinkError, env_key\n"
        "assert 'httpx' not in sys.modules, 'httpx was imported'\n"
        "assert not hasattr(wizard.secrets.sinks, 'KeyVaultSink'), 'the Key Vault client belongs to providers'\n"
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", child], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    for module in (ROOT / "wizard" / "secrets").glob("*.py"):
        assert "import httpx" not in module.read_text(), module.name
