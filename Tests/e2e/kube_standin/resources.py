"""Resource types the stand-in serves, and the per-kind rules: CRD structural schema handling
(pruning, defaulting, OpenAPI v3.0 validation), built-in kinds' JSON decoding of times and
their schema validation with `kubernetes-validate`."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import functools
import importlib.resources
import json
import re

import jsonschema
import kubernetes_validate
import yaml

from .errors import ApiError
from .selectors import label_key_problem, label_value_problem

DEFAULT_KUBERNETES_VERSION = "1.30"

OBJECT_META_FIELDS = {
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations",
    "ownerReferences", "finalizers", "managedFields",
}


@dataclasses.dataclass
class ResourceType:
    group: str
    version: str
    plural: str
    singular: str
    kind: str
    namespaced: bool
    short_names: tuple = ()
    categories: tuple = ()
    status_subresource: bool = False
    scale: dict | None = None                 # CRD scale subresource paths
    schema: dict | None = None                # CRD openAPIV3Schema; None for built-in kinds
    field_labels: tuple = ()
    unconditional_update: bool = True         # PUT without metadata.resourceVersion allowed
    create_on_update: bool = False            # PUT on a missing object creates it
    return_deleted_object: bool = False       # DELETE answers the object instead of a Status
    name_is_dns_label: bool = False

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def list_kind(self) -> str:
        return self.kind + "List"

    @property
    def builtin(self) -> bool:
        return self.schema is None

    @property
    def key(self) -> tuple[str, str]:
        return (self.group, self.plural)

    @functools.cached_property
    def validator(self):
        return jsonschema.Draft4Validator(_to_draft4(self.schema), format_checker=_FORMATS)


def _meta_fields(namespaced: bool) -> tuple:
    return ("metadata.name", "metadata.namespace") if namespaced else ("metadata.name",)


def builtin_types() -> list[ResourceType]:
    return [
        ResourceType("", "v1", "namespaces", "namespace", "Namespace", False, ("ns",),
                     status_subresource=True, field_labels=("metadata.name", "status.phase"),
                     name_is_dns_label=True),
        ResourceType("", "v1", "nodes", "node", "Node", False, ("no",), status_subresource=True,
                     field_labels=("metadata.name", "spec.unschedulable")),
        ResourceType("", "v1", "pods", "pod", "Pod", True, ("po",), ("all",), status_subresource=True,
                     field_labels=_meta_fields(True) + (
                         "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
                         "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
                         "status.podIP", "status.nominatedNodeName"),
                     return_deleted_object=True),
        ResourceType("", "v1", "events", "event", "Event", True, ("ev",),
                     field_labels=_meta_fields(True) + tuple(
                         "involvedObject." + f for f in ("kind", "namespace", "name", "uid", "apiVersion",
                                                         "resourceVersion", "fieldPath")) + (
                         "reason", "reportingComponent", "source", "type"),
                     create_on_update=True),
        ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease", True,
                     field_labels=_meta_fields(True), unconditional_update=False, create_on_update=True),
    ]


def load_crds(path) -> list[ResourceType]:
    """ResourceTypes for every served version of every CustomResourceDefinition in a YAML file."""
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d]
    out = []
    for crd in docs:
        if crd.get("kind") != "CustomResourceDefinition":
            continue
        kubernetes_validate.validate(crd, DEFAULT_KUBERNETES_VERSION, strict=True)
        spec, names = crd["spec"], crd["spec"]["names"]
        namespaced = spec.get("scope", "Namespaced") == "Namespaced"
        for v in spec["versions"]:
            if not v.get("served", True):
                continue
            sub = v.get("subresources") or {}
            selectable = tuple(s["jsonPath"].lstrip(".") for s in v.get("selectableFields") or [])
            out.append(ResourceType(
                spec["group"], v["name"], names["plural"], names.get("singular", names["kind"].lower()),
                names["kind"], namespaced, tuple(names.get("shortNames") or ()),
                tuple(names.get("categories") or ()), status_subresource="status" in sub,
                scale=sub.get("scale"), schema=v["schema"]["openAPIV3Schema"],
                field_labels=_meta_fields(namespaced) + selectable, unconditional_update=False))
    return out


# --- CRD structural schemas -------------------------------------------------------------------

_FORMATS = jsonschema.FormatChecker(formats=())
_RFC3339 = re.compile(r"^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$")


@_FORMATS.checks("date-time")
def _is_date_time(value) -> bool:
    return not isinstance(value, str) or _parse_rfc3339(value) is not None


def _parse_rfc3339(value: str) -> dt.datetime | None:
    m = _RFC3339.match(value)
    if not m:
        return None
    try:
        y, mo, d, h, mi, s = (int(g) for g in m.groups()[:6])
        frac = int((m.group(7) or ".0")[1:].ljust(6, "0")[:6])
        tz = m.group(8)
        offset = dt.timezone.utc if tz in "Zz" else dt.timezone(
            (1 if tz[0] == "+" else -1) * dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[4:6])))
        return dt.datetime(y, mo, d, h, mi, s, frac, tzinfo=offset)
    except ValueError:
        return None


def _to_draft4(s):
    """OpenAPI v3.0 (as CRDs use it) to JSON Schema draft 4: `nullable`, `x-kubernetes-int-or-string`.
    Draft 4 already has the boolean `exclusiveMinimum`/`exclusiveMaximum` of OpenAPI v3.0."""
    if isinstance(s, list):
        return [_to_draft4(x) for x in s]
    if not isinstance(s, dict):
        return s
    out = {k: _to_draft4(v) for k, v in s.items()
           if k not in ("default", "example", "description", "nullable")}
    if s.get("x-kubernetes-int-or-string"):
        out.pop("type", None)
        out["anyOf"] = [{"type": "integer"}, {"type": "string"}] + out.get("anyOf", [])
    if s.get("nullable") and "type" in out:
        out["type"] = [out["type"], "null"]
    for k in ("properties", "patternProperties", "definitions"):
        if isinstance(s.get(k), dict):
            out[k] = {name: _to_draft4(v) for name, v in s[k].items()}
    return out


def prune_unknown(obj: dict, schema: dict) -> list[str]:
    """Drop fields the structural schema does not know (the apiserver's pruning); the dropped paths
    are returned, to be reported in `Warning` headers. metadata is pruned to ObjectMeta's fields."""
    dropped: list[str] = []
    meta = obj.get("metadata")
    if isinstance(meta, dict):
        for k in [k for k in meta if k not in OBJECT_META_FIELDS]:
            del meta[k]
            dropped.append("metadata." + k)
    props = schema.get("properties") or {}
    for k in list(obj):
        if k in ("apiVersion", "kind", "metadata"):
            continue
        if k in props:
            _prune(obj[k], props[k], k, dropped)
        elif not schema.get("x-kubernetes-preserve-unknown-fields"):
            del obj[k]
            dropped.append(k)
    return dropped


def _prune(v, s: dict, path: str, dropped: list[str]) -> None:
    if isinstance(v, dict) and (s.get("type") == "object" or "properties" in s):
        props = s.get("properties") or {}
        addl = s.get("additionalProperties")
        for k in list(v):
            sub = props.get(k) if k in props else (addl if isinstance(addl, dict) else None)
            if sub is not None:
                _prune(v[k], sub, f"{path}.{k}", dropped)
            elif not (s.get("x-kubernetes-preserve-unknown-fields") or addl is True):
                del v[k]
                dropped.append(f"{path}.{k}")
    elif isinstance(v, list) and isinstance(s.get("items"), dict):
        for i, item in enumerate(v):
            _prune(item, s["items"], f"{path}[{i}]", dropped)


def apply_defaults(v, s: dict) -> None:
    """Structural defaulting: absent (or null, unless nullable) properties get their `default`,
    then defaulting recurses, so `scaling: {default: {}}` also gets its properties' defaults."""
    if isinstance(v, dict):
        props = s.get("properties") or {}
        for k, ps in props.items():
            if k in v and v[k] is None and not ps.get("nullable"):
                if "default" in ps:
                    v[k] = copy.deepcopy(ps["default"])
                else:
                    del v[k]
            elif k not in v and "default" in ps:
                v[k] = copy.deepcopy(ps["default"])
        addl = s.get("additionalProperties")
        for k, x in v.items():
            sub = props.get(k) if k in props else (addl if isinstance(addl, dict) else None)
            if sub is not None:
                apply_defaults(x, sub)
    elif isinstance(v, list) and isinstance(s.get("items"), dict):
        for x in v:
            apply_defaults(x, s["items"])


def _path(parts) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


def _show(value) -> str:
    if isinstance(value, (dict, list)):
        return '"object"' if isinstance(value, dict) else '"array"'
    return json.dumps(value)


def _cause(err: jsonschema.ValidationError) -> dict:
    field, kw, val, inst = _path(err.absolute_path), err.validator, err.validator_value, err.instance
    where = f"{field} in body"
    if kw == "required":
        missing = [r for r in val if isinstance(inst, dict) and r not in inst] or list(val)
        return {"reason": "FieldValueRequired", "message": "Required value",
                "field": _path(list(err.absolute_path) + [missing[0]])}
    if kw == "enum":
        allowed = ", ".join(json.dumps(x) for x in val)
        return {"reason": "FieldValueNotSupported", "field": field,
                "message": f"Unsupported value: {_show(inst)}: supported values: {allowed}"}
    if kw == "type":
        want = val if isinstance(val, str) else val[0]
        return {"reason": "FieldValueTypeInvalid", "field": field,
                "message": f"Invalid value: {_show(inst)}: {where} must be of type {want}: {_show(inst)}"}
    schema = err.schema
    detail = {
        "minimum": lambda: f"should be greater than {'' if schema.get('exclusiveMinimum') else 'or equal to '}{val}",
        "maximum": lambda: f"should be less than {'' if schema.get('exclusiveMaximum') else 'or equal to '}{val}",
        "minItems": lambda: f"should have at least {val} items",
        "maxItems": lambda: f"should have at most {val} items",
        "minLength": lambda: f"should be at least {val} chars long",
        "maxLength": lambda: f"should be at most {val} chars long",
        "minProperties": lambda: f"should have at least {val} properties",
        "maxProperties": lambda: f"should have at most {val} properties",
        "pattern": lambda: f"should match '{val}'",
        "format": lambda: f"must be of type {val}",
        "multipleOf": lambda: f"should be a multiple of {val}",
    }.get(kw, lambda: err.message)()
    shown = len(inst) if kw in ("minItems", "maxItems") and isinstance(inst, list) else _show(inst)
    return {"reason": "FieldValueInvalid", "field": field,
            "message": f"Invalid value: {shown}: {where} {detail}"}


def _list_type_causes(v, s: dict, path: list, out: list) -> None:
    if isinstance(v, dict):
        props = s.get("properties") or {}
        addl = s.get("additionalProperties")
        for k, x in v.items():
            sub = props.get(k) if k in props else (addl if isinstance(addl, dict) else None)
            if sub is not None:
                _list_type_causes(x, sub, path + [k], out)
    elif isinstance(v, list):
        list_type = s.get("x-kubernetes-list-type")
        seen = set()
        for i, item in enumerate(v):
            if list_type == "map" and isinstance(item, dict):
                ident = json.dumps({k: item.get(k) for k in s.get("x-kubernetes-list-map-keys", [])},
                                   sort_keys=True)
            elif list_type == "set":
                ident = json.dumps(item, sort_keys=True)
            else:
                ident = None
            if ident is not None:
                if ident in seen:
                    out.append({"reason": "FieldValueDuplicate", "field": _path(path + [i]),
                                "message": f"Duplicate value: {ident}"})
                seen.add(ident)
            if isinstance(s.get("items"), dict):
                _list_type_causes(item, s["items"], path + [i], out)


def validate_custom(obj: dict, rt: ResourceType) -> list[dict]:
    """Causes for every way `obj` fails the CRD's openAPIV3Schema (empty when valid)."""
    errors = sorted(rt.validator.iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path])
    causes = [_cause(e) for e in errors if e.validator not in ("anyOf", "oneOf", "allOf") or not e.context]
    _list_type_causes(obj, rt.schema, [], causes)
    return causes


