#!/usr/bin/env python3
"""The live load test: a trace replayed, time-compressed, through real processes.

    make load DURATION=300
    python scripts/load_test.py --duration 300 [--trace FILE] [--from 12:00 --to 18:00] [--speed N]

On 127.0.0.1, on free ports, it starts:

- the RunPod emulator (`runpod-autoscaler emulator`, an API key, pods PROVISIONING 3 s and
  STARTING 2 s);
- a synthetic queue exporter (this script, a small HTTP server): `media_queue_lag` (jobs
  waiting plus in progress, like a Kafka consumer lag), the histogram
  `media_job_duration_seconds` (wait + service) and the counter `media_jobs_arrived_total`.
  Jobs arrive per the trace and are served one at a time by the local workers and by the
  emulator's RUNNING pods (polled from its admin API), with seeded lognormal service times;
- Debian's `prometheus`, scraping the exporter every second;
- `runpod-autoscaler serve` with `demand.source: prometheus`, pointed at the emulator.

Time compression: `--speed S` plays S trace seconds per wall second. The exporter's model
runs in trace time: arrivals, service times, waits and the latencies it exports are all trace
seconds (so the SLO of 30 s means 30 trace seconds). Everything the autoscaler does on its own
clock (polls, reconcile passes, pod delays, the idle period, Prometheus' windows) happens in
wall seconds, so in trace time it is S times slower: a 1 s poll is a 60 s poll at S = 60.
The `simulate` run that the totals are compared with gets those delays scaled by S.

It samples every 0.5 s (pods, their statuses and $/h, the queue, serve's /metrics), checks
the caps at every sample, and at the end prints the live totals beside `simulate`'s on the
same slice of the trace, then checks them (see TOLERANCES). Exit 0: every check passed;
1: a check failed (each failure is printed); 2: the setup failed. Every process is started in
its own process group and killed on the way out, whatever happens.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BINARY = REPO / ".build" / "debug" / "runpod-autoscaler"
DEFAULT_TRACE = REPO / "examples" / "traces" / "flash-crowd.csv"

API_KEY = "rk_load_test_0123456789abcdef"
GPU = "NVIDIA RTX 6000 Ada Generation"
PRICE = 0.69  # the emulator's catalog price of GPU in SECURE, USD per hour
POD_PREFIX = "load"
POOL = "media/burst"

# The setup, in wall seconds (what the processes are told).
PROVISIONING = 3.0
STARTING = 2.0
SCRAPE = 1.0
POLL = 1.0
RECONCILE = 1.0
IDLE = 3.0  # scaling.scaleDownIdleSeconds
PROVISION_TIMEOUT = 30.0  # scaling.provisionTimeoutSeconds: well above provisioning + starting
WINDOW = 30  # the [30s] of the latency and arrival-rate queries
LOCAL_GPUS = 3  # 8 jobs a minute keep them 44 % busy: the steady part needs no pod
MAX_REPLICAS = 8
MAX_COST = 6.0  # USD per hour: 8 pods at 0.69 = 5.52, so maxReplicas is the cap that binds
JOBS_PER_WORKER = 10
ACTIVATION = 5
SLO = 30.0  # trace seconds
SERVICE_MEAN, SERVICE_P95 = 10.0, 16.0  # trace seconds, lognormal
BUCKETS = [1, 2, 5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 300, 600, 1200, 3600]

SAMPLE_EVERY = 0.5
POD_POLL_EVERY = 0.25
TICK = 0.05

# How far the live totals may be from simulate's. One run of a closed loop is one draw: whether
# the queue-mode pool lets its pods go before the slice ends depends on a few polls in a row
# reading an empty lag (it counts jobs in progress), so simulate itself gives pod-hours from 11
# to 32 on the 12:00–18:00 slice at 85× depending on the seed. The live totals are therefore
# checked against the range of SIM_SEEDS simulate runs (seeds --seed, --seed + 1, ...), widened:
# measured (docs/COST.md, "The live load test") the live run landed inside or just outside that
# range. The live run is also coarser than the simulation in ways the simulation does not model:
# Prometheus adds up to a scrape (1 s wall) to every reading and two polls may read the same
# scrape, the exporter sees a pod RUNNING up to a pod poll (0.25 s wall) late, and the p95 is
# Prometheus' rate() with its extrapolation rather than exact counts. Each wall second is S
# trace seconds.
SIM_SEEDS = 8
TOLERANCES = {
    "creates": "within simulate's range over its seeds ±50 % (±2 pods below 4)",
    "pod-hours": "within a factor of 2 of simulate's range",
    "burst $": "within a factor of 2 of simulate's range",
    "jobs arrived": "equal to simulate's (the same trace slice)",
    "jobs served": "every arrived job served, as in simulate",
    "SLO minutes": "within simulate's range ±50 % or ±10 minutes",
    "worst wait": "within a factor of 2.5 of simulate's range (or all under the SLO)",
}


class SetupError(Exception):
    pass


# --------------------------------------------------------------------------- #
# The trace.
# --------------------------------------------------------------------------- #

def parse_trace(path: Path) -> tuple[float, list[float]]:
    """(step seconds, arrivals per step) of a `seconds,arrivals` CSV (docs/TRACES.md)."""
    times: list[float] = []
    counts: list[float] = []
    header = False
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not header:
            header = True
            continue
        t, n = line.split(",")
        times.append(float(t))
        counts.append(float(n))
    if len(times) < 2:
        raise SetupError(f"{path}: fewer than two rows")
    return times[1] - times[0], counts


def parse_clock(text: str | None, default: float) -> float:
    """Trace seconds from `HH:MM`, `HH:MM:SS` or plain seconds; `default` when empty."""
    if not text:
        return default
    if ":" in text:
        parts = [float(p) for p in text.split(":")]
        while len(parts) < 3:
            parts.append(0)
        return parts[0] * 3600 + parts[1] * 60 + parts[2]
    return float(text)


def draw_arrivals(counts: list[float], step: float, rng: random.Random) -> list[float]:
    """Every job's arrival time in trace seconds: uniform within its step, as simulate draws them."""
    times: list[float] = []
    for index, expected in enumerate(counts):
        n = int(expected)
        if rng.random() < expected - n:
            n += 1
        start = index * step
        times.extend(sorted(start + rng.random() * step for _ in range(n)))
    return times


