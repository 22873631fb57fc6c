"""The Kubernetes manifests: manifests/ (the kustomize base), manifests/examples/ and the mTLS
component manifests/examples/mtls-autoscaler/ (rendered over the base by an overlay in a
temporary directory, since kustomize keeps overlays out of their base's directory).

- Every YAML file parses; the kustomizations render (manifest_support.render: a small,
  strict renderer, described there) without duplicates.
- Built-in kinds validate with kubernetes-validate for Kubernetes 1.30 (strict: unknown
  fields fail) plus a few API server rules the schemas lack; ScaledObject and
  TriggerAuthentication validate against KEDA's CRDs, RunPodPools against the project's CRD,
  both with unknown fields rejected as `kubectl apply` does.
- What a reviewer checks by hand: security context, probes, Services, NetworkPolicy, PDB,
  the Secret reference, and that the ConfigMap's config is accepted by the real binary.
- RBAC: `required_permissions()` is what the autoscaler calls (Sources/Autoscaler/Kubernetes);
  the rules allow exactly that. A real Kubernetes-mode run against the API server stand-in,
  and the JSON-lines request log named by $RPA_KUBE_REQUEST_LOG when set, are checked too.

Environment: RPA_BINARY (default <repo>/.build/debug/runpod-autoscaler), SHARED_DIR (default
<repo>/../shared), RPA_KUBE_REQUEST_LOG (a request log: {"method", "path", "query" or
"raw_query", "user"} per line, as kube_standin writes), RPA_KUBE_REQUEST_USER (only that user's
requests of the log are the autoscaler's).
"""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import grpc
import kubernetes_validate
import pytest
import yaml

from manifest_support import (
    ANY_NAMESPACE, BINARY, CLUSTER_WIDE, EXAMPLES, HIGHEST_USER_DEFINABLE_PRIORITY, KEDA_CRDS, KEDA_PROTO,
    KUBERNETES_VERSION, MANIFESTS, MTLS_COMPONENT, POOL_CRD, Call, KustomizeError, NonResourceCall,
    DISCOVERY_PATHS, allowed, api_server_rules, call_is_declared, config_keys, crd_validator, describe,
    environment_name, find, flatten, grants_for, keda_validators, load_documents, one, read_request_log,
    render, render_mtls, request_to_call, schema_errors, setting, unused_grants, write_overlay, yaml_files,
)
from support import built_binary

NAMESPACE = "platform"
ACCOUNT = (NAMESPACE, "runpod-autoscaler")
APP_LABELS = {"app.kubernetes.io/name": "runpod-autoscaler"}
IMAGE = "ghcr.io/gpuburst/runpod-autoscaler:0.1.0"
CONFIG_PATH = "/etc/runpod-autoscaler/config.yaml"
SCALER_SERVICE = "externalscaler.ExternalScaler"
HEADLESS_ADDRESS = "runpod-autoscaler-headless.platform.svc.cluster.local:9090"
SECRET_TEMPLATE = MANIFESTS / "runpod-secrets.template.yaml"
MONITORING = MANIFESTS / "monitoring"
# Prometheus' own files, not Kubernetes objects: test_alerts.py checks them with promtool.
PROMETHEUS_FILES = {MONITORING / "runpod-autoscaler.rules.yaml", MONITORING / "rules.test.yaml"}
PUSH_VARIANT = EXAMPLES / "scaledobject-burst-push.yaml"
PROMETHEUS_URL = "http://prometheus-operated.monitoring:9090"
# DESIGN.md's queries (also ConfigKey's defaults).
QUEUE_QUERY = 'sum(kafka_consumergroup_lag{consumergroup="media-gpu"})'
P95_QUERY = "histogram_quantile(0.95, sum(rate(media_job_duration_seconds_bucket[5m])) by (le))"
CUSTOM_KINDS = {"RunPodPool", "ScaledObject", "TriggerAuthentication"}

REQUEST_LOG = os.environ.get("RPA_KUBE_REQUEST_LOG")
REQUEST_USER = os.environ.get("RPA_KUBE_REQUEST_USER")

# Permissions a run may legitimately not exercise, so a request log is not expected to show
# them; they must still be declared in required_permissions().
NOT_ALWAYS_OBSERVED = {
    ("", "events", "patch"): "only when an identical event repeats (KubeClient.recordEvent bumps count)",
    ("", "nodes", "create"): "only with attach (attach.privateKeyFile and a pool with template.attach.ssh)",
    ("", "nodes", "patch"): "only with attach",
    ("", "nodes", "delete"): "only with attach",
    ("", "nodes/status", "patch"): "only with attach",
}


# --------------------------------------------------------------------------------------------
# Rendered objects
# --------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def base() -> list[dict]:
    return render(MANIFESTS)


@pytest.fixture(scope="module")
def examples() -> list[dict]:
    return render(EXAMPLES)


@pytest.fixture(scope="module")
def mtls() -> list[dict]:
    return render_mtls()


def autoscaler_config(objects: list[dict] | None = None) -> dict:
    """The config file in the base's ConfigMap."""
    objects = objects if objects is not None else render(MANIFESTS)
    return yaml.safe_load(one(objects, "ConfigMap", "runpod-autoscaler-config")["data"]["config.yaml"])


