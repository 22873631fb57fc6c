"""`runpod-autoscaler emulator` against RunPod's OpenAPI document.

Every answer is validated against the schema the document gives for its path, method and
status (JSON Schema 2020-12 with the document as the `$ref` registry), and request bodies
are checked both ways: what the schema rejects, the emulator rejects; the documented
examples are accepted.
"""

from __future__ import annotations

import http.client
import re
import signal
import time

import pytest

from emulator_support import FAST_CONFIG, Emulator, OpenAPI, check_documented

NO_CAPACITY = ("There are no longer any instances available with the requested specifications. "
               "Please refresh and try again.")
ADA = "NVIDIA RTX 6000 Ada Generation"


@pytest.fixture(scope="module")
def api() -> OpenAPI:
    return OpenAPI()


@pytest.fixture
def emulator_factory(tmp_path):
    made: list[Emulator] = []

    def make(*, start: bool = True, **kwargs) -> Emulator:
        emulator = Emulator(tmp_path / f"emulator{len(made)}", **kwargs)
        made.append(emulator)
        return emulator.start() if start else emulator

    yield make
    for emulator in made:
        emulator.close()


@pytest.fixture
def emulator(emulator_factory) -> Emulator:
    return emulator_factory(config_yaml=FAST_CONFIG)


# --------------------------------------------------------------------------- #
# Answers match the document.
# --------------------------------------------------------------------------- #

def test_list_get_create_action_delete_answers_match_the_schemas(api, emulator):
    reply = emulator.request("GET", "/v2/pods")
    check_documented(api, "/v2/pods", reply)
    assert reply.status == 200 and reply.json == {"pods": []}

    created = emulator.create(ports=["22/tcp", "8888/http"], env={"MODEL": "x"}, disk=20,
                              dataCenterIds=["EU-RO-1"],
                              mounts={"network": [{"volumeId": "vol1", "path": "/runpod-volume"}]})
    check_documented(api, "/v2/pods", created)
    assert created.status == 201
    pod = created.json
    assert pod["status"] == "PROVISIONING"
    assert pod["runtime"] is None and pod["ssh"] == {"proxy": None, "direct": None}
    assert pod["dataCenterId"] == "EU-RO-1"
    assert pod["mounts"] == {"network": [{"volumeId": "vol1", "path": "/runpod-volume"}]}
    pod_id = pod["id"]

    seen = set()
    deadline = time.monotonic() + 10
    while True:
        reply = emulator.request("GET", f"/v2/pods/{pod_id}")
        check_documented(api, "/v2/pods/{id}", reply)
        seen.add(reply.json["status"])
        if reply.json["status"] == "RUNNING":
            break
        assert time.monotonic() < deadline, f"not RUNNING; saw {seen}"
        time.sleep(0.05)
    assert {"PROVISIONING", "STARTING", "RUNNING"} >= seen
    running = reply.json
    assert running["ssh"]["direct"]["username"] == "root"
    assert running["runtime"]["ports"][0]["private"] == 22
    assert running["startedAt"] >= running["createdAt"]

    listed = emulator.request("GET", "/v2/pods")
    check_documented(api, "/v2/pods", listed)
    assert [p["id"] for p in listed.json["pods"]] == [pod_id]

    for action, status in (("stop", "EXITED"), ("start", "STARTING")):
        reply = emulator.request("POST", f"/v2/pods/{pod_id}/action", {"action": action})
        check_documented(api, "/v2/pods/{id}/action", reply)
        assert reply.status == 200 and reply.json["status"] == status
    emulator.wait_status(pod_id, "RUNNING")
    reply = emulator.request("POST", f"/v2/pods/{pod_id}/action", {"action": "restart"})
    check_documented(api, "/v2/pods/{id}/action", reply)

    reply = emulator.request("POST", f"/v2/pods/{pod_id}/action", {"action": "terminate"})
    check_documented(api, "/v2/pods/{id}/action", reply)
    assert reply.status == 204 and reply.body == b""

    gone = emulator.request("GET", f"/v2/pods/{pod_id}")
    check_documented(api, "/v2/pods/{id}", gone)
    assert gone.status == 404 and gone.detail == "pod not found"
    assert gone.content_type == "application/problem+json"