def lognormal(rng: random.Random, mean: float, p95: float) -> float:
    """The simulator's lognormal by mean and p95 (Distribution.swift)."""
    z = 1.644854
    sigma = z - math.sqrt(z * z - 2 * math.log(p95 / mean))
    mu = math.log(mean) - sigma * sigma / 2
    return math.exp(mu + sigma * rng.gauss(0, 1))


def quantile(counts: list[int], q: float) -> float:
    """histogram_quantile over per-bucket counts (the last one +Inf), as Prometheus interpolates."""
    total = sum(counts)
    if total == 0:
        return 0.0
    rank = q * total
    cumulative = 0
    for index, count in enumerate(counts):
        below = cumulative
        cumulative += count
        if cumulative < rank:
            continue
        if index >= len(BUCKETS):
            return float(BUCKETS[-1])
        lower = 0.0 if index == 0 else BUCKETS[index - 1]
        return lower + (BUCKETS[index] - lower) * (rank - below) / max(count, 1)
    return float(BUCKETS[-1])


def bucket_of(latency: float) -> int:
    return bisect.bisect_left(BUCKETS, latency)


# --------------------------------------------------------------------------- #
# The queue and its workers, in trace time.
# --------------------------------------------------------------------------- #

@dataclass
class Worker:
    pod_id: str | None = None  # None: a local GPU
    busy_until: float | None = None
    job_arrival: float | None = None
    free_from: float = 0.0


class QueueModel:
    """Jobs arrive at their trace times, wait, and are served one at a time per worker.

    The serving rule is the simulator's (ClosedLoop.serve): a worker free at `free_from` takes
    the oldest waiting job at max(free_from, arrival). A pod's worker stops when the pod goes,
    its job back at the head of the queue.
    """

    def __init__(self, arrivals: list[float], local: int, seed: int):
        self.arrivals = arrivals
        self.next_arrival = 0
        self.waiting: list[float] = []
        self.head = 0
        self.rng = random.Random(seed ^ 0x5E41)
        self.workers = [Worker() for _ in range(local)]
        self.now = 0.0
        self.arrived = 0
        self.served = 0
        self.worst_wait = 0.0
        self.bucket_counts = [0] * (len(BUCKETS) + 1)
        self.latency_sum = 0.0
        self.finished: list[tuple[float, float]] = []  # (finish trace time, latency)

    @property
    def queued(self) -> int:
        return len(self.waiting) - self.head

    @property
    def busy(self) -> int:
        return sum(1 for w in self.workers if w.busy_until is not None)

    @property
    def lag(self) -> int:
        return self.queued + self.busy

    def pods(self) -> set[str]:
        return {w.pod_id for w in self.workers if w.pod_id is not None}

    def set_pods(self, running: set[str], now: float) -> None:
        """The pods now RUNNING are the pod workers: new ones start, gone ones stop."""
        for index in reversed(range(len(self.workers))):
            worker = self.workers[index]
            if worker.pod_id is not None and worker.pod_id not in running:
                if worker.job_arrival is not None:  # not acknowledged: back to the head
                    if self.head > 0:
                        self.head -= 1
                        self.waiting[self.head] = worker.job_arrival
                    else:
                        self.waiting.insert(0, worker.job_arrival)
                del self.workers[index]
        have = self.pods()
        for pod_id in sorted(running - have):
            self.workers.append(Worker(pod_id=pod_id, free_from=now))

    def advance(self, to: float) -> None:
        done_before = len(self.finished)
        while self.next_arrival < len(self.arrivals) and self.arrivals[self.next_arrival] < to:
            self.waiting.append(self.arrivals[self.next_arrival])
            self.next_arrival += 1
            self.arrived += 1
        for worker in self.workers:
            while True:
                free = max(worker.free_from, self.now)
                if worker.busy_until is not None:
                    if worker.busy_until > to:
                        break
                    until = worker.busy_until
                    latency = until - worker.job_arrival
                    self.bucket_counts[bucket_of(latency)] += 1
                    self.latency_sum += latency
                    self.finished.append((until, latency))
                    self.served += 1
                    worker.busy_until = worker.job_arrival = None
                    free = until
                if self.head >= len(self.waiting) or self.waiting[self.head] >= to:
                    break
                arrival = self.waiting[self.head]
                self.head += 1
                start = max(free, arrival)
                self.worst_wait = max(self.worst_wait, start - arrival)
                worker.job_arrival = arrival
                worker.busy_until = start + lognormal(self.rng, SERVICE_MEAN, SERVICE_P95)
                worker.free_from = start
        self.now = to
        # Finishes of this advance all lie in (now, to]: sorting them keeps the list in time order.
        self.finished[done_before:] = sorted(self.finished[done_before:])
        if self.head > 4096 and self.head * 2 > len(self.waiting):
            del self.waiting[: self.head]
            self.head = 0

    def p95(self, at: float, window: float) -> float:
        """p95 of the latencies of jobs finished in (at − window, at], bucketed as Prometheus does."""
        counts = [0] * (len(BUCKETS) + 1)
        lo = bisect.bisect_right(self.finished, (at - window, math.inf))
        for finish, latency in self.finished[lo:]:
            if finish <= at:
                counts[bucket_of(latency)] += 1
        return quantile(counts, 0.95)

    def exposition(self) -> str:
        lines = [
            "# HELP media_queue_lag Jobs waiting plus jobs in progress.",
            "# TYPE media_queue_lag gauge",
            f"media_queue_lag {self.lag}",
            "# HELP media_job_duration_seconds Wait plus service time of finished jobs (trace seconds).",
            "# TYPE media_job_duration_seconds histogram",
        ]
        cumulative = 0
        for bound, count in zip(BUCKETS + ["+Inf"], self.bucket_counts):
            cumulative += count
            lines.append(f'media_job_duration_seconds_bucket{{le="{bound}"}} {cumulative}')
        lines += [
            f"media_job_duration_seconds_sum {self.latency_sum}",
            f"media_job_duration_seconds_count {self.served}",
            "# HELP media_jobs_arrived_total Jobs enqueued.",
            "# TYPE media_jobs_arrived_total counter",
            f"media_jobs_arrived_total {self.arrived}",
        ]
        return "\n".join(lines) + "\n"