def container(deployment: dict) -> dict:
    containers = deployment["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1, [c["name"] for c in containers]
    return containers[0]


def selector_matches(selector: dict, labels: dict) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


# --------------------------------------------------------------------------------------------
# What the autoscaler calls
# --------------------------------------------------------------------------------------------

def required_calls(config: dict | None = None) -> set[Call]:
    """Every Kubernetes API request the autoscaler makes with `config` (default: the base's
    ConfigMap), by call site. Names are given where the code always uses the same one."""
    config = config if config is not None else autoscaler_config()
    lease_namespace = setting(config, "kubernetes.leaderElection.namespace")
    lease_name = setting(config, "kubernetes.leaderElection.leaseName")
    calls = {
        # KubernetesObserver.readOnce: client.list(.runPodPools(namespace: nil))
        Call("gpuburst.io", "runpodpools", "list", CLUSTER_WIDE),
        # PoolFinalizer.addMissing / release: client.modify(<pool>), a get then an update, in the pool's namespace
        Call("gpuburst.io", "runpodpools", "get", ANY_NAMESPACE),
        Call("gpuburst.io", "runpodpools", "update", ANY_NAMESPACE),
        # PoolStatusWriter.writeOnce: client.mergePatch(<pool>/status) in the pool's namespace
        Call("gpuburst.io", "runpodpools/status", "patch", ANY_NAMESPACE),
        # PoolEventRecorder -> KubeClient.recordEvent: POST an Event in the pool's namespace,
        # or merge-patch the stored one when the same event repeats
        Call("", "events", "create", ANY_NAMESPACE),
        Call("", "events", "patch", ANY_NAMESPACE),
        # LeaderElector.attempt / release: get the Lease, create it, or update it (renew,
        # take over, release)
        Call("coordination.k8s.io", "leases", "get", lease_namespace, lease_name),
        Call("coordination.k8s.io", "leases", "create", lease_namespace),
        Call("coordination.k8s.io", "leases", "update", lease_namespace, lease_name),
    }
    # AttachController (attach, leader only): one Node per attached RunPod pod, merge-patched (created when
    # missing) and deleted, its status merge-patched; orphans found by listing nodes with the pool label.
    # Granted in every deployment, so a pool can turn attach on without an RBAC change.
    calls |= {Call("", "nodes", "create", CLUSTER_WIDE), Call("", "nodes", "patch", CLUSTER_WIDE),
              Call("", "nodes", "delete", CLUSTER_WIDE), Call("", "nodes/status", "patch", CLUSTER_WIDE),
              Call("", "nodes", "list", CLUSTER_WIDE)}
    if setting(config, "local.source") == "kubernetes":
        # KubernetesObserver.readOnce: nodes by label selector, pods of every namespace by
        # field selector (status.phase)
        calls |= {Call("", "nodes", "list", CLUSTER_WIDE), Call("", "pods", "list", CLUSTER_WIDE)}
    return calls


def required_permissions(config: dict | None = None) -> set[tuple[str, str, str, str]]:
    """(apiGroup, resource[/subresource], verb, scope) the autoscaler needs; scope is a namespace,
    CLUSTER_WIDE (a cluster-scoped resource or all namespaces) or ANY_NAMESPACE (the pools')."""
    return {c.permission for c in required_calls(config)}


# --------------------------------------------------------------------------------------------
# Files, rendering, schemas
# --------------------------------------------------------------------------------------------

def test_every_yaml_file_parses():
    files = yaml_files(MANIFESTS)
    assert MANIFESTS / "kustomization.yaml" in files and POOL_CRD in files
    assert PROMETHEUS_FILES <= set(files), "the plain Prometheus rules and their unit tests moved"
    for path in PROMETHEUS_FILES:
        assert isinstance(yaml.safe_load(path.read_text()), dict), path
    for path in sorted(set(files) - PROMETHEUS_FILES):
        docs = load_documents(path)
        assert docs, f"{path} holds no document"
        for doc in docs:
            assert doc.get("apiVersion") and doc.get("kind"), f"{path}: a document without apiVersion/kind"


def test_base_holds_the_expected_objects(base):
    assert sorted((o["kind"], o["metadata"]["name"]) for o in base) == sorted([
        ("Namespace", "platform"),
        ("CustomResourceDefinition", "runpodpools.gpuburst.io"),
        ("ServiceAccount", "runpod-autoscaler"),
        ("ClusterRole", "runpod-autoscaler"),
        ("ClusterRoleBinding", "runpod-autoscaler"),
        ("Role", "runpod-autoscaler-leader-election"),
        ("RoleBinding", "runpod-autoscaler-leader-election"),
        ("ConfigMap", "runpod-autoscaler-config"),
        ("Deployment", "runpod-autoscaler"),
        ("Service", "runpod-autoscaler"),
        ("Service", "runpod-autoscaler-headless"),
        ("PodDisruptionBudget", "runpod-autoscaler"),
        ("NetworkPolicy", "runpod-autoscaler"),
    ])
    for obj in base:
        if obj["kind"] not in ("Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"):
            assert obj["metadata"]["namespace"] == NAMESPACE, describe(obj)
        else:
            assert "namespace" not in obj["metadata"], describe(obj)
        assert obj["metadata"]["labels"]["app.kubernetes.io/part-of"] == "gpuburst", describe(obj)


def test_the_base_carries_the_crd_file_unchanged(base):
    (crd_file,) = load_documents(POOL_CRD)
    rendered = copy.deepcopy(one(base, "CustomResourceDefinition"))
    rendered["metadata"]["labels"].pop("app.kubernetes.io/part-of")
    if not rendered["metadata"]["labels"]:
        del rendered["metadata"]["labels"]
    assert rendered == crd_file


def test_examples_hold_the_expected_objects(examples):
    assert sorted((o["kind"], o["metadata"]["name"]) for o in examples) == sorted([
        ("RunPodPool", "burst"),
        ("TriggerAuthentication", "runpod-autoscaler-mtls"),
        ("ScaledObject", "burst"),
        ("PriorityClass", "gpu-local-baseline"),
        ("Deployment", "gpu-worker"),
        ("ScaledObject", "gpu-worker"),
    ])
    for obj in examples:
        if obj["kind"] != "PriorityClass":
            assert obj["metadata"]["namespace"] == "media", describe(obj)


def _builtin_objects():
    rendered = render(MANIFESTS) + render(EXAMPLES) + render_mtls() + load_documents(SECRET_TEMPLATE)
    return [pytest.param(o, id=f"{o['kind']}/{o['metadata']['name']}") for o in rendered
            if o["kind"] not in CUSTOM_KINDS]


@pytest.mark.parametrize("obj", _builtin_objects())
def test_builtin_kinds_validate_for_kubernetes_1_30(obj):
    kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    assert api_server_rules(obj) == []


def test_strict_kubernetes_validation_is_not_vacuous(base):
    deployment = copy.deepcopy(one(base, "Deployment"))
    container(deployment)["readinessProbe"]["grpc"]["servce"] = SCALER_SERVICE
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)
    priority = {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "p"},
                "value": 1_500_000_000}
    assert api_server_rules(priority), "a user PriorityClass above 1e9 must be reported"


@pytest.fixture(scope="module")
def keda():
    validators = keda_validators()
    assert {"ScaledObject", "TriggerAuthentication"} <= set(validators), f"KEDA CRDs in {KEDA_CRDS}"
    return validators


def _keda_objects():
    objects = render(EXAMPLES) + load_documents(PUSH_VARIANT)
    return [pytest.param(o, id=f"{o['kind']}/{o['metadata']['name']}/{(o['spec'].get('triggers') or [{}])[0].get('type', '')}")
            for o in objects if o["kind"] in ("ScaledObject", "TriggerAuthentication")]


@pytest.mark.parametrize("obj", _keda_objects())
def test_keda_objects_validate_against_kedas_crds(keda, obj):
    assert obj["apiVersion"] == "keda.sh/v1alpha1"
    assert schema_errors(keda[obj["kind"]], obj) == []
    assert api_server_rules(obj) == []


