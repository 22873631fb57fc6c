"""The Kubernetes API stand-in (kube_standin) behaves like the apiserver for what the autoscaler's
client uses. Every operation here goes through the official `kubernetes` Python client over HTTPS,
and every object left in the store is checked against Kubernetes' JSON schemas
(kubernetes-validate) or the RunPodPool CRD's openAPIV3Schema after each test."""

from __future__ import annotations

import datetime as dt
import json
import ssl
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import jsonschema
import kubernetes_validate
import pytest
import yaml
from kubernetes import client, config, dynamic
from kubernetes.client.exceptions import ApiException

from kube_standin import DEFAULT_CRD, DEFAULT_KUBERNETES_VERSION, StandIn, make_tls_material

K8S = DEFAULT_KUBERNETES_VERSION
GROUP, VERSION, PLURAL = "gpuburst.io", "v1alpha1", "runpodpools"
TOKEN = "s3cr3t-token"
CRD_SCHEMA = yaml.safe_load(DEFAULT_CRD.read_text())["spec"]["versions"][0]["schema"]["openAPIV3Schema"]


# --- fixtures and helpers ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tls(tmp_path_factory):
    return make_tls_material(tmp_path_factory.mktemp("tls"), clients=("runpod-autoscaler", "rival"))


def assert_store_valid(standin: StandIn) -> None:
    """Independent of the stand-in's own checks: kubernetes-validate (strict) for the built-in kinds,
    a draft-4 validator on the CRD's schema as written for RunPodPools."""
    for kind in ("Namespace", "Node", "Pod", "Event", "Lease"):
        for obj in standin.objects(kind):
            kubernetes_validate.validate(obj, K8S, strict=True)
    crd_validator = jsonschema.Draft4Validator(CRD_SCHEMA)
    for obj in standin.objects("RunPodPool"):
        crd_validator.validate(obj)
        assert obj["metadata"]["generation"] >= 1
    assert standin.validate_all() == []


@pytest.fixture
def standin(tls):
    s = StandIn(token=TOKEN, tls_cert=tls.server_cert, tls_key=tls.server_key, client_ca=tls.ca_cert,
                ca_cert=tls.ca_cert)
    s.start()
    yield s
    s.stop()
    assert_store_valid(s)


@pytest.fixture
def connect(standin, tls):
    """connect(token=..., cert=(crt, key)) -> kubernetes.client.ApiClient for the stand-in."""
    made = []

    def make(*, token=TOKEN, cert=None):
        cfg = client.Configuration()
        cfg.host, cfg.ssl_ca_cert = standin.url, str(tls.ca_cert)
        if cert:
            cfg.cert_file, cfg.key_file = str(cert[0]), str(cert[1])
        elif token:
            cfg.api_key, cfg.api_key_prefix = {"BearerToken": token}, {"BearerToken": "Bearer"}
        made.append(client.ApiClient(cfg))
        return made[-1]

    yield make
    for c in made:
        c.close()


@pytest.fixture
def api(connect):
    return connect()


def status_of(exc: ApiException) -> dict:
    body = json.loads(exc.body)
    assert body["kind"] == "Status" and body["apiVersion"] == "v1" and body["status"] == "Failure"
    assert body["code"] == exc.status
    return body


def expect_error(code: int, reason: str, fn, *args, **kwargs) -> dict:
    with pytest.raises(ApiException) as e:
        fn(*args, **kwargs)
    assert e.value.status == code, e.value.body
    status = status_of(e.value)
    assert status["reason"] == reason, status
    return status


def pool(name, **spec):
    return {"apiVersion": f"{GROUP}/{VERSION}", "kind": "RunPodPool", "metadata": {"name": name},
            "spec": {"template": {"image": "ghcr.io/example/worker:1"}, **spec}}


def node(name, labels, gpus="2"):
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": labels},
            "spec": {"taints": [{"key": "gpu", "value": "local", "effect": "NoSchedule"}]},
            "status": {"allocatable": {"nvidia.com/gpu": gpus, "cpu": "32"},
                       "conditions": [{"type": "Ready", "status": "True",
                                       "lastHeartbeatTime": "2026-01-01T00:00:00Z"}]}}


def pod(name, ns, node_name, phase, labels=None):
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": ns, "labels": labels or {}},
            "spec": {"nodeName": node_name, "containers": [{
                "name": "w", "image": "worker:1", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]},
            "status": {"phase": phase}}


def names(items) -> list[str]:
    return sorted(i.metadata.name if hasattr(i, "metadata") else i["metadata"]["name"] for i in items)


def custom(api):
    return client.CustomObjectsApi(api)


# --- core kinds -----------------------------------------------------------------------------------

