"""Helpers for test_manifests.py: a small kustomize renderer, schema validators, an RBAC
evaluator and a mapper from Kubernetes API request logs to RBAC requests.

The renderer (`render`) is deliberately small, so that what it does is easy to compare with
kustomize. It supports exactly:
  - `resources`: local YAML files (multi-document) and directories holding a
    kustomization.yaml (rendered recursively, like a base); relative paths only, no URLs;
    files must lie inside the kustomization's directory (kustomize's default load
    restrictor), and a directory may not contain one already being rendered (kustomize's
    cycle rule, which keeps overlays out of their base's directory);
  - `components`: directories holding a `kind: Component` kustomization, which may only
    have `patches`; applied after the resources;
  - `patches`: JSON 6902 patches given inline (`patch:` holding a YAML list of operations)
    with a `target` of group/version/kind/name/namespace matched exactly; a target that
    matches nothing is an error here (kustomize ignores it);
  - `namespace`: set on every namespaced object (kustomize overrides existing ones too);
    ServiceAccount subjects of role bindings must already name that namespace, because
    kustomize versions differ in how they rewrite subjects;
  - `labels`: `pairs` added to metadata.labels of every object; `includeSelectors` and
    `includeTemplates` are not supported (selectors are never touched);
and applies them in kustomize's order: resources, components, patches, namespace, labels. Any other
kustomization field (images, commonLabels, configMapGenerator, strategic merge patches,
components, ...) makes it fail instead of silently rendering something else. Duplicate
objects (same group, kind, namespace and name) are an error, as in kustomize.

Environment: SHARED_DIR (default <repo>/../shared), RPA_BINARY (default
<repo>/.build/debug/runpod-autoscaler).
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import tempfile
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import jsonpatch
import jsonschema
import yaml

REPO = Path(__file__).resolve().parents[2]
MANIFESTS = REPO / "manifests"
EXAMPLES = MANIFESTS / "examples"
MTLS_COMPONENT = EXAMPLES / "mtls-autoscaler"
SHARED = Path(os.environ.get("SHARED_DIR") or (REPO.parent / "shared"))
BINARY = Path(os.environ.get("RPA_BINARY") or (REPO / ".build" / "debug" / "runpod-autoscaler"))
KEDA_CRDS = SHARED / "reference" / "keda" / "crds"
KEDA_PROTO = SHARED / "reference" / "keda" / "externalscaler.proto"
POOL_CRD = MANIFESTS / "runpodpool-crd.yaml"

KUBERNETES_VERSION = "1.30"
# pkg/apis/scheduling: user-defined PriorityClasses may not go higher (system-* classes do).
HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000


# --------------------------------------------------------------------------------------------
# YAML
# --------------------------------------------------------------------------------------------

def load_documents(path: Path) -> list[dict]:
    """Every non-empty document of a (multi-document) YAML file; each must be a mapping."""
    docs = []
    with open(path) as f:
        for index, doc in enumerate(yaml.safe_load_all(f)):
            if doc is None:
                continue
            if not isinstance(doc, dict):
                raise ValueError(f"{path}: document {index} is a {type(doc).__name__}, not a mapping")
            docs.append(doc)
    return docs


def yaml_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


# --------------------------------------------------------------------------------------------
# The renderer
# --------------------------------------------------------------------------------------------

class KustomizeError(Exception):
    pass


# Built-in cluster-scoped kinds (the ones a manifest here could plausibly hold). Like kustomize,
# every kind not listed, custom resources included, is treated as namespaced.
CLUSTER_SCOPED_KINDS = frozenset({
    "Namespace", "Node", "PersistentVolume", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleBinding", "PriorityClass", "StorageClass", "CSIDriver", "CSINode",
    "IngressClass", "RuntimeClass", "APIService", "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "ClusterTriggerAuthentication", "VolumeAttachment",
    "CertificateSigningRequest", "FlowSchema", "PriorityLevelConfiguration",
})

_SUPPORTED_FIELDS = {"apiVersion", "kind", "namespace", "resources", "components", "labels", "patches"}
_COMPONENT_FIELDS = {"apiVersion", "kind", "patches"}


def api_group(obj: dict) -> str:
    api_version = obj.get("apiVersion", "")
    return api_version.split("/")[0] if "/" in api_version else ""


def object_id(obj: dict) -> tuple[str, str, str, str]:
    meta = obj.get("metadata") or {}
    return api_group(obj), obj.get("kind", ""), meta.get("namespace", ""), meta.get("name", "")


def describe(obj: dict) -> str:
    group, kind, namespace, name = object_id(obj)
    return f"{kind}{'.' + group if group else ''} {namespace + '/' if namespace else ''}{name}"


def _read_kustomization(directory: Path, component: bool) -> tuple[Path, dict]:
    kfile = directory / "kustomization.yaml"
    if not kfile.is_file():
        raise KustomizeError(f"{directory}: no kustomization.yaml")
    spec = yaml.safe_load(kfile.read_text()) or {}
    fields, api_version, kind = ((_COMPONENT_FIELDS, "kustomize.config.k8s.io/v1alpha1", "Component") if component
                                 else (_SUPPORTED_FIELDS, "kustomize.config.k8s.io/v1beta1", "Kustomization"))
    unsupported = set(spec) - fields
    if unsupported:
        raise KustomizeError(f"{kfile}: fields this renderer does not support in a {kind}: {sorted(unsupported)}")
    if spec.get("apiVersion") != api_version or spec.get("kind") != kind:
        raise KustomizeError(f"{kfile}: expected apiVersion {api_version}, kind {kind}")
    return kfile, spec


def _enter(kfile: Path, entry: Any, directory: Path, stack: tuple[Path, ...]) -> Path:
    if not isinstance(entry, str) or "://" in entry or entry.startswith("git@") or os.path.isabs(entry):
        raise KustomizeError(f"{kfile}: {entry!r}: only relative local paths")
    path = (directory / entry).resolve()
    if path.is_dir():
        for visited in stack + (directory,):
            if visited == path or path in visited.parents:
                raise KustomizeError(f"{kfile}: {entry}: {path} contains {visited}, which is being rendered "
                                     "(kustomize: cycle detected)")
    return path


def render(directory: Path, _stack: tuple[Path, ...] = ()) -> list[dict]:
    """The objects `kubectl kustomize directory` would produce (see the module docstring)."""
    directory = Path(directory).resolve()
    kfile, spec = _read_kustomization(directory, component=False)

    objects: list[dict] = []
    for entry in spec.get("resources") or []:
        path = _enter(kfile, entry, directory, _stack)
        if path.is_dir():
            objects += render(path, _stack + (directory,))
        elif path.is_file():
            if directory not in path.parents:
                raise KustomizeError(f"{kfile}: file {entry} lies outside the kustomization's directory")
            objects += [copy.deepcopy(o) for o in load_documents(path)]
        else:
            raise KustomizeError(f"{kfile}: resource {entry} does not exist")
    for obj in objects:
        if not (obj.get("apiVersion") and obj.get("kind") and (obj.get("metadata") or {}).get("name")):
            raise KustomizeError(f"{kfile}: an object without apiVersion, kind or metadata.name: {obj}")

    for entry in spec.get("components") or []:
        path = _enter(kfile, entry, directory, _stack)
        if not path.is_dir():
            raise KustomizeError(f"{kfile}: component {entry} is not a directory")
        component_file, component = _read_kustomization(path, component=True)
        for patch in component.get("patches") or []:
            _apply_patch(component_file, objects, patch)
    for patch in spec.get("patches") or []:
        _apply_patch(kfile, objects, patch)
    if spec.get("namespace"):
        _set_namespace(kfile, objects, spec["namespace"])
    for label in spec.get("labels") or []:
        _add_labels(kfile, objects, label)

    seen: dict[tuple, str] = {}
    for obj in objects:
        key = object_id(obj)
        if key in seen:
            raise KustomizeError(f"{kfile}: {describe(obj)} is defined twice")
        seen[key] = describe(obj)
    return objects


def render_mtls() -> list[dict]:
    """The base with the mTLS component, through an overlay outside manifests/."""
    with tempfile.TemporaryDirectory() as scratch:
        return render(write_overlay(Path(scratch) / "overlay", [MANIFESTS], [MTLS_COMPONENT]))


def write_overlay(directory: Path, resources: Iterable[Path], components: Iterable[Path] = ()) -> Path:
    """A kustomization in `directory` (outside manifests/) over `resources` and `components`,
    by relative path as kustomize requires; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    spec = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
            "resources": [os.path.relpath(p, directory) for p in resources]}
    if components:
        spec["components"] = [os.path.relpath(p, directory) for p in components]
    (directory / "kustomization.yaml").write_text(yaml.safe_dump(spec))
    return directory