def test_keda_validation_rejects_mistakes(keda, examples):
    scaled = one(examples, "ScaledObject", "burst")
    typo = copy.deepcopy(scaled)
    typo["spec"]["trigers"] = typo["spec"].pop("triggers")
    assert schema_errors(keda["ScaledObject"], typo)
    nameless = copy.deepcopy(scaled)
    del nameless["spec"]["scaleTargetRef"]["name"]
    assert schema_errors(keda["ScaledObject"], nameless)
    auth = copy.deepcopy(one(examples, "TriggerAuthentication"))
    del auth["spec"]["secretTargetRef"][0]["key"]
    assert schema_errors(keda["TriggerAuthentication"], auth)


@pytest.fixture(scope="module")
def pool_validator():
    return crd_validator(POOL_CRD, "v1alpha1")


def test_example_runpodpool_validates_against_the_crd(pool_validator, examples):
    pool = one(examples, "RunPodPool", "burst")
    assert schema_errors(pool_validator, pool) == []


def _bad(change):
    def apply(pool):
        change(pool["spec"])
        return pool
    return apply


BAD_POOLS = {
    "gpuCount 0": _bad(lambda s: s["template"].__setitem__("gpuCount", 0)),
    "cloud SPOT": _bad(lambda s: s["template"].__setitem__("clouds", ["SECURE", "SPOT"])),
    "negative replicas": _bad(lambda s: s.__setitem__("replicas", -1)),
    "negative maxReplicas": _bad(lambda s: s.__setitem__("maxReplicas", -1)),
    "missing template": _bad(lambda s: s.pop("template")),
    "maxCostPerHour 0": _bad(lambda s: s.__setitem__("maxCostPerHour", 0)),
    "port without protocol": _bad(lambda s: s["template"].__setitem__("ports", ["22"])),
    "port udp": _bad(lambda s: s["template"].__setitem__("ports", ["8888/udp"])),
    "no GPU type": _bad(lambda s: s["template"].__setitem__("gpuTypeIds", [])),
    "jobsPerWorker 0": _bad(lambda s: s["scaling"].__setitem__("jobsPerWorker", 0)),
    "unknown field": _bad(lambda s: s.__setitem__("maxReplica", 3)),
}


@pytest.mark.parametrize("case", sorted(BAD_POOLS))
def test_bad_runpodpools_are_rejected(pool_validator, examples, case):
    pool = BAD_POOLS[case](copy.deepcopy(one(examples, "RunPodPool", "burst")))
    assert schema_errors(pool_validator, pool), f"{case} was accepted"


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed: the renderer is not compared with kustomize")
def test_renderer_agrees_with_kubectl_kustomize(tmp_path):
    """Where kubectl is at hand, its kustomize renders exactly what the small renderer does."""
    overlay = write_overlay(tmp_path / "mtls", [MANIFESTS], [MTLS_COMPONENT])
    for directory in (MANIFESTS, EXAMPLES, MONITORING, overlay):
        result = subprocess.run([KUBECTL, "kustomize", str(directory)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        theirs = sorted((o for o in yaml.safe_load_all(result.stdout) if o), key=describe)
        ours = sorted(render(directory), key=describe)
        assert [describe(o) for o in ours] == [describe(o) for o in theirs], directory
        for mine, kustomized in zip(ours, theirs):
            assert mine == kustomized, describe(mine)


def test_renderer_refuses_what_it_does_not_support(tmp_path):
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n")
    head = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
    for body in ("resources: [cm.yaml]\nimages: [{name: a, newTag: b}]", "resources: [cm.yaml]\ncommonLabels: {a: b}",
                 "resources: [cm.yaml]\nlabels: [{pairs: {a: b}, includeSelectors: true}]",
                 "resources: [cm.yaml]\npatches: [{path: p.yaml}]",
                 "resources: [cm.yaml]\npatches: [{target: {kind: ConfigMap, name: b}, patch: '[]'}]",
                 "resources: [cm.yaml, cm.yaml]", "resources: [missing.yaml]", "resources: [../outside.yaml]",
                 "resources: [..]", f"resources: [{tmp_path / 'cm.yaml'}]", "components: [.]"):
        (tmp_path / "kustomization.yaml").write_text(head + body + "\n")
        with pytest.raises(KustomizeError):
            render(tmp_path)
    (tmp_path / "kustomization.yaml").write_text(head + "resources: [cm.yaml]\nnamespace: x\n")
    assert render(tmp_path)[0]["metadata"] == {"name": "a", "namespace": "x"}


# --------------------------------------------------------------------------------------------
# The Deployment and what points at it
# --------------------------------------------------------------------------------------------

def test_deployment_security_and_resources(base):
    deployment = one(base, "Deployment", "runpod-autoscaler")
    spec, pod = deployment["spec"], deployment["spec"]["template"]["spec"]
    c = container(deployment)
    assert spec["replicas"] == 2, "two replicas: leader election plus a warm standby"
    assert spec["selector"]["matchLabels"] == APP_LABELS
    assert pod["serviceAccountName"] == "runpod-autoscaler"
    assert pod.get("automountServiceAccountToken", True) is True, "the in-cluster client needs the token"
    assert pod["enableServiceLinks"] is False, "Service env vars would land in RUNPOD_AUTOSCALER_*"
    assert c["image"] == IMAGE
    # The effective security context (container settings override the pod's).
    effective = {**pod["securityContext"], **c["securityContext"]}
    assert effective["runAsNonRoot"] is True and effective["runAsUser"] == 65532
    assert effective["seccompProfile"] == {"type": "RuntimeDefault"}
    assert c["securityContext"]["readOnlyRootFilesystem"] is True
    assert c["securityContext"]["allowPrivilegeEscalation"] is False
    assert c["securityContext"]["capabilities"] == {"drop": ["ALL"]}
    assert "privileged" not in c["securityContext"] and "hostNetwork" not in pod
    resources = c["resources"]
    assert set(resources) == {"requests", "limits"}
    for kind in ("requests", "limits"):
        assert set(resources[kind]) == {"cpu", "memory"}, kind
    # /tmp is the only writable path.
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]["name"]]
    assert all(m.get("readOnly") for path, m in mounts.items() if path != "/tmp")


def test_deployment_runs_serve_with_the_configmap(base):
    deployment = one(base, "Deployment", "runpod-autoscaler")
    c, pod = container(deployment), deployment["spec"]["template"]["spec"]
    assert c["args"] == ["serve", "--config", CONFIG_PATH, "--log-format", "json"]
    mount = next(m for m in c["volumeMounts"] if CONFIG_PATH.startswith(m["mountPath"].rstrip("/") + "/"))
    volume = next(v for v in pod["volumes"] if v["name"] == mount["name"])
    configmap = one(base, "ConfigMap", volume["configMap"]["name"])
    relative = CONFIG_PATH[len(mount["mountPath"].rstrip("/")) + 1:]
    items = volume["configMap"].get("items") or [{"key": k, "path": k} for k in configmap["data"]]
    (item,) = [i for i in items if i["path"] == relative]
    assert item["key"] in configmap["data"]


