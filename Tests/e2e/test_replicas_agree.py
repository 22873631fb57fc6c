"""Two replicas give KEDA the same answer: the issue's reproduction.

KEDA's client round-robins over every replica behind the headless Service, so an HPA
sees whatever each replica answers. Replica A starts first and leads; lag 95 on 3 free
local GPUs makes burst 7. Replica B starts later. A local GPU frees up while the queue is
still full: A holds 7 (no scale-down while work is queued) and B, which never saw the
peak, used to answer 6. Now B serves the decision A publishes in the RunPodPool status,
so both answer the same at every sample through the hold; when the queue empties both
go to 0 within one demand poll of each other, and B never called RunPod: the leader's
rate budget is the key's, and RunPod (60 calls a minute) never answers 429.
"""

from __future__ import annotations

import re
import time
import urllib.request

from kubernetes import client

from support import wait_for
from test_kubernetes_mode import GROUP, PLURAL, VERSION, cluster, gpu_pod, leader_gauge, node, replica  # noqa: F401
from test_prometheus_demand import POLL_SECONDS, prometheus  # noqa: F401  (the fixture)
from test_reconciler_e2e import Emulator

# RunPod's quota, enforced with RateLimit headers and 429s: 60 calls a minute.
EMULATOR_YAML = """
provisioningSeconds: 1
startingSeconds: 1
rateLimitPerMinute: 60
"""


def answers(scaler, es) -> tuple:
    stub = scaler.stub(es)
    ref = es.pb2.ScaledObjectRef(name="burst", namespace="media", scalerMetadata={"pool": "burst"})
    values = []
    for name, metric in (("burst", "burst"), ("wanted", "wanted"), ("runpodPods", "runpod-pods")):
        request = es.pb2.GetMetricsRequest(
            scaledObjectRef=es.pb2.ScaledObjectRef(name="burst", namespace="media",
                                                   scalerMetadata={"pool": "burst", "metric": name}),
            metricName=f"runpod-media-burst-{metric}")
        values.append(stub.GetMetrics(request, timeout=5).metricValues[0].metricValueFloat)
    values.append(stub.IsActive(ref, timeout=5).result)
    return tuple(values)


def runpod_calls(scaler) -> float:
    text = urllib.request.urlopen(f"http://{scaler.http_address()}/metrics", timeout=5).read().decode()
    return sum(float(m.group(1)) for m in re.finditer(r"^runpod_autoscaler_runpod_api_requests_total\{[^}]*\} (\S+)$",
                                                      text, re.M))


def test_two_replicas_started_apart_answer_the_same_through_a_hold(tmp_path, cluster, prometheus, es):
    api_server, kubeconfig, api = cluster
    prometheus_url, exporter = prometheus
    api_server.put_object(node("a100-1"))
    api_server.put_object(node("a100-2"))
    api_server.put_object(gpu_pod("train", "ml", "a100-1", "trainer"))
    custom = client.CustomObjectsApi(api)
    custom.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, {
        "apiVersion": f"{GROUP}/{VERSION}", "kind": "RunPodPool", "metadata": {"name": "burst"},
        "spec": {"maxReplicas": 20, "maxCostPerHour": 15.0, "replicas": 0,
                 "scaling": {"scaleDownIdleSeconds": 3},
                 "template": {"image": "ghcr.io/example/media-gpu-worker:1", "gpuTypeIds": ["NVIDIA L40S"]}}})
    emulator = Emulator(tmp_path, EMULATOR_YAML)
    a = b = None
    try:
        exporter.lag = 95
        a = replica(tmp_path, "replica-a", kubeconfig, emulator, prometheus_url)
        wait_for(lambda: leader_gauge(a) == 1.0, timeout=20, message="replica-a leads")
        # 4 local GPUs, 1 held by training: lag 95 -> wanted 10 -> burst 7.
        wait_for(lambda: answers(a, es)[0] == 7, timeout=15, message=lambda: f"burst 7 on A: {answers(a, es)}")
        custom.patch_namespaced_custom_object_scale(GROUP, VERSION, "media", PLURAL, "burst", {"spec": {"replicas": 7}})
        wait_for(lambda: len(emulator.live_pods()) == 7, timeout=20, message="7 pods")

        b = replica(tmp_path, "replica-b", kubeconfig, emulator, prometheus_url)
        wait_for(lambda: leader_gauge(b) == 0.0, timeout=20, message="replica-b follows")

        # A local GPU frees up with the queue still full: computed 6, held at 7 by A.
        client.CoreV1Api(api).delete_namespaced_pod("train", "ml")
        wait_for(lambda: answers(b, es)[0] == 7 and answers(a, es)[0] == 7, timeout=10,
                 message=lambda: f"A {answers(a, es)} B {answers(b, es)}")
        samples = []
        end = time.monotonic() + 6
        while time.monotonic() < end:
            samples.append((time.monotonic(), answers(a, es), answers(b, es)))
            time.sleep(0.2)
        assert len(samples) >= 15
        # What the HPA scales on (burst, wanted, IsActive) is the same at every sample: the hold.
        decisions = [(x[0], x[1], x[3], y[0], y[1], y[3]) for _, x, y in samples]
        assert all(d == (7, 10, True, 7, 10, True) for d in decisions), (
            f"{decisions}\nA:\n{a.output()[-4000:]}\nB:\n{b.output()[-3000:]}")
        # Every value is the same too, but for a moment after the local change: at most one demand poll.
        runs, start = [], None
        for t, x, y in samples:
            if x != y and start is None:
                start = t
            elif x == y and start is not None:
                runs.append(t - start)
                start = None
        if start is not None:
            runs.append(samples[-1][0] - start)
        assert all(run <= POLL_SECONDS for run in runs), f"disagreements lasting {runs}: {samples}"

        # The queue empties: after scaleDownIdleSeconds both answer 0, within one demand poll of each other.
        exporter.lag = 0
        timeline = []
        end = time.monotonic() + 12
        while time.monotonic() < end and not (timeline and timeline[-1][1][0] == 0 and timeline[-1][2][0] == 0):
            timeline.append((time.monotonic(), answers(a, es), answers(b, es)))
            time.sleep(0.1)
        assert timeline[-1][1][0] == 0 and timeline[-1][2][0] == 0, timeline[-5:]
        a_zero = next(t for t, x, _ in timeline if x[0] == 0)
        b_zero = next(t for t, _, y in timeline if y[0] == 0)
        assert abs(a_zero - b_zero) <= POLL_SECONDS + 0.5, f"A at {a_zero:.2f}, B at {b_zero:.2f}"

        # Only the leader called RunPod, within the one budget: not a single 429 from RunPod.
        assert runpod_calls(b) == 0 and runpod_calls(a) > 0
        assert emulator.admin("GET", "/admin/state")["rateLimited"] == 0
        assert "serving the leader's decision" in b.output()
    finally:
        for scaler in (a, b):
            if scaler is not None:
                scaler.close()
        emulator.close()
