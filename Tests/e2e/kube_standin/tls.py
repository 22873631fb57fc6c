"""TLS material for tests: a CA, a server certificate for loopback, client certificates (CN = user)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclasses.dataclass
class TLSMaterial:
    ca_cert: Path
    ca_key: Path
    server_cert: Path
    server_key: Path
    clients: dict[str, tuple[Path, Path]]  # user -> (cert, key)


def _write(path: Path, cert, key) -> tuple[Path, Path]:
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    path.with_suffix(".key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return path.with_suffix(".crt"), path.with_suffix(".key")


def make_tls_material(directory, *, clients=("runpod-autoscaler",), groups=("system:masters",),
                      hosts=("localhost", "127.0.0.1", "::1"), name="kube-standin") -> TLSMaterial:
    """Write `<name>-ca`, `<name>-server` and one `client-<user>` certificate/key pair per user."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)

    def build(subject, issuer, pub, sign_key, *, ca=False, sans=(), usage=None):
        b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(pub)
             .serial_number(x509.random_serial_number())
             .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=2))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if ca:
            b = b.add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), True)
        else:
            b = b.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), True)
            b = b.add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        if sans:
            b = b.add_extension(x509.SubjectAlternativeName(list(sans)), critical=False)
        return b.sign(sign_key, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name} CA")])
    ca_cert_obj = build(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True)
    ca_cert, ca_key_path = _write(d / f"{name}-ca", ca_cert_obj, ca_key)

    sans = []
    for h in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            sans.append(x509.DNSName(h))
    key = ec.generate_private_key(ec.SECP256R1())
    server = build(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]), ca_name, key.public_key(),
                   ca_key, sans=sans, usage=ExtendedKeyUsageOID.SERVER_AUTH)
    server_cert, server_key = _write(d / f"{name}-server", server, key)

    out = {}
    for user in clients:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user)] +
                            [x509.NameAttribute(NameOID.ORGANIZATION_NAME, g) for g in groups])
        cert = build(subject, ca_name, key.public_key(), ca_key, usage=ExtendedKeyUsageOID.CLIENT_AUTH)
        out[user] = _write(d / f"client-{user}", cert, key)
    return TLSMaterial(ca_cert, ca_key_path, server_cert, server_key, out)