def test_deployment_takes_the_api_key_from_the_secret(base):
    c = container(one(base, "Deployment", "runpod-autoscaler"))
    env = {e["name"]: e for e in c["env"]}
    ref = env["RUNPOD_API_KEY"]["valueFrom"]["secretKeyRef"]
    assert (ref["name"], ref["key"]) == ("runpod-secrets", "api-key")
    assert ref.get("optional", False) is False, "without a key the binary falls back to the emulator"
    assert all("value" not in e for e in c["env"]), "no literal values: settings live in the ConfigMap"
    assert not find(base, "Secret"), "the base must not overwrite the real key with a placeholder"


def test_secret_template(base):
    (secret,) = load_documents(SECRET_TEMPLATE)
    assert (secret["kind"], secret["metadata"]["name"], secret["metadata"]["namespace"]) == \
        ("Secret", "runpod-secrets", NAMESPACE)
    assert set(secret["stringData"]) == {"api-key"}
    assert "REPLACE" in secret["stringData"]["api-key"]
    text = SECRET_TEMPLATE.read_text()
    assert "kubectl create secret generic runpod-secrets -n platform" in text
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    assert SECRET_TEMPLATE.name not in kustomization["resources"]


def test_probes_are_native_grpc_on_9090(base):
    c = container(one(base, "Deployment", "runpod-autoscaler"))
    assert c["livenessProbe"]["grpc"] == {"port": 9090}
    assert c["readinessProbe"]["grpc"] == {"port": 9090, "service": SCALER_SERVICE}
    assert c["startupProbe"]["grpc"]["port"] == 9090
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert "/readyz" not in json.dumps(c[probe]), f"{probe}: a stale demand source must not unready every replica"
    # The probed service is the one KEDA calls, as its proto names it.
    proto = KEDA_PROTO.read_text()
    package = re.search(r"^package\s+([\w.]+);", proto, re.M).group(1)
    assert re.search(r"^service\s+(\w+)", proto, re.M).group(1) == SCALER_SERVICE.split(".")[-1]
    assert package == SCALER_SERVICE.rsplit(".", 1)[0]