class Exporter:
    """The model behind an HTTP /metrics; remembers what each scrape saw."""

    def __init__(self, model: QueueModel, clock):
        self.model = model
        self.lock = threading.Lock()
        self.scrapes: list[tuple[float, int]] = []  # (wall, lag served)
        exporter = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with exporter.lock:
                    body = exporter.model.exposition().encode()
                    exporter.scrapes.append((clock(), exporter.model.lag))
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------- #
# Processes.
# --------------------------------------------------------------------------- #

class Processes:
    """Started processes, each in its own process group; `close` kills every group."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.procs: list[tuple[str, subprocess.Popen, Path]] = []

    def start(self, name: str, args: list[str], env: dict | None = None) -> tuple[subprocess.Popen, Path]:
        log = self.workdir / f"{name}.log"
        with open(log, "w") as out:
            proc = subprocess.Popen(args, cwd=self.workdir, env=env, stdin=subprocess.DEVNULL, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((name, proc, log))
        return proc, log

    def check_alive(self) -> None:
        for name, proc, log in self.procs:
            if proc.poll() is not None:
                raise SetupError(f"{name} exited with {proc.returncode}; last lines of {log}:\n" + tail(log))

    def close(self) -> None:
        for _, proc, _ in reversed(self.procs):
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for _, proc, _ in reversed(self.procs):
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:  # the group too: nothing it started may outlive it
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def wait_for_address(proc: subprocess.Popen, log: Path, text: str, timeout: float = 30) -> str:
    """HOST:PORT from the log line holding `text` (swift-log may put `address=` before or after it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in log.read_text(errors="replace").splitlines():
            m = re.search(r'\baddress"?[=:]"?([\d.]+:\d+)', line)
            if text in line and m:
                return m.group(1)
        if proc.poll() is not None:
            raise SetupError(f"{log.stem} exited with {proc.returncode} before '{text}':\n{tail(log)}")
        time.sleep(0.05)
    raise SetupError(f"no '{text}' from {log.stem} within {timeout}s:\n{tail(log)}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, headers: dict | None = None, timeout: float = 5) -> bytes:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read()


def metric_values(text: str, name: str) -> list[tuple[dict, float]]:
    out = []
    for line in text.splitlines():
        if not line.startswith(name) or line.startswith("#"):
            continue
        m = re.match(r"([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)", line)
        if not m or m.group(1) != name:
            continue
        labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(3) or ""))
        out.append((labels, float(m.group(4))))
    return out


# --------------------------------------------------------------------------- #
# Configs.
# --------------------------------------------------------------------------- #