# --- metadata (every kind) ----------------------------------------------------------------------

_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def metadata_causes(obj: dict, rt: ResourceType) -> list[dict]:
    meta = obj.get("metadata") or {}
    causes = []
    name = meta.get("name")
    if isinstance(name, str) and name:
        if rt.name_is_dns_label:
            ok = len(name) <= 63 and _DNS_LABEL.match(name)
            rule = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'"
        else:
            ok = len(name) <= 253 and _DNS_SUBDOMAIN.match(name)
            rule = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                    "'-' or '.', and must start and end with an alphanumeric character")
        if not ok:
            causes.append({"reason": "FieldValueInvalid", "field": "metadata.name",
                           "message": f"Invalid value: {json.dumps(name)}: {rule}"})
    for k, v in (meta.get("labels") or {}).items():
        problem = label_key_problem(k)
        if problem:
            causes.append({"reason": "FieldValueInvalid", "field": "metadata.labels",
                           "message": f"Invalid value: {json.dumps(k)}: {problem}"})
        problem = label_value_problem(v)
        if problem:
            causes.append({"reason": "FieldValueInvalid", "field": f"metadata.labels",
                           "message": f"Invalid value: {json.dumps(v)}: {problem}"})
    annotations = meta.get("annotations") or {}
    for k in annotations:
        problem = label_key_problem(k)
        if problem:
            causes.append({"reason": "FieldValueInvalid", "field": "metadata.annotations",
                           "message": f"Invalid value: {json.dumps(k)}: {problem}"})
    if sum(len(k) + len(str(v)) for k, v in annotations.items()) > 256 * 1024:
        causes.append({"reason": "FieldValueTooLong", "field": "metadata.annotations",
                       "message": "Too long: must have at most 262144 bytes"})
    return causes