def test_delete_answers_204_then_404(api, emulator):
    pod_id = emulator.create().json["id"]
    first = emulator.request("DELETE", f"/v2/pods/{pod_id}")
    check_documented(api, "/v2/pods/{id}", first)
    assert first.status == 204 and first.body == b""
    second = emulator.request("DELETE", f"/v2/pods/{pod_id}")
    check_documented(api, "/v2/pods/{id}", second)
    assert second.status == 404


def test_an_action_not_valid_now_is_409(api, emulator):
    pod_id = emulator.create().json["id"]
    reply = emulator.request("POST", f"/v2/pods/{pod_id}/action", {"action": "start"})
    check_documented(api, "/v2/pods/{id}/action", reply)
    assert reply.status == 409


@pytest.mark.parametrize("query", ["", "?include=AVAILABILITY&product=POD",
                                   "?include=AVAILABILITY&product=POD&cloud=COMMUNITY&count=2",
                                   "?include=AVAILABILITY&product=POD&countryCodes=RO,SE&minCudaVersion=12.6"])
def test_the_catalog_matches_the_schema(api, emulator, query):
    reply = emulator.request("GET", "/v2/catalog/gpus" + query)
    check_documented(api, "/v2/catalog/gpus", reply)
    assert reply.status == 200
    gpus = {g["id"]: g for g in reply.json["gpus"]}
    assert gpus[ADA]["price"] == {"secure": 0.69, "community": 0.55}
    if query:
        assert gpus[ADA]["availability"] in {"HIGH", "MEDIUM", "LOW", "NONE"}
    else:
        assert "availability" not in gpus[ADA]


def test_catalog_availability_follows_capacity(api, emulator):
    def level() -> str:
        reply = emulator.request("GET", "/v2/catalog/gpus?include=AVAILABILITY&product=POD")
        check_documented(api, "/v2/catalog/gpus", reply)
        return next(g for g in reply.json["gpus"] if g["id"] == ADA)["availability"]

    assert level() == "HIGH"
    assert emulator.request("PUT", "/admin/capacity", {"gpuTypeId": ADA, "cloud": "SECURE", "gpus": 2}).status == 204
    assert level() == "LOW"
    emulator.create(gpu={"id": ADA, "count": 2})
    assert level() == "NONE"


@pytest.mark.parametrize("query", ["?include=AVAILABILITY", "?product=POD", "?include=EVERYTHING&product=POD",
                                   "?include=AVAILABILITY&product=POD&countryCodes=fr"])
def test_bad_catalog_queries_are_problems(api, emulator, query):
    reply = emulator.request("GET", "/v2/catalog/gpus" + query)
    check_documented(api, "/v2/catalog/gpus", reply)
    assert reply.status in (400, 422)


# --------------------------------------------------------------------------- #
# Request bodies: the emulator agrees with the schema.
# --------------------------------------------------------------------------- #

def test_documented_request_examples_are_valid_and_accepted(api, emulator):
    pointer = api.request_schema_pointer("/v2/pods", "POST")
    examples = api.request_examples("/v2/pods", "POST")
    assert examples, "the document has no create example"
    for name, body in examples.items():
        assert not api.schema_errors(pointer, body), name
        reply = emulator.request("POST", "/v2/pods", body)
        check_documented(api, "/v2/pods", reply)
        assert reply.status == 201, (name, reply.json)
        assert reply.json["name"] == body["name"]
        assert reply.json["gpu"] == body["gpu"]

    pod_id = reply.json["id"]
    assert emulator.request("POST", f"/v2/pods/{pod_id}/action", {"action": "stop"}).status == 200
    action_pointer = api.request_schema_pointer("/v2/pods/{id}/action", "POST")
    for name, body in api.request_examples("/v2/pods/{id}/action", "POST").items():
        assert not api.schema_errors(action_pointer, body), name
        reply = emulator.request("POST", f"/v2/pods/{pod_id}/action", body)
        check_documented(api, "/v2/pods/{id}/action", reply)
        assert reply.status in (200, 204), (name, reply.json)


GOOD = {"name": "a", "image": "i", "gpu": {"id": ADA}}