def _apply_patch(kfile: Path, objects: list[dict], patch: dict) -> None:
    if set(patch) - {"target", "patch"} or "patch" not in patch or "target" not in patch:
        raise KustomizeError(f"{kfile}: patches: only inline `patch` with a `target` is supported")
    target = patch["target"]
    if set(target) - {"group", "version", "kind", "name", "namespace"} or "kind" not in target or "name" not in target:
        raise KustomizeError(f"{kfile}: patch target {target}: group/version/kind/name/namespace, kind and name required")
    operations = yaml.safe_load(patch["patch"])
    if not isinstance(operations, list):
        raise KustomizeError(f"{kfile}: patch for {target}: only JSON 6902 (a list of operations) is supported")
    matched = 0
    for index, obj in enumerate(objects):
        api_version = obj["apiVersion"]
        version = api_version.split("/")[-1]
        meta = obj["metadata"]
        if (obj["kind"] == target["kind"] and meta["name"] == target["name"]
                and target.get("group", api_group(obj)) == api_group(obj)
                and target.get("version", version) == version
                and target.get("namespace", meta.get("namespace")) == meta.get("namespace")):
            try:
                objects[index] = jsonpatch.apply_patch(obj, operations)
            except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as e:
                raise KustomizeError(f"{kfile}: patch for {describe(obj)} failed: {e}") from e
            matched += 1
    if matched == 0:
        raise KustomizeError(f"{kfile}: patch target {target} matches no object")