# --- built-in kinds ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _schema_dir(version: str):
    root = importlib.resources.files("kubernetes_validate") / "kubernetes-json-schema"
    want = tuple(int(x) for x in version.lstrip("v").split(".")[:2])
    have = sorted(tuple(int(x) for x in p.name[1:].split("-")[0].split(".")[:2])
                  for p in root.iterdir() if re.match(r"^v\d+\.\d+\.\d+-local-strict$", p.name))
    if want not in have:
        raise ValueError(f"kubernetes-validate {kubernetes_validate.__version__} has no schemas for "
                         f"Kubernetes {version} (it has {', '.join('%d.%d' % v for v in have)})")
    return root / f"v{want[0]}.{want[1]}.0-local-strict"


@functools.lru_cache(maxsize=None)
def _builtin_schema(version: str, kind: str, api_version: str) -> dict:
    gv = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return json.loads((_schema_dir(version) / f"{kind.lower()}-{gv}.json").read_text())


@functools.lru_cache(maxsize=None)
def _definitions(version: str) -> dict:
    return json.loads((_schema_dir(version) / "_definitions.json").read_text())["$defs"]


def check_version(version: str) -> str:
    _schema_dir(version)
    return version


_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.Time"
_MICRO_TIME = "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"


def decode_times(obj: dict, version: str) -> None:
    """What Go's JSON decoding does to metav1.Time and metav1.MicroTime fields, in place: Time takes
    RFC 3339 (fraction optional) and is written back in UTC to the second; MicroTime needs exactly six
    fractional digits ("2006-01-02T15:04:05.000000Z07:00") and is written back in UTC. Anything else
    is the apiserver's 400 "cannot be handled as a <Kind>"."""
    defs = _definitions(version)
    schema = _builtin_schema(version, obj["kind"], obj["apiVersion"])

    def fail(value, layout):
        raise ApiError.bad_request(
            f'{obj["kind"]} in version "{obj["apiVersion"].split("/")[-1]}" cannot be handled as a '
            f'{obj["kind"]}: parsing time {json.dumps(value)} as "{layout}": cannot parse')

    def walk(v, s):
        while isinstance(s, dict) and "$ref" in s:
            name = s["$ref"].rsplit("/", 1)[-1]
            if name in (_TIME, _MICRO_TIME) and v is not None:
                micro = name == _MICRO_TIME
                layout = "2006-01-02T15:04:05.000000Z07:00" if micro else "2006-01-02T15:04:05Z07:00"
                t = _parse_rfc3339(v) if isinstance(v, str) else None
                frac = _RFC3339.match(v).group(7) if t else None
                if t is None or (micro and (frac is None or len(frac) != 7)):
                    fail(v, layout)
                t = t.astimezone(dt.timezone.utc)
                return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")
            s = defs.get(name, {})
        if isinstance(v, dict) and isinstance(s, dict):
            props = s.get("properties") or {}
            addl = s.get("additionalProperties")
            for k in list(v):
                sub = props.get(k) if k in props else (addl if isinstance(addl, dict) else None)
                if sub is not None:
                    v[k] = walk(v[k], sub)
        elif isinstance(v, list) and isinstance(s, dict) and isinstance(s.get("items"), dict):
            for i in range(len(v)):
                v[i] = walk(v[i], s["items"])
        return v

    walk(obj, schema)