def test_nodes_listed_by_label_selector(standin, api):
    standin.put_object(node("a100-1", {"gpu-type": "local", "zone": "pop1"}))
    standin.put_object(node("a100-2", {"gpu-type": "local", "zone": "pop2"}))
    standin.put_object(node("cpu-1", {"zone": "pop1"}))
    core = client.CoreV1Api(api)
    assert names(core.list_node(label_selector="gpu-type=local").items) == ["a100-1", "a100-2"]
    assert names(core.list_node(label_selector="gpu-type==local,zone!=pop2").items) == ["a100-1"]
    assert names(core.list_node(label_selector="!gpu-type").items) == ["cpu-1"]
    assert names(core.list_node(label_selector="zone in (pop2, pop9)").items) == ["a100-2"]
    assert names(core.list_node(field_selector="metadata.name=cpu-1").items) == ["cpu-1"]
    got = core.read_node("a100-1")
    assert got.status.allocatable["nvidia.com/gpu"] == "2" and got.metadata.resource_version.isdigit()
    expect_error(400, "BadRequest", core.list_node, label_selector="gpu-type in (local")
    expect_error(400, "BadRequest", core.list_node, field_selector="spec.nodeName=x")  # not a Node field


def test_pods_across_namespaces_by_node_phase_and_labels(standin, api):
    standin.put_object(node("a100-1", {"gpu-type": "local"}))
    for p in (pod("w1", "media", "a100-1", "Running", {"app": "gpu-worker"}),
              pod("w2", "media", "a100-1", "Succeeded", {"app": "gpu-worker"}),
              pod("enc", "encode", "a100-1", "Running", {"app": "encoder"}),
              pod("plain", "encode", "a100-1", "Pending"),
              pod("far", "media", "a100-2", "Running", {"app": "gpu-worker"})):
        standin.put_object(p)
    core = client.CoreV1Api(api)
    on_node = core.list_pod_for_all_namespaces(field_selector="spec.nodeName=a100-1,status.phase!=Succeeded")
    assert names(on_node.items) == ["enc", "plain", "w1"]
    assert {p.metadata.namespace for p in on_node.items} == {"media", "encode"}
    list_all = core.list_pod_for_all_namespaces
    assert names(list_all(label_selector="app=gpu-worker").items) == ["far", "w1", "w2"]
    assert names(list_all(label_selector="app!=gpu-worker").items) == ["enc", "plain"]  # absent key matches !=
    assert names(list_all(label_selector="app in (gpu-worker,encoder)").items) == ["enc", "far", "w1", "w2"]
    assert names(list_all(label_selector="app notin (gpu-worker)").items) == ["enc", "plain"]
    assert names(list_all(label_selector="app").items) == ["enc", "far", "w1", "w2"]
    assert names(core.list_namespaced_pod("media", field_selector="status.phase==Running").items) == ["far", "w1"]
    # As the apiserver answers: list items of built-in kinds carry no apiVersion/kind; list RV is current.
    raw = json.loads(core.list_namespaced_pod("encode", _preload_content=False).data)
    assert raw["kind"] == "PodList" and raw["metadata"]["resourceVersion"] == str(standin.resource_version)
    assert all("kind" not in i and "apiVersion" not in i for i in raw["items"])
    page = core.list_pod_for_all_namespaces(limit=2)
    rest = core.list_pod_for_all_namespaces(limit=10, _continue=page.metadata._continue)
    assert len(page.items) == 2 and page.metadata.remaining_item_count == 3
    assert names(page.items + rest.items) == ["enc", "far", "plain", "w1", "w2"]


def test_pod_create_generate_name_already_exists_and_delete(standin, api):
    core = client.CoreV1Api(api)
    body = client.V1Pod(metadata=client.V1ObjectMeta(generate_name="job-", labels={"app": "gpu-worker"}),
                        spec=client.V1PodSpec(containers=[client.V1Container(name="w", image="worker:1")]),
                        status=client.V1PodStatus(phase="Running"))
    created = core.create_namespaced_pod("media", body)
    assert created.metadata.name.startswith("job-") and len(created.metadata.name) == 9
    assert created.status.phase == "Pending" and created.status.qos_class == "BestEffort"  # create resets status
    assert created.metadata.uid and created.metadata.creation_timestamp
    dup = client.V1Pod(metadata=client.V1ObjectMeta(name=created.metadata.name), spec=body.spec)
    status = expect_error(409, "AlreadyExists", core.create_namespaced_pod, "media", dup)
    assert status["details"] == {"name": created.metadata.name, "kind": "pods"}
    dup.metadata.resource_version = "5"
    expect_error(400, "BadRequest", core.create_namespaced_pod, "media", dup)
    no_image = {"metadata": {"name": "x"}, "spec": {"containers": [{"name": "w"}]}}
    status = expect_error(422, "Invalid", core.create_namespaced_pod, "media", no_image)
    assert status["details"]["causes"][0]["field"] == "spec.containers[0].image"
    # The pods/status subresource changes only status; the main resource keeps status.
    running = core.read_namespaced_pod(created.metadata.name, "media")
    running.status.phase = "Running"
    assert core.replace_namespaced_pod_status(created.metadata.name, "media", running).status.phase == "Running"
    gone = core.delete_namespaced_pod(created.metadata.name, "media")
    assert gone.metadata.name == created.metadata.name  # pods answer a delete with the object
    expect_error(404, "NotFound", core.read_namespaced_pod, created.metadata.name, "media")


