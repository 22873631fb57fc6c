"""TLS and mutual TLS on the gRPC port (grpc.tls.certFile / keyFile / clientCAFile)."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import types
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from support import TLSClient, ref, rpc_error, wait_for


def _openssl(*args: str, cwd: Path) -> None:
    res = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, timeout=30)
    if res.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args)} failed:\n{res.stderr}")


def _make_ca(d: Path, name: str) -> None:
    _openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{name}.key", "-out", f"{name}.crt", "-days", "2", "-subj", f"/CN={name}",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)


def _make_leaf(d: Path, name: str, ca: str, cn: str, ext: str) -> None:
    (d / f"{name}.ext").write_text(ext)
    _openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
             "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN={cn}", cwd=d)
    _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key",
             "-CAcreateserial", "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext", cwd=d)


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> types.SimpleNamespace:
    if not shutil.which("openssl"):
        pytest.skip("openssl CLI not installed")
    d = tmp_path_factory.mktemp("certs")
    _make_ca(d, "ca")
    _make_ca(d, "rogue-ca")
    _make_leaf(d, "server", "ca", "localhost",
               "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
               "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
               "extendedKeyUsage=serverAuth\n")
    client_ext = ("basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                  "extendedKeyUsage=clientAuth\n")
    _make_leaf(d, "client", "ca", "keda-operator", client_ext)
    _make_leaf(d, "rogue-client", "rogue-ca", "keda-operator", client_ext)

    def pem(name: str) -> bytes:
        return (d / name).read_bytes()

    return types.SimpleNamespace(
        dir=d,
        ca=pem("ca.crt"), rogue_ca=pem("rogue-ca.crt"),
        client_key=pem("client.key"), client_crt=pem("client.crt"),
        rogue_key=pem("rogue-client.key"), rogue_crt=pem("rogue-client.crt"),
        tls_config=lambda mtls: {"grpc": {"tls": {
            "certFile": str(d / "server.crt"), "keyFile": str(d / "server.key"),
            "clientCAFile": str(d / "ca.crt") if mtls else "",
        }}},
    )


def _is_active(es, channel) -> bool:
    return es.grpc.ExternalScalerStub(channel).IsActive(ref(es), timeout=5).result


def _expect_unavailable(es, channel) -> None:
    exc = rpc_error(lambda: _is_active(es, channel))
    assert exc.code() == grpc.StatusCode.UNAVAILABLE, (exc.code(), exc.details())


def _channel(s, client: TLSClient) -> grpc.Channel:
    ch = client.channel(s.port)
    s._channels.append(ch)  # closed with the server
    return ch


@pytest.fixture(scope="module")
def tls_server(es, certs, module_scaler_factory):
    s = module_scaler_factory(config=certs.tls_config(mtls=False), queue_depth=95,
                              tls_client=TLSClient(certs.ca))
    stub = s.stub(es)
    wait_for(lambda: stub.IsActive(ref(es), timeout=5).result is True, 5, message="TLS server active")
    return s


@pytest.fixture(scope="module")
def mtls_server(es, certs, module_scaler_factory):
    s = module_scaler_factory(config=certs.tls_config(mtls=True), queue_depth=95,
                              tls_client=TLSClient(certs.ca, certs.client_key, certs.client_crt))
    stub = s.stub(es)
    wait_for(lambda: stub.IsActive(ref(es), timeout=5).result is True, 5, message="mTLS server active")
    return s


# -- server TLS --------------------------------------------------------------- #

def test_tls_client_trusting_the_ca_succeeds(es, tls_server):
    ch = tls_server.channel()
    assert _is_active(es, ch) is True
    health = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    assert health.status == health_pb2.HealthCheckResponse.SERVING


def test_tls_server_name_from_ip_san(es, certs, tls_server):
    """KEDA's server name is the host of scalerAddress; an IP address must match the IP SAN."""
    creds = grpc.ssl_channel_credentials(root_certificates=certs.ca)
    ch = grpc.secure_channel(f"127.0.0.1:{tls_server.port}", creds)
    tls_server._channels.append(ch)
    assert _is_active(es, ch) is True


def test_tls_plaintext_client_fails(es, tls_server):
    ch = grpc.insecure_channel(f"127.0.0.1:{tls_server.port}")
    tls_server._channels.append(ch)
    _expect_unavailable(es, ch)


def test_tls_client_trusting_another_ca_fails(es, certs, tls_server):
    _expect_unavailable(es, _channel(tls_server, TLSClient(certs.rogue_ca)))


def test_tls_wrong_server_name_fails(es, certs, tls_server):
    _expect_unavailable(es, _channel(tls_server, TLSClient(certs.ca, server_name="scaler.example.com")))


def test_tls_negotiates_h2_and_tls12_plus(certs, tls_server):
    ctx = ssl.create_default_context(cadata=certs.ca.decode())
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.set_alpn_protocols(["h2"])
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=5) as raw:
        with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.selected_alpn_protocol() == "h2"
            assert tls.version() in {"TLSv1.2", "TLSv1.3"}


# -- mutual TLS --------------------------------------------------------------- #

def test_mtls_client_with_cert_from_ca_succeeds(es, mtls_server):
    ch = mtls_server.channel()
    assert _is_active(es, ch) is True
    stub = es.grpc.ExternalScalerStub(ch)
    spec = stub.GetMetricSpec(ref(es), timeout=5)
    assert [m.metricName for m in spec.metricSpecs] == ["runpod-media-burst-burst"]


def test_mtls_client_without_cert_fails(es, certs, mtls_server):
    _expect_unavailable(es, _channel(mtls_server, TLSClient(certs.ca)))


def test_mtls_client_with_cert_from_other_ca_fails(es, certs, mtls_server):
    _expect_unavailable(es, _channel(mtls_server, TLSClient(certs.ca, certs.rogue_key, certs.rogue_crt)))


def test_mtls_plaintext_client_fails(es, mtls_server):
    ch = grpc.insecure_channel(f"127.0.0.1:{mtls_server.port}")
    mtls_server._channels.append(ch)
    _expect_unavailable(es, ch)


def test_mtls_rejected_clients_do_not_disturb_good_ones(es, certs, mtls_server):
    good = mtls_server.channel()
    for _ in range(3):
        _expect_unavailable(es, _channel(mtls_server, TLSClient(certs.ca)))
        assert _is_active(es, good) is True
