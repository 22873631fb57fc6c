#!/usr/bin/env python3
"""Server CPU per GetMetrics call, the number DESIGN.md compares with a C++ grpc++ server
(about 17-20 us of CPU per call on this kind of machine).

It starts `runpod-autoscaler serve` on loopback, drives it with several grpcio client
processes (KEDA's call: GetMetrics with pool metadata), and divides the server process's
CPU time (utime + stime from /proc) by the calls answered. The client's own cost does not
count. Also reports throughput and the server's resident memory before and after.

Usage: grpc_cpu_per_call.py BINARY [--calls 40000] [--clients 4] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR") or REPO.parent / "shared")


def stubs(out: Path):
    from grpc_tools import protoc
    proto = SHARED / "reference" / "keda" / "externalscaler.proto"
    rc = protoc.main(["protoc", f"-I{proto.parent}", f"--python_out={out}", f"--grpc_python_out={out}", str(proto)])
    if rc:
        sys.exit(f"protoc failed on {proto}")
    sys.path.insert(0, str(out))


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    return int(re.search(r"VmRSS:\s+(\d+)", Path(f"/proc/{pid}/status").read_text()).group(1))


def client(address: str, calls: int, concurrency: int, stub_dir: str, results) -> None:
    sys.path.insert(0, stub_dir)
    import grpc
    import externalscaler_pb2 as pb2
    import externalscaler_pb2_grpc as pb2_grpc

    async def run():
        async with grpc.aio.insecure_channel(address) as channel:
            stub = pb2_grpc.ExternalScalerStub(channel)
            request = pb2.GetMetricsRequest(
                scaledObjectRef=pb2.ScaledObjectRef(name="so", namespace="media", scalerMetadata={"pool": "burst"}),
                metricName="runpod-media-burst-burst")
            remaining = calls

            async def worker():
                nonlocal remaining
                done = 0
                while remaining > 0:
                    remaining -= 1
                    await stub.GetMetrics(request, timeout=10)
                    done += 1
                return done

            counts = await asyncio.gather(*(worker() for _ in range(concurrency)))
            results.put(sum(counts))

    asyncio.run(run())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("binary")
    parser.add_argument("--calls", type=int, default=40000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rpa-bench-"))
    stubs(work)
    (work / "demand.json").write_text(json.dumps({"queueDepth": 95, "latencyP95Seconds": 3}))
    (work / "config.yaml").write_text(f"""
grpc: {{listen: 127.0.0.1:0}}
http: {{listen: 127.0.0.1:0}}
runpod: {{endpoint: emulator, emulator: {{listen: 127.0.0.1:0}}, reconcileSeconds: 60}}
demand: {{source: file, file: {{path: {work / 'demand.json'}}}}}
pools: [{{name: burst, namespace: media, template: {{image: bench}}}}]
log: {{level: warning}}
""")
    server = subprocess.Popen([args.binary, "serve", "--config", str(work / "config.yaml"), "--log-level", "info"],
                              stderr=subprocess.PIPE, text=True)
    address = None
    deadline = time.monotonic() + 30
    while address is None and time.monotonic() < deadline:
        line = server.stderr.readline()
        match = re.search(r"address=(\S+).*grpc server listening|grpc server listening.*address=(\S+)", line)
        if match:
            address = match.group(1) or match.group(2)
    if address is None:
        server.kill()
        sys.exit("serve did not start")
    try:
        # Warm up (connections, first snapshot, allocator), then measure.
        warm = multiprocessing.Queue()
        client(address, 2000, 8, str(work), warm)
        rss_before = rss_kib(server.pid)
        results = multiprocessing.Queue()
        per_client = args.calls // args.clients
        processes = [multiprocessing.Process(target=client, args=(address, per_client, args.concurrency, str(work), results))
                     for _ in range(args.clients)]
        cpu_start = cpu_seconds(server.pid)
        wall_start = time.monotonic()
        for p in processes:
            p.start()
        answered = sum(results.get(timeout=600) for _ in processes)
        for p in processes:
            p.join()
        wall = time.monotonic() - wall_start
        cpu = cpu_seconds(server.pid) - cpu_start
        rss_after = rss_kib(server.pid)
        print(json.dumps({
            "calls": answered,
            "server_cpu_us_per_call": round(cpu / answered * 1e6, 2),
            "calls_per_second": round(answered / wall),
            "server_rss_kib_before": rss_before,
            "server_rss_kib_after": rss_after,
            "reference_cpp_grpc_us_per_call": "17-20 (DESIGN.md)",
        }, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=15)


if __name__ == "__main__":
    main()
