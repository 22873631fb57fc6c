"""The rate budget end to end: `serve` against an `emulator` process that enforces a quota.

RunPod allows about 60 calls a minute per key. Here the emulator enforces the same 60 calls
per window with the window shortened to 6 s (ten times faster, same ratios), and the
reconciler lists every 0.5 s as the production default lists every 5 s: 12 lists a window
leave 48 creates. A scale-up from 0 to 100 pods must then take about ceil(100 / 48) = 3
windows, never put more than 60 calls into a window, and draw no 429 at all. The reconciler
is not told the quota: its configured 60 a minute is replaced by the emulator's headers.
"""

from __future__ import annotations

import math
import threading
import time
import urllib.request
from pathlib import Path

import pytest

import emulator_support
from support import Scaler, wait_for

QUOTA = 60
WINDOW = 6.0
RECONCILE = 0.5
PODS = 100
ADA = "NVIDIA RTX 6000 Ada Generation"
API_KEY = "rk_budget_e2e_0123456789abcdef"

EMULATOR_YAML = f"""
rateLimitPerMinute: {QUOTA}
rateLimitWindowSeconds: {WINDOW}
provisioningSeconds: 1
startingSeconds: 1
capacity:
  "{ADA}": {{SECURE: 200, COMMUNITY: 0}}
"""