REJECTED_BY_SCHEMA = [
    ("unknown field", {**GOOD, "bogus": 1}, "bogus"),
    ("unknown gpu field", {**GOOD, "gpu": {"id": ADA, "colour": "green"}}, "colour"),
    ("missing image", {"name": "a", "gpu": {"id": ADA}}, "image"),
    ("missing name", {"image": "i", "gpu": {"id": ADA}}, "name"),
    ("empty name", {**GOOD, "name": ""}, "name"),
    ("bad cloud", {**GOOD, "cloud": "PRIVATE"}, "cloud"),
    ("gpu count 0", {**GOOD, "gpu": {"id": ADA, "count": 0}}, "count"),
    ("disk as string", {**GOOD, "disk": "50"}, "disk"),
    ("env value not a string", {**GOOD, "env": {"A": 1}}, "env"),
    ("two network volumes", {**GOOD, "mounts": {"network": [{"volumeId": "a", "path": "/a"},
                                                          {"volumeId": "b", "path": "/b"}]}}, "network"),
    ("network volume without path", {**GOOD, "mounts": {"network": [{"volumeId": "a"}]}}, "path"),
    ("unknown mount kind", {**GOOD, "mounts": {"nfs": {}}}, "nfs"),
    ("bad cuda floor", {**GOOD, "gpu": {"id": ADA, "minCudaVersion": "12"}}, "minCudaVersion"),
]


@pytest.mark.parametrize("case,body,mention", REJECTED_BY_SCHEMA, ids=[c[0] for c in REJECTED_BY_SCHEMA])
def test_what_the_schema_rejects_the_emulator_rejects(api, emulator, case, body, mention):
    pointer = api.request_schema_pointer("/v2/pods", "POST")
    assert api.schema_errors(pointer, body), f"the schema accepts the {case} body"
    reply = emulator.request("POST", "/v2/pods", body)
    check_documented(api, "/v2/pods", reply)
    assert reply.status in (400, 422), reply.json
    assert reply.content_type == "application/problem+json"
    assert any(mention in e for e in reply.errors), reply.errors
    assert emulator.request("GET", "/v2/pods").json["pods"] == []


ACCEPTED_BY_SCHEMA = [
    ("minimal", GOOD),
    ("everything", {**GOOD, "args": "--serve", "disk": 40, "env": {"A": "b"}, "ports": ["22/tcp", "8888/http"],
                    "registry": None, "cloud": "COMMUNITY", "dataCenterIds": ["US-TX-3"], "globalNetworking": True,
                    "startJupyter": False, "startSsh": True,
                    "gpu": {"id": "NVIDIA L40S", "count": 2, "allowedCudaVersions": ["12.6", "12.8"]},
                    "mounts": {"persistent": {"size": 20, "path": "/workspace"}}}),
    ("template instead of image", {"name": "a", "templateId": "tpl", "gpu": {"id": ADA}}),
    ("cuda floor", {**GOOD, "gpu": {"id": ADA, "minCudaVersion": "12.5", "allowedCudaVersions": []}}),
]


@pytest.mark.parametrize("case,body", ACCEPTED_BY_SCHEMA, ids=[c[0] for c in ACCEPTED_BY_SCHEMA])
def test_what_the_schema_accepts_the_emulator_creates(api, emulator, case, body):
    assert not api.schema_errors(api.request_schema_pointer("/v2/pods", "POST"), body)
    reply = emulator.request("POST", "/v2/pods", body)
    check_documented(api, "/v2/pods", reply)
    assert reply.status == 201, reply.json


HANDLER_RULES = [
    ("spot", {**GOOD, "interruptible": True}, "Spot pods are no longer offered"),
    ("unknown gpu type", {**GOOD, "gpu": {"id": "NVIDIA Nope"}}, "unknown GPU type"),
    ("no compute", {"name": "a", "image": "i"}, "exactly one of"),
    ("cpu pod", {"name": "a", "image": "i", "cpu": {"id": "cpu5c", "vcpuCount": 4}}, "CPU pods"),
    ("bad port", {**GOOD, "ports": ["22"]}, "<port>/tcp"),
]


