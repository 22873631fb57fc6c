#!/usr/bin/env python3
"""Writes the protobuf seeds of Fuzz/corpus/FuzzKEDARequest: requests as KEDA sends them, plus edge cases.

The text corpora (config, RunPod, Kubernetes, Prometheus) are committed files; these are bytes, so they are
written here. Encoded by hand (proto3 wire format) so the script needs nothing but Python.
"""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "Fuzz" / "corpus" / "FuzzKEDARequest"


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    """A length-delimited field (strings, maps, messages)."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def ref(name: str = "burst-scaler", namespace: str = "media", **metadata: str) -> bytes:
    """An externalscaler.ScaledObjectRef; metadata keys as KEDA passes them."""
    out = field(1, name.encode()) + field(2, namespace.encode())
    for key, value in metadata.items():
        out += field(3, field(1, key.encode()) + field(2, value.encode()))
    return out


def metrics(scaled: bytes, metric_name: str) -> bytes:
    """An externalscaler.GetMetricsRequest."""
    return field(1, scaled) + field(2, metric_name.encode())


SEEDS = {
    "ref-pool": ref(pool="burst"),
    "ref-namespaced-pool": ref(namespace="keda", pool="media/burst"),
    "ref-keda-trigger": ref(scalerAddress="runpod-autoscaler.platform.svc.cluster.local:9090", pool="burst",
                            metric="burst", targetValue="1"),
    "ref-queue-depth-target": ref(pool="burst", metric="queueDepth", targetValue="25"),
    "ref-kebab-metric": ref(pool="media/burst", metric="local-available"),
    "ref-fractional-target": ref(pool="burst", metric="wanted", targetValue=" 0.5 "),
    "ref-unknown-pool": ref(pool="other"),
    "ref-other-namespace": ref(namespace="batch", pool="encode", metric="runpodHeadroom"),
    "ref-bad-metric": ref(pool="burst", metric="gpus"),
    "ref-bad-target": ref(pool="burst", targetValue="-1"),
    "ref-bad-pool": ref(pool="Media/Burst/x"),
    "ref-no-pool": ref(metric="burst"),
    "empty": b"",
    "ref-unknown-field": ref(pool="burst") + varint(15 << 3) + varint(7),
    "ref-truncated": ref(pool="burst")[:-3],
    "metrics-burst": metrics(ref(pool="burst"), "runpod-media-burst-burst"),
    "metrics-queue-depth": metrics(ref(pool="media/burst", metric="queueDepth"), "runpod-media-burst-queuedepth"),
    "metrics-no-ref": field(2, b"runpod-media-burst-burst"),
    "metrics-unknown-pool": metrics(ref(pool="nope"), "runpod-media-nope-burst"),
    # Inputs that crashed a target once (see docs/FUZZING.md).
    "crash-target-value-beyond-int64": ref(pool="burst", targetValue="1e30"),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, data in SEEDS.items():
        (OUT / name).write_bytes(data)
    print(f"wrote {len(SEEDS)} seeds to {OUT}")


if __name__ == "__main__":
    main()