def test_ports_and_prometheus_annotations(base):
    deployment = one(base, "Deployment", "runpod-autoscaler")
    c = container(deployment)
    assert {(p["name"], p["containerPort"], p.get("protocol", "TCP")) for p in c["ports"]} == \
        {("grpc", 9090, "TCP"), ("metrics", 8080, "TCP")}
    annotations = deployment["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == "8080"
    assert annotations["prometheus.io/path"] == "/metrics"
    config = autoscaler_config(base)
    assert setting(config, "grpc.listen") == "0.0.0.0:9090"
    assert setting(config, "http.listen") == "0.0.0.0:8080"


def test_termination_grace_exceeds_the_grpc_drain(base):
    pod = one(base, "Deployment", "runpod-autoscaler")["spec"]["template"]["spec"]
    grace = float(setting(autoscaler_config(base), "grpc.shutdownGraceSeconds"))
    assert pod["terminationGracePeriodSeconds"] > grace


def test_replicas_spread_over_nodes(base):
    pod = one(base, "Deployment", "runpod-autoscaler")["spec"]["template"]["spec"]
    (term,) = pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
    assert term["podAffinityTerm"]["topologyKey"] == "kubernetes.io/hostname"
    assert term["podAffinityTerm"]["labelSelector"]["matchLabels"] == APP_LABELS
    assert "requiredDuringSchedulingIgnoredDuringExecution" not in pod["affinity"]["podAntiAffinity"]
    for constraint in pod.get("topologySpreadConstraints", []):
        assert constraint["whenUnsatisfiable"] == "ScheduleAnyway"


def test_services_select_the_pods_and_target_named_ports(base):
    deployment = one(base, "Deployment", "runpod-autoscaler")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    port_names = {p["name"]: p["containerPort"] for p in container(deployment)["ports"]}
    cluster_ip = one(base, "Service", "runpod-autoscaler")
    headless = one(base, "Service", "runpod-autoscaler-headless")
    for service in (cluster_ip, headless):
        assert selector_matches(service["spec"]["selector"], labels), describe(service)
        for port in service["spec"]["ports"]:
            assert port_names[port["targetPort"]] == port["port"], f"{describe(service)} {port}"
    assert cluster_ip["spec"].get("type", "ClusterIP") == "ClusterIP"
    assert "clusterIP" not in cluster_ip["spec"]
    assert {(p["name"], p["port"]) for p in cluster_ip["spec"]["ports"]} == {("grpc", 9090), ("metrics", 8080)}
    assert headless["spec"]["clusterIP"] == "None"
    assert {(p["name"], p["port"]) for p in headless["spec"]["ports"]} == {("grpc", 9090)}
    assert not headless["spec"].get("publishNotReadyAddresses"), "KEDA must only reach ready replicas"


def test_pod_disruption_budget(base):
    pdb = one(base, "PodDisruptionBudget")
    labels = one(base, "Deployment", "runpod-autoscaler")["spec"]["template"]["metadata"]["labels"]
    assert pdb["spec"]["minAvailable"] == 1 and "maxUnavailable" not in pdb["spec"]
    assert selector_matches(pdb["spec"]["selector"]["matchLabels"], labels)


def test_network_policy_admits_only_keda_and_monitoring(base):
    policy = one(base, "NetworkPolicy")
    labels = one(base, "Deployment", "runpod-autoscaler")["spec"]["template"]["metadata"]["labels"]
    spec = policy["spec"]
    assert selector_matches(spec["podSelector"]["matchLabels"], labels)
    # Ingress only: egress is deliberately left open (see networkpolicy.yaml).
    assert spec["policyTypes"] == ["Ingress"] and "egress" not in spec
    admitted = set()
    for rule in spec["ingress"]:
        assert rule.get("from") and rule.get("ports"), f"a rule without from or ports admits everything: {rule}"
        for peer in rule["from"]:
            assert set(peer) == {"namespaceSelector"}, f"only namespace peers: {peer}"
            assert set(peer["namespaceSelector"]) == {"matchLabels"}
            (namespace,) = [v for k, v in peer["namespaceSelector"]["matchLabels"].items()
                            if k == "kubernetes.io/metadata.name"]
            assert len(peer["namespaceSelector"]["matchLabels"]) == 1
            for port in rule["ports"]:
                admitted.add((namespace, port.get("protocol", "TCP"), port["port"]))
    assert admitted == {("keda", "TCP", 9090), ("monitoring", "TCP", 8080)}


# --------------------------------------------------------------------------------------------
# The ConfigMap's config
# --------------------------------------------------------------------------------------------

def test_config_uses_only_known_keys_and_kubernetes_mode(base):
    config = autoscaler_config(base)
    known = config_keys()
    assert "pools" not in config, "Kubernetes mode: pools are RunPodPool objects"
    unknown = sorted(set(flatten(config)) - set(known))
    assert unknown == [], f"keys the binary does not know: {unknown}"
    assert "runpod.apiKey" not in flatten(config), "the key comes from the Secret"
    assert setting(config, "kubernetes.enabled") is True
    assert setting(config, "local.source") == "kubernetes"
    assert setting(config, "demand.source") == "prometheus"
    assert setting(config, "demand.prometheus.url") == PROMETHEUS_URL
    assert setting(config, "demand.prometheus.queueDepthQuery") == QUEUE_QUERY
    assert setting(config, "demand.prometheus.latencyP95Query") == P95_QUERY
    assert setting(config, "kubernetes.leaderElection.namespace") == NAMESPACE
    assert setting(config, "runpod.endpoint") == "https://api.runpod.io"


def test_lease_role_names_the_configured_lease(base):
    lease = setting(autoscaler_config(base), "kubernetes.leaderElection.leaseName")
    role = one(base, "Role", "runpod-autoscaler-leader-election")
    named = [r for r in role["rules"] if r.get("resourceNames")]
    assert named and all(r["resourceNames"] == [lease] for r in named)


class FakePrometheus:
    """Answers /api/v1/query with one sample per query ({query: value}) and records queries."""

    def __init__(self, values: dict[str, str]):
        self.values, self.queries = values, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                url = urllib.parse.urlsplit(self.path)
                query = urllib.parse.parse_qs(url.query).get("query", [""])[0]
                outer.queries.append(query)
                if url.path != "/api/v1/query" or query not in outer.values:
                    body, code = {"status": "error", "errorType": "bad_data", "error": "unknown query"}, 400
                else:
                    body, code = {"status": "success", "data": {"resultType": "vector", "result": [
                        {"metric": {}, "value": [time.time(), outer.values[query]]}]}}, 200
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


RUNPOD_TEST_KEY = "rpa-test-key-not-a-real-one"


def hermetic_env(**extra: str) -> dict[str, str]:
    """The environment without cluster, RunPod or RUNPOD_AUTOSCALER_* settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RUNPOD_", "KUBERNETES_")) and k != "KUBECONFIG"}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def runpod_api(tmp_path_factory):
    """The project's RunPod emulator as its own process, with an API key: `check` probes
    RunPod with the key, and nothing may leave loopback."""
    require_binary()
    from emulator_support import Emulator

    emulator = Emulator(tmp_path_factory.mktemp("runpod"), api_key=RUNPOD_TEST_KEY).start()
    yield f"http://127.0.0.1:{emulator.port}"
    emulator.close()


def require_binary():
    built_binary()


def run_check(config_path: Path, *settings: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    require_binary()
    args = [str(BINARY), "check", "--config", str(config_path)]
    for s in settings:
        args += ["--set", s]
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, cwd=config_path.parent)


def test_the_binary_accepts_the_configmap_config(tmp_path, base, runpod_api):
    """The file as mounted, in Kubernetes mode, with the key set as the Secret sets it. `check`
    probes Prometheus and RunPod, so only those two addresses move to loopback stand-ins."""
    path = tmp_path / "config.yaml"
    path.write_text(one(base, "ConfigMap", "runpod-autoscaler-config")["data"]["config.yaml"])
    with FakePrometheus({QUEUE_QUERY: "42", P95_QUERY: "12.5"}) as prometheus:
        result = run_check(path, f"demand.prometheus.url={prometheus.url}", f"runpod.endpoint={runpod_api}",
                           env=hermetic_env(RUNPOD_API_KEY=RUNPOD_TEST_KEY))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "invalid configuration" not in result.stderr
    assert "demand: OK" in result.stdout and "queueDepth 42" in result.stdout
    assert sorted(set(prometheus.queries)) == sorted({QUEUE_QUERY, P95_QUERY})
    assert "runpod: OK" in result.stdout, "the key from the environment reaches RunPod"
    assert "resolved: Kubernetes mode" in result.stdout
    assert RUNPOD_TEST_KEY not in output, "the API key must never be printed"



def test_the_binary_accepts_the_config_standalone_with_the_example_pool(tmp_path, base, examples, runpod_api):
    """The same file, standalone (no cluster): --set kubernetes.enabled=false and
    local.source=static, with the example RunPodPool's spec as its one pool."""
    config = autoscaler_config(base)
    pool = one(examples, "RunPodPool", "burst")
    config["pools"] = [{"name": pool["metadata"]["name"], "namespace": pool["metadata"]["namespace"],
                        **pool["spec"]}]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    with FakePrometheus({QUEUE_QUERY: "0", P95_QUERY: "0"}) as prometheus:
        result = run_check(path, "kubernetes.enabled=false", "local.source=static",
                           f"demand.prometheus.url={prometheus.url}", f"runpod.endpoint={runpod_api}",
                           env=hermetic_env(RUNPOD_API_KEY=RUNPOD_TEST_KEY))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "invalid configuration" not in result.stderr
    assert "Kubernetes mode" not in result.stdout
    assert '- name: "burst"' in result.stdout, result.stdout
    assert 'gpuTypeIds: ["NVIDIA RTX 6000 Ada Generation", "NVIDIA L40S"]' in result.stdout


# --------------------------------------------------------------------------------------------
# Examples
# --------------------------------------------------------------------------------------------

def test_burst_pool_example(examples):
    pool = one(examples, "RunPodPool", "burst", "media")
    spec = pool["spec"]
    assert "replicas" not in spec, "the HPA owns spec.replicas; re-applying must not reset it"
    assert spec["maxReplicas"] == 20 and spec["maxCostPerHour"] == 15
    assert spec["template"]["gpuTypeIds"] == ["NVIDIA RTX 6000 Ada Generation", "NVIDIA L40S"]
    assert spec["template"].get("image") or spec["template"].get("templateId")
    secretish = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL", re.I)
    assert not [k for k in spec["template"].get("env", {}) if secretish.search(k)]


def _burst_trigger(scaled: dict) -> dict:
    (trigger,) = scaled["spec"]["triggers"]
    return trigger


def test_burst_scaledobject_targets_the_pool_through_the_headless_service(base, examples):
    scaled = one(examples, "ScaledObject", "burst", "media")
    assert scaled["spec"]["scaleTargetRef"] == {"apiVersion": "gpuburst.io/v1alpha1", "kind": "RunPodPool",
                                                "name": "burst"}
    one(examples, "RunPodPool", scaled["spec"]["scaleTargetRef"]["name"], "media")
    assert scaled["spec"]["maxReplicaCount"] == 20
    trigger = _burst_trigger(scaled)
    assert trigger["type"] == "external"
    assert trigger["metadata"]["scalerAddress"] == HEADLESS_ADDRESS
    assert trigger["metadata"]["pool"] == "burst"
    assert all(isinstance(v, str) for v in trigger["metadata"].values()), "KEDA metadata values are strings"
    # The address is the base's headless Service.
    host, port = HEADLESS_ADDRESS.rsplit(":", 1)
    name, namespace = host.split(".")[:2]
    service = one(base, "Service", name, namespace)
    assert service["spec"]["clusterIP"] == "None"
    assert int(port) in [p["port"] for p in service["spec"]["ports"]]


def test_burst_trigger_authenticates_with_mtls(examples):
    trigger = _burst_trigger(one(examples, "ScaledObject", "burst"))
    auth = one(examples, "TriggerAuthentication", trigger["authenticationRef"]["name"], "media")
    assert trigger["authenticationRef"].get("kind", "TriggerAuthentication") == "TriggerAuthentication"
    refs = {r["parameter"]: r for r in auth["spec"]["secretTargetRef"]}
    assert set(refs) == {"caCert", "tlsClientCert", "tlsClientKey"}
    assert len({r["name"] for r in refs.values()}) == 1, "one Secret holds the client's TLS material"


def test_push_variant_replaces_the_poll_trigger(examples):
    (push,) = load_documents(PUSH_VARIANT)
    poll = one(examples, "ScaledObject", "burst")
    kustomization = yaml.safe_load((EXAMPLES / "kustomization.yaml").read_text())
    assert PUSH_VARIANT.name not in kustomization["resources"], "two ScaledObjects may not share a target"
    assert (push["metadata"], push["spec"]["scaleTargetRef"]) == (poll["metadata"], poll["spec"]["scaleTargetRef"])
    push_trigger, poll_trigger = _burst_trigger(push), _burst_trigger(poll)
    assert push_trigger["type"] == "external-push"
    assert push_trigger["metadata"] == poll_trigger["metadata"]
    assert push_trigger["authenticationRef"] == poll_trigger["authenticationRef"]


def test_local_baseline(base, examples):
    config = autoscaler_config(base)
    priority = one(examples, "PriorityClass", "gpu-local-baseline")
    # DESIGN.md's 1500000000 is above what the API server accepts for a user PriorityClass.
    assert priority["value"] == HIGHEST_USER_DEFINABLE_PRIORITY
    assert priority.get("globalDefault", False) is False
    worker = one(examples, "Deployment", "gpu-worker", "media")
    assert "replicas" not in worker["spec"], "KEDA owns the replica count"
    pod = worker["spec"]["template"]["spec"]
    labels = worker["spec"]["template"]["metadata"]["labels"]
    # The autoscaler finds these workers and nodes with its selectors (equality ones here).
    key, value = setting(config, "local.workerSelector").split("=")
    assert labels[key] == value == "gpu-worker"
    key, value = setting(config, "local.nodeSelector").split("=")
    assert pod["nodeSelector"] == {key: value} == {"gpu-type": "local"}
    assert {"key": "gpu-type", "operator": "Equal", "value": "local", "effect": "NoSchedule"} in pod["tolerations"]
    assert pod["priorityClassName"] == priority["metadata"]["name"]
    (worker_container,) = pod["containers"]
    assert worker_container["resources"]["limits"]["nvidia.com/gpu"] == 1


def test_local_scaledobject_triggers(examples):
    scaled = one(examples, "ScaledObject", "gpu-worker", "media")
    target = scaled["spec"]["scaleTargetRef"]
    assert target["name"] == "gpu-worker" and target.get("kind", "Deployment") == "Deployment"
    triggers = {t["type"]: t["metadata"] for t in scaled["spec"]["triggers"]}
    assert set(triggers) == {"kafka", "prometheus"}
    kafka = triggers["kafka"]
    assert (kafka["lagThreshold"], kafka["activationLagThreshold"]) == ("10", "5")
    assert (kafka["consumerGroup"], kafka["topic"]) == ("media-gpu", "media-jobs")
    assert kafka["bootstrapServers"]
    prometheus = triggers["prometheus"]
    assert prometheus["query"] == P95_QUERY and prometheus["threshold"] == "30"
    assert prometheus["serverAddress"] == PROMETHEUS_URL
    for metadata in triggers.values():
        assert all(isinstance(v, str) for v in metadata.values())


def test_mtls_component_serves_tls_and_probes_over_http(base, mtls, tmp_path, runpod_api):
    # Everything but the autoscaler's Deployment is the base, unchanged.
    def others(objects):
        return sorted((json.dumps(o, sort_keys=True) for o in objects if o["kind"] != "Deployment"))
    assert others(mtls) == others(base)
    deployment = one(mtls, "Deployment", "runpod-autoscaler")
    c, pod = container(deployment), deployment["spec"]["template"]["spec"]
    env = {e["name"]: e.get("value") for e in c["env"]}
    tls = {path: env[environment_name(path)]
           for path in ("grpc.tls.certFile", "grpc.tls.keyFile", "grpc.tls.clientCAFile")}
    assert set(tls) <= set(config_keys())
    (mount,) = [m for m in c["volumeMounts"] if m["name"] == "grpc-tls"]
    (volume,) = [v for v in pod["volumes"] if v["name"] == "grpc-tls"]
    assert mount["readOnly"] is True
    for path in tls.values():
        assert path.startswith(mount["mountPath"] + "/")
        assert Path(path).name in ("tls.crt", "tls.key", "ca.crt")
    assert volume["secret"]["secretName"] == "runpod-autoscaler-grpc-tls"
    # The kubelet's gRPC probe has no TLS: probes use /healthz on the metrics port.
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert c[probe]["httpGet"] == {"path": "/healthz", "port": "metrics"}, probe
    # The binary takes these variables as the TLS settings.
    path = tmp_path / "config.yaml"
    path.write_text(one(base, "ConfigMap", "runpod-autoscaler-config")["data"]["config.yaml"])
    with FakePrometheus({QUEUE_QUERY: "0", P95_QUERY: "0"}) as prometheus:
        result = run_check(path, f"demand.prometheus.url={prometheus.url}", f"runpod.endpoint={runpod_api}",
                           env=hermetic_env(RUNPOD_API_KEY=RUNPOD_TEST_KEY,
                                            **{environment_name(k): v for k, v in tls.items()}))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f'certFile: "{tls["grpc.tls.certFile"]}"' in result.stdout
    assert f'clientCAFile: "{tls["grpc.tls.clientCAFile"]}"' in result.stdout


# --------------------------------------------------------------------------------------------
# RBAC
# --------------------------------------------------------------------------------------------

def test_rbac_has_no_wildcards_and_leases_stay_namespaced(base):
    for role in find(base, "ClusterRole") + find(base, "Role"):
        for rule in role["rules"]:
            for field in ("apiGroups", "resources", "verbs", "resourceNames"):
                assert "*" not in (rule.get(field) or []), f"{describe(role)}: wildcard in {field}"
    for rule in one(base, "ClusterRole", "runpod-autoscaler")["rules"]:
        assert "coordination.k8s.io" not in rule["apiGroups"], "leases only in the autoscaler's namespace"
    (sa,) = find(base, "ServiceAccount")
    for binding in find(base, "ClusterRoleBinding") + find(base, "RoleBinding"):
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": sa["metadata"]["name"],
                                        "namespace": sa["metadata"]["namespace"]}]