def _set_namespace(kfile: Path, objects: list[dict], namespace: str) -> None:
    for obj in objects:
        if obj["kind"] not in CLUSTER_SCOPED_KINDS:
            obj["metadata"]["namespace"] = namespace
        if obj["kind"] in ("RoleBinding", "ClusterRoleBinding"):
            for subject in obj.get("subjects") or []:
                if subject.get("kind") == "ServiceAccount" and subject.get("namespace") != namespace:
                    raise KustomizeError(
                        f"{kfile}: {describe(obj)}: ServiceAccount subject {subject.get('name')} must name "
                        f"namespace {namespace} itself (kustomize versions rewrite subjects differently)")


def _add_labels(kfile: Path, objects: list[dict], label: dict) -> None:
    if set(label) - {"pairs", "includeSelectors", "includeTemplates"}:
        raise KustomizeError(f"{kfile}: labels entry {label}: only pairs (and false include* flags)")
    if label.get("includeSelectors") or label.get("includeTemplates"):
        raise KustomizeError(f"{kfile}: labels: includeSelectors/includeTemplates are not supported")
    for obj in objects:
        labels = obj["metadata"].setdefault("labels", {})
        labels.update({str(k): str(v) for k, v in (label.get("pairs") or {}).items()})


def find(objects: Iterable[dict], kind: str, name: str | None = None, namespace: str | None = None) -> list[dict]:
    return [o for o in objects if o["kind"] == kind
            and (name is None or o["metadata"]["name"] == name)
            and (namespace is None or o["metadata"].get("namespace") == namespace)]