def pool_config(speed: float, scale: bool) -> dict:
    """The pool; `scale` gives its durations in trace seconds (for simulate)."""
    k = speed if scale else 1.0
    return {
        "name": "burst", "namespace": "media", "maxReplicas": MAX_REPLICAS, "maxCostPerHour": MAX_COST,
        "template": {"image": "registry.example.com/media/gpu-worker:1.4", "gpuTypeIds": [GPU],
                     "clouds": ["SECURE"]},
        "scaling": {
            "jobsPerWorker": JOBS_PER_WORKER, "activationQueueDepth": ACTIVATION, "latencySLOSeconds": SLO,
            "scaleDownIdleSeconds": IDLE * k,
            # rate mode (not used here, kept consistent): arrivals per wall second × wall service time
            "serviceSeconds": SERVICE_MEAN * k / speed, "lowerAfterSeconds": 10 * k,
            # The reconciler's own timers, scaled like every other wall-clock duration.
            "provisionTimeoutSeconds": PROVISION_TIMEOUT * k, "unavailableOfferingSeconds": 30 * k,
            "orphanGraceSeconds": 60 * k,
        },
    }


def serve_config(prometheus_url: str, emulator_url: str, speed: float) -> dict:
    return {
        "grpc": {"listen": "127.0.0.1:0"},
        "http": {"listen": "127.0.0.1:0"},
        # No rate budget to speak of: the run is time-compressed, and simulate has no quota either.
        "runpod": {"endpoint": emulator_url, "podNamePrefix": POD_PREFIX, "reconcileSeconds": RECONCILE,
                   "timeoutSeconds": 5, "requestsPerMinute": 100000},
        "demand": {
            "source": "prometheus", "pollSeconds": POLL, "staleAfterSeconds": 10,
            "prometheus": {
                "url": prometheus_url,
                "queueDepthQuery": "sum(media_queue_lag)",
                "latencyP95Query":
                    f"histogram_quantile(0.95, sum(rate(media_job_duration_seconds_bucket[{WINDOW}s])) by (le))",
                "arrivalRateQuery": f"sum(rate(media_jobs_arrived_total[{WINDOW}s]))",
            },
        },
        "local": {"source": "static", "static": {"gpus": LOCAL_GPUS, "usedByOthers": 0}},
        "kubernetes": {"enabled": "false"},
        "log": {"level": "info", "format": "text"},
        "pools": [pool_config(speed, scale=False)],
    }


def simulate_config(speed: float) -> dict:
    """The same setup for `simulate`, every wall-clock delay of the live run × speed."""
    return {
        "pool": pool_config(speed, scale=True),
        "local": {"gpus": LOCAL_GPUS, "gpusPerServer": 2, "serverDollarsPerMonth": 500},
        "jobs": {"serviceSeconds": {"mean": SERVICE_MEAN, "p95": SERVICE_P95}},
        "demand": {"pollSeconds": POLL * speed, "latencyWindowSeconds": WINDOW * speed,
                   "arrivalRateWindowSeconds": WINDOW * speed},
        "runpod": {"reconcileSeconds": RECONCILE * speed, "gpuPrices": {GPU: PRICE},
                   "provisioningSeconds": {"fixed": PROVISIONING * speed},
                   "startingSeconds": {"fixed": STARTING * speed}},
    }


EMULATOR_YAML = f"""provisioningSeconds: {PROVISIONING}
startingSeconds: {STARTING}
capacity:
  "{GPU}": {{SECURE: 64, COMMUNITY: 0}}
"""


# --------------------------------------------------------------------------- #
# The run.
# --------------------------------------------------------------------------- #

@dataclass
class PodSeen:
    first: float  # wall, relative to the replay's start
    last: float
    status: str
    cost: float
    running_at: float | None = None
    gone_at: float | None = None


@dataclass
class Run:
    speed: float
    wall_start: float = 0.0
    pods: dict[str, PodSeen] = field(default_factory=dict)
    samples: list[dict] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    serve_metrics: str = ""
    scrapes: list[tuple[float, int]] = field(default_factory=list)
    drained_at: float | None = None  # wall: the last job done
    demand_over_at: float | None = None  # wall: drained and the p95 window back under the SLO
    end: float = 0.0


