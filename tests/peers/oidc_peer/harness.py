"""Start panva's oidc-provider (installed by tests/peers/install_oidc.sh) on a free loopback port over TLS.

A missing peer is a failure, not a skip: the msal tests mean nothing without a real provider.
"""

from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric import rsa

HERE = Path(__file__).parent
INSTALLER = "tests/peers/install_oidc.sh"


def peer_dir() -> Path:
    return Path(os.environ.get("IDSPINE_PEERS", Path.home() / ".cache" / "idspine-peers")) / "oidc"


def write_self_signed(directory: Path) -> tuple[Path, Path]:
    """A throwaway certificate for localhost and 127.0.0.1 (cryptography ships with msal)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


def client_key() -> rsa.RSAPrivateKey:
    """A fresh RSA key for a private_key_jwt client."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_jwks(key: rsa.RSAPrivateKey) -> str:
    """The JWK Set (RFC 7517) of *key*'s public half, as oidc-provider takes a client's jwks."""
    numbers = key.public_key().public_numbers()

    def b64(n: int) -> str:
        return base64.urlsafe_b64encode(n.to_bytes((n.bit_length() + 7) // 8, "big")).rstrip(b"=").decode()

    jwk = {"kty": "RSA", "use": "sig", "kid": "idspine-pkjwt-1", "n": b64(numbers.n), "e": b64(numbers.e)}
    return json.dumps({"keys": [jwk]})


def client_certificate_pem(key: rsa.RSAPrivateKey, *, valid_days: float = 30, expired: bool = False) -> str:
    """The private key (PKCS#8 PEM) followed by a self-signed certificate for it: what a secret reference holds.

    expired=True: a certificate whose validity ended a day ago.
    """
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "svc-pkjwt")])
    now = dt.datetime.now(dt.UTC)
    start, end = (
        (now - dt.timedelta(days=40), now - dt.timedelta(days=1))
        if expired
        else (
            now - dt.timedelta(minutes=5),
            now + dt.timedelta(days=valid_days),
        )
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .sign(key, hashes.SHA256())
    )
    pem_key = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (pem_key + cert.public_bytes(serialization.Encoding.PEM)).decode("ascii")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class OidcPeer:
    """A running provider: issuer address, the CA file to trust, and its confidential client."""

    issuer: str
    ca_bundle: str
    client_id: str
    client_secret: str = field(repr=False)
    public_client_id: str = "idspine-cli"
    post_client_id: str = "idspine-post"  # the same secret; an id that is not a GUID (client_secret_post)
    process: subprocess.Popen | None = field(default=None, repr=False)
    log_path: Path | None = None
    pkjwt_client_id: str = "idspine-pkjwt"  # private_key_jwt, its public key registered at start
    pkjwt_key: rsa.RSAPrivateKey | None = field(default=None, repr=False)


def start(workdir: Path, client_id: str, client_secret: str, timeout: float = 30.0) -> OidcPeer:
    """Start the provider or raise RuntimeError saying how to install it."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not installed; the OpenID provider peer needs Node.js 20+")
    pdir = peer_dir()
    if not (pdir / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError(f"oidc-provider is not installed in {pdir}; run `bash {INSTALLER}`")
    script = pdir / "idspine-oidc-server.mjs"  # beside node_modules so its imports resolve
    shutil.copyfile(HERE / "server.mjs", script)
    cert, key = write_self_signed(workdir)
    pkjwt_key = client_key()
    port = free_port()
    log_path = workdir / "oidc-provider.log"
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_CERT": str(cert),
        "OIDC_KEY": str(key),
        "OIDC_CLIENT_ID": client_id,
        "OIDC_SECRET": client_secret,
        "OIDC_PKJWT_JWKS": public_jwks(pkjwt_key),
    }
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([node, str(script)], cwd=pdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    issuer = f"https://localhost:{port}/acme"
    session = requests.Session()
    session.verify = str(cert)
    session.trust_env = False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"oidc-provider exited early:\n{log_path.read_text()[-2000:]}")
        try:
            if session.get(f"{issuer}/.well-known/openid-configuration", timeout=2).status_code == 200:
                return OidcPeer(
                    issuer=issuer,
                    ca_bundle=str(cert),
                    client_id=client_id,
                    client_secret=client_secret,
                    process=proc,
                    log_path=log_path,
                    pkjwt_key=pkjwt_key,
                )
        except requests.RequestException:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError(f"oidc-provider did not answer within {timeout} s:\n{log_path.read_text()[-2000:]}")


def stop(peer: OidcPeer) -> None:
    if peer.process and peer.process.poll() is None:
        peer.process.terminate()
        try:
            peer.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            peer.process.kill()
