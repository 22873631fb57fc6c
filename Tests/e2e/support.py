"""Helpers for the end-to-end tests of `runpod-autoscaler serve`.

The binary is started as a real process on a loopback port; the tests talk to it
with grpcio exactly as KEDA, grpcurl and Kubernetes probes would.

Environment:
  RPA_BINARY   path of the binary (default <repo>/.build/debug/runpod-autoscaler)
  SHARED_DIR   directory holding reference/keda/externalscaler.proto
               (default <repo>/../shared)
"""

from __future__ import annotations

import importlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import types
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterable

import grpc
import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SHARED_DIR") or (REPO.parent / "shared"))
BINARY = Path(os.environ.get("RPA_BINARY") or (REPO / ".build" / "debug" / "runpod-autoscaler"))


def built_binary() -> Path:
    """The binary under test: a failure when RPA_BINARY names a missing file, a skip when the default is not built."""
    if not BINARY.is_file():
        if os.environ.get("RPA_BINARY"):
            pytest.fail(f"RPA_BINARY={BINARY} does not exist")
        pytest.skip(f"binary not built: {BINARY} (run swift build, or set RPA_BINARY)")
    return BINARY


def http_get(url: str) -> tuple[int, str]:
    """Status and body of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
KEDA_PROTO = SHARED / "reference" / "keda" / "externalscaler.proto"

STARTUP_TIMEOUT = 20.0
# The listening line holds both, in either order (swift-log puts metadata before the message).
LISTENING_TEXT = "grpc server listening"
ADDRESS_RE = re.compile(r'\baddress"?[=:]"?([^\s",]+)')

# The pool every test config defines, as `namespace/name`.
POOL_NS = "media"
POOL_NAME = "burst"
POOL_REF = f"{POOL_NS}/{POOL_NAME}"


# --------------------------------------------------------------------------- #
# Generated stubs for KEDA's proto (never copied into the repo).
# --------------------------------------------------------------------------- #

def generate_stubs(out_dir: Path) -> types.SimpleNamespace:
    from grpc_tools import protoc  # imported lazily: it is heavy
    import grpc_tools

    if not KEDA_PROTO.is_file():
        pytest.exit(f"KEDA reference proto not found at {KEDA_PROTO} (set SHARED_DIR)", returncode=4)
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{KEDA_PROTO.parent}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        str(KEDA_PROTO),
    ]
    rc = protoc.main(args)
    if rc != 0:
        pytest.exit(f"grpc_tools.protoc failed ({rc}) on {KEDA_PROTO}", returncode=4)
    sys.path.insert(0, str(out_dir))
    pb2 = importlib.import_module("externalscaler_pb2")
    pb2_grpc = importlib.import_module("externalscaler_pb2_grpc")
    return types.SimpleNamespace(pb2=pb2, grpc=pb2_grpc)


# --------------------------------------------------------------------------- #
# Small helpers.
# --------------------------------------------------------------------------- #

def wait_for(predicate: Callable[[], Any], timeout: float, interval: float = 0.02,
             message: str | Callable[[], str] = "condition") -> Any:
    """Polls `predicate` until it returns a truthy value (returned) or `timeout` passes."""
    deadline = time.monotonic() + timeout
    last_exc: BaseException | None = None
    while True:
        try:
            value = predicate()
            if value:
                return value
            last_exc = None
        except grpc.RpcError as exc:  # keep polling through transient RPC errors
            last_exc = exc
        if time.monotonic() >= deadline:
            text = message() if callable(message) else message
            extra = f" (last error: {last_exc.code()} {last_exc.details()!r})" if last_exc else ""
            raise AssertionError(f"timed out after {timeout}s waiting for {text}{extra}")
        time.sleep(interval)


def rpc_error(fn: Callable[[], Any]) -> grpc.RpcError:
    """Runs `fn`, which must fail with a gRPC error, and returns that error."""
    try:
        result = fn()
    except grpc.RpcError as exc:
        return exc
    raise AssertionError(f"expected a gRPC error, got a response: {result!r}")


def to_yaml(value: Any, indent: int = 0) -> str:
    """A minimal block-style YAML writer for dicts, lists and scalars (no PyYAML needed)."""
    pad = "  " * indent

    def scalar(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if v is None:
            return "null"
        return json.dumps(str(v))  # a JSON string is a valid YAML double-quoted scalar

    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict) and v:
                lines.append(f"{pad}{k}:")
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, list) and v:
                lines.append(f"{pad}{k}:")
                lines.append(to_yaml(v, indent + 1))
            elif isinstance(v, dict):
                lines.append(f"{pad}{k}: {{}}")
            elif isinstance(v, list):
                lines.append(f"{pad}{k}: []")
            else:
                lines.append(f"{pad}{k}: {scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, (dict, list)) and item:
                body = to_yaml(item, indent + 1).splitlines()
                first = body[0][len(pad) + 2:]
                lines.append(f"{pad}- {first}")
                lines.extend(body[1:])
            else:
                lines.append(f"{pad}- {scalar(item)}")
    else:
        lines.append(pad + scalar(value))
    return "\n".join(lines)


def deep_merge(base: dict, override: dict) -> dict:
    out = dict(base)
    for k, v in override.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def default_config(demand_path: Path) -> dict:
    return {
        "grpc": {
            "listen": "127.0.0.1:0",
            "maxMessageBytes": 65536,
            "tls": {"certFile": "", "keyFile": "", "clientCAFile": ""},
        },
        # /metrics etc.: keep it on loopback and off fixed ports so servers can run side by side.
        "http": {"listen": "127.0.0.1:0"},
        # The in-process RunPod emulator, on a free port for the same reason.
        # requestsPerMinute: the tests reconcile every 0.5 s, far above RunPod's 60 calls a minute
        # (test_rate_budget.py sets its own).
        "runpod": {"endpoint": "emulator", "emulator": {"listen": "127.0.0.1:0"}, "requestsPerMinute": 100000},
        "demand": {
            "source": "file",
            "pollSeconds": 30,
            "staleAfterSeconds": 120,
            "file": {"path": str(demand_path)},
        },
        "local": {"source": "static", "static": {"gpus": 4, "usedByOthers": 0}},
        "pools": [
            {
                "name": POOL_NAME,
                "namespace": POOL_NS,
                "maxReplicas": 20,
                "maxCostPerHour": 15.0,
                "template": {"image": "ghcr.io/example/media-gpu-worker:1"},
                "scaling": {
                    "jobsPerWorker": 10,
                    "activationQueueDepth": 5,
                    "latencySLOSeconds": 30,
                    "scaleDownIdleSeconds": 60,
                },
            }
        ],
    }


def write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


class TLSClient:
    """How a test client connects to a TLS server: trusted roots, optional client cert."""

    def __init__(self, root_pem: bytes, key_pem: bytes | None = None, cert_pem: bytes | None = None,
                 server_name: str = "localhost"):
        self.root_pem = root_pem
        self.key_pem = key_pem
        self.cert_pem = cert_pem
        self.server_name = server_name

    def channel(self, port: int, options: list | None = None) -> grpc.Channel:
        creds = grpc.ssl_channel_credentials(
            root_certificates=self.root_pem, private_key=self.key_pem, certificate_chain=self.cert_pem)
        opts = [("grpc.ssl_target_name_override", self.server_name), *(options or [])]
        return grpc.secure_channel(f"127.0.0.1:{port}", creds, options=opts)


# --------------------------------------------------------------------------- #
# The process under test.
# --------------------------------------------------------------------------- #

class Scaler:
    """One `runpod-autoscaler serve` process with its own config and demand file.

    `config` is deep-merged over `default_config`; `pools` replaces the pool list;
    `scaling` is merged into the first pool's `scaling`.
    """

    def __init__(self, workdir: Path, *, config: dict | None = None, scaling: dict | None = None,
                 pools: list | None = None, queue_depth: float | None = 0, p95: float = 0.0,
                 extra_args: Iterable[str] = (), tls_client: "TLSClient | None" = None,
                 env: dict | None = None):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.demand_path = self.workdir / "demand.json"
        self.config_path = self.workdir / "config.yaml"
        cfg = default_config(self.demand_path)
        if config:
            cfg = deep_merge(cfg, config)
        if pools is not None:
            cfg["pools"] = pools
        if scaling:
            cfg["pools"][0]["scaling"] = {**cfg["pools"][0]["scaling"], **scaling}
        self.config = cfg
        self.extra_args = list(extra_args)
        self.tls_client = tls_client
        self.extra_env = dict(env or {})
        self.proc: subprocess.Popen | None = None
        self.address: str = ""
        self.port: int = 0
        self._stdout: list[str] = []
        self._stderr: list[str] = []
        self._cond = threading.Condition()
        self._readers: list[threading.Thread] = []
        self._channels: list[grpc.Channel] = []
        if queue_depth is not None:
            self.set_demand(queue_depth, p95)

    # -- files -------------------------------------------------------------- #

    def set_demand(self, queue_depth: float, p95: float = 0.0) -> float:
        """Atomically rewrites the demand file; returns time.monotonic() just before the swap."""
        text = json.dumps({"queueDepth": queue_depth, "latencyP95Seconds": p95})
        t0 = time.monotonic()
        write_atomic(self.demand_path, text)
        return t0

    def write_demand_raw(self, text: str) -> None:
        write_atomic(self.demand_path, text)

    def delete_demand(self) -> None:
        self.demand_path.unlink(missing_ok=True)

    # -- process ------------------------------------------------------------ #

    @property
    def command(self) -> list[str]:
        return [str(BINARY), "serve", "--config", str(self.config_path),
                "--log-format", "text", "--log-level", "info", *self.extra_args]

    def launch(self) -> "Scaler":
        """Starts the process without waiting for it to listen."""
        built_binary()
        self.config_path.write_text(to_yaml(self.config) + "\n")
        # Hermetic: no RunPod key or RUNPOD_AUTOSCALER_* overrides, no cluster to discover.
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("RUNPOD_", "KUBERNETES_")) and k != "KUBECONFIG"}
        env.update(self.extra_env)
        self.proc = subprocess.Popen(
            self.command, cwd=self.workdir, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace",
        )
        for stream, sink in ((self.proc.stdout, self._stdout), (self.proc.stderr, self._stderr)):
            t = threading.Thread(target=self._pump, args=(stream, sink), daemon=True)
            t.start()
            self._readers.append(t)
        return self

    def start(self, timeout: float = STARTUP_TIMEOUT) -> "Scaler":
        """Starts the process and waits for its `grpc server listening address=...` line."""
        self.launch()
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                m = self._find_listening()
                if m:
                    break
                if self.proc.poll() is not None and all(not t.is_alive() for t in self._readers):
                    raise AssertionError(
                        f"serve exited with {self.proc.returncode} before listening\n{self.output()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no 'grpc server listening' line within {timeout}s\n{self.output()}")
                self._cond.wait(min(left, 0.1))
        self.address = m
        self.port = int(m.rsplit(":", 1)[1])
        return self

    def http_address(self, timeout: float = 10.0) -> str:
        """HOST:PORT of the /metrics, /healthz and /readyz listener, from its `http listening` line."""
        line = wait_for(lambda: next((l for l in self.stderr_text().splitlines() if "http listening" in l), None),
                        timeout=timeout, message="the 'http listening' line")
        return ADDRESS_RE.search(line).group(1)

    def _find_listening(self) -> str | None:
        for line in self._stderr:
            if LISTENING_TEXT in line:
                m = ADDRESS_RE.search(line)
                if m:
                    return m.group(1)
        return None

    def _pump(self, stream, sink: list[str]) -> None:
        for line in stream:
            with self._cond:
                sink.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def stderr_text(self) -> str:
        with self._cond:
            return "\n".join(self._stderr)

    def output(self) -> str:
        with self._cond:
            return ("--- command: " + " ".join(self.command) +
                    "\n--- config:\n" + (self.config_path.read_text() if self.config_path.exists() else "") +
                    "--- stderr:\n" + "\n".join(self._stderr[-200:]) +
                    "\n--- stdout:\n" + "\n".join(self._stdout[-50:]))

    def wait_exit(self, timeout: float) -> int:
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"process still running after {timeout}s\n{self.output()}") from None
        for t in self._readers:
            t.join(timeout=2)
        return rc

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        """Sends `sig` and returns the exit code (fails if it does not exit within `timeout`)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait_exit(timeout)

    def close(self) -> None:
        for ch in self._channels:
            ch.close()
        self._channels.clear()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        for t in self._readers:
            t.join(timeout=1)

    # -- clients ------------------------------------------------------------ #

    def channel(self, options: list | None = None) -> grpc.Channel:
        opts = list(options or [])
        if self.tls_client is not None:
            ch = self.tls_client.channel(self.port, opts)
        else:
            ch = grpc.insecure_channel(self.address, options=opts)
        self._channels.append(ch)
        return ch

    def stub(self, es, options: list | None = None):
        return es.grpc.ExternalScalerStub(self.channel(options))


