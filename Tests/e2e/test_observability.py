"""`/metrics`, `/healthz`, `/readyz` and the decision logs of a running `serve`."""

from __future__ import annotations

import json

from prometheus_client.parser import text_string_to_metric_families

from support import Scaler, wait_for
from support import http_get as get

# Every metric DESIGN.md names (prefix runpod_autoscaler_).
DESIGN_METRICS = [
    "pool_desired_pods", "pool_pods", "pool_cost_per_hour_dollars", "burst_demand", "queue_depth",
    "latency_p95_seconds", "local_gpus", "runpod_api_requests_total", "runpod_api_request_duration_seconds",
    "pod_creations_total", "pod_terminations_total", "offering_unavailable", "grpc_requests_total",
    "grpc_request_duration_seconds", "reconcile_duration_seconds", "leader", "source_last_success_timestamp_seconds",
]


def families(text: str) -> dict:
    return {f.name: f for f in text_string_to_metric_families(text)}


def test_metrics_cover_the_design_and_parse(tmp_path, es):
    scaler = Scaler(tmp_path, config={"runpod": {"reconcileSeconds": 0.5}}, queue_depth=95,
                    scaling={"scaleDownIdleSeconds": 0}).start()
    try:
        base = "http://" + scaler.http_address()
        stub = scaler.stub(es)
        ref = es.pb2.ScaledObjectRef(name="so", namespace="media", scalerMetadata={"pool": "burst"})
        assert stub.IsActive(ref, timeout=5).result is True
        wait_for(lambda: 'pool_pods{pool="media/burst",status="RUNNING"} 6.0' in get(base + "/metrics")[1]
                 or 'pool_pods{pool="media/burst",status="STARTING"}' in get(base + "/metrics")[1],
                 timeout=15, message="the reconciler to report pods")
        scaler.set_demand(0)
        wait_for(lambda: "pod_terminations_total" in get(base + "/metrics")[1], timeout=15,
                 message="terminations to be counted")
        status, text = get(base + "/metrics")
        assert status == 200
        parsed = families(text)
        for name in DESIGN_METRICS:
            family = "runpod_autoscaler_" + name
            # The parser names counter families without their _total suffix.
            assert family in parsed or family.removesuffix("_total") in parsed, f"{family} missing"
        calls = parsed["runpod_autoscaler_grpc_requests"]
        ok = [s for s in calls.samples if s.labels.get("method") == "/externalscaler.ExternalScaler/IsActive"
              and s.labels.get("code") == "OK" and s.name.endswith("_total")]
        assert ok and ok[0].value >= 1
        assert parsed["runpod_autoscaler_queue_depth"].samples[0].value == 0
        assert parsed["runpod_autoscaler_leader"].samples[0].value == 1
        created = [s for s in parsed["runpod_autoscaler_pod_creations"].samples if s.name.endswith("_total")]
        assert sum(s.value for s in created if s.labels["result"] == "created") == 6
    finally:
        scaler.close()


def test_health_and_readiness_follow_the_demand_source(tmp_path):
    scaler = Scaler(tmp_path, config={"demand": {"pollSeconds": 1, "staleAfterSeconds": 2}}, queue_depth=10).start()
    try:
        base = "http://" + scaler.http_address()
        assert get(base + "/healthz") == (200, "ok\n")
        wait_for(lambda: get(base + "/readyz")[0] == 200, timeout=10, message="ready")
        scaler.write_demand_raw("{broken")
        status, text = wait_for(lambda: (lambda r: r if r[0] == 503 else None)(get(base + "/readyz")), timeout=10,
                                message="not ready after the source goes stale")
        assert "demand source file" in text
        assert get(base + "/healthz")[0] == 200, "liveness does not follow readiness"
    finally:
        scaler.close()


def test_json_logs_say_what_was_decided_and_why(tmp_path):
    scaler = Scaler(tmp_path, config={"runpod": {"reconcileSeconds": 0.5}}, queue_depth=42,
                    extra_args=["--log-format", "json"])
    # --log-format json comes after the helper's text flag, so it wins.
    scaler.start()
    try:
        def decision_lines():
            lines = []
            for line in scaler.stderr_text().splitlines():
                try:
                    lines.append(json.loads(line))
                except ValueError:
                    pass
            return [l for l in lines if l.get("message") == "reconcile" and "create" in l.get("plan", "")]
        entries = wait_for(decision_lines, timeout=15, message="a JSON reconcile line")
        entry = entries[0]
        assert entry["pool"] == "media/burst"
        assert entry["level"] == "info"
        assert "desired 1" in entry["plan"] and "create 1" in entry["plan"]
        decisions = [json.loads(l) for l in scaler.stderr_text().splitlines()
                     if l.startswith("{") and '"decision"' in l]
        assert decisions and "reason" in decisions[0] and "wanted" in decisions[0]
    finally:
        scaler.close()