def live_pods(emulator_url: str) -> list[dict]:
    body = http_get(emulator_url + "/v2/pods", {"Authorization": f"Bearer {API_KEY}"})
    return [p for p in json.loads(body)["pods"] if str(p.get("name", "")).startswith(POD_PREFIX + "-")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", type=Path, default=Path(os.environ.get("RPA_BINARY") or DEFAULT_BINARY))
    parser.add_argument("--trace", type=Path, default=DEFAULT_TRACE)
    parser.add_argument("--from", dest="start", help="slice start in trace time: HH:MM or seconds (default 0)")
    parser.add_argument("--to", dest="end", help="slice end in trace time: HH:MM or seconds (default the end)")
    parser.add_argument("--duration", type=float, default=300,
                        help="wall seconds for the replay plus the drain (default 300); sets --speed")
    parser.add_argument("--speed", type=float, help="trace seconds per wall second (default: fit --duration)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--prometheus", default=shutil.which("prometheus") or "/usr/bin/prometheus")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, configs, samples)")
    args = parser.parse_args(argv)
    args.binary = args.binary.resolve()  # the processes run in the work directory

    if not args.binary.is_file():
        print(f"load: no binary at {args.binary} (swift build, or --binary)", file=sys.stderr)
        return 2
    if not Path(args.prometheus).is_file():
        print("load: no prometheus binary (make deps installs Debian's package)", file=sys.stderr)
        return 2

    step, counts = parse_trace(args.trace)
    start = parse_clock(args.start, 0.0)
    end = parse_clock(args.end, step * len(counts))
    first, last = int(start // step), int(math.ceil(end / step))
    counts = counts[first:last]
    length = step * len(counts)
    # What comes after the last arrival: the drain, the latency window, the idle period.
    tail_wall = WINDOW + IDLE + 2 * POLL + RECONCILE + SCRAPE + 8
    if args.speed:
        speed = args.speed
    else:
        speed = math.ceil(length / max(5.0, args.duration - tail_wall))
    replay_wall = length / speed

    workdir = Path(tempfile.mkdtemp(prefix="rpa-load-"))
    procs = Processes(workdir)
    ok = False
    try:
        print(f"load: {args.trace.name} {fmt_clock(first * step)}–{fmt_clock(first * step + length)} "
              f"({len(counts)} steps, {sum(counts):.0f} jobs) at {speed:g}× : {replay_wall:.0f} s of replay, "
              f"up to {tail_wall:.0f} s of drain; work directory {workdir}", flush=True)
        run = Run(speed=speed)
        failures = execute(args, procs, workdir, counts, step, speed, replay_wall, tail_wall, run)
        ok = not failures
        return 0 if ok else 1
    except SetupError as error:
        print(f"load: setup failed: {error}", file=sys.stderr)
        return 2
    finally:
        procs.close()
        if ok and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"load: logs and configs kept in {workdir}", file=sys.stderr)


def fmt_clock(seconds: float) -> str:
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}"


def execute(args, procs: Processes, workdir: Path, counts: list[float], step: float, speed: float,
            replay_wall: float, tail_wall: float, run: Run) -> list[str]:
    # -- the emulator ------------------------------------------------------ #
    (workdir / "emulator.yaml").write_text(EMULATOR_YAML)
    (workdir / "api-key").write_text(API_KEY + "\n")
    clean_env = {k: v for k, v in os.environ.items()
                 if not k.startswith(("RUNPOD_", "KUBERNETES_")) and k != "KUBECONFIG"}
    emu, emu_log = procs.start("emulator", [str(args.binary), "emulator", "--listen", "127.0.0.1:0",
                                            "--config", str(workdir / "emulator.yaml"),
                                            "--api-key-file", str(workdir / "api-key")], env=clean_env)
    emulator_url = "http://" + wait_for_address(emu, emu_log, "runpod emulator listening")

    # -- the exporter and Prometheus ---------------------------------------- #
    arrivals = draw_arrivals(counts, step, random.Random(args.seed))
    model = QueueModel(arrivals, LOCAL_GPUS, args.seed)
    clock = lambda: time.monotonic() - run.wall_start  # noqa: E731
    exporter = Exporter(model, clock)
    try:
        prom_port = free_port()
        (workdir / "prometheus.yml").write_text(
            f"global: {{scrape_interval: {SCRAPE:g}s, evaluation_interval: {SCRAPE:g}s}}\n"
            "scrape_configs:\n"
            "  - job_name: media\n"
            f"    static_configs: [{{targets: [\"{exporter.address}\"]}}]\n")
        prom, prom_log = procs.start("prometheus", [
            args.prometheus, f"--config.file={workdir / 'prometheus.yml'}",
            f"--storage.tsdb.path={workdir / 'prometheus-data'}", f"--web.listen-address=127.0.0.1:{prom_port}"])
        prometheus_url = f"http://127.0.0.1:{prom_port}"
        deadline = time.monotonic() + 40
        while True:
            try:
                if http_get(prometheus_url + "/-/ready", timeout=1):
                    break
            except OSError:
                pass
            procs.check_alive()
            if time.monotonic() > deadline:
                raise SetupError(f"prometheus not ready within 40 s:\n{tail(prom_log)}")
            time.sleep(0.2)

        # -- serve ---------------------------------------------------------- #
        (workdir / "serve.yaml").write_text(json.dumps(serve_config(prometheus_url, emulator_url, speed), indent=2))
        serve, serve_log = procs.start("serve", [str(args.binary), "serve", "--config", str(workdir / "serve.yaml")],
                                       env={**clean_env, "RUNPOD_API_KEY": API_KEY})
        serve_url = "http://" + wait_for_address(serve, serve_log, "http listening")
        # Ready once it has read Prometheus (the exporter is scraped from now on, the queue empty).
        deadline = time.monotonic() + 30
        while True:
            try:
                http_get(serve_url + "/readyz", timeout=1)
                break
            except (urllib.error.HTTPError, OSError):
                pass
            procs.check_alive()
            if time.monotonic() > deadline:
                raise SetupError(f"serve not ready within 30 s:\n{tail(serve_log)}")
            time.sleep(0.2)

        replay(args, procs, model, exporter, emulator_url, serve_url, speed, replay_wall, tail_wall, run)
    finally:
        exporter.close()

    (workdir / "samples.jsonl").write_text("".join(json.dumps(s) + "\n" for s in run.samples))
    live = live_totals(run, model, speed)
    sims = simulate(args, workdir, counts, step, speed, run)
    return report(run, live, sims, speed)