def test_required_permissions_and_rules_match_both_ways(base):
    grants = grants_for(base, ACCOUNT)
    calls = required_calls(autoscaler_config(base))
    assert required_permissions() == {c.permission for c in calls}
    assert ("", "nodes", "list", CLUSTER_WIDE) in required_permissions()
    refused = [str(c) for c in calls if not allowed(grants, c)]
    assert refused == [], f"calls the rules refuse: {refused}"
    assert unused_grants(grants, calls) == []
    # The other side of least privilege: nothing broader is allowed.
    for call in (Call("", "nodes", "get", CLUSTER_WIDE, "a100-1"), Call("", "pods", "watch", CLUSTER_WIDE),
                 Call("", "secrets", "list", CLUSTER_WIDE), Call("", "pods", "delete", "media", "p"),
                 Call("gpuburst.io", "runpodpools/scale", "update", "media", "burst"),
                 Call("gpuburst.io", "runpodpools", "patch", "media", "burst"),
                 Call("gpuburst.io", "runpodpools", "delete", "media", "burst"),
                 Call("coordination.k8s.io", "leases", "update", "media", "runpod-autoscaler"),
                 Call("coordination.k8s.io", "leases", "update", NAMESPACE, "someone-elses-lease"),
                 Call("coordination.k8s.io", "leases", "delete", NAMESPACE, "runpod-autoscaler")):
        assert not allowed(grants, call), f"allowed but never needed: {call}"