# --- RunPodPool ----------------------------------------------------------------------------------

def test_runpodpool_create_applies_defaults_get_and_list_across_namespaces(standin, api):
    co = custom(api)
    body = pool("burst", maxCostPerHour=15.0, unknownField=1)
    body["metadata"]["labels"] = {"tier": "burst"}
    body["status"] = {"replicas": 9}
    created = co.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, body)
    spec = created["spec"]
    assert spec["replicas"] == 0 and spec["maxReplicas"] == 20 and spec["maxCostPerHour"] == 15.0
    assert "gpuTypeIds" not in spec["template"], "no schema default: the autoscaler applies RUNPOD_INSTANCE_TYPE"
    assert spec["template"]["clouds"] == ["SECURE", "COMMUNITY"] and spec["template"]["gpuCount"] == 1
    assert spec["template"]["ports"] == ["22/tcp"] and spec["template"]["startSsh"] is True
    assert spec["scaling"] == {"jobsPerWorker": 10, "activationQueueDepth": 5, "latencySLOSeconds": 30,
                               "scaleDownIdleSeconds": 60, "provisionTimeoutSeconds": 600,
                               "unavailableOfferingSeconds": 180, "orphanGraceSeconds": 300,
                               "mode": "queue", "serviceSeconds": 20, "targetUtilization": 0.8,
                               "drainSeconds": 120, "lowerAfterSeconds": 300, "arrivalWindowSeconds": 300,
                               "lowerMarginSigmas": 2}
    assert "status" not in created and "unknownField" not in spec  # status ignored, unknown field pruned
    assert standin.requests("POST")[-1]["warnings"] == ['unknown field "spec.unknownField"']
    meta = created["metadata"]
    assert meta["generation"] == 1 and meta["namespace"] == "media" and meta["uid"]
    assert int(meta["resourceVersion"]) == standin.resource_version
    dt.datetime.strptime(meta["creationTimestamp"], "%Y-%m-%dT%H:%M:%SZ")
    # Explicit values win over defaults, nested defaults still fill the rest.
    other = co.create_namespaced_custom_object(GROUP, VERSION, "video", PLURAL,
                                               pool("burst", scaling={"jobsPerWorker": 4}, replicas=2))
    assert other["spec"]["scaling"]["jobsPerWorker"] == 4 and other["spec"]["scaling"]["orphanGraceSeconds"] == 300
    assert int(other["metadata"]["resourceVersion"]) > int(meta["resourceVersion"])

    assert co.get_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, "burst") == created
    listed = co.list_cluster_custom_object(GROUP, VERSION, PLURAL)
    assert listed["kind"] == "RunPodPoolList" and listed["apiVersion"] == f"{GROUP}/{VERSION}"
    assert [(i["metadata"]["namespace"], i["kind"]) for i in listed["items"]] == [
        ("media", "RunPodPool"), ("video", "RunPodPool")]
    assert names(co.list_namespaced_custom_object(GROUP, VERSION, "video", PLURAL)["items"]) == ["burst"]
    by_label = co.list_cluster_custom_object(GROUP, VERSION, PLURAL, label_selector="tier=burst")
    assert [i["metadata"]["namespace"] for i in by_label["items"]] == ["media"]
    expect_error(409, "AlreadyExists", co.create_namespaced_custom_object, GROUP, VERSION, "media", PLURAL,
                 pool("burst"))
    # The official dynamic client finds the kind through discovery.
    rpp = dynamic.DynamicClient(api).resources.get(api_version=f"{GROUP}/{VERSION}", kind="RunPodPool")
    assert set(rpp.subresources) == {"status", "scale"}
    assert rpp.get(namespace="video", name="burst").spec.replicas == 2


