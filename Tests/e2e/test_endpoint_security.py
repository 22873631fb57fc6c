"""The RunPod API key travels only encrypted: `check`, `pods` and `serve` refuse a plain-http
`runpod.endpoint` on another machine with a configuration error naming the key and the reason,
never print the key, and never open a connection for it.

"Never connects" is observed with a trap: every run gets `http_proxy` pointing at a loopback
server that records whatever reaches it, so any plain-http request the process made would land
there (libcurl honours `http_proxy` for http URLs). A control run shows the trap does catch the
binary's plain-http traffic.
"""

from __future__ import annotations

import os
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from support import BINARY, Scaler, default_config, to_yaml

KEY = "rpa-LIVE-key-must-never-show"


class Trap:
    """An HTTP proxy stand-in on loopback: records every request line and answers 503."""

    def __init__(self):
        self.requests: list[str] = []
        trap = self

        class Handler(BaseHTTPRequestHandler):
            def do_any(self):
                trap.requests.append(self.requestline)
                self.send_response(503)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_DELETE = do_CONNECT = do_any

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self) -> dict[str, str]:
        return {"http_proxy": self.url, "HTTP_PROXY": self.url, "https_proxy": self.url, "HTTPS_PROXY": self.url,
                "no_proxy": "", "NO_PROXY": "", "RUNPOD_API_KEY": KEY}

    def close(self):
        self.server.shutdown()


@pytest.fixture
def trap():
    trap = Trap()
    yield trap
    trap.close()


def require_binary():
    if not BINARY.is_file():
        pytest.fail(f"{BINARY} does not exist (swift build, or set RPA_BINARY)")


def write_config(tmp_path: Path, demand: dict | None = None, **runpod) -> Path:
    config = default_config(tmp_path / "demand.json")
    (tmp_path / "demand.json").write_text('{"queueDepth": 0, "latencyP95Seconds": 0}')
    config["runpod"] = {**config["runpod"], **runpod}
    config["demand"] = {**config["demand"], **(demand or {})}
    path = tmp_path / "config.yaml"
    path.write_text(to_yaml(config) + "\n")
    return path


def run(command: str, config: Path, trap: Trap) -> subprocess.CompletedProcess:
    require_binary()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RUNPOD_", "KUBERNETES_")) and k.lower() not in ("kubeconfig", "http_proxy",
                                                                               "https_proxy", "no_proxy")}
    env.update(trap.env())
    return subprocess.run([str(BINARY), command, "--config", str(config)], env=env, capture_output=True,
                          text=True, timeout=60, cwd=config.parent)


REFUSED = ["http://api.runpod.io", "HTTP://10.20.30.40:8080/v2", "http://127.0.0.1.evil.invalid:19080",
           "http://localhost@runpod.invalid:19080"]


@pytest.mark.parametrize("command", ["check", "pods"])
@pytest.mark.parametrize("endpoint", REFUSED)
def test_a_plain_http_endpoint_elsewhere_is_a_config_error(tmp_path, trap, command, endpoint):
    result = run(command, write_config(tmp_path, endpoint=endpoint), trap)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "invalid configuration" in result.stderr and "runpod.endpoint" in result.stderr, output
    assert "clear text" in result.stderr and "loopback" in result.stderr, output
    assert KEY not in output
    assert trap.requests == [], f"requests left the process: {trap.requests}"


@pytest.mark.parametrize("endpoint", REFUSED[:2])
def test_serve_refuses_it_before_listening(tmp_path, trap, endpoint):
    scaler = Scaler(tmp_path / "serve", config={"runpod": {"endpoint": endpoint}}, env=trap.env())
    try:
        scaler.launch()
        rc = scaler.wait_exit(timeout=30)
        text = scaler.stderr_text()
        assert rc == 2, scaler.output()
        assert "runpod.endpoint" in text and "clear text" in text, text
        assert "grpc server listening" not in text
        assert KEY not in text + "\n".join(scaler._stdout)
        assert trap.requests == [], f"requests left the process: {trap.requests}"
    finally:
        scaler.close()


def test_the_emulator_on_another_machine_is_refused_too(tmp_path, trap):
    result = run("pods", write_config(tmp_path, endpoint="emulator", emulator={"listen": "10.20.30.40:19080"}), trap)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "runpod.emulator.listen" in result.stderr and "loopback" in result.stderr
    assert KEY not in result.stdout + result.stderr
    assert trap.requests == []


def test_the_trap_sees_what_the_binary_sends_over_plain_http(tmp_path, trap):
    """Control: a valid config whose demand source is a plain-http Prometheus on a name that does
    not resolve; `check` probes it, so the request can only have gone through the trap."""
    config = write_config(tmp_path, demand={
        "source": "prometheus",
        "prometheus": {"url": "http://prometheus.invalid:9090", "queueDepthQuery": "sum(queue)"}})
    result = run("check", config, trap)
    assert "invalid configuration" not in result.stderr, result.stderr
    assert any("prometheus.invalid:9090/api/v1/query" in r for r in trap.requests), (
        f"the probe did not reach the trap; it saw {trap.requests}\n{result.stdout}{result.stderr}")
    assert KEY not in result.stdout + result.stderr