def test_request_mapping_follows_the_apiserver():
    assert request_to_call("GET", "/api/v1/nodes", {"labelSelector": ["gpu-type=local"]}) == \
        Call("", "nodes", "list", CLUSTER_WIDE)
    assert request_to_call("GET", "/api/v1/pods?fieldSelector=status.phase%21%3DSucceeded") == \
        Call("", "pods", "list", CLUSTER_WIDE)
    assert request_to_call("GET", "/api/v1/namespaces/media/pods", {"watch": ["true"]}) == \
        Call("", "pods", "watch", "media")
    assert request_to_call("PATCH", "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst/status") == \
        Call("gpuburst.io", "runpodpools/status", "patch", "media", "burst")
    assert request_to_call("GET", "/apis/coordination.k8s.io/v1/namespaces/platform/leases/runpod-autoscaler") == \
        Call("coordination.k8s.io", "leases", "get", "platform", "runpod-autoscaler")
    assert request_to_call("POST", "/apis/coordination.k8s.io/v1/namespaces/platform/leases") == \
        Call("coordination.k8s.io", "leases", "create", "platform")
    assert request_to_call("PUT", "/apis/coordination.k8s.io/v1/namespaces/platform/leases/x").verb == "update"
    assert request_to_call("DELETE", "/api/v1/namespaces/media/events").verb == "deletecollection"
    assert request_to_call("DELETE", "/api/v1/namespaces/media/events/e1").verb == "delete"
    assert request_to_call("GET", "/api/v1/namespaces/media") == Call("", "namespaces", "get", "media", "media")
    assert request_to_call("PUT", "/api/v1/namespaces/media/finalize").resource == "namespaces/finalize"
    assert request_to_call("GET", "/apis/gpuburst.io/v1alpha1") == NonResourceCall("/apis/gpuburst.io/v1alpha1", "get")


def check_observed_calls(base: list[dict], observed: list, source: str) -> None:
    """Every observed request is allowed and declared; every rule was exercised (but for
    NOT_ALWAYS_OBSERVED)."""
    grants = grants_for(base, ACCOUNT)
    resource_calls = [c for c in observed if isinstance(c, Call)]
    assert resource_calls, f"{source}: no API request"
    for call in observed:
        if isinstance(call, NonResourceCall):
            assert DISCOVERY_PATHS.match(call.path), f"{source}: non-resource request {call.verb} {call.path}"
    refused = sorted({str(c) for c in resource_calls if not allowed(grants, c)})
    assert refused == [], f"{source}: requests the rules refuse: {refused}"
    declared = required_calls(autoscaler_config(base))
    undeclared = sorted({str(c) for c in resource_calls if not call_is_declared(c, declared)})
    assert undeclared == [], f"{source}: requests required_permissions() does not list: {undeclared}"
    unused = unused_grants(grants, resource_calls, exempt=NOT_ALWAYS_OBSERVED)
    assert unused == [], f"{source}: rules no request used: {unused}"
    for group, resource, verb in NOT_ALWAYS_OBSERVED:
        assert any(c.permission[:3] == (group, resource, verb) for c in declared)


def test_request_log_check_catches_refused_and_unused(tmp_path, base):
    ours = [("GET", "/apis/gpuburst.io/v1alpha1/runpodpools", None),
            ("GET", "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst", None),
            ("PUT", "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst", None),
            ("GET", "/api/v1/nodes?labelSelector=gpu-type%3Dlocal", None),
            ("GET", "/api/v1/pods", "fieldSelector=status.phase%21%3DSucceeded%2Cstatus.phase%21%3DFailed"),
            ("PATCH", "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst/status", None),
            ("POST", "/api/v1/namespaces/media/events", None),
            ("GET", "/apis/coordination.k8s.io/v1/namespaces/platform/leases/runpod-autoscaler", None),
            ("POST", "/apis/coordination.k8s.io/v1/namespaces/platform/leases", None),
            ("PUT", "/apis/coordination.k8s.io/v1/namespaces/platform/leases/runpod-autoscaler", None),
            ("GET", "/version", None)]
    hpa = ("PATCH", "/apis/gpuburst.io/v1alpha1/namespaces/media/runpodpools/burst/scale", None)

    def write(entries, user="system:serviceaccount:platform:runpod-autoscaler"):
        log = tmp_path / f"log{len(list(tmp_path.iterdir()))}.jsonl"
        log.write_text("".join(json.dumps({"method": m, "path": p, "raw_query": q, "user": user}) + "\n"
                               for m, p, q in entries))
        return log

    good = write(ours)
    check_observed_calls(base, read_request_log(good), "all calls")
    with open(good, "a") as f:  # the HPA's write, by another user, is not the autoscaler's
        f.write(json.dumps({"method": hpa[0], "path": hpa[1], "user": "system:kube-controller-manager"}) + "\n")
    check_observed_calls(base, read_request_log(good, user="system:serviceaccount:platform:runpod-autoscaler"),
                         "filtered by user")
    with pytest.raises(AssertionError, match="refuse"):
        check_observed_calls(base, read_request_log(good), "with the HPA's write")
    with pytest.raises(AssertionError, match="no request used"):
        check_observed_calls(base, read_request_log(write(ours[1:])), "without the pool list")
    with pytest.raises(AssertionError, match="non-resource"):
        check_observed_calls(base, read_request_log(write(ours + [("GET", "/metrics", None)])), "with /metrics")


