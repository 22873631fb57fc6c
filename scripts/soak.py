#!/usr/bin/env python3
"""The live fault soak: the real binaries under random faults, kills and demand jumps.

    make soak SECONDS=600 [SEED=1]
    python scripts/soak.py --seconds 600 [--seed 1] [--binary .build/debug/runpod-autoscaler]

On 127.0.0.1, on free ports, it starts:

- the RunPod emulator (`runpod-autoscaler emulator`, an API key, pods PROVISIONING 1 s and
  STARTING 1 s, a small GPU stock so "no capacity" happens for real);
- the Kubernetes API stand-in (Tests/e2e/kube_standin, in this process, over TLS) holding one
  RunPodPool (maxReplicas 6, maxCostPerHour 4.00) and the leader-election Lease;
- two `runpod-autoscaler serve` replicas in Kubernetes mode with leader election (lease 6 s,
  renew deadline 4 s, retry 0.5 s), each talking to RunPod through its own recording proxy
  (this script): the emulator cannot tell the replicas apart (same key, same User-Agent, no
  per-replica header), so the proxies record which replica made each call, and when.

For --seconds it then, at random (seeded) moments: changes demand by writing the pool's
`spec.replicas` through its /scale subresource as the HPA would (jumps, past maxReplicas,
back to zero); injects emulator faults (`POST /admin/faults`: no capacity, 500 after create,
500, 429, 401/403/402, slow answers, dropped connections, on list/create/delete/catalog),
changes the stock (`PUT /admin/capacity`), puts pods into ERROR; cuts the leader off the
Lease for a few seconds (the stand-in refuses its lease updates, so it must stop acting
while still running); and SIGKILLs or SIGTERMs either replica and restarts it.

Every 0.5 s it samples RunPod's pod list (the emulator's state). At the end the faults stop,
both replicas run, demand goes to zero, and it waits for zero pods. It prints the numbers of
samples, faults, restarts, the largest pod count and USD/h seen against the caps, and checks:

- caps: at no sample more than maxReplicas pods of the pool (failed ones too) or more than
  maxCostPerHour (billed pods: all but EXITED);
- drain: zero pods within DRAIN_BOUND seconds of demand zero;
- one actor: no two replicas' mutating RunPod calls (POST /v2/pods, DELETE /v2/pods/{id},
  POST /v2/pods/{id}/action) overlap in time, and each starts while its replica holds the
  Lease (from the Lease's acquireTime history, polled every 50 ms: a call by X at t must
  come after X's latest acquisition before t, with no other acquisition or release between).

Exit 0: every check passed; 1: a check failed (each failure is printed); 2: the setup failed.
Every process is started in its own process group and killed on the way out.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "e2e"))

from kube_standin import StandIn, make_tls_material  # noqa: E402

DEFAULT_BINARY = REPO / ".build" / "debug" / "runpod-autoscaler"

API_KEY = "rk_soak_0123456789abcdef"
ADMIN_TOKEN = "soak-admin-token-0123456789"
PREFIX = "soak"
NAMESPACE, POOL = "media", "burst"
OURS = f"{PREFIX}-{NAMESPACE}-{POOL}-"
ADA, L40S = "NVIDIA RTX 6000 Ada Generation", "NVIDIA L40S"
MAX_REPLICAS = 6
# USD/h: the stock's 6 Ada pods (4 Secure 0.69 + 2 Community 0.55 = 3.86) fit, so maxReplicas binds;
# once L40S pods are in the mix (Ada stock cut, or taken) the budget binds first.
MAX_COST = 4.0
STOCK = {ADA: {"SECURE": 4, "COMMUNITY": 2}, L40S: {"SECURE": 4, "COMMUNITY": 4}}
REPLICAS = ("replica-a", "replica-b")
LEASE = {"leaseName": "runpod-autoscaler", "namespace": "platform", "leaseDurationSeconds": 6,
         "renewDeadlineSeconds": 4, "retryPeriodSeconds": 0.5}
GROUP, VERSION, PLURAL = "gpuburst.io", "v1alpha1", "runpodpools"

SAMPLE_EVERY = 0.5
LEASE_POLL_EVERY = 0.05
# After demand zero with faults stopped: a lease to expire (6 s) if the leader was just killed,
# a restart (up to 3 s) and start-up, a Kubernetes poll and a pass (0.5 s each), terminates
# of at most timeoutSeconds (3 s) each.
DRAIN_BOUND = 30.0
MUTATING = re.compile(r"^(POST /v2/pods|DELETE /v2/pods/[^/]+|POST /v2/pods/[^/]+/action)$")
FAULT_KINDS = ["noCapacity", "serverErrorAfterCreate", "serverError", "rateLimited", "slow", "dropConnection",
               "unauthorized", "forbidden", "paymentRequired"]
FAULT_WEIGHTS = [3, 3, 3, 3, 2, 3, 0.3, 0.3, 0.3]  # refusals stop creates for 5 minutes: rare
OPERATIONS = ["list", "create", "delete", "catalog"]


class SetupError(Exception):
    pass


@dataclass
class Call:
    replica: str
    method: str
    path: str
    start: float
    end: float
    status: str

    @property
    def mutating(self) -> bool:
        return bool(MUTATING.match(f"{self.method} {self.path.split('?')[0]}"))


@dataclass
class Tally:
    samples: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    capacity_changes: int = 0
    pods_failed: int = 0
    partitions: int = 0
    kills: int = 0
    terms: int = 0
    demand_changes: int = 0
    demand_zero: int = 0
    largest_pods: int = 0
    largest_cost: float = 0.0
    cap_failures: list[str] = field(default_factory=list)
    process_failures: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- #
# The recording proxies: one per replica, in front of the emulator.
# --------------------------------------------------------------------------- #

class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A replica killed with a connection open: nothing to report.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class RecordingProxy:
    """Forwards every request to the emulator and records (replica, method, path, start, end, status).
    A connection the emulator drops is dropped here too, without an answer."""

    def __init__(self, replica: str, upstream_port: int, calls: list[Call], lock: threading.Lock):
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def forward(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection", "expect")}
                start = time.time()
                upstream = http.client.HTTPConnection("127.0.0.1", upstream_port, timeout=30)
                try:
                    upstream.request(self.command, self.path, body=body, headers=headers)
                    reply = upstream.getresponse()
                    payload = reply.read()
                except (OSError, http.client.HTTPException):
                    proxy.record(self.command, self.path, start, "dropped")
                    self.close_connection = True
                    return
                finally:
                    upstream.close()
                proxy.record(self.command, self.path, start, str(reply.status))
                self.send_response(reply.status)
                for name, value in reply.getheaders():
                    if name.lower() not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = forward

        self.replica = replica
        self.calls = calls
        self.lock = lock
        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.1,), daemon=True).start()

    def record(self, method: str, path: str, start: float, status: str) -> None:
        with self.lock:
            self.calls.append(Call(self.replica, method, path, start, time.time(), status))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# --------------------------------------------------------------------------- #
# Processes.
# --------------------------------------------------------------------------- #

def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("RUNPOD_", "KUBERNETES_")) and k != "KUBECONFIG"}


class Emulator:
    def __init__(self, binary: Path, workdir: Path, seed: int):
        config = workdir / "emulator.yaml"
        stock = "\n".join(f'  "{gpu}": {{SECURE: {c["SECURE"]}, COMMUNITY: {c["COMMUNITY"]}}}'
                          for gpu, c in STOCK.items())
        config.write_text(f"provisioningSeconds: 1\nstartingSeconds: 1\nseed: {seed}\ncapacity:\n{stock}\n")
        key = workdir / "api-key"
        key.write_text(API_KEY + "\n")
        self.log_path = workdir / "emulator.log"
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [str(binary), "emulator", "--listen", "127.0.0.1:0", "--config", str(config), "--api-key-file", str(key)],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, env=clean_env(), start_new_session=True)
        deadline = time.monotonic() + 30
        self.port = 0
        while not self.port:
            line = next((l for l in self.log_path.read_text().splitlines() if "runpod emulator listening" in l), "")
            match = re.search(r"address=(\S+)", line)
            if match:
                self.port = int(match.group(1).strip('"').rsplit(":", 1)[1])
            elif self.proc.poll() is not None or time.monotonic() > deadline:
                self.close()  # not yet the soak's to close: nothing may be left running
                raise SetupError(f"the emulator did not start:\n{self.log_path.read_text()[-2000:]}")
            else:
                time.sleep(0.05)

    def admin(self, method: str, path: str, body: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            data = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=data, headers={"Content-Type": "application/json"} if data else {})
            reply = conn.getresponse()
            payload = reply.read()
        finally:
            conn.close()
        if reply.status >= 300:
            raise SetupError(f"{method} {path}: {reply.status} {payload[:300]!r}")
        return json.loads(payload) if payload else None

    def pods(self) -> list[dict]:
        return [p for p in self.admin("GET", "/admin/state")["pods"] if p["status"] != "TERMINATED"]

    def close(self) -> None:
        stop_group(self.proc)
        self.log.close()


class Replica:
    """One `serve` process in Kubernetes mode, restarted as often as the soak likes."""

    def __init__(self, binary: Path, workdir: Path, identity: str, kubeconfig: Path, proxy: RecordingProxy,
                 demand: Path, key: Path):
        self.binary = binary
        self.identity = identity
        self.config_path = workdir / f"{identity}.yaml"
        self.log_path = workdir / f"{identity}.log"
        config = {
            "grpc": {"listen": "127.0.0.1:0", "shutdownGraceSeconds": 1},
            "http": {"listen": "127.0.0.1:0"},
            "runpod": {"endpoint": proxy.url, "apiKeyFile": str(key), "podNamePrefix": PREFIX, "timeoutSeconds": 3,
                       "reconcileSeconds": 0.5},
            "demand": {"source": "file", "pollSeconds": 1, "staleAfterSeconds": 86400, "file": {"path": str(demand)}},
            "local": {"source": "static", "static": {"gpus": 0, "usedByOthers": 0}},
            "kubernetes": {"enabled": True, "kubeconfig": str(kubeconfig), "pollSeconds": 0.5,
                           "leaderElection": {**LEASE, "identity": identity}},
        }
        self.config_path.write_text(json.dumps(config, indent=2) + "\n")  # JSON is YAML
        self.proc: subprocess.Popen | None = None
        self.starts = 0

    def start(self) -> None:
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen(
                [str(self.binary), "serve", "--config", str(self.config_path), "--log-format", "json",
                 "--log-level", "info"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=log, env=clean_env(), start_new_session=True)
        self.starts += 1

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig: int) -> None:
        if self.running:
            self.proc.send_signal(sig)

    def close(self) -> None:
        if self.proc is not None:
            stop_group(self.proc)


def stop_group(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


# --------------------------------------------------------------------------- #
# The Lease's history.
# --------------------------------------------------------------------------- #

def parse_time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


class LeaseWatch:
    """Polls the Lease every 50 ms: each acquisition (holder, acquireTime) and each release
    (holder emptied, at the time it was first seen: later than the real release)."""

    def __init__(self, standin: StandIn):
        self.standin = standin
        self.events: list[tuple[float, str]] = []  # (time, holder or "" for a release)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        last: tuple[str, str] | None = None
        while not self.stop.is_set():
            lease = self.standin.get_object("Lease", LEASE["leaseName"], LEASE["namespace"])
            spec = (lease or {}).get("spec", {})
            holder = spec.get("holderIdentity") or ""
            key = (holder, spec.get("acquireTime") or "")
            if lease is not None and key != last:
                if holder:
                    self.events.append((parse_time(spec["acquireTime"]), holder))
                elif last and last[0]:
                    self.events.append((time.time(), ""))
                last = key
            time.sleep(LEASE_POLL_EVERY)

    def holder_at(self, moment: float) -> str | None:
        """Who held the Lease at `moment` by the last event before it (None before any)."""
        holder = None
        for when, who in sorted(self.events):
            if when > moment:
                break
            holder = who
        return holder

    def handovers(self) -> int:
        holders = [who for _, who in sorted(self.events) if who]
        return sum(1 for a, b in zip(holders, holders[1:]) if a != b)


# --------------------------------------------------------------------------- #
# The soak.
# --------------------------------------------------------------------------- #

class Soak:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.tally = Tally()
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        self.workdir = Path(args.workdir or tempfile.mkdtemp(prefix="rpa-soak-"))
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.emulator: Emulator | None = None
        self.standin: StandIn | None = None
        self.lease: LeaseWatch | None = None
        self.replicas: list[Replica] = []
        self.proxies: list[RecordingProxy] = []
        self.restart_at: dict[str, float] = {}
        self.partition_until = 0.0
        self.desired = 0

    # -- setup ------------------------------------------------------------------------------------
    def setup(self) -> None:
        binary = Path(self.args.binary)
        if not binary.is_file():
            raise SetupError(f"binary not found: {binary} (run swift build)")
        self.emulator = Emulator(binary, self.workdir, self.args.seed)
        tls = make_tls_material(self.workdir / "tls")
        tokens = {f"soak-token-{r}-0123456789": f"runpod-autoscaler-{r}" for r in REPLICAS}
        tokens[ADMIN_TOKEN] = "soak-admin"
        self.standin = StandIn(tokens=tokens, tls_cert=tls.server_cert, tls_key=tls.server_key, ca_cert=tls.ca_cert)
        self.standin.start()
        from kubernetes import client  # heavy: imported once the setup is under way
        configuration = client.Configuration()
        configuration.host, configuration.ssl_ca_cert = self.standin.url, str(tls.ca_cert)
        configuration.api_key, configuration.api_key_prefix = {"BearerToken": ADMIN_TOKEN}, {"BearerToken": "Bearer"}
        self.custom = client.CustomObjectsApi(client.ApiClient(configuration))
        self.custom.create_namespaced_custom_object(GROUP, VERSION, NAMESPACE, PLURAL, {
            "apiVersion": f"{GROUP}/{VERSION}", "kind": "RunPodPool", "metadata": {"name": POOL},
            "spec": {"replicas": 0, "maxReplicas": MAX_REPLICAS, "maxCostPerHour": MAX_COST,
                     "template": {"image": "ghcr.io/example/media-gpu-worker:1", "gpuTypeIds": [ADA, L40S],
                                  "clouds": ["SECURE", "COMMUNITY"]},
                     "scaling": {"provisionTimeoutSeconds": 20, "unavailableOfferingSeconds": 5,
                                 "orphanGraceSeconds": 10}}})
        self.lease = LeaseWatch(self.standin)
        demand = self.workdir / "demand.json"
        demand.write_text('{"queueDepth": 0, "latencyP95Seconds": 0}\n')
        for identity in REPLICAS:
            token = next(t for t, user in tokens.items() if user == f"runpod-autoscaler-{identity}")
            kubeconfig = self.standin.write_kubeconfig(self.workdir / f"{identity}.kubeconfig", token=token)
            proxy = RecordingProxy(identity, self.emulator.port, self.calls, self.lock)
            self.proxies.append(proxy)
            replica = Replica(binary, self.workdir, identity, kubeconfig, proxy, demand, self.workdir / "api-key")
            replica.start()
            self.replicas.append(replica)

    def close(self) -> None:
        for replica in self.replicas:
            replica.close()
        if self.lease:
            self.lease.stop.set()
        for proxy in self.proxies:
            proxy.close()
        if self.standin:
            self.standin.stop()
        if self.emulator:
            self.emulator.close()

    # -- what happens --------------------------------------------------------------------------------
    def set_demand(self, replicas: int) -> None:
        self.custom.patch_namespaced_custom_object_scale(GROUP, VERSION, NAMESPACE, PLURAL, POOL,
                                                         {"spec": {"replicas": replicas}})
        self.desired = replicas

    def demand_jump(self) -> None:
        replicas = 0 if self.rng.random() < 0.2 else self.rng.randint(1, MAX_REPLICAS + 2)
        self.set_demand(replicas)
        self.tally.demand_changes += 1
        self.tally.demand_zero += replicas == 0

    def fault(self) -> None:
        if self.rng.random() < 0.3:
            self.emulator.admin("DELETE", "/admin/faults")
        roll = self.rng.random()
        if roll < 0.12:
            gpu, cloud = self.rng.choice(list(STOCK)), self.rng.choice(["SECURE", "COMMUNITY"])
            self.emulator.admin("PUT", "/admin/capacity", {"gpuTypeId": gpu, "cloud": cloud,
                                                           "gpus": self.rng.randint(0, 6)})
            self.tally.capacity_changes += 1
            return
        if roll < 0.22:
            ours = [p for p in self.emulator.pods() if p["name"].startswith(OURS) and p["status"] != "ERROR"]
            if ours:
                self.emulator.admin("POST", f"/admin/pods/{self.rng.choice(ours)['id']}/error")
                self.tally.pods_failed += 1
            return
        kind = self.rng.choices(FAULT_KINDS, FAULT_WEIGHTS)[0]
        rule: dict = {"kind": kind}
        if kind not in ("noCapacity", "serverErrorAfterCreate"):
            rule["operations"] = self.rng.sample(OPERATIONS, self.rng.randint(1, 2))
        if self.rng.random() < 0.5:
            rule["count"] = self.rng.randint(1, 3)
        else:
            rule["share"] = round(self.rng.uniform(0.1, 0.5), 2)
        if kind == "rateLimited":
            rule["retryAfterSeconds"] = self.rng.randint(1, 5)
        if kind == "slow":
            rule["delaySeconds"] = round(self.rng.uniform(0.2, 1.0), 2)  # under the lease's 2 s of margin
        self.emulator.admin("POST", "/admin/faults", rule)
        self.tally.faults[kind] = self.tally.faults.get(kind, 0) + 1

    def partition(self) -> None:
        """The leader's lease updates are refused for a while: it must stop acting while still running."""
        holder = self.lease.holder_at(time.time())
        if not holder:
            return
        self.standin.deny(verb="update", resource="leases", user=f"runpod-autoscaler-{holder}")
        self.partition_until = time.monotonic() + self.rng.uniform(5, 12)
        self.tally.partitions += 1

    def restart(self) -> None:
        running = [r for r in self.replicas if r.running and r.identity not in self.restart_at]
        if not running:
            return
        replica = self.rng.choice(running)
        kill = self.rng.random() < 0.5
        replica.signal(signal.SIGKILL if kill else signal.SIGTERM)
        if kill:
            self.tally.kills += 1
        else:
            self.tally.terms += 1
        self.restart_at[replica.identity] = time.monotonic() + self.rng.uniform(0.5, 3)

    def relaunch_due(self, now: float, force: bool = False) -> None:
        for replica in self.replicas:
            due = self.restart_at.get(replica.identity)
            if due is None:
                if not replica.running:  # it ended without being told to
                    self.tally.process_failures.append(
                        f"{replica.identity} exited {replica.proc.returncode} on its own; see {replica.log_path}")
                    replica.start()
                continue
            if now < due and not force:
                continue
            if replica.running:
                if now > due + 20:
                    self.tally.process_failures.append(f"{replica.identity} still ran 20 s after SIGTERM")
                    replica.signal(signal.SIGKILL)
                continue
            del self.restart_at[replica.identity]
            replica.start()

    def sample(self) -> list[dict]:
        ours = [p for p in self.emulator.pods() if p["name"].startswith(OURS)]
        cost = sum(p["costPerHour"] for p in ours if p["status"] != "EXITED")
        self.tally.samples += 1
        self.tally.largest_pods = max(self.tally.largest_pods, len(ours))
        self.tally.largest_cost = max(self.tally.largest_cost, cost)
        if len(ours) > MAX_REPLICAS or cost > MAX_COST + 1e-6:
            self.tally.cap_failures.append(
                f"{time.strftime('%H:%M:%S')}: {len(ours)} pods, {cost:.2f} USD/h: "
                + ", ".join(f"{p['name']} {p['status']} {p['costPerHour']}" for p in ours))
        return ours

    # -- the run ---------------------------------------------------------------------------------------
    def run(self) -> int:
        print(f"live soak: {self.args.seconds:.0f} s of faults, seed {self.args.seed}, "
              f"work directory {self.workdir}", flush=True)
        start = time.monotonic()
        stop_faults = start + self.args.seconds
        due = {"sample": start, "demand": start + 1, "fault": start + 3, "restart": start + 8, "partition": start + 15}
        every = {"demand": (3, 10), "fault": (2, 6), "restart": (6, 15), "partition": (15, 30)}
        actions = {"demand": self.demand_jump, "fault": self.fault, "restart": self.restart,
                   "partition": self.partition}
        while (now := time.monotonic()) < stop_faults:
            if now >= due["sample"]:
                self.sample()
                due["sample"] += SAMPLE_EVERY
            for name, action in actions.items():
                if now >= due[name]:
                    action()
                    due[name] = now + self.rng.uniform(*every[name])
            if self.partition_until and now >= self.partition_until:
                self.standin.clear_denials()
                self.partition_until = 0.0
            self.relaunch_due(now)
            time.sleep(0.02)

        # The calm: faults stop, both replicas run, demand goes to zero.
        self.emulator.admin("DELETE", "/admin/faults")
        for gpu, clouds in STOCK.items():
            for cloud, gpus in clouds.items():
                self.emulator.admin("PUT", "/admin/capacity", {"gpuTypeId": gpu, "cloud": cloud, "gpus": gpus})
        self.standin.clear_denials()
        self.partition_until = 0.0
        zero_at = time.monotonic()
        self.set_demand(0)
        drained_after = None
        while time.monotonic() < zero_at + DRAIN_BOUND:
            self.relaunch_due(time.monotonic(), force=True)
            if not self.sample():
                drained_after = time.monotonic() - zero_at
                break
            time.sleep(SAMPLE_EVERY)
        self.relaunch_due(time.monotonic(), force=True)
        # Nothing comes back once drained (a few more passes of both replicas).
        settle_until = time.monotonic() + 3
        while time.monotonic() < settle_until:
            left = self.sample()
            if left and drained_after is not None:
                drained_after = None
            time.sleep(SAMPLE_EVERY)
        exits = {}
        for replica in self.replicas:
            replica.signal(signal.SIGTERM)
            try:
                exits[replica.identity] = replica.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                exits[replica.identity] = "still running 20 s after SIGTERM"
        self.lease.stop.set()
        self.lease.thread.join(timeout=2)
        return self.report(drained_after, exits)

    # -- checks and the summary ------------------------------------------------------------------------
    def report(self, drained_after: float | None, exits: dict) -> int:
        t = self.tally
        failures: list[str] = []
        with self.lock:
            calls = list(self.calls)
        mutating = sorted((c for c in calls if c.mutating), key=lambda c: c.start)
        overlaps = [(a, b) for i, a in enumerate(mutating) for b in mutating[i + 1:]
                    if b.start < a.end and a.replica != b.replica]
        outside = [c for c in mutating if self.lease.holder_at(c.start) != c.replica]
        by_replica = {r: sum(1 for c in mutating if c.replica == r) for r in REPLICAS}
        faults = sum(t.faults.values())
        print(f"samples: {t.samples} (every {SAMPLE_EVERY} s)")
        print(f"faults: {faults} emulator rules ("
              + ", ".join(f"{k} {v}" for k, v in sorted(t.faults.items()))
              + f"), {t.capacity_changes} stock changes, {t.pods_failed} pods put in ERROR, "
              f"{t.partitions} lease partitions")
        print(f"restarts: {t.kills + t.terms} ({t.kills} SIGKILL, {t.terms} SIGTERM); "
              f"starts per replica: " + ", ".join(f"{r.identity} {r.starts}" for r in self.replicas))
        print(f"demand: {t.demand_changes} changes of spec.replicas ({t.demand_zero} to zero), then 0")
        print(f"pods: largest count {t.largest_pods} (maxReplicas {MAX_REPLICAS}); "
              f"largest USD/h {t.largest_cost:.2f} (maxCostPerHour {MAX_COST:.2f})")
        print(f"RunPod calls: {len(calls)}; mutating {len(mutating)} ("
              + ", ".join(f"{r} {n}" for r, n in by_replica.items())
              + f"); lease handovers {self.lease.handovers()}; overlapping across replicas {len(overlaps)}; "
              f"made outside the caller's lease {len(outside)}")
        if drained_after is not None:
            print(f"drain: zero pods {drained_after:.1f} s after demand zero (bound {DRAIN_BOUND:.0f} s)")
        else:
            failures.append(f"pods left {DRAIN_BOUND:.0f} s after demand zero: "
                            f"{[p['name'] for p in self.emulator.pods() if p['name'].startswith(OURS)]}")
        if t.cap_failures:
            failures.append(f"caps exceeded at {len(t.cap_failures)} samples:\n  " + "\n  ".join(t.cap_failures[:10]))
        else:
            print("caps: held at every sample")
        for a, b in overlaps[:10]:
            failures.append(f"overlapping mutating calls: {a} and {b}")
        for c in outside[:10]:
            failures.append(f"mutating call outside the lease (holder {self.lease.holder_at(c.start)!r}): {c}")
        if not mutating:
            failures.append("no mutating RunPod call was made: the soak tested nothing")
        failures += t.process_failures
        for identity, code in exits.items():
            if code != 0:
                failures.append(f"{identity} exited {code} on the final SIGTERM")
        for failure in failures:
            print(f"FAILED: {failure}")
        if failures:
            print(f"logs: {self.workdir}")
            return 1
        print("all checks passed")
        return 0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--binary", default=str(DEFAULT_BINARY), help="the runpod-autoscaler binary")
    p.add_argument("--seconds", type=float, default=600, help="wall seconds of faults (default 600)")
    p.add_argument("--seed", type=int, default=1, help="seed of the schedule and the emulator (default 1)")
    p.add_argument("--workdir", help="where configs and logs go (default: a new temporary directory)")
    p.add_argument("--keep", action="store_true", help="keep the work directory even when every check passed")
    args = p.parse_args(argv)
    soak = Soak(args)
    code = 2
    try:
        soak.setup()
        code = soak.run()
    except SetupError as error:
        print(f"setup failed: {error}", file=sys.stderr)
    finally:
        soak.close()
    if code == 0 and not args.keep and not args.workdir:
        shutil.rmtree(soak.workdir, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