def replay(args, procs, model: QueueModel, exporter: Exporter, emulator_url: str, serve_url: str,
           speed: float, replay_wall: float, tail_wall: float, run: Run) -> None:
    run.wall_start = time.monotonic()
    next_pod_poll = 0.0
    next_sample = 0.0
    drained_at: float | None = None
    last_arrival_wall = (model.arrivals[-1] / speed) if model.arrivals else 0.0
    hard_end = replay_wall + tail_wall + 30
    window = WINDOW * speed
    demand_over_at: float | None = None
    quiet_since: float | None = None
    while True:
        now = time.monotonic() - run.wall_start
        trace_now = now * speed
        with exporter.lock:
            model.advance(trace_now)
        if now >= next_pod_poll:
            next_pod_poll = now + POD_POLL_EVERY
            pods = live_pods(emulator_url)
            seen = set()
            for pod in pods:
                seen.add(pod["id"])
                p = run.pods.get(pod["id"])
                if p is None:
                    p = run.pods[pod["id"]] = PodSeen(first=now - POD_POLL_EVERY / 2, last=now,
                                                      status=pod["status"], cost=float(pod.get("cost") or 0))
                p.last = now
                p.status = pod["status"]
                if p.status == "RUNNING" and p.running_at is None:
                    p.running_at = now
            for pod_id, p in run.pods.items():
                if pod_id not in seen and p.gone_at is None:
                    p.gone_at = now - POD_POLL_EVERY / 2
            running = {i for i, p in run.pods.items() if p.gone_at is None and p.status == "RUNNING"}
            with exporter.lock:
                model.set_pods(running, trace_now)
        if now >= next_sample:
            next_sample = now + SAMPLE_EVERY
            procs.check_alive()
            sample = take_sample(run, model, serve_url, now, window)
            run.samples.append(sample)
            check_caps(run, sample)
            if drained_at is not None and demand_over_at is None and sample["p95"] <= SLO:
                demand_over_at = now
        if drained_at is None and now > last_arrival_wall and model.next_arrival >= len(model.arrivals) \
                and model.lag == 0:
            drained_at = now
        alive = [p for p in run.pods.values() if p.gone_at is None]
        if demand_over_at is None or alive:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= 2 * POLL + RECONCILE:  # stays quiet: serve wants nothing more
            break
        if now > hard_end:
            break
        time.sleep(TICK)
    run.serve_metrics = http_get(serve_url + "/metrics").decode()
    run.drained_at = drained_at
    run.demand_over_at = demand_over_at
    run.end = time.monotonic() - run.wall_start
    run.scrapes = list(exporter.scrapes)


def take_sample(run: Run, model: QueueModel, serve_url: str, now: float, window: float) -> dict:
    alive = {i: p for i, p in run.pods.items() if p.gone_at is None}
    statuses: dict[str, int] = {}
    for p in alive.values():
        statuses[p.status] = statuses.get(p.status, 0) + 1
    sample = {
        "wall": round(now, 3), "trace": round(now * run.speed, 1), "pods": len(alive), "statuses": statuses,
        "dollarsPerHour": round(sum(p.cost for p in alive.values()), 4), "lag": model.lag,
        "waiting": model.queued, "p95": round(model.p95(now * run.speed, window), 2),
    }
    try:
        text = http_get(serve_url + "/metrics", timeout=2).decode()
        desired = [v for labels, v in metric_values(text, "runpod_autoscaler_pool_desired_pods")
                   if labels.get("pool") == POOL]
        sample["serve"] = {
            "desired": desired[0] if desired else None,
            "queueDepth": next((v for _, v in metric_values(text, "runpod_autoscaler_queue_depth")), None),
            "p95": next((v for _, v in metric_values(text, "runpod_autoscaler_latency_p95_seconds")), None),
        }
    except OSError as error:
        sample["serve"] = {"error": str(error)}
    return sample


def check_caps(run: Run, sample: dict) -> None:
    if sample["pods"] > MAX_REPLICAS:
        run.failures.append(f"cap: {sample['pods']} pods at {sample['wall']:.1f} s, maxReplicas {MAX_REPLICAS}")
    if sample["dollarsPerHour"] > MAX_COST + 1e-9:
        run.failures.append(f"cap: ${sample['dollarsPerHour']:.2f}/h at {sample['wall']:.1f} s, "
                            f"maxCostPerHour {MAX_COST}")


