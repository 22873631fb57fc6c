"""The live load test, short: scripts/load_test.py on two hours of the flash crowd at 240×.

The script starts the emulator, its synthetic queue exporter, a real Prometheus and `serve` on
loopback, replays the trace slice, and checks what `make load` checks: pods appear in time,
the caps hold at every sample, the queue drains, every pod goes after the idle period, and
the totals agree with `simulate` on the same slice within the stated tolerances. It exits 0
only when every check passed, and leaves no process behind.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest

from support import BINARY, REPO, built_binary
from test_prometheus_demand import PROMETHEUS

SCRIPT = REPO / "scripts" / "load_test.py"
WALL_LIMIT = 90


def test_a_short_load_run_passes_every_check_and_stays_on_time(tmp_path):
    built_binary()
    if PROMETHEUS is None:
        pytest.fail("the prometheus binary is not installed (make deps installs Debian's package)")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--binary", str(BINARY), "--from", "13:30", "--to", "15:30",
         "--speed", "240", "--prometheus", PROMETHEUS],
        capture_output=True, text=True, timeout=WALL_LIMIT + 30, start_new_session=True)
    took = time.monotonic() - started
    output = result.stdout + "\n" + result.stderr
    assert result.returncode == 0, output
    assert "all checks passed" in result.stdout, output
    for line in ("pods appear:", "caps:", "queue: drained", "pods gone:", "creates", "pod-hours", "tolerances:"):
        assert line in result.stdout, f"{line!r} missing:\n{output}"
    # Nothing it started is left: no process names its work directory.
    workdir = re.search(r"work directory (\S+)", result.stdout).group(1)
    assert not processes_naming(workdir), f"left behind: {processes_naming(workdir)}"
    assert took <= WALL_LIMIT, f"took {took:.0f} s (limit {WALL_LIMIT} s)\n{output}"


def processes_naming(text: str) -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(f"{entry}: {cmdline}")
    return found
