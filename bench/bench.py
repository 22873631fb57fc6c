#!/usr/bin/env python3
"""`make bench`: runpod-autoscaler side by side with a C++ grpc++ reference server.

Both servers are pinned to core 0 (`taskset -c 0`), every load generator to core 1. The
project serves 1,000 pools; the C++ reference (bench/reference-server) serves the same
1,000 pools from a std::unordered_map of responses built from the project's own answers
(so equal requests get equal bytes; bench/test_reference_equality.py checks it).

For each load (connections x streams: 1x1, 4x16, 8x64) and each load tool (h2load with
a prebuilt gRPC request body; bench/reference-server/load_client, a grpc++ closed-loop
client) the servers are measured in interleaved rounds, the order alternating between
rounds: a warm-up run, then a measured run. Reported per run: throughput and p50/p99
latency (from the client), server CPU per call (utime+stime delta over the measured run /
calls). The figure per cell is the median over 3 rounds (an odd count: a round that some other
tenant of the machine disturbed is outvoted instead of averaged in). Memory (RSS, and private =
RssAnon, Private_Dirty from smaps_rollup) idle and in the middle of the 8x64 run.

Extras against the issue's targets: cold start to grpc.health.v1 SERVING, 10,000 open
StreamIsActive streams (memory, time for a demand change to reach all of them), unary
throughput with 1,000 pools against 1 pool, the reconciler's CPU per pass at 100 and
1,000 pods against an emulator process.

Usage: bench.py --binary .build-static/release/runpod-autoscaler --tools .build-bench
                [--quick] [--out bench/results/latest.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NAMESPACE = "bench"
METRICS = [("burst", "burst"), ("wanted", "wanted"), ("queueDepth", "queue-depth"),
           ("localAvailable", "local-available"), ("runpodPods", "runpod-pods"),
           ("runpodHeadroom", "runpod-headroom")]
JOBS_PER_WORKER = 10
SERVER_CORE = "0"
LOAD_CORE = "1"

# Targets of issue 11 (parts 2-4).
TARGETS = {
    "throughput_ratio_min": 1.0,
    "p99_ratio_max": 1.0,
    "cpu_per_call_ratio_max": 1.0,
    "private_memory_ratio_max": 1.5,
    "rss_mib_max": 32.0,
    "cold_start_ms_max": 100.0,
    "stream_fanout_ms_max": 1000.0,
    "pools_1000_vs_1_min": 0.90,
    "reconcile_cpu_ms_per_pass_max": 5.0,
}


# --------------------------------------------------------------------------- #
# Small helpers
# --------------------------------------------------------------------------- #

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu_ns(pid: int) -> dict[str, int]:
    """Nanoseconds on CPU per thread (/proc/<pid>/task/*/schedstat): finer than the 10 ms ticks of
    /proc/<pid>/stat, valid for a window only while the same threads live through it."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out[task.name] = int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return out


def window_cpu_ms(pid: int, before: tuple[float, dict], after: tuple[float, dict]) -> float:
    """CPU in a window from (ticks seconds, per-thread ns) taken at both ends; per-thread ns when no
    thread came or went (and schedstat is there), else the ticks."""
    (ticks_before, threads_before), (ticks_after, threads_after) = before, after
    if threads_before and threads_before.keys() == threads_after.keys():
        return sum(threads_after[t] - threads_before[t] for t in threads_after) / 1e6
    return (ticks_after - ticks_before) * 1000


def memory(pid: int) -> dict:
    """RSS, RssAnon and Private_Dirty in KiB; and the peak RSS so far (VmHWM: start-up included, before
    the project drops its start-up code pages)."""
    status = Path(f"/proc/{pid}/status").read_text()
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()

    def field(text: str, name: str) -> int:
        match = re.search(rf"^{name}:\s+(\d+)", text, re.M)
        return int(match.group(1)) if match else 0

    return {"rss_kib": field(status, "VmRSS"), "rss_anon_kib": field(status, "RssAnon"),
            "private_dirty_kib": field(rollup, "Private_Dirty"), "rss_peak_kib": field(status, "VmHWM")}


def pinned(core: str, args: list[str]) -> list[str]:
    return ["taskset", "-c", core, *args] if shutil.which("taskset") and os.cpu_count() > 1 else args


def grpc_frame(message: bytes) -> bytes:
    return b"\x00" + len(message).to_bytes(4, "big") + message


def median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else 0.0


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 3) if b else None


def mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "MISS")


def stubs(out: Path):
    from grpc_tools import protoc
    rc = protoc.main(["protoc", f"-I{REPO / 'proto'}", f"--python_out={out}", f"--grpc_python_out={out}",
                      str(REPO / "proto" / "externalscaler.proto")])
    if rc:
        sys.exit("protoc failed on proto/externalscaler.proto")
    sys.path.insert(0, str(out))
    import externalscaler_pb2
    import externalscaler_pb2_grpc
    return externalscaler_pb2, externalscaler_pb2_grpc


def pool_names(count: int) -> list[str]:
    return [f"p{i:04d}" for i in range(count)]


# --------------------------------------------------------------------------- #
# The servers
# --------------------------------------------------------------------------- #

class Server:
    """One server process on core 0 with a fixed gRPC port."""

    def __init__(self, label: str, args: list[str], port: int, cwd: Path, core: str = SERVER_CORE):
        self.label = label
        self.port = port
        self.address = f"127.0.0.1:{port}"
        self.log: list[str] = []
        self.proc = subprocess.Popen(pinned(core, args), cwd=cwd, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace")
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            if len(self.log) < 2000:
                self.log.append(line)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def project_config(work: Path, name: str, pools: list[str], grpc_port: int, *, demand: Path, runpod: str,
                   reconcile_seconds: float = 3600, max_replicas: int = 20) -> Path:
    """`runpod`: the emulator's base URL. A pass an hour by default: none during the load."""
    runpod = f"{{endpoint: '{runpod}', reconcileSeconds: {reconcile_seconds}, requestsPerMinute: 6000}}"
    lines = [
        f"grpc: {{listen: 127.0.0.1:{grpc_port}}}",
        f"http: {{listen: 127.0.0.1:{free_port()}}}",
        f"runpod: {runpod}",
        f"demand: {{source: file, pollSeconds: 30, staleAfterSeconds: 86400, file: {{path: {demand}}}}}",
        "local: {source: static, static: {gpus: 0, usedByOthers: 0}}",
        "log: {level: warning}",
        "pools:",
    ]
    for pool in pools:
        lines.append(f"  - {{name: {pool}, namespace: {NAMESPACE}, maxReplicas: {max_replicas}, maxCostPerHour: 1000000, "
                     f"template: {{image: bench, gpuTypeIds: [\"NVIDIA L40S\"], clouds: [SECURE]}}, "
                     f"scaling: {{jobsPerWorker: {JOBS_PER_WORKER}, activationQueueDepth: 5}}}}")
    path = work / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def write_demand(path: Path, queue_depth: int) -> None:
    """Atomically, so the watcher sees one change."""
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"queueDepth": queue_depth, "latencyP95Seconds": 1}))
    os.replace(temporary, path)


def start_project(binary: Path, config: Path, work: Path, label: str) -> Server:
    port = int(re.search(r"listen: 127\.0\.0\.1:(\d+)", config.read_text()).group(1))
    env_args = [str(binary), "serve", "--config", str(config)]
    server = Server(label, env_args, port, work)
    wait_serving(server.address, server, 60)
    return server


def start_reference(tools: Path, table: Path, work: Path, label: str) -> Server:
    port = free_port()
    server = Server(label, [str(tools / "reference_server"), "--listen", f"127.0.0.1:{port}", "--table", str(table)],
                    port, work)
    wait_serving(server.address, server, 30)
    return server


def health_serving(address: str, timeout: float) -> bool:
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    with grpc.insecure_channel(address) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=""),
                                                              timeout=timeout)
        except grpc.RpcError:
            return False
        return reply.status == health_pb2.HealthCheckResponse.SERVING


def wait_serving(address: str, server: Server | None, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server is not None and server.proc.poll() is not None:
            sys.exit(f"{server.label} exited:\n{''.join(server.log[-30:])}")
        if health_serving(address, 1.0):
            return
        time.sleep(0.05)
    sys.exit(f"{address} did not report SERVING within {timeout} s")


# --------------------------------------------------------------------------- #
# The answers table (the project's answers, for the C++ reference)
# --------------------------------------------------------------------------- #

def fetch_table(address: str, pools: list[tuple[str, str]], pb2, pb2_grpc) -> str:
    """The project's answers for every (namespace, name) pool, as the reference server's table."""
    import grpc

    async def run() -> list[str]:
        lines: list[str] = []
        async with grpc.aio.insecure_channel(address) as channel:
            stub = pb2_grpc.ExternalScalerStub(channel)

            async def value(call) -> tuple[str, object]:
                try:
                    return "ok", await call
                except grpc.aio.AioRpcError as error:
                    if error.code() == grpc.StatusCode.UNAVAILABLE:
                        return "-", None
                    raise

            async def one(namespace: str, pool: str) -> list[str]:
                out = []
                key = f"{namespace}/{pool}"
                ref = pb2.ScaledObjectRef(name="so", namespace=namespace, scalerMetadata={"pool": key})
                state, reply = await value(stub.IsActive(ref, timeout=10))
                out.append(f"P {namespace} {pool} {'-' if state == '-' else int(reply.result)}")
                for raw, kebab in METRICS:
                    mref = pb2.ScaledObjectRef(name="so", namespace=namespace,
                                               scalerMetadata={"pool": key, "metric": raw})
                    state, reply = await value(stub.GetMetrics(pb2.GetMetricsRequest(scaledObjectRef=mref),
                                                               timeout=10))
                    number = "-" if state == "-" else repr(reply.metricValues[0].metricValueFloat)
                    spec = await stub.GetMetricSpec(mref, timeout=10)
                    out.append(f"M {namespace} {pool} {raw} {kebab} {number} "
                               f"{spec.metricSpecs[0].targetSizeFloat!r}")
                return out

            for start in range(0, len(pools), 100):
                for chunk in await asyncio.gather(*(one(*p) for p in pools[start:start + 100])):
                    lines.extend(chunk)
        return lines

    return "\n".join(asyncio.run(run())) + "\n"


# --------------------------------------------------------------------------- #
# Load runs
# --------------------------------------------------------------------------- #

def run_h2load(address: str, body: Path, connections: int, streams: int, seconds: float,
               log: Path | None) -> dict:
    host, port = address.rsplit(":", 1)
    args = ["h2load", "-c", str(connections), "-m", str(streams), "-t", "1", "-D", f"{int(seconds * 1000)}ms",
            "-d", str(body), "-H", "content-type: application/grpc", "-H", "te: trailers"]
    if log is not None:
        args += ["--log-file", str(log)]
    args.append(f"http://{host}:{port}/externalscaler.ExternalScaler/GetMetrics")
    out = subprocess.run(pinned(LOAD_CORE, args), capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored",
                      out.stdout)
    if not match:
        sys.exit(f"h2load output not understood:\n{out.stdout}\n{out.stderr}")
    succeeded, failed = int(match.group(4)), int(match.group(5)) + int(match.group(6))
    result = {"calls": succeeded, "errors": failed, "seconds": seconds}
    if log is not None:
        elapsed = []
        with log.open() as lines:
            for line in lines:
                parts = line.split("\t")
                if len(parts) >= 3 and parts[1] == "200":
                    elapsed.append(int(parts[2]))
        log.unlink()
        elapsed.sort()
        result["p50_us"] = elapsed[len(elapsed) // 2] if elapsed else 0
        result["p99_us"] = elapsed[min(len(elapsed) - 1, int(len(elapsed) * 0.99))] if elapsed else 0
    return result


def run_client(tools: Path, address: str, request: Path, connections: int, streams: int, seconds: float) -> dict:
    args = [str(tools / "load_client"), "unary", "--target", address, "--connections", str(connections),
            "--streams", str(streams), "--seconds", str(seconds), "--request", str(request)]
    out = subprocess.run(pinned(LOAD_CORE, args), capture_output=True, text=True, timeout=seconds + 60)
    if out.returncode != 0:
        sys.exit(f"load_client failed: {out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(server: Server, tool: str, load: tuple[int, int], settings: dict, files: dict, tools: Path,
            work: Path, sample_memory: bool) -> dict:
    connections, streams = load

    def run(seconds: float, measured: bool) -> dict:
        if tool == "h2load":
            return run_h2load(server.address, files["body"], connections, streams, seconds,
                              work / "h2load.log" if measured else None)
        return run_client(tools, server.address, files["request"], connections, streams, seconds)

    run(settings["warmup"], False)
    sampled: dict = {}
    timer = None
    if sample_memory:
        timer = threading.Timer(settings["seconds"] / 2, lambda: sampled.update(memory(server.pid)))
    cpu_before = cpu_seconds(server.pid)
    if timer:
        timer.start()
    result = run(settings["seconds"], True)
    cpu = cpu_seconds(server.pid) - cpu_before
    if timer:
        timer.join()
    result["throughput"] = round(result["calls"] / result["seconds"], 1)
    result["cpu_us_per_call"] = round(cpu / result["calls"] * 1e6, 3) if result["calls"] else None
    # The share of its core the server used: below ~0.9 under load, it waited rather than worked.
    result["server_core_share"] = round(cpu / result["seconds"], 3)
    if sampled:
        result["memory_under_load"] = sampled
    return result


# --------------------------------------------------------------------------- #
# Extras
# --------------------------------------------------------------------------- #

def cold_start(args_for_port, runs: int) -> dict:
    """Spawn to the first SERVING answer of grpc.health.v1 Check, polled every millisecond."""
    import grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    times = []
    for _ in range(runs):
        port = free_port()
        start = time.monotonic()
        proc = subprocess.Popen(pinned(SERVER_CORE, args_for_port(port)), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            elapsed = None
            while time.monotonic() - start < 30:
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        pass
                except OSError:
                    time.sleep(0.001)
                    continue
                with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
                    stub = health_pb2_grpc.HealthStub(channel)
                    while time.monotonic() - start < 30:
                        try:
                            reply = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=2)
                            if reply.status == health_pb2.HealthCheckResponse.SERVING:
                                elapsed = time.monotonic() - start
                                break
                        except grpc.RpcError:
                            pass
                        time.sleep(0.001)
                break
            if elapsed is None:
                sys.exit("cold start: no SERVING within 30 s")
            times.append(elapsed * 1000)
        finally:
            proc.terminate()
            proc.wait(timeout=15)
    return {"runs_ms": [round(t, 1) for t in times], "median_ms": round(median(times), 1)}


def stream_fanout(binary: Path, tools: Path, work: Path, pools: list[str], streams: int, connections: int,
                  pb2, runpod: str) -> dict:
    """`streams` StreamIsActive calls spread over the pools, then one demand change."""
    demand = work / "streams-demand.json"
    write_demand(demand, 0)
    port = free_port()
    config = project_config(work, "streams", pools, port, demand=demand, runpod=runpod)
    server = start_project(binary, config, work, "project (streams)")
    try:
        time.sleep(0.5)
        idle = memory(server.pid)
        # One request per pool, cycled: records of a 4-byte length and a ScaledObjectRef.
        records = b""
        for pool in pools:
            ref = pb2.ScaledObjectRef(name="so", namespace=NAMESPACE, scalerMetadata={"pool": pool}).SerializeToString()
            records += len(ref).to_bytes(4, "big") + ref
        request = work / "stream-requests.bin"
        request.write_bytes(records)
        client = subprocess.Popen(
            pinned(LOAD_CORE, [str(tools / "load_client"), "streams", "--target", server.address, "--connections",
                               str(connections), "--streams", str(streams), "--request", str(request),
                               "--timeout", "60"]),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = client.stdout.readline().split()
        if len(ready) < 3 or ready[0] != "ready":
            client.kill()
            sys.exit(f"stream client: {ready} {client.stderr.read()}")
        opened, first = int(ready[1]), int(ready[2])
        time.sleep(0.5)
        with_streams = memory(server.pid)
        client.stdin.write("go\n")
        client.stdin.flush()
        write_demand(demand, 10 * JOBS_PER_WORKER * 20)
        changed_line = client.stdout.readline().split()
        client.wait(timeout=30)
        changed, millis = int(changed_line[1]), float(changed_line[2])
        return {
            "streams": streams, "connections": connections, "pools": len(pools), "opened": opened,
            "first_value": bool(first), "changed": changed, "fanout_ms": millis,
            "memory_idle": idle, "memory_with_streams": with_streams,
            "private_bytes_per_stream": round((with_streams["rss_anon_kib"] - idle["rss_anon_kib"]) * 1024 / max(1, opened)),
        }
    finally:
        server.stop()


class Emulator:
    """`runpod-autoscaler emulator` as its own process on the load core (as RunPod is elsewhere):
    the project is measured without an in-process emulator."""

    def __init__(self, binary: Path, work: Path, capacity: int):
        port = free_port()
        config = work / f"emulator-{port}.yaml"
        config.write_text("provisioningSeconds: 0\nstartingSeconds: 0\n"
                          f"capacity:\n  \"NVIDIA L40S\": {{SECURE: {capacity}, COMMUNITY: 0}}\n")
        self.base = f"http://127.0.0.1:{port}"
        self.server = Server("emulator", [str(binary), "emulator", "--listen", f"127.0.0.1:{port}", "--config",
                                          str(config), "--log-level", "warning"], port, work, core=LOAD_CORE)
        deadline = time.monotonic() + 30
        while True:
            try:
                self.pods()
                return
            except OSError:
                if time.monotonic() > deadline or self.server.proc.poll() is not None:
                    sys.exit(f"the emulator did not start:\n{''.join(self.server.log[-20:])}")
                time.sleep(0.05)

    def pods(self) -> list:
        state = json.loads(urllib.request.urlopen(self.base + "/v2/pods", timeout=10).read())
        return state if isinstance(state, list) else state["pods"]

    def create(self, name: str) -> None:
        body = json.dumps({"name": name, "image": "bench", "gpu": {"id": "NVIDIA L40S", "count": 1}}).encode()
        request = urllib.request.Request(self.base + "/v2/pods", data=body, method="POST",
                                         headers={"content-type": "application/json"})
        urllib.request.urlopen(request, timeout=10).read()

    def stop(self) -> None:
        self.server.stop()


def reconciler_cpu(binary: Path, work: Path, pods: int, seconds: float, idle_seconds: float) -> dict:
    """CPU of the whole serve process per reconcile pass in a steady state over `pods` pods in an
    emulator process: 10 pools of pods/10, created beforehand with the pools' pod names, demand
    above the pools' caps, so every pass lists every pod and has nothing to do. First the same
    setup with a pass an hour gives the process's idle CPU rate, which the net figure leaves out."""
    pools = [f"r{i:02d}" for i in range(10)]
    per_pool = pods // len(pools)
    emulator = Emulator(binary, work, pods * 2)
    server = None
    try:
        for pool in pools:
            for i in range(per_pool):
                emulator.create(f"rpa-{NAMESPACE}-{pool}-{i:08d}")
        demand = work / f"reconcile-{pods}.json"
        write_demand(demand, pods * JOBS_PER_WORKER * 10)
        figures: dict = {}
        for interval in (3600, 1):
            port = free_port()
            config = project_config(work, f"reconcile-{pods}-{interval}", pools, port, demand=demand,
                                    runpod=emulator.base, reconcile_seconds=interval, max_replicas=per_pool)
            metrics_port = int(re.search(r"http: \{listen: 127\.0\.0\.1:(\d+)", config.read_text()).group(1))
            server = start_project(binary, config, work, f"project (reconcile {pods})")

            def passes() -> int:
                # /metrics may come up a moment after gRPC reports SERVING.
                for attempt in range(100):
                    try:
                        text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics",
                                                      timeout=5).read().decode()
                        break
                    except OSError:
                        if attempt == 99:
                            raise
                        time.sleep(0.1)
                match = re.search(r"^runpod_autoscaler_reconcile_duration_seconds_count(?:\{[^}]*\})? (\d+)",
                                  text, re.M)
                return int(match.group(1)) if match else 0

            # Steady state: the first pass (at start) done, then a few more when passes are 1 s apart.
            deadline = time.monotonic() + 30
            while passes() < (1 if interval > 1 else 3) and time.monotonic() < deadline:
                time.sleep(0.2)
            window = idle_seconds if interval > 1 else seconds
            before_passes, before_cpu = passes(), (cpu_seconds(server.pid), thread_cpu_ns(server.pid))
            time.sleep(window)
            after_passes, after_cpu = passes(), (cpu_seconds(server.pid), thread_cpu_ns(server.pid))
            figures[interval] = (after_passes - before_passes, window_cpu_ms(server.pid, before_cpu, after_cpu),
                                 window)
            server.stop()
            server = None
        idle_passes, idle_ms, idle_window = figures[3600]
        done, cpu_ms, window = figures[1]
        idle_rate = idle_ms / idle_window
        return {"pods": pods, "pods_listed": len(emulator.pods()), "passes": done, "seconds": window,
                "cpu_ms": round(cpu_ms, 1),
                "cpu_ms_per_pass": round(cpu_ms / done, 3) if done else None,
                "idle_cpu_ms_per_second": round(idle_rate, 3),
                "net_cpu_ms_per_pass": round(max(0.0, (cpu_ms - idle_rate * window) / done), 3) if done else None}
    finally:
        if server:
            server.stop()
        emulator.stop()


# --------------------------------------------------------------------------- #
# Main
# --------------------------------------------------------------------------- #

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", type=Path, default=REPO / ".build-static/release/runpod-autoscaler")
    parser.add_argument("--tools", type=Path, default=REPO / ".build-bench")
    parser.add_argument("--out", type=Path, help="default: bench/results/latest.json; with --quick, "
                                                 ".build-bench/latest-quick.json (the committed result stays)")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK") == "1")
    args = parser.parse_args()
    binary, tools = args.binary.resolve(), args.tools.resolve()
    for needed in (binary, tools / "reference_server", tools / "load_client"):
        if not needed.exists():
            sys.exit(f"{needed} is missing (make bench builds it)")
    if not shutil.which("h2load"):
        sys.exit("h2load is missing (apt-get install nghttp2-client)")

    quick = args.quick
    if args.out is None:
        args.out = REPO / (".build-bench/latest-quick.json" if quick else "bench/results/latest.json")
    settings = {
        # Three rounds: the median of two is their mean, so one disturbed 10 s run moved a p99 cell by 30%.
        "rounds": 1 if quick else 3, "warmup": 0.3 if quick else 2.0, "seconds": 1.0 if quick else 10.0,
        "loads": [(1, 1), (8, 64)] if quick else [(1, 1), (4, 16), (8, 64)],
        "pools": 100 if quick else 1000, "streams": 200 if quick else 10000,
        "stream_connections": 4 if quick else 100, "cold_start_runs": 2 if quick else 5,
        # Long windows: when libdispatch's threads come and go, the CPU is read in 10 ms ticks (up to 20 ms
        # off per window), which over 10 s made the per-pass figure wander by a millisecond.
        "reconcile_pods": [20, 100] if quick else [100, 1000], "reconcile_seconds": 2.0 if quick else 30.0,
        "idle_seconds": 1.0 if quick else 15.0,
    }
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="rpa-bench-"))
    pb2, pb2_grpc = stubs(work)
    pools = pool_names(settings["pools"])
    demand = work / "demand.json"
    write_demand(demand, 0)

    target_pool = pools[len(pools) // 2]
    ref = pb2.ScaledObjectRef(name="so", namespace=NAMESPACE,
                              scalerMetadata={"scalerAddress": "runpod-autoscaler.platform:9090", "pool": target_pool})
    request = pb2.GetMetricsRequest(scaledObjectRef=ref, metricName=f"runpod-{NAMESPACE}-{target_pool}-burst")
    files = {"request": work / "request.bin", "body": work / "body.bin"}
    files["request"].write_bytes(request.SerializeToString())
    files["body"].write_bytes(grpc_frame(request.SerializeToString()))

    # The emulator's key: a real RUNPOD_API_KEY is never sent to it.
    os.environ["RUNPOD_API_KEY"] = "bench-emulator-key"
    phases: dict[str, float] = {}
    servers: dict[str, Server] = {}
    emulator = Emulator(binary, work, 64)
    try:
        servers["project"] = start_project(binary, project_config(work, "pools", pools, free_port(), demand=demand,
                                                                          runpod=emulator.base),
                                           work, "project")
        servers["project_1pool"] = start_project(
            binary, project_config(work, "one", [target_pool], free_port(), demand=demand, runpod=emulator.base),
            work, "project (1 pool)")
        time.sleep(0.5)
        idle = {"project": memory(servers["project"].pid)}
        table = work / "table.txt"
        table.write_text(fetch_table(servers["project"].address, [(NAMESPACE, p) for p in pools], pb2, pb2_grpc))
        servers["cpp"] = start_reference(tools, table, work, "c++ reference")
        time.sleep(0.5)
        idle["cpp"] = memory(servers["cpp"].pid)
        preflight(servers, files["request"].read_bytes())
        phases["start"] = round(time.monotonic() - started, 1)

        runs: list[dict] = []
        tools_used = ["h2load", "grpc-client"]
        for round_index in range(settings["rounds"]):
            for load in settings["loads"]:
                for tool in tools_used:
                    order = ["project", "cpp"] if round_index % 2 == 0 else ["cpp", "project"]
                    if load == (4, 16) or (quick and load == settings["loads"][-1]):
                        if tool == "grpc-client":
                            order.append("project_1pool")
                    for name in order:
                        result = measure(servers[name], tool, load, settings, files, tools, work,
                                         sample_memory=load == settings["loads"][-1])
                        result.update({"round": round_index, "server": name, "tool": tool,
                                       "load": f"{load[0]}x{load[1]}"})
                        runs.append(result)
                        print(f"  round {round_index + 1} {result['load']:>5} {tool:<11} {name:<13} "
                              f"{result['throughput']:>10.0f}/s p50 {result['p50_us']:>6} us "
                              f"p99 {result['p99_us']:>6} us cpu {result['cpu_us_per_call']} us/call "
                              f"core {result['server_core_share']}",
                              flush=True)
        for server in servers.values():
            if server.proc.poll() is not None:
                sys.exit(f"{server.label} died during the runs:\n{''.join(server.log[-30:])}")

        # Medians per cell.
        cells: dict[str, dict] = {}
        for load in settings["loads"]:
            key = f"{load[0]}x{load[1]}"
            for tool in tools_used:
                for name in ("project", "cpp", "project_1pool"):
                    mine = [r for r in runs if r["load"] == key and r["tool"] == tool and r["server"] == name]
                    if not mine:
                        continue
                    cells.setdefault(key, {}).setdefault(tool, {})[name] = {
                        field: round(median([r[field] for r in mine if r[field] is not None]), 3)
                        for field in ("throughput", "p50_us", "p99_us", "cpu_us_per_call", "server_core_share")}
                    cells[key][tool][name]["errors"] = sum(r["errors"] for r in mine)
        last_load = f"{settings['loads'][-1][0]}x{settings['loads'][-1][1]}"
        under_load = {name: [r["memory_under_load"] for r in runs
                             if r["server"] == name and r["load"] == last_load and "memory_under_load" in r]
                      for name in ("project", "cpp")}
        memory_rows = {name: {"idle": idle[name],
                              "under_load": max(under_load[name], key=lambda m: m["rss_kib"]) if under_load[name] else {}}
                       for name in ("project", "cpp")}
        for server in servers.values():
            server.stop()

        phases["load_runs"] = round(time.monotonic() - started - sum(phases.values()), 1)
        print("extras: cold start, streams, reconciler ...", flush=True)
        one_table = work / "one-table.txt"
        one_table.write_text("".join(line + "\n" for line in table.read_text().splitlines()
                                     if line.split()[2] == target_pool))
        cold = {
            "project": cold_start(lambda port: project_cold_args(binary, work, target_pool, port, demand,
                                                                    emulator.base),
                                  settings["cold_start_runs"]),
            "cpp": cold_start(lambda port: [str(tools / "reference_server"), "--listen", f"127.0.0.1:{port}",
                                            "--table", str(one_table)], settings["cold_start_runs"]),
        }
        phases["cold_start"] = round(time.monotonic() - started - sum(phases.values()), 1)
        streams = stream_fanout(binary, tools, work, pools, settings["streams"], settings["stream_connections"], pb2,
                                emulator.base)
        reconcile = [reconciler_cpu(binary, work, pods, settings["reconcile_seconds"], settings["idle_seconds"])
                     for pods in settings["reconcile_pods"]]
        phases["extras"] = round(time.monotonic() - started - sum(phases.values()), 1)
    finally:
        for server in servers.values():
            server.stop()
        emulator.stop()

    report = build_report(settings, cells, memory_rows, cold, streams, reconcile, runs, time.monotonic() - started)
    report["phase_seconds"] = phases
    report["wall_seconds"] = round(time.monotonic() - started, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print_report(report)
    print(f"raw figures: {args.out}")
    shutil.rmtree(work, ignore_errors=True)


def preflight(servers: dict[str, Server], request: bytes) -> None:
    """h2load counts HTTP 200s: make sure the measured request is answered OK, and alike."""
    import grpc
    answers = {}
    for name, server in servers.items():
        with grpc.insecure_channel(server.address) as channel:
            call = channel.unary_unary("/externalscaler.ExternalScaler/GetMetrics",
                                       request_serializer=lambda b: b, response_deserializer=lambda b: b)
            answers[name] = call(request, timeout=10)
    if len(set(answers.values())) != 1:
        sys.exit(f"the servers answer the measured request differently: {answers}")


def project_cold_args(binary: Path, work: Path, pool: str, port: int, demand: Path, runpod: str) -> list[str]:
    config = project_config(work, f"cold-{port}", [pool], port, demand=demand, runpod=runpod)
    return [str(binary), "serve", "--config", str(config)]


def machine() -> dict:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return {"nproc": os.cpu_count(), "cpu_model": model, "kernel": platform.release(),
            "date_utc": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


def build_report(settings, cells, memory_rows, cold, streams, reconcile, runs, wall) -> dict:
    ratios: dict[str, dict] = {}
    for load, by_tool in cells.items():
        for tool, by_server in by_tool.items():
            project, cpp = by_server["project"], by_server["cpp"]
            ratios.setdefault(load, {})[tool] = {
                field: ratio(project[field], cpp[field]) for field in ("throughput", "p50_us", "p99_us", "cpu_us_per_call")}
    mem_ratio = {
        state: {field: ratio(memory_rows["project"][state].get(field, 0), memory_rows["cpp"][state].get(field, 0))
                for field in ("rss_kib", "rss_anon_kib", "private_dirty_kib", "rss_peak_kib")}
        for state in ("idle", "under_load")}
    pools_1000_vs_1 = {}
    for load, by_tool in cells.items():
        for tool, by_server in by_tool.items():
            if "project_1pool" in by_server:
                pools_1000_vs_1 = {"load": load, "tool": tool,
                                   "throughput_pools": by_server["project"]["throughput"],
                                   "throughput_1pool": by_server["project_1pool"]["throughput"],
                                   "ratio": ratio(by_server["project"]["throughput"],
                                                  by_server["project_1pool"]["throughput"])}
    t = TARGETS
    checks = []
    for load in ("4x16", "8x64"):
        for tool in ("h2load", "grpc-client"):
            r = ratios.get(load, {}).get(tool)
            if r:
                checks.append((f"throughput {load} {tool} >= {t['throughput_ratio_min']}x C++", r["throughput"],
                               r["throughput"] is not None and r["throughput"] >= t["throughput_ratio_min"]))
    for load, by_tool in ratios.items():
        for tool, r in by_tool.items():
            checks.append((f"p99 {load} {tool} <= C++", r["p99_us"], r["p99_us"] is not None and r["p99_us"] <= 1.0))
            checks.append((f"CPU/call {load} {tool} <= C++", r["cpu_us_per_call"],
                           r["cpu_us_per_call"] is not None and r["cpu_us_per_call"] <= 1.0))
    for state in ("idle", "under_load"):
        value = mem_ratio[state]["rss_anon_kib"]
        checks.append((f"private memory {state} <= {t['private_memory_ratio_max']}x C++", value,
                       value is not None and value <= t["private_memory_ratio_max"]))
    rss_mib = max(memory_rows["project"]["idle"]["rss_kib"],
                  memory_rows["project"]["under_load"].get("rss_kib", 0)) / 1024
    checks.append((f"RSS <= {t['rss_mib_max']} MiB", round(rss_mib, 1), rss_mib <= t["rss_mib_max"]))
    checks.append((f"cold start <= {t['cold_start_ms_max']} ms", cold["project"]["median_ms"],
                   cold["project"]["median_ms"] <= t["cold_start_ms_max"]))
    fanout_ok = streams["changed"] == streams["opened"] == streams["streams"] and \
        streams["fanout_ms"] <= t["stream_fanout_ms_max"]
    checks.append((f"demand change reaches all {streams['streams']} streams <= {t['stream_fanout_ms_max']:.0f} ms",
                   streams["fanout_ms"], fanout_ok))
    if pools_1000_vs_1:
        checks.append((f"unary throughput {settings['pools']} pools >= {t['pools_1000_vs_1_min']} x 1 pool",
                       pools_1000_vs_1["ratio"], (pools_1000_vs_1["ratio"] or 0) >= t["pools_1000_vs_1_min"]))
    for item in reconcile:
        value = item.get("net_cpu_ms_per_pass")
        checks.append((f"reconciler CPU per pass at {item['pods']} pods <= {t['reconcile_cpu_ms_per_pass_max']} ms "
                       "(serve process less its idle rate)",
                       value, value is not None and value <= t["reconcile_cpu_ms_per_pass_max"]))
    return {
        "machine": machine(),
        "quick": settings["rounds"] == 1,
        "settings": {k: v for k, v in settings.items()},
        "method": "servers on core 0, load on core 1; per cell the median of interleaved rounds; "
                  "CPU/call = server utime+stime over the measured run / calls",
        "cells": cells,
        "ratios": ratios,
        "memory": memory_rows,
        "memory_ratios": mem_ratio,
        "cold_start": cold,
        "streams": streams,
        "pools_1000_vs_1": pools_1000_vs_1,
        "reconciler": reconcile,
        "targets": TARGETS,
        "checks": [{"check": name, "value": value, "pass": bool(ok)} for name, value, ok in checks],
        "runs": runs,
        "wall_seconds": round(wall, 1),
    }


def print_report(report: dict) -> None:
    m = report["machine"]
    print()
    print(f"runpod-autoscaler / C++ grpc++ async reference ({m['nproc']} cores, {m['cpu_model']}, {m['date_utc']})")
    print("ratios project/C++ (throughput: higher is better; latency and CPU: lower is better)")
    header = f"{'load':>5} {'tool':<11} | {'throughput':>10} {'p50':>6} {'p99':>6} {'CPU/call':>8} | " \
             f"{'project/s':>9} {'C++/s':>9} {'proj us/call':>12} {'C++ us/call':>11} {'core used':>11}"
    print(header)
    print("-" * len(header))
    for load, by_tool in report["ratios"].items():
        for tool, r in by_tool.items():
            cell = report["cells"][load][tool]

            def fmt(value):
                return f"{value:.2f}" if value is not None else "n/a"

            print(f"{load:>5} {tool:<11} | {fmt(r['throughput']):>10} {fmt(r['p50_us']):>6} {fmt(r['p99_us']):>6} "
                  f"{fmt(r['cpu_us_per_call']):>8} | {cell['project']['throughput']:>9.0f} "
                  f"{cell['cpp']['throughput']:>9.0f} {cell['project']['cpu_us_per_call']:>12.2f} "
                  f"{cell['cpp']['cpu_us_per_call']:>11.2f} "
                  f"{cell['project']['server_core_share']:>5.2f}/{cell['cpp']['server_core_share']:<5.2f}")
    print()
    print(f"{'memory (MiB)':<34} {'project':>8} {'C++':>8} {'ratio':>6}")
    for state in ("idle", "under_load"):
        for field, label in (("rss_kib", "RSS"), ("rss_anon_kib", "private (RssAnon)"),
                             ("private_dirty_kib", "Private_Dirty"), ("rss_peak_kib", "peak RSS (VmHWM)")):
            p = report["memory"]["project"][state].get(field, 0) / 1024
            c = report["memory"]["cpp"][state].get(field, 0) / 1024
            r = report["memory_ratios"][state][field]
            print(f"{state + ' ' + label:<34} {p:>8.1f} {c:>8.1f} {r if r is not None else 'n/a':>6}")
    print("(private in the targets: RssAnon; the RSS target is VmRSS, the peak is shown as well)")
    s = report["streams"]
    print()
    print(f"cold start to SERVING (median): project {report['cold_start']['project']['median_ms']} ms, "
          f"C++ {report['cold_start']['cpp']['median_ms']} ms")
    print(f"{s['streams']} StreamIsActive streams over {s['connections']} connections, {s['pools']} pools: "
          f"RSS {s['memory_with_streams']['rss_kib'] / 1024:.1f} MiB (idle {s['memory_idle']['rss_kib'] / 1024:.1f}), "
          f"{s['private_bytes_per_stream']} private bytes a stream; one demand change reached "
          f"{s['changed']}/{s['opened']} in {s['fanout_ms']:.0f} ms")
    p = report["pools_1000_vs_1"]
    if p:
        print(f"unary {p['load']} {p['tool']}: {report['settings']['pools']} pools {p['throughput_pools']:.0f}/s, "
              f"1 pool {p['throughput_1pool']:.0f}/s, ratio {p['ratio']}")
    for item in report["reconciler"]:
        print(f"reconciler: {item['pods']} pods ({item['pods_listed']} listed), {item['passes']} passes: "
              f"{item['cpu_ms_per_pass']} ms CPU a pass for the whole process, "
              f"{item.get('net_cpu_ms_per_pass')} ms less its idle {item.get('idle_cpu_ms_per_second')} ms/s")
    print()
    print("targets")
    for check in report["checks"]:
        print(f"  {'PASS' if check['pass'] else 'MISS'}  {check['check']}: {check['value']}")
    print(f"wall time {report['wall_seconds']} s ({report.get('phase_seconds')})")


if __name__ == "__main__":
    main()