def live_totals(run: Run, model: QueueModel, speed: float) -> dict:
    pod_seconds = 0.0
    dollars = 0.0
    for p in run.pods.values():
        alive = ((p.gone_at if p.gone_at is not None else run.end) - p.first) * speed
        pod_seconds += alive
        dollars += alive / 3600 * p.cost
    # SLO minutes: every trace minute whose end sees a p95 over the latency window above the SLO.
    slo_minutes = 0
    minute = 60.0
    window = WINDOW * speed
    while minute <= run.end * speed:
        if model.p95(minute, window) > SLO:
            slo_minutes += 1
        minute += 60
    creates_metric = sum(v for labels, v in metric_values(run.serve_metrics, "runpod_autoscaler_pod_creations_total")
                         if labels.get("pool") == POOL and labels.get("result") in (None, "success", "created"))
    return {
        "burstDollars": dollars, "podHours": pod_seconds / 3600, "creates": len(run.pods),
        "createsMetric": creates_metric,
        "terminates": sum(1 for p in run.pods.values() if p.gone_at is not None),
        "jobsArrived": model.arrived, "jobsServed": model.served, "sloMinutes": slo_minutes,
        "worstWaitSeconds": model.worst_wait,
    }


def simulate(args, workdir: Path, counts: list[float], step: float, speed: float, run: Run) -> list[dict]:
    """`runpod-autoscaler simulate` on the slice plus empty steps for the live run's drain, once per seed."""
    extra = int(math.ceil(run.end * speed / step)) - len(counts)
    rows = counts + [0.0] * max(0, extra)
    trace = workdir / "slice.csv"
    trace.write_text("seconds,arrivals\n" + "".join(f"{i * step:g},{n:g}\n" for i, n in enumerate(rows)))
    config = workdir / "simulate.yaml"
    config.write_text(json.dumps(simulate_config(speed), indent=2))
    runs = []
    for seed in range(args.seed, args.seed + SIM_SEEDS):
        out = workdir / f"simulate-{seed}.json"
        result = subprocess.run([str(args.binary), "simulate", "--trace", str(trace), "--config", str(config),
                                 "--seed", str(seed), "--json", str(out)],
                                capture_output=True, text=True, timeout=120, start_new_session=True)
        if result.returncode != 0:
            raise SetupError(f"simulate failed ({result.returncode}):\n{result.stderr}")
        data = json.loads(out.read_text())
        runs.append(next(s for s in data["strategies"] if s["name"] == "policy")["totals"])
    return runs


