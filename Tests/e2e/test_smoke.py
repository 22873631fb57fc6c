"""`make smoke` (scripts/smoke.py) against a local `serve`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
