"""Ordinary folder paths (digits, spaces, mixed case) pass the guard in file: references and free text, while a
secret placed inside a path is still refused (issue 13 follow-up, item 4)."""

from __future__ import annotations

import pytest

from wizard.secrets.guard import SecretValueError, find_secret_kind, validate_reference

PATHS = [
    "/tmp/idspine-mac-123456/Library/Application Support/idspine/secrets.env",
    "/private/var/folders/7x/4k2lq9zd3bq0hn5s1c8f0000gn/T/idspine/acme.env",
    "/Users/Alex2/Library/Application Support/idspine/Clients2024/acme-logistics.env",
    "/home/runner/work/Pipelines2025/x86_64-linux/python3.12/site-packages/idspine/secrets.env",
    "C:/Users/OlaNordmann/AppData/Roaming/idspine/Backup-20240517-093012/secrets.env",
    "~/Projects/NorthwindData/Client-Initech-2026Q1/secrets/initech-graph.env",
]


@pytest.mark.parametrize("path", PATHS)
def test_an_ordinary_path_is_a_valid_file_reference(path: str) -> None:
    assert validate_reference(f"file:{path}") == f"file:{path}"
    assert find_secret_kind(path) is None


SECRET_PATHS = [
    "/tmp/xK9vQ2mZ7pL4rT8wB3nY6cF1hJ5dG0sA/secrets.env",  # a random 32-character key as a folder
    "/secrets/tenant/Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZg/value",  # base64 as a folder
    "/vault/aB3xY9kLmN/pQ7rS2tU4v/W8xZ1cD5eF/gH6iJ0kL/acme.env",  # a key cut into short folders
    "/srv/app/ghp_abcdefghijklmnopqrstuvwxyz0123456789/token",  # a known shape inside a path
]


@pytest.mark.parametrize("path", SECRET_PATHS)
def test_a_secret_inside_a_path_is_still_refused(path: str) -> None:
    assert find_secret_kind(path) is not None
    with pytest.raises(SecretValueError):
        validate_reference(f"file:{path}")


def test_base64_with_slashes_is_not_mistaken_for_a_path() -> None:
    # an Azure storage account key's shape: base64 with + and / (88 characters)
    key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
    assert find_secret_kind(key) is not None
    assert find_secret_kind("Kx7/Qp9Lm2Vb8Rt4Zw6Nc3Yh5Jd1Fs0Ga") is not None
