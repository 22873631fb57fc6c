"""`runpod-autoscaler drain` end to end: the real binary against the emulator process.

Two pools' pods, an orphan of ours and two foreign pods (one whose name only looks like ours):
a dry run changes nothing, draining one pool leaves the rest, draining all leaves only the
foreign pods, injected terminate faults (5xx, 429 with Retry-After) are retried, a fault that
never clears times out with exit 1 and one that refuses the key exits 3. The API key appears in
the output of no run (checked by `drain()` on every one).
"""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from support import BINARY, POOL_NS, default_config, to_yaml
from test_reconciler_e2e import API_KEY, Emulator

EMULATOR_YAML = "provisioningSeconds: 0.2\nstartingSeconds: 0.2\n"
BURST = ["rpa-media-burst-aaaa0001", "rpa-media-burst-aaaa0002"]
BATCH = ["rpa-media-batch-bbbb0001"]
ORPHAN = ["rpa-ml-retired-cccc0001"]
FOREIGN = ["team-x-render-1", "rpabot-media-burst-aaaa0003"]
OURS = BURST + BATCH + ORPHAN


@pytest.fixture
def emulator(tmp_path):
    emu = Emulator(tmp_path / "emulator", EMULATOR_YAML)
    for name in OURS + FOREIGN:
        reply = emu.create(name=name)
        assert reply.status == 201, reply.body
    yield emu
    emu.close()


@pytest.fixture
def config(tmp_path, emulator) -> Path:
    demand = tmp_path / "demand.json"
    demand.write_text('{"queueDepth": 0, "latencyP95Seconds": 0}')
    body = default_config(demand)
    body["runpod"] = {"endpoint": emulator.base, "podNamePrefix": "rpa"}
    burst = body["pools"][0]
    body["pools"] = [burst, {**burst, "name": "batch"}]
    path = tmp_path / "config.yaml"
    path.write_text(to_yaml(body) + "\n")
    return path