def test_spec_writes_bump_generation_status_writes_do_not(standin, api):
    co = custom(api)
    co.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, pool("burst"))
    args = (GROUP, VERSION, "media", PLURAL, "burst")
    p = co.patch_namespaced_custom_object(*args, {"spec": {"maxReplicas": 5}, "status": {"replicas": 7}})
    assert p["spec"]["maxReplicas"] == 5 and p["metadata"]["generation"] == 2 and "status" not in p
    assert standin.requests("PATCH")[-1]["content_type"] == "application/merge-patch+json"
    p = co.patch_namespaced_custom_object(*args, {"metadata": {"labels": {"a": "b"}}})
    assert p["metadata"]["generation"] == 2 and p["metadata"]["labels"] == {"a": "b"}  # metadata: no bump
    p = co.patch_namespaced_custom_object(*args, [{"op": "replace", "path": "/spec/template/gpuCount", "value": 2}],
                                          _content_type="application/json-patch+json")
    assert p["spec"]["template"]["gpuCount"] == 2 and p["metadata"]["generation"] == 3
    expect_error(422, "Invalid", co.patch_namespaced_custom_object, *args,
                 [{"op": "test", "path": "/spec/maxReplicas", "value": 99}],
                 _content_type="application/json-patch+json")

    st = co.patch_namespaced_custom_object_status(*args, {
        "status": {"replicas": 2, "readyReplicas": 1, "costPerHour": 1.38, "observedGeneration": 3,
                   "selector": "gpuburst.io/pool=burst",
                   "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z"}]},
        "spec": {"maxReplicas": 1}})
    assert st["status"]["replicas"] == 2 and st["spec"]["maxReplicas"] == 5  # /status ignores spec
    assert st["metadata"]["generation"] == 3
    st["status"]["readyReplicas"] = 2
    st["spec"]["maxReplicas"] = 1
    st["metadata"]["labels"] = {"changed": "yes"}
    rep = co.replace_namespaced_custom_object_status(*args, st)
    assert rep["status"]["readyReplicas"] == 2 and rep["spec"]["maxReplicas"] == 5
    assert rep["metadata"]["labels"] == {"a": "b"} and rep["metadata"]["generation"] == 3
    # Writing the same object again changes nothing, so the resourceVersion stays.
    same = co.replace_namespaced_custom_object_status(*args, rep)
    assert same["metadata"]["resourceVersion"] == rep["metadata"]["resourceVersion"]
    # A full replace of the main resource keeps the status the reconciler wrote.
    cur = co.get_namespaced_custom_object(*args)
    cur["spec"]["replicas"] = 3
    cur["status"] = {"replicas": 0}
    rep = co.replace_namespaced_custom_object(*args, cur)
    assert rep["status"]["readyReplicas"] == 2 and rep["metadata"]["generation"] == 4
    status = expect_error(422, "Invalid", co.patch_namespaced_custom_object_status, *args,
                          {"status": {"conditions": [{"type": "Ready", "status": "Maybe"}]}})
    assert status["details"]["causes"][0]["reason"] == "FieldValueNotSupported"
    expect_error(415, "UnsupportedMediaType", co.patch_namespaced_custom_object, *args, {"spec": {}},
                 _content_type="application/strategic-merge-patch+json")  # as for any custom resource


def test_scale_subresource_reads_and_writes_spec_replicas(standin, api):
    co = custom(api)
    co.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, pool("burst"))
    args = (GROUP, VERSION, "media", PLURAL, "burst")
    scale = co.get_namespaced_custom_object_scale(*args)
    assert scale["kind"] == "Scale" and scale["apiVersion"] == "autoscaling/v1"
    assert scale["spec"] == {} and scale["status"] == {"replicas": 0}  # replicas 0 is omitted, as in Go
    kubernetes_validate.validate(scale, K8S, strict=True)

    scaled = co.patch_namespaced_custom_object_scale(*args, {"spec": {"replicas": 4}})
    assert scaled["spec"]["replicas"] == 4
    cr = co.get_namespaced_custom_object(*args)
    assert cr["spec"]["replicas"] == 4 and cr["metadata"]["generation"] == 2
    assert scaled["metadata"]["resourceVersion"] == cr["metadata"]["resourceVersion"]

    co.patch_namespaced_custom_object_status(*args, {"status": {"replicas": 3, "selector": "pool=burst"}})
    scale = co.get_namespaced_custom_object_scale(*args)
    assert scale["status"] == {"replicas": 3, "selector": "pool=burst"}
    scale["spec"]["replicas"] = 6
    assert co.replace_namespaced_custom_object_scale(*args, scale)["spec"]["replicas"] == 6
    expect_error(409, "Conflict", co.replace_namespaced_custom_object_scale, *args, scale)  # stale RV
    del scale["metadata"]["resourceVersion"]  # like `kubectl scale`: no precondition
    scale["spec"]["replicas"] = 0
    co.replace_namespaced_custom_object_scale(*args, scale)
    assert co.get_namespaced_custom_object(*args)["spec"]["replicas"] == 0
    status = expect_error(422, "Invalid", co.patch_namespaced_custom_object_scale, *args, {"spec": {"replicas": -1}})
    assert status["details"]["causes"][0]["field"] == "spec.replicas"
    expect_error(404, "NotFound", co.get_namespaced_custom_object_scale, GROUP, VERSION, "media", PLURAL, "nope")


