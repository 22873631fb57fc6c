"""The live fault soak, short: scripts/soak.py for 60 s (make soak runs it for SECONDS=600).

The script starts the RunPod emulator, the Kubernetes stand-in and two `serve` replicas with
leader election, then injects emulator faults, lease partitions, SIGKILLs and SIGTERMs and
demand jumps; it checks the caps at every 0.5 s sample, zero pods within its bound once
demand is zero, and that only the Lease holder calls RunPod's mutating endpoints, one
replica at a time. It exits 0 only when every check passed and leaves no process behind.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from support import BINARY, REPO
from test_load import processes_naming

SCRIPT = REPO / "scripts" / "soak.py"
SECONDS = 60
WALL_LIMIT = 150  # 60 s of faults, start-up, the drain (30 s bound) and the final stops


def test_a_minute_of_faults_kills_and_demand_jumps_keeps_every_check():
    if not BINARY.is_file():
        if os.environ.get("RPA_BINARY"):
            pytest.fail(f"RPA_BINARY={BINARY} does not exist")
        pytest.skip(f"binary not built: {BINARY}")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--binary", str(BINARY), "--seconds", str(SECONDS), "--seed", "7"],
        capture_output=True, text=True, timeout=WALL_LIMIT + 60, start_new_session=True)
    took = time.monotonic() - started
    output = result.stdout + "\n" + result.stderr
    assert result.returncode == 0, output
    assert "all checks passed" in result.stdout, output
    # The summary names what was done and what was seen against the caps.
    samples = int(re.search(r"^samples: (\d+)", result.stdout, re.M).group(1))
    assert samples >= SECONDS / 0.5 * 0.8, output
    restarts = int(re.search(r"^restarts: (\d+)", result.stdout, re.M).group(1))
    assert restarts >= 2, output
    faults = int(re.search(r"^faults: (\d+) emulator rules", result.stdout, re.M).group(1))
    assert faults >= 5, output
    pods = re.search(r"^pods: largest count (\d+) \(maxReplicas (\d+)\); largest USD/h ([\d.]+) "
                     r"\(maxCostPerHour ([\d.]+)\)", result.stdout, re.M)
    assert pods and 0 < int(pods.group(1)) <= int(pods.group(2)), output
    assert float(pods.group(3)) <= float(pods.group(4)), output
    calls = re.search(r"mutating (\d+) .*overlapping across replicas (\d+); made outside the caller's lease (\d+)",
                      result.stdout)
    assert calls and int(calls.group(1)) > 0 and calls.group(2) == "0" and calls.group(3) == "0", output
    assert re.search(r"^drain: zero pods [\d.]+ s after demand zero \(bound \d+ s\)", result.stdout, re.M), output
    assert "caps: held at every sample" in result.stdout, output
    # Nothing it started is left.
    workdir = re.search(r"work directory (\S+)", result.stdout).group(1)
    assert not processes_naming(workdir), f"left behind: {processes_naming(workdir)}"
    assert took <= WALL_LIMIT, f"took {took:.0f} s (limit {WALL_LIMIT} s)\n{output}"
