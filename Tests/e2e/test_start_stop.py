"""`serve` started and stopped under any timing (the reliability issue's 1,000 starts).

Every part of `serve` is a Service in one ServiceGroup, and SIGTERM/SIGINT are blocked from the
process's first instruction (CGRPCShim's pre-init function) until the handler is in: a stop that
comes while parts are still starting stops them too, never leaves a half-started process behind.

The big test starts `serve` RPA_START_STOP_RUNS times (default 1,000), RPA_START_STOP_PARALLEL at
a time, and sends SIGTERM at a random moment: right after spawn, up to 200 ms later, as soon as
the signal is blocked, as soon as the handler is in, when the gRPC port opens, or later; one run
in five has its gRPC or HTTP port already
taken. Every process must exit within the bound below with the documented code (0 after a stop, 1
for a taken port, naming the address), and leave no process behind. The one exception is a signal
that arrives before the dynamic loader has run any of our code (nothing in a process can catch
that); such runs are recognised by the process's signal masks read just before the kill, and may
end by the signal. The distribution of outcomes is printed (pytest -s).
"""
from __future__ import annotations

import collections
import os
import random
import select
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pytest

from support import BINARY, default_config, to_yaml

GRACE = 2
# A stopped serve drains gRPC for at most GRACE (no call is in flight here, so it waits for none); 3 s more
# absorb a loaded machine. 1,000 runs measured at most 0.6 s.
STOP_BOUND = GRACE + 3
RUNS = int(os.environ.get("RPA_START_STOP_RUNS", "1000"))
PARALLEL = int(os.environ.get("RPA_START_STOP_PARALLEL", "6"))
# spawn: at once (the dynamic loader is still at work); early: 0-200 ms after; blocked: as soon as our first
# instruction has blocked SIGTERM; handler: as soon as the handler is in; port: when the gRPC port opens;
# later: 20-400 ms after that.
MOMENTS = ("spawn", "early", "blocked", "handler", "port", "later")
LISTENING = "grpc server listening"


@pytest.fixture
def config(tmp_path):
    demand = tmp_path / "demand.json"
    demand.write_text('{"queueDepth": 40, "latencyP95Seconds": 3}')
    body = default_config(demand)
    body["grpc"]["shutdownGraceSeconds"] = GRACE
    # A RunPod endpoint that refuses connections: start-up must not depend on it.
    body["runpod"] = {"endpoint": "http://127.0.0.1:9", "podNamePrefix": "rpa"}
    path = tmp_path / "config.yaml"
    path.write_text(to_yaml(body))
    return path


def signal_masks(pid: int) -> tuple[bool, bool]:
    """(SIGTERM blocked on the main thread, SIGTERM caught by a handler), from /proc (Linux)."""
    blocked = caught = False
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(("SigBlk:", "SigCgt:")):
                bit = bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
                if line.startswith("SigBlk:"):
                    blocked = bit
                else:
                    caught = bit
    except (FileNotFoundError, ProcessLookupError):
        pass
    return blocked, caught


@dataclass
class Run:
    moment: str
    taken: str | None
    delay: float
    port: int = 0
    code: int | str | None = None
    # Whether our code had taken charge of SIGTERM (blocked or caught) when it was sent; None: not sent.
    in_charge: bool | None = None
    listening_at_kill: bool = False
    stop_seconds: float | None = None
    stray: bool = False
    stderr: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.code == "hung":
            return "hung"
        if self.code == -signal.SIGTERM:
            return "killed by SIGTERM"
        return f"exit {self.code}"


def start_and_stop(config, run: Run) -> Run:
    taken = None
    args = [str(BINARY), "serve", "--config", str(config)]
    if run.taken:
        taken = socket.socket()
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        run.port = taken.getsockname()[1]
        args += ["--set", f"{run.taken}.listen=127.0.0.1:{run.port}"]
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True, errors="replace", env={"RUNPOD_API_KEY": "k", "PATH": "/usr/bin:/bin"},
                                start_new_session=True)
        listening = threading.Event()

        def pump():
            for line in proc.stderr:
                run.stderr.append(line.rstrip("\n"))
                if LISTENING in line:
                    listening.set()
        reader = threading.Thread(target=pump, daemon=True)
        reader.start()

        deadline = time.monotonic() + 20
        if run.moment == "early":
            time.sleep(run.delay)
        elif run.moment in ("blocked", "handler"):
            which = 0 if run.moment == "blocked" else 1
            while not signal_masks(proc.pid)[which] and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.0002)
        elif run.moment in ("port", "later"):
            while not listening.wait(0.01) and proc.poll() is None and time.monotonic() < deadline:
                pass
            if run.moment == "later":
                time.sleep(run.delay)
        if proc.poll() is None:
            run.in_charge = any(signal_masks(proc.pid))
            run.listening_at_kill = listening.is_set()
            proc.send_signal(signal.SIGTERM)
            sent = time.monotonic()
            try:
                run.code = proc.wait(timeout=STOP_BOUND)
                run.stop_seconds = time.monotonic() - sent
            except subprocess.TimeoutExpired:
                run.code = "hung"
                proc.kill()
                proc.wait(timeout=10)
        else:
            run.code = proc.wait()
        reader.join(timeout=5)
        try:
            os.killpg(proc.pid, 0)
            run.stray = True
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    finally:
        if taken:
            taken.close()
    return run


