"""`serve` stopped at any moment of its start-up exits, and a taken port ends it cleanly.

Every part of `serve` is a Service in one ServiceGroup, and SIGTERM is caught from the first moment
of the command: a stop that comes while parts are still starting must stop them too, never leave a
half-started process behind. (The reliability issue's full 1,000-start version builds on this.)
"""
import random
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from support import BINARY, default_config, to_yaml

GRACE = 2


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


def catches_sigterm(pid: int) -> bool:
    """Whether the process has installed its SIGTERM handler (Linux: the SigCgt mask in /proc)."""
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    except FileNotFoundError:
        pass
    return False


def start_and_stop(config, delay: float, after_handler: bool) -> tuple[int | str, str]:
    proc = subprocess.Popen([str(BINARY), "serve", "--config", str(config)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env={"RUNPOD_API_KEY": "k", "PATH": "/usr/bin:/bin"},
                            start_new_session=True)
    if after_handler:
        deadline = time.monotonic() + 10
        while not catches_sigterm(proc.pid) and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.001)
    time.sleep(delay)
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=GRACE + 10)
    except subprocess.TimeoutExpired:
        proc.kill()
        code = "hung"
    return code, proc.stdout.read().decode(errors="replace")[-3000:]


def test_sigterm_at_random_moments_of_start_up_stops_every_part(config):
    """Once the handler is in (the first thing `serve` does), a stop at any later moment is clean: exit 0."""
    rng = random.Random(20261202)
    # Most stops land while parts are starting (the first tens of ms), some after everything runs.
    delays = [rng.uniform(0.0, 0.05) for _ in range(30)] + [rng.uniform(0.1, 0.5) for _ in range(10)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda d: start_and_stop(config, d, after_handler=True), delays))
    hung = [output for code, output in results if code == "hung"]
    assert not hung, f"{len(hung)} of {len(results)} processes ignored SIGTERM:\n{hung[0]}"
    bad = [(code, output) for code, output in results if code != 0]
    assert not bad, f"{len(bad)} exited with {bad[0][0]}:\n{bad[0][1]}"


def test_sigterm_before_the_handler_ends_the_process_by_the_signal(config):
    """In the first milliseconds after exec nothing has started; the default action ends the process."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda d: start_and_stop(config, d, after_handler=False), [0.0] * 8))
    codes = {code for code, _ in results}
    assert codes <= {0, -signal.SIGTERM}, codes


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
