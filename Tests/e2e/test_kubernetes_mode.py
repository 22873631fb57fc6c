"""Kubernetes mode end to end: the Kubernetes stand-in, a real Prometheus, the RunPod
emulator and two `serve` replicas.

A lag increase flows through the scaler's metric to a /scale write (the test plays the
HPA) and to RunPod pods; local A100 occupancy lowers the burst; RunPodPool status shows
the truth; exactly one replica reconciles, and when it is SIGKILLed the other takes over
within 20 s with no duplicate pod. Deleting a RunPodPool terminates its pods, and the object
(held by the autoscaler's finalizer) goes only once RunPod lists none of them. Every object the
autoscaler stored validates against Kubernetes' schemas and the project's CRD.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from kubernetes import client
from kubernetes.client.exceptions import ApiException

from kube_standin import StandIn
from kube_standin.tls import make_tls_material
from support import BINARY, Scaler, wait_for
from test_prometheus_demand import config_for, prometheus  # noqa: F401  (the fixture)
from test_reconciler_e2e import API_KEY, Emulator

TOKEN = "kube-e2e-token-0123456789"          # the autoscaler's (user runpod-autoscaler)
TEST_TOKEN = "kube-e2e-test-admin-token"       # the test's own client (user test-admin)
CRD = Path(__file__).resolve().parents[2] / "manifests" / "runpodpool-crd.yaml"
CRD_SCHEMA = yaml.safe_load(CRD.read_text())["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
GROUP, VERSION, PLURAL = "gpuburst.io", "v1alpha1", "runpodpools"
FINALIZER = "gpuburst.io/runpod-pods"
EMULATOR_YAML = """
provisioningSeconds: 1
startingSeconds: 1
"""


def node(name: str, gpus: str = "2", ready: str = "True") -> dict:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {"gpu-type": "local"}},
            "spec": {"taints": [{"key": "gpu-type", "value": "local", "effect": "NoSchedule"}]},
            "status": {"allocatable": {"nvidia.com/gpu": gpus, "cpu": "64"},
                       "conditions": [{"type": "Ready", "status": ready,
                                       "lastHeartbeatTime": "2026-01-01T00:00:00Z"}]}}


def gpu_pod(name: str, namespace: str, node_name: str, app: str) -> dict:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": {"app": app}},
            "spec": {"nodeName": node_name, "containers": [
                {"name": "main", "image": "img:1", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]},
            "status": {"phase": "Running"}}


def leader_gauge(scaler: Scaler) -> float | None:
    try:
        text = urllib.request.urlopen(f"http://{scaler.http_address()}/metrics", timeout=5).read().decode()
    except OSError:
        return None
    match = re.search(r"^runpod_autoscaler_leader (\S+)$", text, re.M)
    return float(match.group(1)) if match else None


_request_log_started = False


@pytest.fixture
def cluster(tmp_path):
    tls = make_tls_material(tmp_path / "tls")
    api_server = StandIn(tokens={TOKEN: "runpod-autoscaler", TEST_TOKEN: "test-admin"}, tls_cert=tls.server_cert,
                         tls_key=tls.server_key, ca_cert=tls.ca_cert)
    api_server.start()
    kubeconfig = api_server.write_kubeconfig(tmp_path / "kubeconfig", token=TOKEN)
    configuration = client.Configuration()
    configuration.host, configuration.ssl_ca_cert = api_server.url, str(tls.ca_cert)
    configuration.api_key, configuration.api_key_prefix = {"BearerToken": TEST_TOKEN}, {"BearerToken": "Bearer"}
    api = client.ApiClient(configuration)
    yield api_server, kubeconfig, api
    api.close()
    api_server.stop()
    # What the autoscaler asked of the API server, for the RBAC check in test_manifests.py.
    log = os.environ.get("RPA_KUBE_REQUEST_LOG")
    if log:
        global _request_log_started
        # One log per pytest run: the first test of the run starts it, the others add to it.
        with open(log, "a" if _request_log_started else "w") as f:
            _request_log_started = True
            for request in api_server.request_log:
                if request.get("user") == "runpod-autoscaler":
                    f.write(json.dumps({k: request.get(k) for k in ("method", "path", "query", "raw_query",
                                                                   "content_type", "user", "status")}) + "\n")
    # Everything the autoscaler wrote is valid for Kubernetes and for the CRD.
    for kind in ("Node", "Pod", "Event", "Lease"):
        for obj in api_server.objects(kind):
            kubernetes_validate.validate(obj, "1.30", strict=True)
    for obj in api_server.objects("RunPodPool"):
        jsonschema.Draft4Validator(CRD_SCHEMA).validate(obj)
    assert api_server.validate_all() == []


def replica(tmp_path: Path, name: str, kubeconfig: Path, emulator: Emulator, prometheus_url: str) -> Scaler:
    config = config_for(prometheus_url)
    config["runpod"] = {"endpoint": emulator.base, "reconcileSeconds": 0.5, "podNamePrefix": "k8s"}
    config["kubernetes"] = {
        "enabled": True, "kubeconfig": str(kubeconfig), "pollSeconds": 0.5,
        "leaderElection": {"leaseName": "runpod-autoscaler", "namespace": "platform", "identity": name,
                           "leaseDurationSeconds": 6, "renewDeadlineSeconds": 4, "retryPeriodSeconds": 0.5},
    }
    config["local"] = {"source": "kubernetes", "nodeSelector": "gpu-type=local", "workerSelector": "app=gpu-worker"}
    scaler = Scaler(tmp_path / name, config=config, pools=[], queue_depth=None,
                    env={"RUNPOD_API_KEY": API_KEY})
    # Standalone pools are not used in Kubernetes mode.
    scaler.config.pop("pools")
    return scaler.start()


def test_lag_to_scale_to_pods_with_two_replicas_and_a_failover(tmp_path, cluster, prometheus, es):
    api_server, kubeconfig, api = cluster
    prometheus_url, exporter = prometheus
    # Two local servers with 2 A100s each; a training job holds one GPU; one of our workers holds another.
    api_server.put_object(node("a100-1"))
    api_server.put_object(node("a100-2"))
    api_server.put_object(node("a100-3", ready="False"))
    api_server.put_object(gpu_pod("train", "ml", "a100-1", "trainer"))
    api_server.put_object(gpu_pod("worker-0", "media", "a100-2", "gpu-worker"))
    custom = client.CustomObjectsApi(api)
    custom.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, {
        "apiVersion": f"{GROUP}/{VERSION}", "kind": "RunPodPool", "metadata": {"name": "burst"},
        "spec": {"maxReplicas": 20, "maxCostPerHour": 15.0,
                 "template": {"image": "ghcr.io/example/media-gpu-worker:1",
                              "gpuTypeIds": ["NVIDIA RTX 6000 Ada Generation", "NVIDIA L40S"]}}})

    emulator = Emulator(tmp_path, EMULATOR_YAML)
    a = b = None
    try:
        exporter.lag = 0
        a = replica(tmp_path, "replica-a", kubeconfig, emulator, prometheus_url)
        b = replica(tmp_path, "replica-b", kubeconfig, emulator, prometheus_url)
        wait_for(lambda: sorted([leader_gauge(a), leader_gauge(b)]) == [0.0, 1.0], timeout=20,
                 message=lambda: f"exactly one leader: {leader_gauge(a)}, {leader_gauge(b)}")
        leader, follower = (a, b) if leader_gauge(a) == 1.0 else (b, a)

        def metric(scaler, name):
            stub = scaler.stub(es)
            request = es.pb2.GetMetricsRequest(
                scaledObjectRef=es.pb2.ScaledObjectRef(name="burst", namespace="media",
                                                       scalerMetadata={"pool": "burst", "metric": name}),
                metricName=f"runpod-media-burst-{name}")
            return stub.GetMetrics(request, timeout=5).metricValues[0].metricValueFloat

        # Local occupancy: 4 allocatable on Ready nodes, 1 held by another workload -> 3 available.
        wait_for(lambda: metric(follower, "localAvailable") == 3, timeout=15, message="localAvailable 3")

        # Lag 95 -> wanted 10 -> burst 10 - 3 = 7, on both replicas alike.
        exporter.lag = 95
        wait_for(lambda: metric(leader, "burst") == 7 and metric(follower, "burst") == 7, timeout=15,
                 message="burst 7 on both replicas")

        # The HPA's part: replicas = ceil(metric / target 1), written through /scale.
        def hpa_sync():
            value = metric(follower, "burst")
            custom.patch_namespaced_custom_object_scale(GROUP, VERSION, "media", PLURAL, "burst",
                                                        {"spec": {"replicas": math.ceil(value)}})
        hpa_sync()
        wait_for(lambda: len(emulator.live_pods()) == 7, timeout=20,
                 message=lambda: f"7 pods, have {len(emulator.live_pods())}\n{leader.output()}")

        def status():
            return custom.get_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, "burst").get("status", {})
        wait_for(lambda: status().get("readyReplicas") == 7, timeout=20, message=lambda: f"status {status()}")
        current = status()
        assert current["replicas"] == 7 and len(current["pods"]) == 7
        assert current["selector"] == "gpuburst.io/pool=burst"
        assert current["observedGeneration"] >= 1
        assert abs(current["costPerHour"] - sum(p["costPerHour"] for p in emulator.live_pods())) < 0.02
        conditions = {c["type"]: c for c in current["conditions"]}
        assert conditions["Ready"]["status"] == "True"
        assert conditions["Unauthorized"]["status"] == "False"
        scale = custom.get_namespaced_custom_object_scale(GROUP, VERSION, "media", PLURAL, "burst")
        assert scale["status"]["replicas"] == 7 and scale["status"]["selector"] == "gpuburst.io/pool=burst"
        table = subprocess.run([str(BINARY), "pods", "--config", str(follower.config_path)],
                               env={**os.environ, "RUNPOD_API_KEY": API_KEY}, capture_output=True, text=True,
                               timeout=30)
        assert table.returncode == 0, table.stderr
        assert table.stdout.count("media/burst") == 7 and "(orphan)" not in table.stdout, table.stdout
        events = client.CoreV1Api(api).list_namespaced_event("media").items
        assert any(e.reason == "PodCreated" and e.involved_object.name == "burst" for e in events)

        # The leader dies; the follower takes over within 20 s, with no duplicate pod.
        names_before = sorted(p["name"] for p in emulator.live_pods())
        leader.stop(signal.SIGKILL)
        killed = time.monotonic()
        wait_for(lambda: leader_gauge(follower) == 1.0, timeout=20, message="the follower to lead")
        assert time.monotonic() - killed <= 20
        lease = client.CoordinationV1Api(api).read_namespaced_lease("runpod-autoscaler", "platform")
        assert lease.spec.holder_identity == ("replica-b" if follower is b else "replica-a")
        time.sleep(2)  # a few passes of the new leader: adopted, nothing doubled
        assert sorted(p["name"] for p in emulator.live_pods()) == names_before

        # The kill switch: kubectl scale runpodpool burst --replicas=0.
        custom.patch_namespaced_custom_object_scale(GROUP, VERSION, "media", PLURAL, "burst",
                                                    {"spec": {"replicas": 0}})
        wait_for(lambda: not emulator.live_pods(), timeout=20, message="every pod gone")
        wait_for(lambda: status().get("replicas") == 0, timeout=20, message="status to follow")

        # Graceful shutdown releases the lease.
        assert follower.stop(signal.SIGTERM) == 0
        lease = client.CoordinationV1Api(api).read_namespaced_lease("runpod-autoscaler", "platform")
        assert lease.spec.holder_identity == ""
    finally:
        for scaler in (a, b):
            if scaler is not None:
                scaler.close()
        emulator.close()


def test_deleting_a_pool_terminates_its_pods_before_the_object_goes(tmp_path, cluster):
    """`kubectl delete runpodpool burst` cannot leak pods: the API server keeps the object (deletionTimestamp set)
    while the autoscaler's finalizer is on it; the leader terminates the pool's pods at once and removes the
    finalizer only when RunPod lists none, and the object then goes. Sampled all along: never gone with pods left."""
    api_server, kubeconfig, api = cluster
    custom = client.CustomObjectsApi(api)
    custom.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, {
        "apiVersion": f"{GROUP}/{VERSION}", "kind": "RunPodPool", "metadata": {"name": "burst"},
        "spec": {"replicas": 3, "maxReplicas": 5, "template": {"image": "ghcr.io/example/media-gpu-worker:1"}}})
    emulator = Emulator(tmp_path, EMULATOR_YAML)
    scaler = None
    try:
        config = {
            "runpod": {"endpoint": emulator.base, "reconcileSeconds": 0.5, "podNamePrefix": "k8s"},
            "kubernetes": {"enabled": True, "kubeconfig": str(kubeconfig), "pollSeconds": 0.5,
                           "leaderElection": {"leaseName": "runpod-autoscaler", "namespace": "platform",
                                              "identity": "only", "retryPeriodSeconds": 0.5}},
        }
        scaler = Scaler(tmp_path / "only", config=config, pools=[], env={"RUNPOD_API_KEY": API_KEY})
        scaler.config.pop("pools")
        scaler.start()

        def pool():
            try:
                return custom.get_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, "burst")
            except ApiException as e:
                assert e.status == 404, e
                return None
        wait_for(lambda: FINALIZER in (pool()["metadata"].get("finalizers") or []), timeout=20,
                 message=lambda: f"the finalizer\n{scaler.output()}")
        wait_for(lambda: len(emulator.live_pods()) == 3, timeout=20, message=lambda: f"3 pods\n{scaler.output()}")

        # Slow terminates (1 s each) leave time to see the deleted object wait for them.
        emulator.admin("POST", "/admin/faults", {"kind": "slow", "operations": ["delete"], "delaySeconds": 1})
        custom.delete_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, "burst")
        held = pool()
        assert held["metadata"]["deletionTimestamp"] and FINALIZER in held["metadata"]["finalizers"]
        samples = []
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            current, pods = pool(), len(emulator.live_pods())
            samples.append((current is not None, pods))
            assert current is not None or pods == 0, f"the object went with {pods} pods left"
            if current is None:
                break
            time.sleep(0.1)
        assert samples[-1] == (False, 0), f"the object is still there\n{scaler.output()}"
        assert any(present and pods > 0 for present, pods in samples), "the object was held while pods remained"
        events = client.CoreV1Api(api).list_namespaced_event("media").items
        deleted = [e for e in events if e.reason == "PodTerminated" and e.message.endswith(": pool_deleted")]
        assert len(deleted) == 3, [e.message for e in events]
        # The autoscaler's own writes: the finalizer added and removed by read-modify-write (get, then update).
        writes = [r for r in api_server.requests(path_regex=r"/runpodpools/burst$") if r["user"] == "runpod-autoscaler"]
        assert {r["method"] for r in writes} == {"GET", "PUT"}, writes
        puts = [r for r in writes if r["method"] == "PUT" and r["status"] == 200]
        assert FINALIZER in puts[0]["body"]["metadata"]["finalizers"]
        assert FINALIZER not in (puts[-1]["body"]["metadata"].get("finalizers") or [])
        assert len(puts) == 2, "added once, removed once"
        assert scaler.stop(signal.SIGTERM) == 0
    finally:
        if scaler is not None:
            scaler.close()
        emulator.close()