class Sampler:
    """Reads the emulator's call counters (the admin API is not rate limited) every 50 ms."""

    def __init__(self, emulator: emulator_support.Emulator):
        self.emulator = emulator
        self.samples: list[tuple[float, dict]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Sampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.is_set():
            state = self.emulator.request("GET", "/admin/state", key=None).json
            live = [p["name"] for p in state["pods"] if p["status"] != "TERMINATED"]
            by_pool = {pool: sum(1 for n in live if n.startswith(f"rpa-media-{pool}-")) for pool in ("a", "b")}
            self.samples.append((time.monotonic(), {**state["calls"], "live": len(live), **by_pool,
                                                    "rateLimited": state["rateLimited"]}))
            time.sleep(0.05)

    def latest(self) -> dict:
        return self.samples[-1][1] if self.samples else {}


@pytest.fixture
def emulator(tmp_path):
    emu = emulator_support.Emulator(tmp_path / "emulator", config_yaml=EMULATOR_YAML, api_key=API_KEY).start()
    yield emu
    emu.close()


def pool_config(name: str, max_replicas: int) -> dict:
    return {
        "name": name, "namespace": "media", "maxReplicas": max_replicas, "maxCostPerHour": 1000.0,
        "template": {"image": "ghcr.io/example/media-gpu-worker:1", "gpuTypeIds": [ADA], "clouds": ["SECURE"]},
        "scaling": {"jobsPerWorker": 10, "activationQueueDepth": 5, "latencySLOSeconds": 30,
                    "scaleDownIdleSeconds": 600},
    }


def test_a_scale_up_to_100_pods_goes_at_the_quotas_pace_without_a_429(tmp_path, emulator):
    base = f"http://127.0.0.1:{emulator.port}"
    pool = pool_config("burst", PODS)
    scaler = Scaler(
        tmp_path / "serve",
        # The configured budget is RunPod's documented 60 a minute; the emulator's headers replace it.
        config={"runpod": {"endpoint": base, "reconcileSeconds": RECONCILE, "requestsPerMinute": 60}},
        pools=[pool], queue_depth=0, env={"RUNPOD_API_KEY": API_KEY},
    )
    with Sampler(emulator) as sampler:
        scaler.start()
        try:
            # Let the reconciler settle at zero, then ask for 100 pods (wanted 201, capped at 100).
            wait_for(lambda: sampler.latest().get("list", 0) >= 2, timeout=20, message="the first lists")
            started = time.monotonic()
            scaler.set_demand(2000)
            wait_for(lambda: sampler.latest().get("live", 0) >= PODS, timeout=60,
                     message=lambda: f"{PODS} pods, have {sampler.latest()}\n{scaler.output()[-3000:]}")
            took = time.monotonic() - started
            time.sleep(2 * RECONCILE)  # a few more passes: steady, still no 429, no extra pod
            metrics = urllib.request.urlopen(f"http://{scaler.http_address()}/metrics", timeout=5).read().decode()
        finally:
            scaler.close()
        final = sampler.latest()

    assert final["rateLimited"] == 0, f"the emulator answered 429 {final['rateLimited']} times"
    assert final["live"] == PODS and final["create"] == PODS, final

    # No window-long stretch saw more calls than the quota (samples closer than a window, with a margin
    # for the sampling itself).
    samples = sampler.samples
    busiest = {"calls": 0, "creates": 0, "lists": 0}
    for i, (t_i, a) in enumerate(samples):
        for t_j, b in samples[i + 1:]:
            if t_j - t_i >= WINDOW - 0.2:
                break
            calls = sum(b[op] - a[op] for op in ("list", "create", "delete", "catalog", "get", "action"))
            if calls > busiest["calls"]:
                busiest = {"calls": calls, "creates": b["create"] - a["create"], "lists": b["list"] - a["list"]}
    assert busiest["calls"] <= QUOTA, busiest
    assert busiest["creates"] <= QUOTA - busiest["lists"], busiest

    # The pace the quota allows. 100 creates and at least one list cannot fit into one window, so the
    # scale-up spans more than a window; and it takes no longer than ceil(100 / 48) windows (each window's
    # 60 calls minus 12 lists) plus slack for the demand file, the pass interval and pod start.
    windows = math.ceil(PODS / (QUOTA - WINDOW / RECONCILE))
    print(f"{PODS} pods in {took:.1f} s; busiest window {busiest}")
    assert took > WINDOW * (math.ceil((PODS + 1) / QUOTA) - 1), f"{took:.1f} s is faster than the quota allows"
    assert took < (windows + 1.5) * WINDOW, f"{took:.1f} s for {PODS} pods; expected at most {windows * WINDOW} s"

    # The deferred creates show in the metrics; the remaining budget is exported.
    deferred = [line for line in metrics.splitlines()
                if line.startswith('runpod_autoscaler_runpod_budget_deferred_total{op="create"}')]
    assert deferred and float(deferred[0].split()[-1]) > 0, metrics
    assert "runpod_autoscaler_runpod_budget_remaining " in metrics


def test_two_pools_share_a_short_budget_fairly(tmp_path, emulator):
    base = f"http://127.0.0.1:{emulator.port}"
    scaler = Scaler(
        tmp_path / "serve",
        config={"runpod": {"endpoint": base, "reconcileSeconds": RECONCILE, "requestsPerMinute": 60}},
        pools=[pool_config("a", PODS // 2), pool_config("b", PODS // 2)], queue_depth=0,
        env={"RUNPOD_API_KEY": API_KEY},
    )
    with Sampler(emulator) as sampler:
        scaler.start()
        try:
            wait_for(lambda: sampler.latest().get("list", 0) >= 2, timeout=20, message="the first lists")
            scaler.set_demand(2000)  # both pools read the same queue: 50 pods each
            wait_for(lambda: sampler.latest().get("live", 0) >= PODS, timeout=60,
                     message=lambda: f"{PODS} pods, have {sampler.latest()}\n{scaler.output()[-3000:]}")
        finally:
            scaler.close()
        final = sampler.latest()

    assert final["rateLimited"] == 0, final
    assert (final["a"], final["b"]) == (PODS // 2, PODS // 2), final
    # Round robin: while the budget holds creates back, neither pool runs ahead of the other.
    gaps = [abs(sample["a"] - sample["b"]) for _, sample in sampler.samples]
    assert max(gaps) <= 2, f"the pools drifted apart by {max(gaps)} pods"
    assert any(0 < sample["a"] < PODS // 2 for _, sample in sampler.samples), "the scale-up was never seen mid-way"