def test_stale_replace_conflicts_then_reread_and_retry_succeeds(standin, api):
    co = custom(api)
    args = (GROUP, VERSION, "media", PLURAL, "burst")
    co.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, pool("burst"))
    mine = co.get_namespaced_custom_object(*args)
    theirs = co.get_namespaced_custom_object(*args)
    theirs["spec"]["maxReplicas"] = 7
    co.replace_namespaced_custom_object(*args, theirs)
    mine["spec"]["maxReplicas"] = 9
    status = expect_error(409, "Conflict", co.replace_namespaced_custom_object, *args, mine)
    assert status["message"] == ('Operation cannot be fulfilled on runpodpools.gpuburst.io "burst": the object has '
                                 'been modified; please apply your changes to the latest version and try again')
    assert status["details"] == {"name": "burst", "group": GROUP, "kind": PLURAL}
    fresh = co.get_namespaced_custom_object(*args)
    assert fresh["spec"]["maxReplicas"] == 7
    fresh["spec"]["maxReplicas"] = 9
    done = co.replace_namespaced_custom_object(*args, fresh)
    assert done["spec"]["maxReplicas"] == 9 and done["metadata"]["generation"] == 3
    # Custom resources allow no unconditional update: a PUT without resourceVersion is Invalid.
    del fresh["metadata"]["resourceVersion"]
    status = expect_error(422, "Invalid", co.replace_namespaced_custom_object, *args, fresh)
    assert status["details"]["causes"][0]["field"] == "metadata.resourceVersion"
    fresh["metadata"]["name"] = "other"
    expect_error(400, "BadRequest", co.replace_namespaced_custom_object, *args, fresh)


def test_missing_objects_are_404(standin, api):
    co = custom(api)
    args = (GROUP, VERSION, "media", PLURAL, "ghost")
    status = expect_error(404, "NotFound", co.get_namespaced_custom_object, *args)
    assert status["message"] == 'runpodpools.gpuburst.io "ghost" not found'
    assert status["details"] == {"name": "ghost", "group": GROUP, "kind": PLURAL}
    body = pool("ghost")
    body["metadata"]["resourceVersion"] = "1"
    expect_error(404, "NotFound", co.replace_namespaced_custom_object, *args, body)
    expect_error(404, "NotFound", co.patch_namespaced_custom_object, *args, {"spec": {}})
    expect_error(404, "NotFound", co.patch_namespaced_custom_object_status, *args, {"status": {}})
    expect_error(404, "NotFound", co.delete_namespaced_custom_object, *args)
    expect_error(404, "NotFound", client.CoreV1Api(api).read_node, "ghost")
    co.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, pool("real"))
    gone = co.delete_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, "real")
    assert gone["kind"] == "Status" and gone["status"] == "Success" and gone["details"]["name"] == "real"
    expect_error(404, "NotFound", co.get_namespaced_custom_object, GROUP, VERSION, "media", PLURAL, "real")


def test_finalizers_hold_a_deleted_object_until_the_last_one_is_removed(standin, api):
    """As the apiserver: a delete of an object with finalizers sets deletionTimestamp (grace 0 for a custom
    resource) and keeps it; no finalizer may be added then, and an update cannot clear the timestamp; removing
    the last finalizer (by merge patch or by update) completes the deletion."""
    co = custom(api)
    args = (GROUP, VERSION, "media", PLURAL, "held")
    body = pool("held")
    body["metadata"]["finalizers"] = ["example.com/a", "example.com/b"]
    co.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, body)
    _, code, _ = co.delete_namespaced_custom_object_with_http_info(*args)
    assert code == 202, "accepted, not done"
    held = co.get_namespaced_custom_object(*args)
    meta = held["metadata"]
    assert meta["deletionGracePeriodSeconds"] == 0 and meta["finalizers"] == ["example.com/a", "example.com/b"]
    dt.datetime.strptime(meta["deletionTimestamp"], "%Y-%m-%dT%H:%M:%SZ")
    co.delete_namespaced_custom_object(*args)
    again = co.get_namespaced_custom_object(*args)
    assert again["metadata"]["deletionTimestamp"] == meta["deletionTimestamp"], "a second delete changes nothing"
    assert again["metadata"]["resourceVersion"] == meta["resourceVersion"]

    grow = json.loads(json.dumps(held))
    grow["metadata"]["finalizers"].append("example.com/c")
    status = expect_error(422, "Invalid", co.replace_namespaced_custom_object, *args, grow)
    assert status["details"]["causes"] == [{
        "reason": "FieldValueForbidden", "field": "metadata.finalizers",
        "message": 'Forbidden: no new finalizers can be added if the object is being deleted, found new '
                   'finalizers []string{"example.com/c"}'}]
    assert status["message"].startswith('RunPodPool.gpuburst.io "held" is invalid: metadata.finalizers: Forbidden')
    expect_error(422, "Invalid", co.patch_namespaced_custom_object, *args,
                 {"metadata": {"finalizers": ["example.com/a", "example.com/z"]}})

    cleared = json.loads(json.dumps(held))
    cleared["metadata"].pop("deletionTimestamp")
    cleared["metadata"]["finalizers"] = ["example.com/b"]
    one = co.replace_namespaced_custom_object(*args, cleared)
    assert one["metadata"]["deletionTimestamp"] == meta["deletionTimestamp"], "an update keeps the timestamp"
    assert one["metadata"]["finalizers"] == ["example.com/b"]

    last = co.patch_namespaced_custom_object(*args, {"metadata": {"finalizers": None}})
    assert last["metadata"]["name"] == "held" and not last["metadata"].get("finalizers")
    expect_error(404, "NotFound", co.get_namespaced_custom_object, *args)
    assert standin.get_object("RunPodPool", "held", "media") is None

    # The last finalizer removed by an update (read-modify-write) completes a deletion too.
    body = pool("by-update")
    body["metadata"]["finalizers"] = ["example.com/a"]
    co.create_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, body)
    co.delete_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, "by-update")
    read = co.get_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, "by-update")
    read["metadata"]["finalizers"] = []
    co.replace_namespaced_custom_object(GROUP, VERSION, "media", PLURAL, "by-update", read)
    expect_error(404, "NotFound", co.get_namespaced_custom_object, GROUP, VERSION, "media", PLURAL, "by-update")