def plan(count: int, seed: int = 20261202) -> list[Run]:
    rng = random.Random(seed)
    runs = []
    for _ in range(count):
        moment = rng.choice(MOMENTS)
        taken = rng.choice((None, None, None, None, None, None, None, None, "grpc", "http"))
        delay = rng.uniform(0.0, 0.2) if moment == "early" else rng.uniform(0.02, 0.4)
        runs.append(Run(moment=moment, taken=taken, delay=delay))
    return runs


def problems(run: Run) -> list[str]:
    """Why a run broke the contract (empty: it kept it)."""
    out = []
    if run.code == "hung":
        out.append(f"still running {STOP_BOUND}s after SIGTERM")
    if run.stray:
        out.append("left a process behind")
    allowed = {0}
    if run.taken:
        allowed.add(1)
    if run.in_charge is False:
        allowed.add(-signal.SIGTERM)  # sent before any of our code ran
    if run.code not in allowed and run.code != "hung":
        out.append(f"exit {run.code}, expected one of {sorted(allowed)}")
    if run.code == 1:
        text = "\n".join(run.stderr)
        if f"127.0.0.1:{run.port}" not in text or "cannot serve" not in text:
            out.append("exit 1 without naming the taken address")
    if run.code == 0 and run.in_charge is None:
        out.append("exited 0 before it was stopped")
    return out


def report(runs: list[Run], elapsed: float) -> str:
    lines = [f"{len(runs)} starts in {elapsed:.1f}s ({PARALLEL} at a time)"]
    table = collections.Counter((r.moment, r.taken or "-", r.outcome) for r in runs)
    for (moment, taken, outcome), n in sorted(table.items()):
        lines.append(f"  SIGTERM at {moment:<7} port taken {taken:<4} -> {outcome:<18} {n:4}")
    before = sum(1 for r in runs if r.in_charge is not None and not r.listening_at_kill)
    lines.append(f"  signal sent before the gRPC port opened: {before}, after: "
                 f"{sum(1 for r in runs if r.listening_at_kill)}, never sent (exited first): "
                 f"{sum(1 for r in runs if r.in_charge is None)}")
    early = collections.Counter(r.moment for r in runs if r.in_charge is False)
    lines.append(f"  sent before our first instruction (masks clear): {sum(early.values())} "
                 f"({', '.join(f'{m} {n}' for m, n in sorted(early.items()))})")
    stops = sorted(r.stop_seconds for r in runs if r.stop_seconds is not None)
    if stops:
        lines.append(f"  SIGTERM to exit: median {stops[len(stops) // 2] * 1000:.0f} ms, "
                     f"max {stops[-1] * 1000:.0f} ms")
    return "\n".join(lines)


def test_start_and_stop_under_any_timing(config):
    runs = plan(RUNS)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        done = list(pool.map(lambda r: start_and_stop(config, r), runs))
    elapsed = time.monotonic() - started
    print("\n" + report(done, elapsed))
    broken = [(r, problems(r)) for r in done if problems(r)]
    assert not broken, "\n".join(
        f"{r.moment} (taken {r.taken}): {'; '.join(p)}\n    " + "\n    ".join(r.stderr[-8:]) for r, p in broken[:5])
    # The plan covered what it meant to: stops held back by the early block, stops before and after the port
    # opened, and taken ports of both kinds.
    assert any(r.moment == "blocked" and r.in_charge and r.code == 0 for r in done)
    assert any(r.in_charge is not None and not r.listening_at_kill and not r.taken for r in done)
    assert any(r.listening_at_kill and r.code == 0 for r in done)
    assert {r.taken for r in done if r.code == 1} == {"grpc", "http"} or RUNS < 50


def test_other_commands_still_die_on_sigterm(tmp_path):
    """Only `serve` blocks the stop signals early: `drain`, stuck on a RunPod that never answers, ends by the
    signal as any program does."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    body = default_config(tmp_path / "demand.json")
    body["runpod"] = {"endpoint": f"http://127.0.0.1:{silent.getsockname()[1]}", "timeoutSeconds": 60}
    config = tmp_path / "drain.yaml"
    config.write_text(to_yaml(body) + "\n")
    proc = subprocess.Popen([str(BINARY), "drain", "--config", str(config)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={"RUNPOD_API_KEY": "k", "PATH": "/usr/bin:/bin"},
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        # Until its list request waits on the silent socket.
        while not select.select([silent], [], [], 0.05)[0] and time.monotonic() < deadline:
            pass
        assert proc.poll() is None, "drain ended before its list was sent"
        blocked, caught = signal_masks(proc.pid)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == -signal.SIGTERM
        assert not blocked and not caught
    finally:
        if proc.poll() is None:
            proc.kill()
        silent.close()


def test_serve_unblocks_the_stop_signals_once_its_handler_is_in(config):
    proc = subprocess.Popen([str(BINARY), "serve", "--config", str(config)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env={"RUNPOD_API_KEY": "k", "PATH": "/usr/bin:/bin"},
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while not signal_masks(proc.pid)[1] and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(0.2)
        blocked, caught = signal_masks(proc.pid)
        assert caught and not blocked
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=STOP_BOUND) == 0
    finally:
        if proc.poll() is None:
            proc.kill()


@pytest.mark.parametrize("which", ["http", "grpc"])
def test_a_taken_port_ends_serve_with_1_naming_the_address(config, tmp_path, which):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        run = subprocess.run([str(BINARY), "serve", "--config", str(config), "--set", f"{which}.listen=127.0.0.1:{port}"],
                             capture_output=True, text=True, timeout=GRACE + 20, env={"RUNPOD_API_KEY": "k"})
    finally:
        taken.close()
    assert run.returncode == 1, run.stderr[-2000:]
    assert f"127.0.0.1:{port}" in run.stderr and "cannot serve" in run.stderr