def one(objects: Iterable[dict], kind: str, name: str | None = None, namespace: str | None = None) -> dict:
    found = find(objects, kind, name, namespace)
    assert len(found) == 1, f"expected one {kind} {name or ''}, found {[describe(o) for o in found]}"
    return found[0]


# --------------------------------------------------------------------------------------------
# Schemas
# --------------------------------------------------------------------------------------------

def crd_schema(crd: dict, version: str | None = None) -> dict:
    """The openAPIV3Schema of a CRD's storage version (or of `version`)."""
    versions = crd["spec"]["versions"]
    chosen = [v for v in versions if (v["name"] == version if version else v.get("storage"))]
    assert len(chosen) == 1, f"{crd['metadata']['name']}: no single version {version or '(storage)'}"
    return chosen[0]["schema"]["openAPIV3Schema"]


def strict_schema(schema: Any) -> Any:
    """The schema with unknown fields rejected wherever the API server would prune them, as
    `kubectl apply` (server-side field validation Strict) does: every object schema with
    `properties` and neither `additionalProperties` nor x-kubernetes-preserve-unknown-fields
    gets `additionalProperties: false`. CRD schemas are OpenAPI 3.0 (Draft 4 style:
    boolean exclusiveMinimum), so they are checked with a Draft 4 validator."""
    if isinstance(schema, list):
        return [strict_schema(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = {k: strict_schema(v) for k, v in schema.items()}
    if ("properties" in out and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")):
        out["additionalProperties"] = False
    return out


def crd_validator(crd_path: Path, version: str | None = None) -> jsonschema.Draft4Validator:
    docs = [d for d in load_documents(crd_path) if d.get("kind") == "CustomResourceDefinition"]
    assert len(docs) == 1, f"{crd_path}: expected one CustomResourceDefinition"
    schema = strict_schema(crd_schema(docs[0], version))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)


def keda_validators() -> dict[str, jsonschema.Draft4Validator]:
    """{kind: validator} for KEDA's CRDs in $SHARED_DIR/reference/keda/crds."""
    validators = {}
    for path in sorted(KEDA_CRDS.glob("*.yaml")):
        for crd in load_documents(path):
            if crd.get("kind") == "CustomResourceDefinition":
                validators[crd["spec"]["names"]["kind"]] = crd_validator(path)
    return validators


def schema_errors(validator: jsonschema.Draft4Validator, obj: dict) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}"
            for e in sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))]


_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def api_server_rules(obj: dict) -> list[str]:
    """A few of the API server's Go validation rules that the OpenAPI schemas do not carry."""
    problems = []
    meta = obj.get("metadata") or {}
    if not _DNS_SUBDOMAIN.match(meta.get("name", "")) or len(meta.get("name", "")) > 253:
        problems.append(f"metadata.name {meta.get('name')!r} is not a DNS subdomain")
    if meta.get("namespace") is not None and not _DNS_LABEL.match(meta["namespace"]):
        problems.append(f"metadata.namespace {meta['namespace']!r} is not a DNS label")
    for key, value in (meta.get("labels") or {}).items():
        if not isinstance(value, str) or len(value) > 63 or not _LABEL_VALUE.match(value):
            problems.append(f"label {key}: invalid value {value!r}")
    kind = obj.get("kind")
    if kind == "PriorityClass" and not meta.get("name", "").startswith("system-") \
            and obj.get("value", 0) > HIGHEST_USER_DEFINABLE_PRIORITY:
        problems.append(f"value: maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}")
    template = (obj.get("spec") or {}).get("template")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet") and template is not None:
        selector = (obj["spec"].get("selector") or {}).get("matchLabels") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            problems.append("spec.template.metadata.labels: `selector` does not match template `labels`")
        pod = template.get("spec") or {}
        for container in pod.get("containers", []) + pod.get("initContainers", []):
            names = [p.get("name") for p in container.get("ports", []) if p.get("name")]
            if len(names) != len(set(names)) or any(len(n) > 15 for n in names):
                problems.append(f"container {container.get('name')}: port names must be unique, at most 15 characters")
    return problems


