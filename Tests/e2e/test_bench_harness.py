"""The `make bench` harness (bench/): the C++ reference server answers exactly what
runpod-autoscaler answers, the harness runs end to end in its BENCH_QUICK mode, and the
load client's per-call latency file (for looking into a tail) agrees with what it printed.

The C++ tools are built at -O1 into .build-bench/quick (Debian's libgrpc++-dev and
protobuf-compiler-grpc, installed by `make deps`). Nothing here asserts speed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import grpc
import pytest

from support import BINARY, REPO, built_binary

sys.path.insert(0, str(REPO / "bench"))
import bench  # noqa: E402
import latency_tail  # noqa: E402

TOOLS = REPO / ".build-bench" / "quick"


@pytest.fixture(scope="module")
def tools() -> Path:
    started = time.monotonic()
    build = subprocess.run([str(REPO / "bench/reference-server/build.sh"), str(TOOLS)],
                           env={**os.environ, "OPT": "-O1"}, capture_output=True, text=True, timeout=600)
    assert build.returncode == 0, f"building the C++ tools failed:\n{build.stdout}\n{build.stderr}"
    print(f"C++ tools built in {time.monotonic() - started:.1f} s")
    return TOOLS


# Pools of different sizing (so their values differ) in two namespaces, one name in both.
POOLS = [("media", "burst", 10), ("media", "batch", 3), ("video", "burst", 25), ("video", "encode", 1)]


def equality_config(work: Path, port: int, demand: Path) -> Path:
    lines = [
        f"grpc: {{listen: 127.0.0.1:{port}}}",
        f"http: {{listen: 127.0.0.1:{bench.free_port()}}}",
        f"runpod: {{endpoint: emulator, emulator: {{listen: 127.0.0.1:{bench.free_port()}}}, reconcileSeconds: 3600}}",
        f"demand: {{source: file, pollSeconds: 30, staleAfterSeconds: 86400, file: {{path: {demand}}}}}",
        "local: {source: static, static: {gpus: 2, usedByOthers: 0}}",
        "log: {level: warning}",
        "pools:",
    ]
    for namespace, name, jobs in POOLS:
        lines.append(f"  - {{name: {name}, namespace: {namespace}, maxReplicas: 7, template: {{image: bench}}, "
                     f"scaling: {{jobsPerWorker: {jobs}, activationQueueDepth: 5}}}}")
    path = work / "equality.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def raw_call(channel, method: str, request: bytes) -> tuple[str, bytes]:
    """(status code name, response bytes) with no decoding in between."""
    call = channel.unary_unary(f"/externalscaler.ExternalScaler/{method}",
                               request_serializer=lambda b: b, response_deserializer=lambda b: b)
    try:
        return "OK", call(request, timeout=10)
    except grpc.RpcError as error:
        return error.code().name, b""


@contextmanager
def project_and_reference(tools: Path, es, work: Path, pools: list[tuple[str, str]]):
    """The project over POOLS and the C++ reference server over the project's answers for `pools`:
    (project, reference, the table the reference serves)."""
    built_binary()
    demand = work / "demand.json"
    bench.write_demand(demand, 37)
    project = bench.start_project(BINARY, equality_config(work, bench.free_port(), demand), work, "project")
    reference = None
    try:
        table = work / "table.txt"
        table.write_text(bench.fetch_table(project.address, pools, es.pb2, es.grpc))
        reference = bench.start_reference(tools, table, work, "c++ reference")
        yield project, reference, table
    finally:
        project.stop()
        if reference:
            reference.stop()


def test_reference_server_answers_the_same_bytes(tools, es, tmp_path):
    pools = [(ns, name) for ns, name, _ in POOLS]
    with project_and_reference(tools, es, tmp_path, pools) as (project, reference, table):
        pb2 = es.pb2
        requests: list[tuple[str, bytes]] = []
        for namespace, name, _ in POOLS:
            keys = [{"pool": f"{namespace}/{name}"}, {"pool": name}, {"pool": f" {namespace}/{name} "}]
            for metadata in keys:
                ref = pb2.ScaledObjectRef(name="so", namespace=namespace,
                                          scalerMetadata={"scalerAddress": "x:9090", **metadata})
                requests += [("IsActive", ref.SerializeToString()), ("GetMetricSpec", ref.SerializeToString()),
                             ("GetMetrics", pb2.GetMetricsRequest(scaledObjectRef=ref, metricName="m")
                              .SerializeToString())]
            for raw, kebab in bench.METRICS:
                for metric in (raw, kebab):
                    ref = pb2.ScaledObjectRef(name="so", namespace="elsewhere",
                                              scalerMetadata={"pool": f"{namespace}/{name}", "metric": metric})
                    requests += [("GetMetricSpec", ref.SerializeToString()),
                                 ("GetMetrics", pb2.GetMetricsRequest(scaledObjectRef=ref).SerializeToString())]
                ref = pb2.ScaledObjectRef(name="so", namespace=namespace,
                                          scalerMetadata={"pool": name, "metric": raw, "targetValue": "2.5"})
                requests.append(("GetMetricSpec", ref.SerializeToString()))
        # Unique by name from another namespace; ambiguous; unknown; malformed; missing.
        for metadata, namespace in (({"pool": "batch"}, "other"), ({"pool": "burst"}, "other"),
                                    ({"pool": "nope"}, "media"), ({"pool": "Bad/Name"}, "media"),
                                    ({}, "media"), ({"pool": "burst", "metric": "nope"}, "media"),
                                    ({"pool": "burst", "targetValue": "-1"}, "media")):
            ref = pb2.ScaledObjectRef(name="so", namespace=namespace, scalerMetadata=metadata)
            requests += [("IsActive", ref.SerializeToString()),
                         ("GetMetrics", pb2.GetMetricsRequest(scaledObjectRef=ref).SerializeToString())]
        requests.append(("GetMetrics", pb2.GetMetricsRequest(metricName="m").SerializeToString()))

        with grpc.insecure_channel(project.address) as p, grpc.insecure_channel(reference.address) as c:
            answered = 0
            for method, request in requests:
                mine, theirs = raw_call(p, method, request), raw_call(c, method, request)
                assert mine == theirs, f"{method} {request!r}: project {mine}, C++ {theirs}"
                answered += mine[0] == "OK"
        # Most requests succeed, and the successful answers are not all alike.
        assert answered >= len(requests) * 0.8
        values = {line.split()[5] for line in table.read_text().splitlines() if line.startswith("M ")}
        assert len(values) > 2, values


def test_quick_bench_runs_end_to_end_and_writes_every_field(tools, tmp_path):
    built_binary()
    out = tmp_path / "latest.json"
    started = time.monotonic()
    run = subprocess.run([sys.executable, str(REPO / "bench/bench.py"), "--binary", str(BINARY), "--tools",
                          str(tools), "--out", str(out)], env={**os.environ, "BENCH_QUICK": "1"},
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"bench.py failed:\n{run.stdout[-4000:]}\n{run.stderr[-4000:]}"
    print(f"quick bench: {time.monotonic() - started:.1f} s")
    assert "ratios project/C++" in run.stdout and "targets" in run.stdout
    report = json.loads(out.read_text())
    assert report["quick"] is True
    assert report["machine"]["nproc"] >= 1 and report["machine"]["date_utc"]
    for load in ("1x1", "8x64"):
        for tool in ("h2load", "grpc-client"):
            ratios = report["ratios"][load][tool]
            for field in ("throughput", "p50_us", "p99_us", "cpu_us_per_call"):
                assert isinstance(ratios[field], float) and ratios[field] > 0, (load, tool, field, ratios)
            for server in ("project", "cpp"):
                cell = report["cells"][load][tool][server]
                assert cell["throughput"] > 0 and cell["errors"] == 0, (load, tool, server, cell)
                assert cell["server_core_share"] > 0 and cell["p99_us"] >= cell["p50_us"] > 0, cell
    for server in ("project", "cpp"):
        for state in ("idle", "under_load"):
            assert report["memory"][server][state]["rss_kib"] > 0
            assert report["memory"][server][state]["rss_anon_kib"] > 0
            assert report["memory"][server][state]["private_dirty_kib"] > 0
            assert report["memory"][server][state]["rss_peak_kib"] >= report["memory"][server][state]["rss_kib"]
    for server in ("project", "cpp"):
        assert report["cold_start"][server]["median_ms"] > 0
    streams = report["streams"]
    assert streams["opened"] == streams["streams"] == streams["changed"] > 0
    assert streams["first_value"] is False and streams["fanout_ms"] > 0
    assert streams["memory_with_streams"]["rss_kib"] > 0
    assert report["pools_1000_vs_1"]["ratio"] > 0
    assert [r["pods"] for r in report["reconciler"]] == report["settings"]["reconcile_pods"]
    for item in report["reconciler"]:
        assert item["pods_listed"] == item["pods"] and item["passes"] > 0
        assert item["cpu_ms_per_pass"] >= 0 and item["net_cpu_ms_per_pass"] >= 0 and item["idle_cpu_ms_per_second"] >= 0
    assert report["checks"] and all(isinstance(c["pass"], bool) for c in report["checks"])


def test_load_client_writes_every_latency_and_the_tail_summary_agrees(tools, es, tmp_path):
    """`load_client unary --latencies` writes a line per answered call; latency_tail.py reads the
    same p50 and p99 from it as the client printed."""
    with project_and_reference(tools, es, tmp_path, [("media", "burst")]) as (_, reference, _):
        ref = es.pb2.ScaledObjectRef(name="so", namespace="media", scalerMetadata={"pool": "burst"})
        request = tmp_path / "request.bin"
        request.write_bytes(es.pb2.GetMetricsRequest(scaledObjectRef=ref, metricName="m").SerializeToString())
        latencies = tmp_path / "latencies.txt"
        run = subprocess.run([str(tools / "load_client"), "unary", "--target", reference.address, "--connections", "1",
                              "--streams", "2", "--seconds", "0.5", "--request", str(request),
                              "--latencies", str(latencies)], capture_output=True, text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        printed = json.loads(run.stdout.strip().splitlines()[-1])
        calls = latency_tail.read(latencies)
        assert printed["calls"] > 10 and printed["errors"] == 0
        assert len(calls) == printed["calls"]
        # Every call started within the 0.5 s run and took some time.
        assert all(0 <= start <= 600_000 and latency > 0 for start, latency in calls)
        summary = latency_tail.summary(calls)
        assert (summary["p50_us"], summary["p99_us"]) == (printed["p50_us"], printed["p99_us"])
        # Strictly above the p99: at most 1% of the calls.
        assert sum(summary["above_p99_by_second"].values()) <= len(calls) * 0.01 + 1
        assert summary["max_us"] >= summary["p999_us"] >= summary["p99_us"]

        unwritable = subprocess.run([str(tools / "load_client"), "unary", "--target", reference.address,
                                     "--seconds", "0.1", "--request", str(request),
                                     "--latencies", str(tmp_path / "missing" / "x.txt")],
                                    capture_output=True, text=True, timeout=60)
        assert unwritable.returncode == 2 and "cannot write" in unwritable.stderr
