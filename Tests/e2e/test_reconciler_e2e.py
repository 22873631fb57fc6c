"""The real binaries end to end: `serve` against a separate `emulator` process.

Demand rises: exactly the pods the policy asks for appear, on the fallback GPU
type when the first has no capacity, never past the caps. A SIGKILL in the
middle of a scale-up (with a create whose answer was lost) converges with no
duplicate and no orphan. Demand falls to zero: every pod goes after the idle
period. The API key appears in no output.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

import emulator_support
from support import BINARY, Scaler, wait_for

API_KEY = "rk_e2e_SECRET_0123456789abcdef"
ADA = "NVIDIA RTX 6000 Ada Generation"
L40S = "NVIDIA L40S"


class Emulator(emulator_support.Emulator):
    """The emulator process of emulator_support, started with `API_KEY` and read through its admin API."""

    def __init__(self, workdir: Path, config_yaml: str):
        super().__init__(workdir, config_yaml=config_yaml, api_key=API_KEY)
        self.start()
        self.base = f"http://127.0.0.1:{self.port}"

    @property
    def lines(self) -> list[str]:
        return self.stderr_text().splitlines()

    def admin(self, method: str, path: str, body: dict | None = None):
        reply = self.request(method, path, body, key=None)
        assert reply.status < 300, f"{method} {path}: {reply.status} {reply.body[:500]!r}"
        return reply.json

    def live_pods(self) -> list[dict]:
        return [p for p in self.admin("GET", "/admin/state")["pods"] if p["status"] != "TERMINATED"]


EMULATOR_YAML = f"""
provisioningSeconds: 1
startingSeconds: 1
capacity:
  "{ADA}": {{SECURE: 3, COMMUNITY: 0}}
  "{L40S}": {{SECURE: 20, COMMUNITY: 20}}
"""


def serve(workdir: Path, emulator: Emulator, queue: int) -> Scaler:
    return Scaler(
        workdir,
        config={
            "runpod": {"endpoint": emulator.base, "reconcileSeconds": 0.5, "podNamePrefix": "e2e"},
            "demand": {"pollSeconds": 1, "staleAfterSeconds": 30},
        },
        scaling={"scaleDownIdleSeconds": 2},
        queue_depth=queue,
        env={"RUNPOD_API_KEY": API_KEY},
    ).start()


@pytest.fixture
def emulator(tmp_path):
    emu = Emulator(tmp_path, EMULATOR_YAML)
    yield emu
    emu.close()


def test_scale_up_kill_restart_and_scale_down(tmp_path, emulator):
    # 95 jobs, 4 local GPUs: burst 6. Ada has 3 GPUs of SECURE capacity, none in COMMUNITY.
    first = serve(tmp_path / "serve1", emulator, queue=95)
    try:
        pods = wait_for(lambda: (lambda p: p if len(p) == 6 else None)(emulator.live_pods()), timeout=20,
                        message=lambda: f"6 pods, have {emulator.live_pods()}\n{first.output()}")
        gpus = sorted(p["gpu"]["id"] for p in pods)
        assert gpus == sorted([ADA] * 3 + [L40S] * 3), gpus
        assert all(p["name"].startswith("e2e-media-burst-") for p in pods)

        # The next create makes its pod but answers 500; the process dies mid scale-up.
        emulator.admin("POST", "/admin/faults", {"kind": "serverErrorAfterCreate", "operations": ["create"], "count": 1})
        # Later creates answer slowly, so the kill lands in the middle of the scale-up.
        emulator.admin("POST", "/admin/faults",
                       {"kind": "slow", "operations": ["create"], "delaySeconds": 0.5, "count": 6})
        first.set_demand(145)  # burst 11
        wait_for(lambda: len(emulator.live_pods()) >= 7, timeout=20, message="the scale-up to start")
        first.stop(signal.SIGKILL)
        assert len(emulator.live_pods()) < 11, "killed before the scale-up finished"
    finally:
        first.close()

    second = serve(tmp_path / "serve2", emulator, queue=145)
    try:
        wait_for(lambda: len(emulator.live_pods()) == 11, timeout=30,
                 message=lambda: f"11 pods, have {len(emulator.live_pods())}\n{second.output()}")
        time.sleep(2)  # several reconcile passes: it must stay exactly at 11
        pods = emulator.live_pods()
        names = [p["name"] for p in pods]
        assert len(pods) == 11 and len(set(names)) == 11, names
        assert all(n.startswith("e2e-media-burst-") for n in names), "no orphan, no foreign name"
        assert sum(p["costPerHour"] for p in pods) <= 15.0

        # `pods` shows them (through the same API, with the key from the environment).
        table = subprocess.run([str(BINARY), "pods", "--config", str(second.config_path)],
                               env={**os.environ, "RUNPOD_API_KEY": API_KEY}, capture_output=True, text=True,
                               timeout=30)
        assert table.returncode == 0, table.stderr
        assert table.stdout.count("media/burst") == 11
        assert "11 pods" in table.stdout

        # Demand to zero: everything goes after the idle period (2 s).
        second.set_demand(0)
        wait_for(lambda: not emulator.live_pods(), timeout=20,
                 message=lambda: f"all pods gone, have {emulator.live_pods()}\n{second.output()}")

        metrics = urllib.request.urlopen(f"http://{second.http_address()}/metrics", timeout=5).read().decode()
        assert 'runpod_autoscaler_pod_creations_total{pool="media/burst"' in metrics
        assert "runpod_autoscaler_pod_terminations_total" in metrics
        check = subprocess.run([str(BINARY), "check", "--config", str(second.config_path)],
                               env={**os.environ, "RUNPOD_API_KEY": API_KEY}, capture_output=True, text=True,
                               timeout=30)
        everything = "\n".join([second.output(), metrics, table.stdout, table.stderr, check.stdout, check.stderr,
                                *emulator.lines])
        assert API_KEY not in everything
        assert "SECRET" not in everything
    finally:
        second.close()


def test_emulator_refuses_a_wrong_key_and_creates_stop(tmp_path, emulator):
    scaler = Scaler(
        tmp_path / "serve",
        config={"runpod": {"endpoint": emulator.base, "reconcileSeconds": 0.5}},
        queue_depth=95, env={"RUNPOD_API_KEY": "rk_wrong_key_value"},
    ).start()
    try:
        ready = wait_for(lambda: readyz(scaler)[0] == 503 and "RunPod" in readyz(scaler)[1], timeout=15,
                         message=lambda: f"/readyz to report the refusal: {readyz(scaler)}")
        assert ready
        assert emulator.live_pods() == []
        assert "rk_wrong_key_value" not in scaler.output()
    finally:
        scaler.close()


def readyz(scaler: Scaler) -> tuple[int, str]:
    url = f"http://{scaler.http_address()}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