@pytest.mark.parametrize("spec, field, reason", [
    ({"template": {"gpuCount": 0}}, "spec.template.gpuCount", "FieldValueInvalid"),
    ({"template": {"clouds": ["SPOT"]}}, "spec.template.clouds[0]", "FieldValueNotSupported"),
    ({"template": {}, "maxCostPerHour": 0}, "spec.maxCostPerHour", "FieldValueInvalid"),
    ({"template": {}, "replicas": -1}, "spec.replicas", "FieldValueInvalid"),
    ({"template": {"ports": ["ssh"]}}, "spec.template.ports[0]", "FieldValueInvalid"),
    ({"template": {"gpuTypeIds": []}}, "spec.template.gpuTypeIds", "FieldValueInvalid"),
    ({"template": {}, "replicas": "two"}, "spec.replicas", "FieldValueTypeInvalid"),
    ({"maxReplicas": 3}, "spec.template", "FieldValueRequired"),
])
def test_invalid_runpodpool_is_422(standin, api, spec, field, reason):
    body = {"apiVersion": f"{GROUP}/{VERSION}", "kind": "RunPodPool", "metadata": {"name": "bad"}, "spec": spec}
    status = expect_error(422, "Invalid", custom(api).create_namespaced_custom_object,
                          GROUP, VERSION, "media", PLURAL, body)
    assert status["details"]["kind"] == "RunPodPool" and status["details"]["group"] == GROUP
    assert [(c["field"], c["reason"]) for c in status["details"]["causes"]] == [(field, reason)]
    assert status["message"].startswith(f'RunPodPool.gpuburst.io "bad" is invalid: {field}: ')
    with pytest.raises(jsonschema.ValidationError):  # the CRD's own schema agrees
        jsonschema.Draft4Validator(CRD_SCHEMA).validate(body)
    assert standin.objects("RunPodPool") == []


def test_unsupported_cloud_message_matches_apiserver(standin, api):
    status = expect_error(422, "Invalid", custom(api).create_namespaced_custom_object, GROUP, VERSION, "media",
                          PLURAL, pool("bad", template={"clouds": ["SPOT"]}))
    assert status["message"] == ('RunPodPool.gpuburst.io "bad" is invalid: spec.template.clouds[0]: Unsupported '
                                 'value: "SPOT": supported values: "SECURE", "COMMUNITY"')


# --- Lease and Event -----------------------------------------------------------------------------

