#!/usr/bin/env python3
"""Smoke check of a running runpod-autoscaler, the way the platform's old smoke test did it:

1. gRPC health is SERVING (the server, and externalscaler.ExternalScaler);
2. GetMetricSpec answers for the pool;
3. /metrics is reachable and is the autoscaler's;
4. the RunPod API is reachable with the configured key (the replica lists pods with it:
   /readyz reports no RunPod problem and runpod_api_requests_total{op="list",code="200"} grows);
5. with --kubeconfig: the cluster has GPU nodes (`nvidia.com/gpu=true`), local or RunPod
   (`gpu-type=runpod`, attach), at least one Ready with allocatable `nvidia.com/gpu`.

Usage: smoke.py --grpc HOST:PORT --http HOST:PORT [--pool burst] [--namespace media]
                [--cacert ca.pem [--cert c.pem --key k.pem]] [--timeout 30]
                [--kubeconfig FILE [--context NAME]]
Prints one line per check and a closing `smoke: N passed, N failed`; exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

PROTO_DIR = Path(__file__).resolve().parents[1] / "proto"


def scaler_stubs():
    """Python stubs from the project's own externalscaler.proto."""
    from grpc_tools import protoc
    out = Path(tempfile.mkdtemp(prefix="rpa-smoke-"))
    if protoc.main(["protoc", f"-I{PROTO_DIR}", f"--python_out={out}", f"--grpc_python_out={out}",
                    str(PROTO_DIR / "externalscaler.proto")]) != 0:
        sys.exit("smoke: cannot compile proto/externalscaler.proto")
    sys.path.insert(0, str(out))
    import externalscaler_pb2
    import externalscaler_pb2_grpc
    return externalscaler_pb2, externalscaler_pb2_grpc


def channel(args) -> grpc.Channel:
    if not args.cacert:
        return grpc.insecure_channel(args.grpc)
    credentials = grpc.ssl_channel_credentials(
        root_certificates=Path(args.cacert).read_bytes(),
        private_key=Path(args.key).read_bytes() if args.key else None,
        certificate_chain=Path(args.cert).read_bytes() if args.cert else None)
    return grpc.secure_channel(args.grpc, credentials)


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def gpu_nodes(kubeconfig: str, context: str | None) -> str:
    """The cluster's GPU nodes (`nvidia.com/gpu=true`): local ones and RunPod ones (attach, `gpu-type=runpod`);
    passes when at least one is Ready with allocatable `nvidia.com/gpu`."""
    from kubernetes import client, config
    api = client.CoreV1Api(config.new_client_from_config(config_file=kubeconfig, context=context))
    counts = {"local": [0, 0], "runpod": [0, 0]}  # [nodes, Ready]
    gpus = 0
    for node in api.list_node(label_selector="nvidia.com/gpu=true", _request_timeout=10).items:
        kind = "runpod" if (node.metadata.labels or {}).get("gpu-type") == "runpod" else "local"
        ready = any(c.type == "Ready" and c.status == "True" for c in (node.status.conditions or []))
        counts[kind][0] += 1
        if ready:
            counts[kind][1] += 1
            gpus += int((node.status.allocatable or {}).get("nvidia.com/gpu", "0") or 0)
    summary = (f"{counts['local'][0]} local ({counts['local'][1]} Ready), "
               f"{counts['runpod'][0]} RunPod ({counts['runpod'][1]} Ready), {gpus} GPUs allocatable")
    if gpus == 0:
        raise AssertionError(f"no Ready GPU node: {summary}")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--grpc", required=True)
    parser.add_argument("--http", required=True)
    parser.add_argument("--pool", default="burst")
    parser.add_argument("--namespace", default="media")
    parser.add_argument("--cacert")
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--kubeconfig", help="also check the GPU nodes of this cluster")
    parser.add_argument("--context", help="kubeconfig context (default: its current one)")
    args = parser.parse_args()

    results: list[tuple[str, bool, str]] = []

    def check(name: str, fn) -> None:
        try:
            detail = fn()
            results.append((name, True, detail))
        except Exception as error:  # a failed check is reported, the next one still runs
            results.append((name, False, f"{type(error).__name__}: {error}"))
        ok, detail = results[-1][1], results[-1][2]
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)

    pb2, pb2_grpc = scaler_stubs()
    with channel(args) as ch:
        health = health_pb2_grpc.HealthStub(ch)

        def healthy():
            for service in ("", "externalscaler.ExternalScaler"):
                status = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=5).status
                if status != health_pb2.HealthCheckResponse.SERVING:
                    raise AssertionError(f"{service or 'server'} is {health_pb2.HealthCheckResponse.ServingStatus.Name(status)}")
            return "SERVING"
        check("grpc health", healthy)

        def metric_spec():
            ref = pb2.ScaledObjectRef(name="smoke", namespace=args.namespace, scalerMetadata={"pool": args.pool})
            specs = pb2_grpc.ExternalScalerStub(ch).GetMetricSpec(ref, timeout=5).metricSpecs
            if len(specs) != 1 or not re.fullmatch(r"[a-z0-9-]+", specs[0].metricName) or specs[0].targetSizeFloat <= 0:
                raise AssertionError(f"unexpected specs {list(specs)}")
            return f"{specs[0].metricName} target {specs[0].targetSizeFloat:g}"
        check("GetMetricSpec", metric_spec)

    def metrics():
        status, text = fetch(f"http://{args.http}/metrics")
        if status != 200 or "runpod_autoscaler_grpc_requests_total" not in text:
            raise AssertionError(f"HTTP {status}, {len(text)} bytes without runpod_autoscaler_ metrics")
        return f"HTTP 200, {text.count(chr(10))} lines"
    check("/metrics", metrics)

    def runpod():
        deadline = time.monotonic() + args.timeout
        while True:
            _, ready = fetch(f"http://{args.http}/readyz")
            problems = [line for line in ready.splitlines() if "RunPod" in line]
            _, text = fetch(f"http://{args.http}/metrics")
            lists = sum(float(v) for v in re.findall(
                r'^runpod_autoscaler_runpod_api_requests_total\{op="list",code="200"\} (\S+)$', text, re.M))
            if not problems and lists > 0:
                return f"{lists:g} successful pod lists with the configured key"
            if time.monotonic() >= deadline:
                raise AssertionError("; ".join(problems) or "no successful RunPod list yet")
            time.sleep(0.5)
    check("RunPod API", runpod)

    if args.kubeconfig:
        check("GPU nodes", lambda: gpu_nodes(args.kubeconfig, args.context))

    failed = sum(1 for _, ok, _ in results if not ok)
    print(f"smoke: {len(results) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