# --------------------------------------------------------------------------- #
# Requests.
# --------------------------------------------------------------------------- #

def ref(es, *, pool: str | None = POOL_NAME, metric: str | None = None, target: str | None = None,
        namespace: str = POOL_NS, name: str = "gpu-workers", **extra: str):
    """A ScaledObjectRef as KEDA builds it (the trigger's whole metadata map)."""
    md = {"scalerAddress": "runpod-autoscaler.platform.svc.cluster.local:9090"}
    if pool is not None:
        md["pool"] = pool
    if metric is not None:
        md["metric"] = metric
    if target is not None:
        md["targetValue"] = target
    md.update(extra)
    return es.pb2.ScaledObjectRef(name=name, namespace=namespace, scalerMetadata=md)


def metric_value(es, stub, sref, timeout: float = 5.0) -> tuple[str, float]:
    """KEDA's pattern: GetMetricSpec, then GetMetrics with the plain name. Returns (name, value)."""
    spec = stub.GetMetricSpec(sref, timeout=timeout)
    assert len(spec.metricSpecs) == 1, spec
    name = spec.metricSpecs[0].metricName
    resp = stub.GetMetrics(es.pb2.GetMetricsRequest(scaledObjectRef=sref, metricName=name), timeout=timeout)
    assert len(resp.metricValues) == 1, resp
    mv = resp.metricValues[0]
    assert mv.metricValue == round(mv.metricValueFloat), (
        f"metricValue {mv.metricValue} and metricValueFloat {mv.metricValueFloat} disagree")
    return name, mv.metricValueFloat