def test_lease_create_get_replace_and_racing_candidates(standin, connect, tls):
    leases = client.CoordinationV1Api(connect())
    now = dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.timezone.utc)
    spec = client.V1LeaseSpec(holder_identity="pod-a", lease_duration_seconds=15, acquire_time=now,
                              renew_time=now, lease_transitions=0)
    created = leases.create_namespaced_lease("platform", client.V1Lease(
        metadata=client.V1ObjectMeta(name="runpod-autoscaler"), spec=spec))
    assert created.spec.holder_identity == "pod-a" and created.spec.renew_time == now
    assert standin.get_object("Lease", "runpod-autoscaler", "platform")["spec"]["renewTime"] == \
        "2026-01-02T03:04:05.678901Z"  # MicroTime, normalized to UTC
    expect_error(409, "AlreadyExists", leases.create_namespaced_lease, "platform", client.V1Lease(
        metadata=client.V1ObjectMeta(name="runpod-autoscaler"), spec=spec))

    # Two candidates (token user and client-certificate user) read the same version and race.
    a = client.CoordinationV1Api(connect())
    b = client.CoordinationV1Api(connect(cert=tls.clients["rival"]))
    seen = {"a": a.read_namespaced_lease("runpod-autoscaler", "platform"),
            "b": b.read_namespaced_lease("runpod-autoscaler", "platform")}
    barrier, results = threading.Barrier(2), {}

    def take(who, api_):
        lease = seen[who]
        lease.spec.holder_identity = f"pod-{who}"
        lease.spec.lease_transitions = 1
        barrier.wait()
        try:
            results[who] = api_.replace_namespaced_lease("runpod-autoscaler", "platform", lease)
        except ApiException as e:
            results[who] = e

    threads = [threading.Thread(target=take, args=(w, x)) for w, x in (("a", a), ("b", b))]
    [t.start() for t in threads]
    [t.join() for t in threads]
    winners = [w for w, r in results.items() if isinstance(r, client.V1Lease)]
    losers = [r for r in results.values() if isinstance(r, ApiException)]
    assert len(winners) == 1 and len(losers) == 1
    assert losers[0].status == 409 and status_of(losers[0])["reason"] == "Conflict"
    stored = leases.read_namespaced_lease("runpod-autoscaler", "platform")
    assert stored.spec.holder_identity == f"pod-{winners[0]}" and stored.spec.lease_transitions == 1
    assert {r["user"] for r in standin.requests("PUT")} == {"kube-standin-token", "rival"}

    # Leases allow no unconditional update, and MicroTime needs its six fractional digits.
    stored.metadata.resource_version = None
    status = expect_error(422, "Invalid", leases.replace_namespaced_lease, "runpod-autoscaler", "platform", stored)
    assert status["details"]["causes"][0]["field"] == "metadata.resourceVersion"
    raw = {"metadata": {"name": "other"}, "spec": {"holderIdentity": "x", "renewTime": "2026-01-02T03:04:05Z"}}
    status = expect_error(400, "BadRequest", leases.create_namespaced_lease, "platform", raw)
    assert "parsing time" in status["message"]
    expect_error(422, "Invalid", leases.create_namespaced_lease, "platform",
                 {"metadata": {"name": "other"}, "spec": {"leaseDurationSeconds": 0}})


def test_event_create_and_list(standin, api):
    core = client.CoreV1Api(api)
    event = client.CoreV1Event(
        metadata=client.V1ObjectMeta(generate_name="burst."),
        involved_object=client.V1ObjectReference(api_version=f"{GROUP}/{VERSION}", kind="RunPodPool",
                                                 name="burst", namespace="media"),
        reason="ScaledUp", message="created 2 RunPod pods", type="Normal", count=1,
        first_timestamp=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
        last_timestamp=dt.datetime(2026, 1, 1, 0, 0, 1, tzinfo=dt.timezone.utc),
        source=client.V1EventSource(component="runpod-autoscaler"))
    created = core.create_namespaced_event("media", event)
    assert created.metadata.name.startswith("burst.") and created.reason == "ScaledUp"
    listed = core.list_namespaced_event("media", field_selector="involvedObject.name=burst,reason=ScaledUp")
    assert names(listed.items) == [created.metadata.name]
    assert core.list_namespaced_event("media", field_selector="involvedObject.kind=Pod").items == []
    assert names(core.list_event_for_all_namespaces().items) == [created.metadata.name]
    event.involved_object.namespace = "video"  # the apiserver wants the event in its object's namespace
    status = expect_error(422, "Invalid", core.create_namespaced_event, "media", event)
    assert status["details"]["causes"][0]["field"] == "involvedObject.namespace"


# --- auth, kubeconfig, faults, process mode ---------------------------------------------------------

def test_credentials_are_required(standin, connect, tls):
    expect_error(401, "Unauthorized", client.CoreV1Api(connect(token="wrong")).list_node)
    expect_error(401, "Unauthorized", client.CoreV1Api(connect(token=None)).list_node)
    assert client.CoreV1Api(connect(cert=tls.clients["runpod-autoscaler"])).list_node().items == []
    assert standin.requests()[-1]["user"] == "runpod-autoscaler"
    assert client.VersionApi(connect(token=None)).get_code().minor == K8S.split(".")[1]  # /version is public
    standin.deny(verb="update", resource="runpodpools/status", user="kube-standin-token")
    status = expect_error(403, "Forbidden", custom(connect()).replace_namespaced_custom_object_status,
                          GROUP, VERSION, "media", PLURAL, "burst", pool("burst"))
    assert 'cannot update resource "runpodpools/status" in API group "gpuburst.io"' in status["message"]
    # A client certificate from another CA fails the TLS handshake.
    other = make_tls_material(Path(tls.ca_cert).parent / "other", clients=("intruder",))
    with pytest.raises(Exception) as e:
        client.CoreV1Api(connect(cert=other.clients["intruder"])).list_node(_request_timeout=5)
    assert "SSL" in repr(e.value) or "certificate" in repr(e.value).lower()