# --------------------------------------------------------------------------------------------
# The autoscaler's config keys (from the binary's `config-reference` table) and config
# --------------------------------------------------------------------------------------------

def config_keys() -> dict[str, str]:
    """{dotted path: default} of every scalar setting in ConfigKey.all, as the binary's
    `config-reference` table lists them (the defaults live in AutoscalerConfig.swift)."""
    keys = {path: default for path, (_, default) in _reference_rows().items()}
    assert len(keys) > 30, f"parsed only {len(keys)} keys from `{BINARY} config-reference`"
    return keys


def environment_name(path: str) -> str:
    """The environment variable of a setting, as the binary's `config-reference` table names it."""
    return _reference_rows()[path][0]


_REFERENCE_ROWS: dict[str, tuple[str, str]] = {}


def _reference_rows() -> dict[str, tuple[str, str]]:
    """{path: (environment variable, default)} from `config-reference`: cells split on
    unescaped `|`, backticks stripped, `\\|` read back as `|`."""
    if not _REFERENCE_ROWS:
        table = subprocess.run([str(BINARY), "config-reference"], check=True, capture_output=True, text=True).stdout
        for line in table.splitlines():
            cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
            if len(cells) >= 3 and cells[0].startswith("`") and cells[1].startswith("`"):
                default = cells[2][1:-1] if cells[2].startswith("`") else cells[2]
                _REFERENCE_ROWS[cells[0].strip("`")] = (cells[1].split(",")[0].strip().strip("`"), default)
    return _REFERENCE_ROWS


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """{dotted path: scalar} of a config mapping (lists are leaves)."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    return {prefix: value}


def setting(config: dict, path: str) -> Any:
    """The value at `path` in the config, else ConfigKey's default (as text)."""
    node: Any = config
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return config_keys()[path]
        node = node[part]
    return node


# --------------------------------------------------------------------------------------------
# RBAC
# --------------------------------------------------------------------------------------------

# Scopes of a request, as RBAC sees them. Neither can be a namespace name.
CLUSTER_WIDE = "(cluster-wide)"     # a cluster-scoped resource, or a list across all namespaces
ANY_NAMESPACE = "(any namespace)"   # in some namespace not known in advance (the pool's)


@dataclass(frozen=True)
class Call:
    """One API request as the authorizer sees it."""
    group: str
    resource: str           # "runpodpools/status" for a subresource
    verb: str
    namespace: str          # a namespace name, CLUSTER_WIDE or ANY_NAMESPACE
    name: str | None = None

    @property
    def permission(self) -> tuple[str, str, str, str]:
        return self.group, self.resource, self.verb, self.namespace

    def __str__(self) -> str:
        group = self.group or "core"
        return f"{self.verb} {group}/{self.resource}{' ' + self.name if self.name else ''} in {self.namespace}"


@dataclass(frozen=True)
class NonResourceCall:
    path: str
    verb: str


# Non-resource paths every authenticated user may call (system:discovery, system:public-info-viewer).
DISCOVERY_PATHS = re.compile(r"^/(api|apis|openapi)(/.*)?$|^/(healthz|livez|readyz|version)/?$")

_NAMESPACE_SUBRESOURCES = {"status", "finalize"}