@pytest.mark.parametrize("case,body,detail", HANDLER_RULES, ids=[c[0] for c in HANDLER_RULES])
def test_handler_rules_answer_400(api, emulator, case, body, detail):
    reply = emulator.request("POST", "/v2/pods", body)
    check_documented(api, "/v2/pods", reply)
    assert reply.status == 400
    assert detail in reply.detail


def test_bad_action_bodies_are_rejected(api, emulator):
    pod_id = emulator.create().json["id"]
    pointer = api.request_schema_pointer("/v2/pods/{id}/action", "POST")
    for body in ({"action": "pause"}, {"action": "stop", "force": True}, {}):
        assert api.schema_errors(pointer, body)
        reply = emulator.request("POST", f"/v2/pods/{pod_id}/action", body)
        check_documented(api, "/v2/pods/{id}/action", reply)
        assert reply.status == 400 and reply.errors


def test_a_body_that_is_not_json_is_a_problem(api, emulator):
    reply = emulator.request("POST", "/v2/pods", raw=b"{name:")
    check_documented(api, "/v2/pods", reply)
    assert reply.status == 400


# --------------------------------------------------------------------------- #
# Capacity, keys and faults.
# --------------------------------------------------------------------------- #

def test_no_capacity_is_the_documented_400_then_another_gpu_works(api, emulator_factory):
    emulator = emulator_factory(config_yaml=FAST_CONFIG + f"capacity:\n  {ADA}: {{SECURE: 1}}\n")
    assert emulator.create().status == 201
    refused = emulator.create()
    check_documented(api, "/v2/pods", refused)
    assert refused.status == 400 and refused.detail == NO_CAPACITY
    assert emulator.create(gpu={"id": "NVIDIA L40S"}).status == 201


def test_legacy_no_capacity_is_the_500_text(api, emulator_factory):
    emulator = emulator_factory(config_yaml=f"legacyNoCapacityErrors: true\ncapacity:\n  {ADA}: {{SECURE: 0}}\n")
    refused = emulator.create()
    check_documented(api, "/v2/pods", refused)
    assert refused.status == 500
    assert refused.detail == "create pod: There are no instances currently available"


def test_a_configured_key_is_required_and_never_echoed(api, emulator_factory):
    emulator = emulator_factory(api_key="rpa-e2e-secret", log_level="debug")
    for key, detail in ((None, "missing bearer token"), ("rpa-e2e-guess", "invalid bearer token")):
        reply = emulator.request("GET", "/v2/pods", key=key)
        check_documented(api, "/v2/pods", reply)
        assert reply.status == 401 and reply.detail == detail
        assert b"rpa-e2e" not in reply.body
    assert emulator.request("GET", "/v2/pods").status == 200
    created = emulator.create(env={"HF_TOKEN": "hf_e2e_do_not_log"})
    assert created.status == 201
    assert emulator.request("GET", "/admin/state", key=None).status == 200
    assert emulator.stop() == 0
    log = emulator.stderr_text()
    assert "runpod emulator call" in log
    assert "rpa-e2e-secret" not in log and "hf_e2e_do_not_log" not in log


@pytest.mark.parametrize("kind,status", [("serverError", 500), ("unauthorized", 401), ("forbidden", 403),
                                         ("paymentRequired", 402), ("noCapacity", 400)])
def test_status_faults_are_documented_problems(api, emulator, kind, status):
    added = emulator.request("POST", "/admin/faults", {"kind": kind, "operations": ["create"], "count": 1})
    assert added.status == 201, added.json
    reply = emulator.create()
    check_documented(api, "/v2/pods", reply)
    assert reply.status == status
    assert emulator.request("GET", "/v2/pods").json["pods"] == []
    assert emulator.create().status == 201


def test_rate_limited_carries_retry_after_and_rate_limit_headers(api, emulator):
    emulator.request("POST", "/admin/faults", {"kind": "rateLimited", "operations": ["list"], "count": 1,
                                               "retryAfterSeconds": 4})
    reply = emulator.request("GET", "/v2/pods")
    check_documented(api, "/v2/pods", reply)
    assert reply.status == 429
    assert reply.headers["retry-after"] == "4"
    assert re.match(r'"minute";r=0;t=4, "hour";r=\d+;t=\d+, "day";r=\d+;t=\d+$', reply.headers["ratelimit"])
    assert reply.headers["ratelimit-policy"] == '"minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400'
    assert emulator.request("GET", "/v2/pods").status == 200