def test_plain_http_without_credentials_configured():
    with StandIn() as s:  # no tokens, no client CA: everyone is system:anonymous
        cfg = client.Configuration()
        cfg.host = s.url
        assert s.url.startswith("http://127.0.0.1:")
        with client.ApiClient(cfg) as api:
            client.CoreV1Api(api).create_namespace(client.V1Namespace(metadata=client.V1ObjectMeta(name="media")))
            assert client.CoreV1Api(api).read_namespace("media").status.phase == "Active"
        assert s.requests()[-1]["user"] == "system:anonymous"
        assert_store_valid(s)


def test_kubeconfig_files_with_token_and_client_certificate(standin, tls, tmp_path):
    standin.put_object(node("a100-1", {"gpu-type": "local"}))
    for path, kwargs, user in (
            (tmp_path / "token.kubeconfig", {"token": TOKEN}, "kube-standin-token"),
            (tmp_path / "cert.kubeconfig", {"client_cert": tls.clients["runpod-autoscaler"][0],
                                            "client_key": tls.clients["runpod-autoscaler"][1]}, "runpod-autoscaler")):
        standin.write_kubeconfig(path, **kwargs)
        kube = yaml.safe_load(path.read_text())
        assert kube["clusters"][0]["cluster"]["server"] == standin.url
        assert "certificate-authority-data" in kube["clusters"][0]["cluster"]
        cfg = client.Configuration()
        config.load_kube_config(config_file=str(path), client_configuration=cfg)
        with client.ApiClient(cfg) as api:
            assert names(client.CoreV1Api(api).list_node(label_selector="gpu-type=local").items) == ["a100-1"]
        assert standin.requests("GET", "^/api/v1/nodes$")[-1]["user"] == user


def test_fault_injection_and_request_log(standin, api):
    core, co = client.CoreV1Api(api), custom(api)
    standin.fail_next("GET", r"^/api/v1/nodes$", 503)
    expect_error(503, "ServiceUnavailable", core.list_node)
    assert core.list_node().items == []  # only the next one failed
    # Like client-go, the official client retries a GET answered with Retry-After.
    standin.fail_next("GET", r"^/api/v1/nodes$", 429, retry_after=0)
    assert core.list_node().items == []
    assert [r["status"] for r in standin.requests("GET", r"^/api/v1/nodes$")][-2:] == [429, 200]
    standin.fail_next("POST", r"^/api/v1/nodes$", 429, retry_after=3)
    with pytest.raises(ApiException) as e:
        core.create_node(node("n", {}))
    assert e.value.status == 429 and e.value.headers["Retry-After"] == "3"
    standin.fail_next("POST", "/runpodpools$", 500, after=True)  # done, but the answer is lost
    expect_error(500, "InternalError", co.create_namespaced_custom_object, GROUP, VERSION, "media", PLURAL,
                 pool("burst"))
    assert names(standin.objects("RunPodPool")) == ["burst"]
    log = standin.requests("POST", "/runpodpools$")[-1]
    assert log["status"] == 500 and log["body"]["metadata"]["name"] == "burst"
    assert log["user"] == "kube-standin-token" and log["content_type"] is None  # the client sends none


def test_process_mode_serves_https_with_ready_file(tls, tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(yaml.safe_dump_all([node("a100-1", {"gpu-type": "local"}), node("cpu-1", {})]))
    ready, log = tmp_path / "ready", tmp_path / "requests.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kube_standin", "--port", "0", "--crd", str(DEFAULT_CRD), "--token", TOKEN,
         "--tls-cert", str(tls.server_cert), "--tls-key", str(tls.server_key), "--client-ca", str(tls.ca_cert),
         "--ca-cert", str(tls.ca_cert), "--ready-file", str(ready), "--seed", str(seed), "--request-log", str(log),
         "--kubeconfig", str(tmp_path / "kubeconfig")],
        cwd=Path(__file__).parent, stdout=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("https://127.0.0.1:") and ready.read_text().strip() == url
        cfg = client.Configuration()
        config.load_kube_config(config_file=str(tmp_path / "kubeconfig"), client_configuration=cfg)
        with client.ApiClient(cfg) as api:
            assert names(client.CoreV1Api(api).list_node(label_selector="gpu-type").items) == ["a100-1"]
        ctx = ssl.create_default_context(cafile=str(tls.ca_cert))
        with urllib.request.urlopen(url + "/healthz", context=ctx) as r:
            assert r.read() == b"ok"
        entries = [json.loads(line) for line in log.read_text().splitlines()]
        assert (entries[0]["path"], entries[0]["query"], entries[0]["status"]) == (
            "/api/v1/nodes", {"labelSelector": "gpu-type"}, 200)
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