def request_to_call(method: str, path: str, query: dict[str, list[str]] | None = None) -> Call | NonResourceCall:
    """The authorizer's view of one request (k8s.io/apiserver RequestInfoFactory): GET on a name
    is get, on a collection list (watch with ?watch=true), POST create, PUT update, PATCH patch,
    DELETE on a name delete, on a collection deletecollection."""
    query = query or {}
    method = method.upper()
    parts = [urllib.parse.unquote(p) for p in path.split("?")[0].split("/") if p]
    verb = {"GET": "get", "HEAD": "get", "POST": "create", "PUT": "update", "PATCH": "patch",
            "DELETE": "delete"}.get(method)
    if verb is None:
        raise ValueError(f"unexpected method {method} {path}")
    if parts[:1] == ["api"] and len(parts) >= 3:
        group, rest = "", parts[2:]
    elif parts[:1] == ["apis"] and len(parts) >= 4:
        group, rest = parts[1], parts[3:]
    else:
        return NonResourceCall(path="/" + "/".join(parts), verb=verb)
    if rest[0] == "watch":  # the deprecated /watch/ prefix
        verb, rest = "watch", rest[1:]
    namespace = CLUSTER_WIDE
    if rest[0] == "namespaces" and len(rest) > 1:
        namespace = rest[1]
        if len(rest) > 2 and rest[2] not in _NAMESPACE_SUBRESOURCES:
            rest = rest[2:]
    resource = rest[0]
    name = rest[1] if len(rest) >= 2 else None
    if len(rest) >= 3:
        resource += "/" + rest[2]
    if name is None and verb == "get":
        verb = "watch" if (query.get("watch") or [""])[-1] in ("1", "true") else "list"
        # A list or watch selecting metadata.name=X is authorized as a request for X.
        for requirement in ",".join(query.get("fieldSelector") or []).split(","):
            if requirement.startswith("metadata.name="):
                name = requirement.split("=", 1)[1]
    if name is None and verb == "delete":
        verb = "deletecollection"
    return Call(group=group, resource=resource, verb=verb, namespace=namespace, name=name)


def read_request_log(path: Path, user: str | None = None) -> list[Call | NonResourceCall]:
    """Requests of a JSON-lines log: objects with `method` and `path` and, optionally, the
    query as `raw_query` (text), `query` (text or {name: [values]}) or after `?` in `path`,
    and `user`. With `user`, only that user's requests."""
    calls = []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            entry = json.loads(line)
            if user is not None and entry.get("user") != user:
                continue
            path_text = entry["path"]
            raw = entry.get("raw_query")
            if raw is None and isinstance(entry.get("query"), str):
                raw = entry["query"]
            if raw is None and "?" in path_text:
                raw = path_text.split("?", 1)[1]
            if raw is not None:
                query = urllib.parse.parse_qs(raw, keep_blank_values=True)
            else:
                query = {k: (v if isinstance(v, list) else [v]) for k, v in (entry.get("query") or {}).items()}
            try:
                calls.append(request_to_call(entry["method"], path_text, query))
            except (ValueError, IndexError) as e:
                raise AssertionError(f"{path}:{number}: cannot map {entry['method']} {path_text}: {e}") from e
    return calls


@dataclass(frozen=True)
class Grant:
    """One rule of a role, as bound: `namespace` None means cluster-wide (ClusterRoleBinding)."""
    source: str
    api_groups: tuple[str, ...]
    resources: tuple[str, ...]
    verbs: tuple[str, ...]
    resource_names: tuple[str, ...]
    namespace: str | None


def _subject_matches(subject: dict, account: tuple[str, str]) -> bool:
    namespace, name = account
    kind = subject.get("kind")
    if kind == "ServiceAccount":
        return subject.get("name") == name and subject.get("namespace") == namespace
    if kind == "Group":
        return subject.get("name") in ("system:serviceaccounts", f"system:serviceaccounts:{namespace}",
                                       "system:authenticated")
    if kind == "User":
        return subject.get("name") == f"system:serviceaccount:{namespace}:{name}"
    return False