def test_server_error_after_create_leaves_the_pod(api, emulator):
    emulator.request("POST", "/admin/faults", {"kind": "serverErrorAfterCreate", "count": 1})
    reply = emulator.create(name="rpa-media-burst-lost")
    check_documented(api, "/v2/pods", reply)
    assert reply.status == 500
    pods = emulator.request("GET", "/v2/pods").json["pods"]
    assert [p["name"] for p in pods] == ["rpa-media-burst-lost"]


def test_slow_answers_late(emulator):
    emulator.request("POST", "/admin/faults", {"kind": "slow", "operations": ["list"], "count": 1,
                                               "delaySeconds": 0.5})
    start = time.monotonic()
    assert emulator.request("GET", "/v2/pods").status == 200
    assert time.monotonic() - start >= 0.45
    start = time.monotonic()
    emulator.request("GET", "/v2/pods")
    assert time.monotonic() - start < 0.45


def test_drop_connection_closes_without_an_answer(emulator):
    emulator.request("POST", "/admin/faults", {"kind": "dropConnection", "operations": ["create"], "count": 1})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError, http.client.BadStatusLine)):
        emulator.create()
    assert emulator.request("GET", "/v2/pods").json["pods"] == []
    assert emulator.create().status == 201


def test_share_faults_hit_a_fraction(emulator):
    emulator.request("POST", "/admin/faults", {"kind": "serverError", "operations": ["list"], "share": 0.5})
    statuses = [emulator.request("GET", "/v2/pods").status for _ in range(60)]
    assert 10 <= statuses.count(500) <= 50 and statuses.count(200) + statuses.count(500) == 60


def test_admin_state_shows_pods_capacity_faults_and_calls(emulator):
    emulator.create(gpu={"id": ADA, "count": 3})
    emulator.request("GET", "/v2/pods")
    emulator.request("POST", "/admin/faults", {"kind": "slow", "operations": ["get"], "delaySeconds": 1})
    state = emulator.request("GET", "/admin/state").json
    assert [(p["name"], p["gpu"], p["cloud"]) for p in state["pods"]] == [
        ("rpa-media-burst-e2e", {"id": ADA, "count": 3}, "SECURE")]
    assert state["capacity"][ADA]["SECURE"] == {"total": 16, "used": 3, "available": 13}
    assert state["faults"][0]["kind"] == "slow"
    assert state["calls"]["create"] == 1 and state["calls"]["list"] == 1
    assert emulator.request("DELETE", "/admin/faults").status == 204
    assert emulator.request("GET", "/admin/state").json["faults"] == []


# --------------------------------------------------------------------------- #
# The process.
# --------------------------------------------------------------------------- #

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_stops_it_with_exit_0(emulator_factory, sig):
    emulator = emulator_factory()
    assert emulator.request("GET", "/v2/pods").status == 200
    assert emulator.stop(sig) == 0


def test_config_faults_apply_from_the_start(emulator_factory):
    emulator = emulator_factory(config_yaml="faults:\n  - {kind: serverError, operations: [list], count: 1}\n")
    assert emulator.request("GET", "/v2/pods").status == 500
    assert emulator.request("GET", "/v2/pods").status == 200


def test_a_bad_config_exits_2_naming_the_key(emulator_factory):
    emulator = emulator_factory(config_yaml="provisioningSecs: 1\n", start=False).launch()
    assert emulator.wait_exit(10) == 2
    assert "provisioningSecs: unknown key" in emulator.stderr_text()


def test_quirks_reproduce_the_live_service_oddities(api, emulator_factory):
    emulator = emulator_factory(config_yaml="quirks: {goTimestamps: true, costAsString: true}\n")
    pod = emulator.create().json
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} \+0000 UTC", pod["createdAt"])
    assert pod["cost"] == "0.69"
    # Exactly what the schema does not allow, and what clients must tolerate anyway.
    errors = api.schema_errors("#/components/schemas/Pod", pod)
    assert any("createdAt" in e for e in errors) and any("cost" in e for e in errors)