def validate_builtin(obj: dict, version: str) -> list[dict]:
    """Causes from kubernetes-validate (strict: unknown fields fail too) plus the few Go validation
    rules of the kinds served that matter to a client (empty when valid)."""
    try:
        kubernetes_validate.validate(obj, version, strict=True)
    except kubernetes_validate.ValidationError as e:
        field = _path(list(e.path))
        reason = {"required": "FieldValueRequired", "enum": "FieldValueNotSupported",
                  "type": "FieldValueTypeInvalid"}.get(e.validator, "FieldValueInvalid")
        return [{"reason": reason, "field": field, "message": e.message}]
    return _go_validation(obj)


def _go_validation(obj: dict) -> list[dict]:
    kind, causes = obj["kind"], []

    def add(field, message, reason="FieldValueInvalid"):
        causes.append({"reason": reason, "field": field, "message": message})

    if kind == "Pod":
        spec = obj.get("spec") or {}
        for lst in ("initContainers", "containers"):
            names = set()
            for i, c in enumerate(spec.get(lst) or []):
                if not c.get("image"):
                    add(f"spec.{lst}[{i}].image", "Required value", "FieldValueRequired")
                if c.get("name") in names:
                    add(f"spec.{lst}[{i}].name", f"Duplicate value: {json.dumps(c.get('name'))}",
                        "FieldValueDuplicate")
                names.add(c.get("name"))
        if not spec.get("containers"):
            add("spec.containers", "Required value", "FieldValueRequired")
    elif kind == "Lease":
        spec = obj.get("spec") or {}
        if spec.get("leaseDurationSeconds") is not None and spec["leaseDurationSeconds"] <= 0:
            add("spec.leaseDurationSeconds", f"Invalid value: {spec['leaseDurationSeconds']}: must be greater than 0")
        if spec.get("leaseTransitions") is not None and spec["leaseTransitions"] < 0:
            add("spec.leaseTransitions", f"Invalid value: {spec['leaseTransitions']}: must be greater than or equal to 0")
    elif kind == "Event":
        ns = (obj.get("metadata") or {}).get("namespace", "")
        inv_ns = (obj.get("involvedObject") or {}).get("namespace") or ""
        mismatch = f"Invalid value: {json.dumps(inv_ns)}: does not match event.namespace"
        if not obj.get("eventTime"):
            if (not inv_ns and ns not in ("", "default")) or (inv_ns and inv_ns != ns):
                add("involvedObject.namespace", mismatch)
        else:
            if not inv_ns and ns not in ("default", "kube-system"):
                add("involvedObject.namespace", mismatch)
            for f in ("reportingComponent", "reportingInstance", "action", "reason"):
                if not obj.get(f):
                    add(f, "Required value", "FieldValueRequired")
    return causes


def pod_qos_class(pod: dict) -> str:
    spec = pod.get("spec") or {}
    containers = (spec.get("containers") or []) + (spec.get("initContainers") or [])
    any_set, guaranteed = False, True
    for c in containers:
        res = c.get("resources") or {}
        requests, limits = res.get("requests") or {}, res.get("limits") or {}
        for r in ("cpu", "memory"):
            if r in requests or r in limits:
                any_set = True
            if r not in limits or requests.get(r, limits[r]) != limits[r]:
                guaranteed = False
    if not any_set:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"