def drain(config: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNPOD_", "KUBERNETES_")) and k != "KUBECONFIG"}
    env["RUNPOD_API_KEY"] = API_KEY
    run = subprocess.run([str(BINARY), "drain", "--config", str(config), *args], env=env, capture_output=True,
                         text=True, timeout=timeout)
    # The key reaches RunPod as a bearer token, and never any output: checked on every run.
    assert API_KEY not in run.stdout + run.stderr, "the API key was printed"
    return run


def live(emulator: Emulator) -> dict[str, dict]:
    return {p["name"]: p for p in emulator.live_pods()}


def rows(stdout: str) -> dict[str, list[str]]:
    """The per-pod lines by name: [id, name, pool, $/h, result]."""
    lines = stdout.splitlines()
    assert re.split(r"\s{2,}", lines[0]) == ["ID", "NAME", "POOL", "$/H", "RESULT"], stdout
    out = {}
    for line in lines[1:-1]:
        cells = re.split(r"\s{2,}", line)
        out[cells[1]] = cells
    return out


def deletes(emulator: Emulator) -> int:
    return emulator.admin("GET", "/admin/state")["calls"]["delete"]


def test_dry_run_lists_our_pods_and_changes_nothing(config, emulator):
    before = live(emulator)
    run = drain(config, "--dry-run")
    assert run.returncode == 0, run.stderr
    table = rows(run.stdout)
    assert sorted(table) == sorted(OURS), run.stdout
    for name in OURS:
        pod_id, _, pool, cost, result = table[name]
        assert pod_id == before[name]["id"] and result == "would terminate"
        assert float(cost) == pytest.approx(before[name]["costPerHour"], abs=0.005)
    assert table[BURST[0]][2] == f"{POOL_NS}/burst" and table[BATCH[0]][2] == f"{POOL_NS}/batch"
    assert table[ORPHAN[0]][2] == "(orphan)"
    total = sum(before[n]["costPerHour"] for n in OURS)
    assert run.stdout.splitlines()[-1] == f"dry run: would terminate 4 pods ({total:.2f} USD/h); nothing sent"
    assert live(emulator).keys() == before.keys() and deletes(emulator) == 0


def test_drain_one_pool_then_by_name_then_all(config, emulator):
    before = live(emulator)
    run = drain(config, "--pool", f"{POOL_NS}/burst")
    assert run.returncode == 0, run.stderr
    table = rows(run.stdout)
    assert sorted(table) == sorted(BURST)
    assert all(cells[4] == "terminated" and cells[2] == f"{POOL_NS}/burst" for cells in table.values())
    assert sorted(live(emulator)) == sorted(BATCH + ORPHAN + FOREIGN)
    stopped = sum(before[n]["costPerHour"] for n in BURST)
    assert run.stdout.splitlines()[-1] == \
        f"drained: 2 terminated, 0 already gone, 0 left; {stopped:.2f} USD/h stopped"

    # A bare pool name is looked up among the config's pools.
    run = drain(config, "--pool", "batch")
    assert run.returncode == 0, run.stderr
    assert sorted(rows(run.stdout)) == BATCH and sorted(live(emulator)) == sorted(ORPHAN + FOREIGN)

    run = drain(config)
    assert run.returncode == 0, run.stderr
    assert sorted(rows(run.stdout)) == ORPHAN and sorted(live(emulator)) == sorted(FOREIGN)
    assert deletes(emulator) == len(OURS), "one terminate per pod, none for a foreign pod"

    run = drain(config)
    assert run.returncode == 0 and rows(run.stdout) == {}
    assert run.stdout.splitlines()[-1].startswith("drained: 0 terminated")


def test_terminate_faults_are_retried_honouring_retry_after(config, emulator):
    emulator.admin("POST", "/admin/faults", {"kind": "rateLimited", "operations": ["delete"], "count": 1,
                                             "retryAfterSeconds": 2})
    emulator.admin("POST", "/admin/faults", {"kind": "serverError", "operations": ["delete"], "count": 2})
    started = time.monotonic()
    run = drain(config)
    elapsed = time.monotonic() - started
    assert run.returncode == 0, run.stdout + run.stderr
    assert sorted(live(emulator)) == sorted(FOREIGN)
    assert all(cells[4] == "terminated" for cells in rows(run.stdout).values())
    assert deletes(emulator) == len(OURS) + 3, "every failed terminate was sent again"
    assert elapsed >= 2, f"the 429's Retry-After (2 s) was not honoured: {elapsed:.2f}s"
    assert run.stderr.count("will retry") == 3, run.stderr
    assert "rateLimited" in run.stderr and "serverError" in run.stderr


def test_a_fault_that_never_clears_times_out_with_1(config, emulator):
    emulator.admin("POST", "/admin/faults", {"kind": "serverError", "operations": ["delete"]})
    run = drain(config, "--pool", f"{POOL_NS}/burst", "--timeout", "3")
    assert run.returncode == 1, run.stdout + run.stderr
    table = rows(run.stdout)
    assert sorted(table) == sorted(BURST)
    assert all(cells[4].startswith("NOT GONE: RunPod serverError (HTTP 500)") for cells in table.values()), run.stdout
    assert run.stdout.splitlines()[-1].startswith("timed out: 0 terminated, 0 already gone, 2 left;")
    assert sorted(live(emulator)) == sorted(OURS + FOREIGN)


def test_a_refused_key_exits_3_at_once(config, emulator):
    emulator.admin("POST", "/admin/faults", {"kind": "unauthorized", "operations": ["delete"], "count": 1})
    started = time.monotonic()
    run = drain(config)
    assert run.returncode == 3, run.stdout + run.stderr
    assert time.monotonic() - started < 10
    assert "RunPod refused the key" in run.stdout.splitlines()[-1]


def test_bad_arguments_exit_2(config, emulator):
    for args, message in ((["--pool", "nosuch"], "no pool named nosuch"),
                          (["--namespace", "media"], "--namespace needs --pool"),
                          (["--pool", "/burst"], "expected NAMESPACE/NAME"),
                          (["--timeout", "0"], "--timeout must be more than 0")):
        run = drain(config, *args)
        assert run.returncode == 2 and message in run.stderr, (args, run.stderr)
    assert deletes(emulator) == 0


def test_help_documents_the_exit_codes():
    run = subprocess.run([str(BINARY), "drain", "--help"], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0
    for line in ("0  every selected pod is gone", "1  the timeout passed", "2  invalid configuration",
                 "3  RunPod refused the key (401/402/403)"):
        assert line in run.stdout, run.stdout