@pytest.mark.skipif(not REQUEST_LOG, reason="RPA_KUBE_REQUEST_LOG is not set")
def test_rbac_covers_the_request_log(base):
    observed = read_request_log(Path(REQUEST_LOG), user=REQUEST_USER)
    check_observed_calls(base, observed, f"{REQUEST_LOG}" + (f" (user {REQUEST_USER})" if REQUEST_USER else ""))


def _node(name: str) -> dict:
    return {"apiVersion": "v1", "kind": "Node", "metadata": {"name": name, "labels": {"gpu-type": "local"}},
            "spec": {"taints": [{"key": "gpu-type", "value": "local", "effect": "NoSchedule"}]},
            "status": {"allocatable": {"nvidia.com/gpu": "2", "cpu": "64"},
                       "conditions": [{"type": "Ready", "status": "True",
                                       "lastHeartbeatTime": "2026-01-01T00:00:00Z"}]}}


def test_a_real_kubernetes_mode_run_stays_within_rbac(tmp_path, base, examples, es):
    """`serve` with the ConfigMap's config against the API server stand-in, the RunPod
    emulator and a fake Prometheus (addresses and intervals moved with --set): the example
    pool is read, pods are created (Events), status is patched and the Lease is taken and
    released. Every request it made must be allowed, declared, and together use every rule."""
    require_binary()
    from grpc_health.v1 import health_pb2, health_pb2_grpc
    from kube_standin import StandIn
    from support import wait_for

    log = tmp_path / "requests.jsonl"
    api = StandIn(request_log_file=log)
    api.start()
    proc = None
    try:
        api.put_object(_node("a100-1"))
        pool = copy.deepcopy(one(examples, "RunPodPool", "burst"))
        pool["spec"]["replicas"] = 2  # what the HPA would write through /scale
        api.put_object(pool)
        kubeconfig = api.write_kubeconfig(tmp_path / "kubeconfig")
        config_path = tmp_path / "config.yaml"
        config_path.write_text(one(base, "ConfigMap", "runpod-autoscaler-config")["data"]["config.yaml"])
        with FakePrometheus({QUEUE_QUERY: "42", P95_QUERY: "12"}) as prometheus:
            settings = ["grpc.listen=127.0.0.1:0", "http.listen=127.0.0.1:0", "runpod.endpoint=emulator",
                        "runpod.emulator.listen=127.0.0.1:0", "runpod.reconcileSeconds=0.5",
                        "runpod.requestsPerMinute=100000",
                        f"demand.prometheus.url={prometheus.url}", "demand.pollSeconds=1",
                        f"kubernetes.kubeconfig={kubeconfig}", "kubernetes.pollSeconds=0.5",
                        "kubernetes.leaderElection.retryPeriodSeconds=0.5"]
            stderr_path = tmp_path / "stderr.log"
            with open(stderr_path, "w") as stderr:
                proc = subprocess.Popen(
                    [str(BINARY), "serve", "--config", str(config_path), "--log-format", "json",
                     *[a for s in settings for a in ("--set", s)]],
                    cwd=tmp_path, env=hermetic_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                    stderr=stderr)

            def output() -> str:
                return stderr_path.read_text()[-6000:]

            def grpc_address():
                if proc.poll() is not None:
                    raise AssertionError(f"serve exited with {proc.returncode}\n{output()}")
                for line in stderr_path.read_text().splitlines():
                    if "grpc server listening" in line:
                        return json.loads(line).get("address") or re.search(r"127\.0\.0\.1:\d+", line).group(0)
                return None

            address = wait_for(grpc_address, timeout=20, message=lambda: f"the listening line\n{output()}")
            channel = grpc.insecure_channel(address)
            try:
                # The readiness probe's question.
                health = health_pb2_grpc.HealthStub(channel)
                status = health.Check(health_pb2.HealthCheckRequest(service=SCALER_SERVICE), timeout=5).status
                assert status == health_pb2.HealthCheckResponse.SERVING
                # KEDA's question, with the example ScaledObject's trigger metadata.
                scaled = one(examples, "ScaledObject", "burst")
                ref = es.pb2.ScaledObjectRef(name="burst", namespace="media",
                                             scalerMetadata=_burst_trigger(scaled)["metadata"])
                stub = es.grpc.ExternalScalerStub(channel)
                spec = wait_for(lambda: stub.GetMetricSpec(ref, timeout=5), timeout=20,
                                message=lambda: f"GetMetricSpec for media/burst\n{output()}")
                assert [(m.metricName, m.targetSizeFloat) for m in spec.metricSpecs] == \
                    [("runpod-media-burst-burst", 1.0)]
            finally:
                channel.close()

            def seen(method: str, pattern: str) -> bool:
                return any(r["method"] == method and re.search(pattern, r["path"]) for r in api.requests())

            def pods_in_status() -> int:
                return (api.get_object("RunPodPool", "burst", "media").get("status") or {}).get("replicas", 0)

            # The status is written as soon as a decision is made, before any pod: wait for one with a pod.
            wait_for(lambda: seen("PUT", r"/leases/runpod-autoscaler$") and seen("POST", r"/namespaces/media/events$")
                     and seen("PATCH", r"/runpodpools/burst/status$") and seen("PUT", r"/runpodpools/burst$")
                     and pods_in_status() >= 1, timeout=30,
                     message=lambda: f"a lease renewal, an Event, a status patch and the finalizer\n{output()}")
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0, output()
        assert "ignoring a RunPodPool" not in output()
        stored = api.get_object("RunPodPool", "burst", "media")
        assert stored["status"]["replicas"] >= 1
        assert stored["metadata"]["finalizers"] == ["gpuburst.io/runpod-pods"]
        assert api.validate_all() == []
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        api.stop()
    check_observed_calls(base, read_request_log(log), "a Kubernetes-mode run")
