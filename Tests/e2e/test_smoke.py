"""`make smoke` (scripts/smoke.py) against a local `serve`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kube_standin import StandIn
from support import Scaler
from test_reconciler_e2e import API_KEY, Emulator

SMOKE = Path(__file__).resolve().parents[2] / "scripts" / "smoke.py"


def smoke(scaler: Scaler, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SMOKE), "--grpc", scaler.address, "--http", scaler.http_address(),
                           "--timeout", "10", *extra], capture_output=True, text=True, timeout=60)


def test_smoke_passes_against_a_healthy_serve(tmp_path):
    emulator = Emulator(tmp_path, "provisioningSeconds: 1\n")
    scaler = Scaler(tmp_path / "serve", config={"runpod": {"endpoint": emulator.base, "reconcileSeconds": 0.5}},
                    queue_depth=10, env={"RUNPOD_API_KEY": API_KEY}).start()
    try:
        result = smoke(scaler)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "smoke: 4 passed, 0 failed" in result.stdout
        assert "runpod-media-burst-burst" in result.stdout
    finally:
        scaler.close()
        emulator.close()


def test_smoke_fails_when_runpod_refuses_the_key_or_the_pool_is_unknown(tmp_path):
    emulator = Emulator(tmp_path, "provisioningSeconds: 1\n")
    scaler = Scaler(tmp_path / "serve", config={"runpod": {"endpoint": emulator.base, "reconcileSeconds": 0.5}},
                    queue_depth=10, env={"RUNPOD_API_KEY": "rk_not_the_key"}).start()
    try:
        result = smoke(scaler, "--pool", "nope")
        assert result.returncode == 1
        assert "FAIL GetMetricSpec" in result.stdout and "NOT_FOUND" in result.stdout
        assert "FAIL RunPod API" in result.stdout and "unauthorized" in result.stdout
        assert "PASS grpc health" in result.stdout and "PASS /metrics" in result.stdout
        assert "smoke: 2 passed, 2 failed" in result.stdout
        assert "rk_not_the_key" not in result.stdout
    finally:
        scaler.close()
        emulator.close()


def gpu_node(name: str, kind: str, ready: str, gpus: str) -> dict:
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": {"name": name, "labels": {"nvidia.com/gpu": "true", "gpu-type": kind}},
            "status": {"allocatable": {"nvidia.com/gpu": gpus},
                       "conditions": [{"type": "Ready", "status": ready,
                                       "lastHeartbeatTime": "2026-01-01T00:00:00Z"}]}}


def test_smoke_checks_the_gpu_nodes_of_the_cluster_it_is_given(tmp_path):
    api = StandIn(tokens={"smoke-token": "smoke"})
    api.start()
    kubeconfig = api.write_kubeconfig(tmp_path / "kubeconfig", token="smoke-token")
    emulator = Emulator(tmp_path, "provisioningSeconds: 1\n")
    scaler = Scaler(tmp_path / "serve", config={"runpod": {"endpoint": emulator.base, "reconcileSeconds": 0.5}},
                    queue_depth=10, env={"RUNPOD_API_KEY": API_KEY}).start()
    try:
        # No GPU node at all: the check fails, the others pass.
        result = smoke(scaler, "--kubeconfig", str(kubeconfig))
        assert result.returncode == 1, result.stdout + result.stderr
        assert "FAIL GPU nodes: AssertionError: no Ready GPU node" in result.stdout
        assert "smoke: 4 passed, 1 failed" in result.stdout
        # A local A100 node and an attached RunPod pod's node (not Ready yet).
        api.put_object(gpu_node("a100-1", "local", "True", "2"))
        api.put_object(gpu_node("runpod-abc123", "runpod", "False", "1"))
        result = smoke(scaler, "--kubeconfig", str(kubeconfig))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "PASS GPU nodes: 1 local (1 Ready), 1 RunPod (0 Ready), 2 GPUs allocatable" in result.stdout
        assert "smoke: 5 passed, 0 failed" in result.stdout
    finally:
        scaler.close()
        emulator.close()
        api.stop()