def report(run: Run, live: dict, sims: list[dict], speed: float) -> list[str]:
    failures = list(dict.fromkeys(run.failures))  # the cap checks, once each

    # Pods appear: from the first scrape whose lag makes the policy want a pod, within two polls,
    # a reconcile pass, provisioning and starting (+1 s for the queries and the pod poll).
    threshold = next((t for t, lag in run.scrapes
                      if lag > ACTIVATION and lag // JOBS_PER_WORKER + 1 > LOCAL_GPUS), None)
    first_pod = min((p.first for p in run.pods.values()), default=None)
    first_running = min((p.running_at for p in run.pods.values() if p.running_at is not None), default=None)
    lines = []
    # The pool turning active as serve reports it (/metrics, sampled every 0.5 s): the first pod
    # within the sample interval and a reconcile pass, RUNNING after provisioning and starting
    # (+1 s for the pod poll and the request).
    active = next((s["wall"] for s in run.samples if (s.get("serve") or {}).get("desired")), None)
    if active is not None:
        listed_limit = active + SAMPLE_EVERY + RECONCILE + 1
        running_limit = listed_limit + PROVISIONING + STARTING
        lines.append(f"pool active: serve wanted a pod at {active:.1f} s (wall); first pod "
                     f"{fmt_wall(first_pod, active)} (limit +{listed_limit - active:.1f} s), first RUNNING "
                     f"{fmt_wall(first_running, active)} (limit +{running_limit - active:.1f} s)")
        if first_pod is None or first_pod > listed_limit:
            failures.append(f"pool active: no pod within {listed_limit - active:.1f} s of serve wanting one")
        if first_running is None or first_running > running_limit:
            failures.append(f"pool active: no pod RUNNING within {running_limit - active:.1f} s of serve wanting one")
    if threshold is None:
        lines.append("pods appear: the queue never asked for a pod (no check)")
    else:
        appear_limit = threshold + 2 * POLL + RECONCILE + 1
        running_limit = appear_limit + PROVISIONING + STARTING
        lines.append(f"pods appear: queue asked for a pod at {threshold:.1f} s (wall); first pod "
                     f"{fmt_wall(first_pod, threshold)} (limit +{appear_limit - threshold:.1f} s), first RUNNING "
                     f"{fmt_wall(first_running, threshold)} (limit +{running_limit - threshold:.1f} s)")
        if first_pod is None or first_pod > appear_limit:
            failures.append(f"pods appear: no pod within {appear_limit - threshold:.1f} s of the queue asking for one")
        if first_running is None or first_running > running_limit:
            failures.append(f"pods appear: no pod RUNNING within {running_limit - threshold:.1f} s of the queue "
                            "asking for one")

    max_pods = max((s["pods"] for s in run.samples), default=0)
    max_cost = max((s["dollarsPerHour"] for s in run.samples), default=0)
    lines.append(f"caps: at most {max_pods} pods (maxReplicas {MAX_REPLICAS}) and ${max_cost:.2f}/h "
                 f"(maxCostPerHour {MAX_COST:g}) over {len(run.samples)} samples")

    if run.drained_at is None:
        failures.append(f"queue: not drained by the end ({run.samples[-1]['lag'] if run.samples else '?'} jobs left)")
        lines.append("queue: NOT drained")
    else:
        lines.append(f"queue: drained at {run.drained_at:.1f} s (wall); the p95 window under the SLO "
                     f"{fmt_wall(run.demand_over_at, 0)}")
        alive = [i for i, p in run.pods.items() if p.gone_at is None]
        over = run.demand_over_at if run.demand_over_at is not None else run.end
        gone_limit = over + SCRAPE + 2 * POLL + IDLE + RECONCILE + 2
        last_gone = max((p.gone_at for p in run.pods.values() if p.gone_at is not None), default=None)
        lines.append(f"pods gone: last {fmt_wall(last_gone, 0)} (limit {gone_limit:.1f} s: demand over + scrape "
                     f"+ 2 polls + idle {IDLE:g} s + reconcile + 2 s)")
        if alive:
            failures.append(f"pods gone: {len(alive)} pods still there at the end")
        elif last_gone is not None and last_gone > gone_limit:
            failures.append(f"pods gone: the last pod went at {last_gone:.1f} s, after {gone_limit:.1f} s")

    rows = [
        ("burst $", "burstDollars", "{:.2f}"), ("pod-hours", "podHours", "{:.2f}"), ("creates", "creates", "{:d}"),
        ("terminates", "terminates", "{:d}"), ("jobs arrived", "jobsArrived", "{:d}"),
        ("jobs served", "jobsServed", "{:d}"), ("SLO minutes", "sloMinutes", "{:d}"),
        ("worst wait s", "worstWaitSeconds", "{:.0f}"),
    ]
    lines.append(f"{'total (trace time)':<20} {'live':>10} {'simulate':>10}   simulate, {len(sims)} seeds")
    for label, key, form in rows:
        low, high = min(x[key] for x in sims), max(x[key] for x in sims)
        lines.append(f"{label:<20} {form.format(live[key]):>10} {form.format(sims[0][key]):>10}   "
                     f"{form.format(low)}–{form.format(high)}")
    if live["createsMetric"] and live["createsMetric"] != live["creates"]:
        lines.append(f"(serve counted {live['createsMetric']:.0f} creates, the emulator showed {live['creates']})")

    failures += compare(live, sims)
    lines.append("tolerances: " + "; ".join(f"{k} {v}" for k, v in TOLERANCES.items()))
    print("\n".join(lines))
    if failures:
        print("\nFAILED:\n  " + "\n  ".join(failures))
    else:
        print(f"\nall checks passed ({run.end:.0f} s of wall time at {speed:g}×)")
    return failures


def compare(live: dict, sims: list[dict]) -> list[str]:
    """The live totals against the range simulate gives over its seeds, widened by TOLERANCES."""
    out = []

    def span(key: str) -> tuple[float, float]:
        return min(x[key] for x in sims), max(x[key] for x in sims)

    def within_factor(value: float, key: str, factor: float) -> bool:
        low, high = span(key)
        return low / factor <= value <= high * factor

    low, high = span("creates")
    lc = live["creates"]
    if not (low - 2 <= lc <= high + 2 if high < 4 else 0.5 * low <= lc <= 1.5 * high):
        out.append(f"creates: live {lc}, simulate {low:.0f}–{high:.0f} ({TOLERANCES['creates']})")
    for label, key in (("pod-hours", "podHours"), ("burst $", "burstDollars")):
        tiny = max(live[key], span(key)[1]) < 0.05
        if not tiny and not within_factor(live[key], key, 2):
            low, high = span(key)
            out.append(f"{label}: live {live[key]:.2f}, simulate {low:.2f}–{high:.2f} ({TOLERANCES[label]})")
    if any(live["jobsArrived"] != x["jobsArrived"] for x in sims):
        out.append(f"jobs arrived: live {live['jobsArrived']}, simulate {sims[0]['jobsArrived']}")
    if live["jobsServed"] != live["jobsArrived"]:
        out.append(f"jobs served: {live['jobsServed']} of {live['jobsArrived']}")
    low, high = span("sloMinutes")
    ls = live["sloMinutes"]
    if not (min(low - 10, 0.5 * low) <= ls <= max(high + 10, 1.5 * high)):
        out.append(f"SLO minutes: live {ls}, simulate {low:.0f}–{high:.0f} ({TOLERANCES['SLO minutes']})")
    lw = live["worstWaitSeconds"]
    if not (max(lw, span("worstWaitSeconds")[1]) <= SLO or within_factor(lw, "worstWaitSeconds", 2.5)):
        low, high = span("worstWaitSeconds")
        out.append(f"worst wait: live {lw:.0f} s, simulate {low:.0f}–{high:.0f} s ({TOLERANCES['worst wait']})")
    return out


def fmt_wall(value: float | None, origin: float) -> str:
    if value is None:
        return "never"
    return f"at {value:.1f} s ({value - origin:+.1f} s)" if origin else f"at {value:.1f} s"


if __name__ == "__main__":
    sys.exit(main())