def wait_metric(es, stub, sref, expected: float, timeout: float = 5.0) -> None:
    seen: list[float] = []

    def check():
        _, v = metric_value(es, stub, sref)
        seen.append(v)
        return v == expected

    wait_for(check, timeout, interval=0.03,
             message=lambda: f"metric == {expected} (last values {seen[-5:]})")


class StreamReader:
    """Consumes a server-streaming call in a thread; messages land in `.queue` as (t, msg)."""

    def __init__(self, call):
        self.call = call
        self.queue: "queue.Queue[tuple[float, Any]]" = queue.Queue()
        self.messages: list[Any] = []
        self.error: grpc.RpcError | None = None
        self.ended_ok = False
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        try:
            for msg in self.call:
                self.messages.append(msg)
                self.queue.put((time.monotonic(), msg))
            self.ended_ok = True
        except grpc.RpcError as exc:
            self.error = exc
        finally:
            self.done.set()

    def next(self, timeout: float) -> tuple[float, Any]:
        try:
            return self.queue.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(
                f"no stream message within {timeout}s (error={self.error and self.error.code()})") from None

    def expect_silence(self, seconds: float) -> None:
        try:
            t, msg = self.queue.get(timeout=seconds)
        except queue.Empty:
            return
        raise AssertionError(f"unexpected stream message {msg!r}")

    def cancel(self):
        self.call.cancel()
        self.done.wait(5)