def grants_for(objects: Iterable[dict], account: tuple[str, str]) -> list[Grant]:
    """Every rule the ServiceAccount (namespace, name) gets from the bindings among `objects`."""
    objects = list(objects)
    roles = {("ClusterRole", o["metadata"]["name"], None): o for o in find(objects, "ClusterRole")}
    roles.update({("Role", o["metadata"]["name"], o["metadata"]["namespace"]): o for o in find(objects, "Role")})
    grants = []
    for binding in find(objects, "ClusterRoleBinding") + find(objects, "RoleBinding"):
        if not any(_subject_matches(s, account) for s in binding.get("subjects") or []):
            continue
        ref = binding["roleRef"]
        bound_ns = binding["metadata"].get("namespace") if binding["kind"] == "RoleBinding" else None
        key = (ref["kind"], ref["name"], bound_ns if ref["kind"] == "Role" else None)
        role = roles.get(key)
        assert role is not None, f"{describe(binding)} refers to {ref['kind']} {ref['name']}, which is not defined"
        for index, rule in enumerate(role.get("rules") or []):
            assert not rule.get("nonResourceURLs"), f"{describe(role)} rule {index}: nonResourceURLs"
            grants.append(Grant(
                source=f"{describe(role)} rule {index} via {describe(binding)}",
                api_groups=tuple(rule.get("apiGroups") or ()), resources=tuple(rule.get("resources") or ()),
                verbs=tuple(rule.get("verbs") or ()), resource_names=tuple(rule.get("resourceNames") or ()),
                namespace=bound_ns))
    return grants


def _resource_matches(rule_resource: str, resource: str) -> bool:
    if rule_resource in ("*", resource):
        return True
    sub = resource.split("/", 1)[1] if "/" in resource else ""
    return bool(sub) and rule_resource == "*/" + sub


def grant_allows(grant: Grant, call: Call) -> bool:
    """pkg/registry/rbac/validation: verb, group, resource, resourceNames and binding scope."""
    if grant.namespace is not None and grant.namespace != call.namespace:
        return False  # a RoleBinding covers only requests in its own namespace
    return ((("*" in grant.verbs) or call.verb in grant.verbs)
            and (("*" in grant.api_groups) or call.group in grant.api_groups)
            and any(_resource_matches(r, call.resource) for r in grant.resources)
            and (not grant.resource_names or (call.name is not None and call.name in grant.resource_names)))


def allowed(grants: Iterable[Grant], call: Call) -> bool:
    return any(grant_allows(g, call) for g in grants)


def unused_grants(grants: Iterable[Grant], calls: Iterable[Call],
                  exempt: Iterable[tuple[str, str, str]] = ()) -> list[str]:
    """Every (group, resource, verb) of every rule that none of `calls` exercises: a call
    uses a rule's triple when the rule allows that call and it names the same group,
    resource and verb. `exempt` triples are not reported."""
    calls, exempt = list(calls), set(exempt)
    unused = []
    for grant in grants:
        for group in grant.api_groups:
            for resource in grant.resources:
                for verb in grant.verbs:
                    if (group, resource, verb) in exempt:
                        continue
                    if not any(c.group == group and c.resource == resource and c.verb == verb
                               and grant_allows(grant, c) for c in calls):
                        unused.append(f"{verb} {group or 'core'}/{resource} ({grant.source})")
    return unused


def call_is_declared(call: Call, declared: Iterable[Call]) -> bool:
    """Whether an observed call is one of the declared ones: same group, resource and verb, a
    namespace that fits (ANY_NAMESPACE fits every namespace) and, when declared, the name."""
    for d in declared:
        if (d.group, d.resource, d.verb) != (call.group, call.resource, call.verb):
            continue
        if d.namespace != call.namespace and not (d.namespace == ANY_NAMESPACE and call.namespace != CLUSTER_WIDE):
            continue
        if d.name is not None and d.name != call.name:
            continue
        return True
    return False
