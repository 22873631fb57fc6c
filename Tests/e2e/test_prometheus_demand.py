"""Demand from a real Prometheus server (Debian's package) scraping an exporter the test controls."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import grpc
import pytest

from support import Scaler, wait_for

PROMETHEUS = shutil.which("prometheus")
SCRAPE_SECONDS = 1
POLL_SECONDS = 1


class Exporter:
    """Serves `kafka_consumergroup_lag` and a p95 gauge with values the test sets."""

    def __init__(self):
        self.lag = 0.0
        self.p95 = 0.0
        exporter = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = (
                    "# TYPE kafka_consumergroup_lag gauge\n"
                    f'kafka_consumergroup_lag{{consumergroup="media-gpu",partition="0"}} {exporter.lag}\n'
                    "# TYPE media_job_p95_seconds gauge\n"
                    f"media_job_p95_seconds {exporter.p95}\n"
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.address = f"127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def prometheus(tmp_path):
    if PROMETHEUS is None:
        pytest.fail("the prometheus binary is not installed (make deps installs Debian's package)")
    exporter = Exporter()
    config = tmp_path / "prometheus.yml"
    config.write_text(f"""
global: {{scrape_interval: {SCRAPE_SECONDS}s, evaluation_interval: {SCRAPE_SECONDS}s}}
scrape_configs:
  - job_name: lag
    static_configs: [{{targets: ["{exporter.address}"]}}]
""")
    port = free_port()
    proc = subprocess.Popen(
        [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={tmp_path / 'data'}",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"

    def ready():
        try:
            return urllib.request.urlopen(url + "/-/ready", timeout=1).status == 200
        except OSError:
            return False
    wait_for(ready, timeout=30, message="prometheus to be ready")
    yield url, exporter
    proc.terminate()
    proc.wait(timeout=10)
    exporter.close()


def config_for(url: str, queue_query: str = 'sum(kafka_consumergroup_lag{consumergroup="media-gpu"})') -> dict:
    return {"demand": {"source": "prometheus", "pollSeconds": POLL_SECONDS, "staleAfterSeconds": 4,
                       "prometheus": {"url": url, "queueDepthQuery": queue_query,
                                      "latencyP95Query": "max(media_job_p95_seconds)"}}}


def queue_depth(es, stub) -> float:
    request = es.pb2.GetMetricsRequest(
        scaledObjectRef=es.pb2.ScaledObjectRef(name="so", namespace="media",
                                               scalerMetadata={"pool": "burst", "metric": "queueDepth"}),
        metricName="runpod-media-burst-queue-depth")
    return stub.GetMetrics(request, timeout=5).metricValues[0].metricValueFloat


def test_a_lag_change_reaches_get_metrics_within_a_scrape_and_a_poll(tmp_path, es, prometheus):
    url, exporter = prometheus
    exporter.lag = 12
    scaler = Scaler(tmp_path / "serve", config=config_for(url), queue_depth=None).start()
    try:
        stub = scaler.stub(es)
        wait_for(lambda: queue_depth(es, stub) == 12, timeout=15, message="the first reading")
        for lag in (95, 7, 310):
            exporter.lag = lag
            changed = time.monotonic()
            wait_for(lambda: queue_depth(es, stub) == lag, timeout=10, interval=0.05,
                     message=f"lag {lag} in GetMetrics")
            took = time.monotonic() - changed
            # One scrape plus one poll, plus a little for the query and the answer.
            assert took <= SCRAPE_SECONDS + POLL_SECONDS + 0.75, f"lag {lag} took {took:.2f}s"
        exporter.p95 = 45  # SLO breach: active even with a short queue
        exporter.lag = 0
        active = es.pb2.ScaledObjectRef(name="so", namespace="media", scalerMetadata={"pool": "burst"})
        wait_for(lambda: stub.IsActive(active, timeout=5).result, timeout=10, message="the latency to activate")
    finally:
        scaler.close()


def test_an_empty_query_result_makes_the_scaler_unavailable(tmp_path, es, prometheus):
    url, exporter = prometheus
    scaler = Scaler(tmp_path / "serve", config=config_for(url, queue_query="sum(no_such_metric)"),
                    queue_depth=None).start()
    try:
        stub = scaler.stub(es)
        ref = es.pb2.ScaledObjectRef(name="so", namespace="media", scalerMetadata={"pool": "burst"})

        def unavailable():
            try:
                stub.IsActive(ref, timeout=5)
                return None
            except grpc.RpcError as error:
                # Before the first query finishes the answer is "no good reading yet".
                if error.code() == grpc.StatusCode.UNAVAILABLE and "no series" in error.details():
                    return error
                return None
        error = wait_for(unavailable, timeout=10, message="UNAVAILABLE naming the empty query")
        assert "prometheus" in error.details() and "no series" in error.details()
        assert "demand source prometheus" in scaler.stderr_text() or "no series" in scaler.stderr_text()
    finally:
        scaler.close()


def test_an_unreachable_prometheus_goes_stale_then_unavailable(tmp_path, es):
    port = free_port()  # nothing listens there
    scaler = Scaler(tmp_path / "serve", config=config_for(f"http://127.0.0.1:{port}"), queue_depth=None).start()
    try:
        stub = scaler.stub(es)
        ref = es.pb2.ScaledObjectRef(name="so", namespace="media", scalerMetadata={"pool": "burst"})
        with pytest.raises(grpc.RpcError) as raised:
            stub.IsActive(ref, timeout=5)
        assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "unreachable" in raised.value.details() or "no good reading" in raised.value.details()
    finally:
        scaler.close()
