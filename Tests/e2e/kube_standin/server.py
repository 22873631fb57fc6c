"""The stand-in API server: an in-memory object store behind the apiserver's REST semantics."""

from __future__ import annotations

import base64
import copy
import datetime as dt
import json
import os
import random
import re
import socket
import ssl
import sys
import threading
import time
import traceback
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonpatch
import yaml

from . import resources as res
from .errors import ApiError
from .selectors import fields_match, labels_match, parse_field_selector, parse_label_selector

DEFAULT_CRD = Path(__file__).resolve().parents[3] / "manifests" / "runpodpool-crd.yaml"
ANONYMOUS_PATHS = ("/healthz", "/livez", "/readyz", "/version")
_MERGE, _JSON_PATCH, _STRATEGIC, _APPLY = (
    "application/merge-patch+json", "application/json-patch+json",
    "application/strategic-merge-patch+json", "application/apply-patch+yaml")
_GENERATE_CHARS = "bcdfghjklmnpqrstvwxz2456789"  # apimachinery's utilrand alphabet


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _get_path(obj: dict, dotted: str):
    cur = obj
    for part in dotted.lstrip(".").split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _set_path(obj: dict, dotted: str, value) -> None:
    parts = dotted.lstrip(".").split(".")
    cur = obj
    for part in parts[:-1]:
        cur = cur.setdefault(part, {})
    cur[parts[-1]] = value


def _merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge_patch(out.get(k), v)
    return out


def _without(obj: dict, *keys) -> dict:
    return {k: v for k, v in obj.items() if k not in keys}


class _Request:
    def __init__(self, method, path, query, headers, body, user):
        self.method, self.path, self.headers, self.body, self.user = method, path, headers, body, user
        self.query = {k: v[-1] for k, v in query.items()}
        self.warnings: list[str] = []

    @property
    def dry_run(self) -> bool:
        return self.query.get("dryRun") == "All"

    def json_body(self, *, optional=False):
        if not self.body:
            if optional:
                return None
            raise ApiError.bad_request("the request body is empty")
        try:
            return json.loads(self.body)
        except ValueError as e:
            raise ApiError.bad_request(f"couldn't get version/kind; json parse error: {e}")


class StandIn:
    """A Kubernetes API server stand-in. `start()` serves it on a thread and returns the base URL.

    Auth: a request is authenticated by a client certificate signed by `client_ca` (user = CN,
    groups = O) or by `Authorization: Bearer <token>` for a token in `tokens` ({token: user});
    with neither configured every request is `system:anonymous`. `/healthz`, `/livez`, `/readyz`
    and `/version` answer without credentials, as the apiserver's default RBAC allows.
    """

    def __init__(self, *, crds=None, host: str = "127.0.0.1", port: int = 0,
                 token: str | None = None, tokens: dict[str, str] | None = None,
                 token_user: str = "kube-standin-token", tls_cert=None, tls_key=None,
                 client_ca=None, ca_cert=None, kubernetes_version: str = res.DEFAULT_KUBERNETES_VERSION,
                 request_log_file=None):
        self.kubernetes_version = res.check_version(kubernetes_version)
        self.host, self.port = host, port
        self.tokens = dict(tokens or {})
        if token:
            self.tokens[token] = token_user
        self.tls_cert, self.tls_key, self.client_ca = tls_cert, tls_key, client_ca
        self.ca_cert = ca_cert or tls_cert
        self.request_log_file = request_log_file
        self.request_log: list[dict] = []
        self._types: dict[tuple[str, str, str], res.ResourceType] = {}
        for rt in res.builtin_types():
            self._types[(rt.group, rt.version, rt.plural)] = rt
        crd_paths = [DEFAULT_CRD] if crds is None else ([crds] if isinstance(crds, (str, Path)) else list(crds))
        for path in crd_paths:
            for rt in res.load_crds(path):
                self._types[(rt.group, rt.version, rt.plural)] = rt
        self._data: dict[tuple[str, str], dict[tuple[str, str], dict]] = {}
        self._rv = 1
        self._lock = threading.RLock()
        self._faults: list[dict] = []
        self._denials: list[dict] = []
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.url: str | None = None

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> str:
        ctx = None
        if self.tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.minimum_version = ssl.TLSVersion.TLSv1_2
            ctx.load_cert_chain(self.tls_cert, self.tls_key)
            if self.client_ca:
                ctx.load_verify_locations(self.client_ca)
                ctx.verify_mode = ssl.CERT_OPTIONAL
        self._httpd = _Server((self.host, self.port), _Handler, self, ctx)
        port = self._httpd.server_address[1]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"{'https' if ctx else 'http'}://{host}:{port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="kube-standin",
                                        daemon=True)
        self._thread.start()
        return self.url

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd.close_connections()
            self._httpd = None
        if self._thread:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # --- test hooks ----------------------------------------------------------------------------
    @property
    def resource_version(self) -> int:
        return self._rv

    def resource_type(self, kind: str) -> res.ResourceType:
        """The served type named by kind, plural, singular or short name (case-insensitive)."""
        k = kind.lower()
        for rt in self._types.values():
            if k in (rt.kind.lower(), rt.plural, rt.singular) or k in rt.short_names:
                return rt
        raise KeyError(f"no served resource type {kind!r}")

    def objects(self, kind: str, namespace: str | None = None) -> list[dict]:
        """Deep copies of the stored objects of a kind, as stored (with apiVersion and kind)."""
        rt = self.resource_type(kind)
        with self._lock:
            items = sorted(self._data.get(rt.key, {}).items())
            return [copy.deepcopy(o) for (ns, _), o in items if namespace is None or ns == namespace]

    def get_object(self, kind: str, name: str, namespace: str | None = None) -> dict | None:
        rt = self.resource_type(kind)
        with self._lock:
            obj = self._data.get(rt.key, {}).get((namespace or "" if rt.namespaced else "", name))
            return copy.deepcopy(obj)

    def put_object(self, obj: dict) -> dict:
        """Store an object as is, status included (seeding nodes/pods; no create/update strategy),
        after the server-side fields, CRD defaults and validation. Raises ApiError when invalid
        and ValueError for fields a CRD schema would prune."""
        obj = copy.deepcopy(obj)
        rt = self._type_for(obj.get("apiVersion"), obj.get("kind"))
        meta = obj.setdefault("metadata", {})
        if rt.namespaced:
            meta.setdefault("namespace", "default")
        else:
            meta.pop("namespace", None)
        if rt.builtin:
            res.decode_times(obj, self.kubernetes_version)
        else:
            dropped = res.prune_unknown(obj, rt.schema)
            if dropped:
                raise ValueError(f"fields unknown to the {rt.kind} schema: {', '.join(dropped)}")
            res.apply_defaults(obj, rt.schema)
        with self._lock:
            key = (meta.get("namespace", ""), meta["name"])
            old = self._data.get(rt.key, {}).get(key)
            meta.setdefault("uid", old["metadata"]["uid"] if old else str(uuid.uuid4()))
            meta.setdefault("creationTimestamp", old["metadata"]["creationTimestamp"] if old else _now())
            if not rt.builtin and "generation" not in meta:
                meta["generation"] = 1 if not old else old["metadata"].get("generation", 1) + (
                    _without(old, "metadata", "status") != _without(obj, "metadata", "status"))
            meta.pop("resourceVersion", None)
            self._validate(rt, obj)
            return copy.deepcopy(self._commit(rt, obj))

    def delete_object(self, kind: str, name: str, namespace: str | None = None) -> bool:
        rt = self.resource_type(kind)
        with self._lock:
            gone = self._data.get(rt.key, {}).pop((namespace or "" if rt.namespaced else "", name), None)
            if gone is not None:
                self._rv += 1
            return gone is not None

    def fail_next(self, method: str, path_regex: str, status: int = 500, *, times: int = 1,
                  message: str | None = None, retry_after: int | None = None, after: bool = False,
                  reset: bool = False, delay: float = 0.0) -> None:
        """Make the next `times` requests whose method matches (`*` for any) and whose path matches
        `path_regex` (re.search) fail with a `status` Status. `after`: the request is carried out
        first and only its answer fails (a lost answer). `reset`: close the connection instead of
        answering. `delay`: seconds to wait before answering (client timeouts)."""
        with self._lock:
            self._faults.append({"method": method.upper(), "path": re.compile(path_regex), "status": status,
                                 "times": times, "message": message, "retry_after": retry_after,
                                 "after": after, "reset": reset, "delay": delay})

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def deny(self, *, verb: str | None = None, resource: str | None = None,
             namespace: str | None = None, user: str | None = None) -> None:
        """Answer 403 Forbidden to requests matching every given field; `resource` is the plural,
        with `/status` or `/scale` for subresources; verbs are get list create update patch delete
        deletecollection."""
        with self._lock:
            self._denials.append({"verb": verb, "resource": resource, "namespace": namespace, "user": user})

    def clear_denials(self) -> None:
        with self._lock:
            self._denials.clear()

    def requests(self, method: str | None = None, path_regex: str | None = None) -> list[dict]:
        """Logged requests: {method, path, query, content_type, user, status, body, warnings}."""
        with self._lock:
            return [dict(r) for r in self.request_log
                    if (method is None or r["method"] == method.upper())
                    and (path_regex is None or re.search(path_regex, r["path"]))]

    def clear_requests(self) -> None:
        with self._lock:
            self.request_log.clear()

    def validate_all(self) -> list[str]:
        """Problems of every stored object against its schema (kubernetes-validate or the CRD's)."""
        problems = []
        with self._lock:
            for rt in {rt.key: rt for rt in self._types.values()}.values():
                for (ns, name), obj in sorted(self._data.get(rt.key, {}).items()):
                    causes = res.metadata_causes(obj, rt) + (
                        res.validate_builtin(obj, self.kubernetes_version) if rt.builtin
                        else res.validate_custom(obj, rt))
                    problems += [f"{rt.kind} {ns}/{name}: {c['field']}: {c['message']}" for c in causes]
        return problems

    def write_kubeconfig(self, path, *, token: str | None = None, client_cert=None, client_key=None,
                         user: str = "kube-standin-user", namespace: str | None = None) -> Path:
        """Write a kubeconfig for this server (CA inlined) with a token or a client certificate."""
        cluster = {"server": self.url}
        if self.url.startswith("https") and self.ca_cert:
            cluster["certificate-authority-data"] = base64.b64encode(Path(self.ca_cert).read_bytes()).decode()
        creds = {}
        if token:
            creds["token"] = token
        if client_cert:
            creds["client-certificate-data"] = base64.b64encode(Path(client_cert).read_bytes()).decode()
            creds["client-key-data"] = base64.b64encode(Path(client_key).read_bytes()).decode()
        context = {"cluster": "kube-standin", "user": user}
        if namespace:
            context["namespace"] = namespace
        config = {"apiVersion": "v1", "kind": "Config", "current-context": "kube-standin",
                  "clusters": [{"name": "kube-standin", "cluster": cluster}],
                  "users": [{"name": user, "user": creds}],
                  "contexts": [{"name": "kube-standin", "context": context}]}
        Path(path).write_text(yaml.safe_dump(config))
        return Path(path)

    # --- request handling ------------------------------------------------------------------------
    def _authenticate(self, headers, peercert) -> str | None:
        if peercert and peercert.get("subject"):
            for rdn in peercert["subject"]:
                for key, value in rdn:
                    if key == "commonName":
                        return value
        auth = headers.get("Authorization") or ""
        if auth[:7].lower() == "bearer " and auth[7:].strip() in self.tokens:
            return self.tokens[auth[7:].strip()]
        if not self.tokens and not self.client_ca:
            return "system:anonymous"
        return None

    def _take_fault(self, method: str, path: str) -> dict | None:
        with self._lock:
            for f in self._faults:
                if f["method"] in ("*", method) and f["path"].search(path):
                    f["times"] -= 1
                    if f["times"] <= 0:
                        self._faults.remove(f)
                    return f
        return None

    def handle(self, method, raw_path, headers, body, peercert):
        """Serve one request: (status, body bytes, content type, extra headers) or None to reset."""
        parsed = urllib.parse.urlsplit(raw_path)
        path = urllib.parse.unquote(parsed.path)
        query = urllib.parse.parse_qs(parsed.query, keep_blank_values=True)
        user = self._authenticate(headers, peercert)
        public = (path.rstrip("/") or "/") in ANONYMOUS_PATHS
        req = _Request(method, path, query, headers, body, user)
        entry = {"method": method, "path": path, "query": dict(req.query), "raw_query": parsed.query,
                 "content_type": headers.get("Content-Type"), "user": user, "status": None,
                 "body": None, "warnings": req.warnings}
        try:
            entry["body"] = json.loads(body) if body else None
        except ValueError:
            entry["body"] = body.decode(errors="replace")
        with self._lock:
            self.request_log.append(entry)
        fault = self._take_fault(method, path) if user or public else None
        if fault and fault["delay"]:
            time.sleep(fault["delay"])
        extra = {}
        try:
            if user is None and not public:
                raise ApiError.unauthorized()
            if fault and not fault["after"] and not fault["reset"]:
                raise ApiError.for_code(fault["status"], fault["message"])
            if not (fault and fault["reset"] and not fault["after"]):
                code, payload = self._route(req)
        except ApiError as e:
            code, payload = e.code, e.status()
            extra.update(e.headers)
        except Exception as e:  # a bug in the stand-in: answer like the apiserver's panic handler
            traceback.print_exc(file=sys.stderr)
            code, payload = 500, ApiError(500, "InternalError", f"Internal error occurred: {e!r}").status()
        if fault:
            if fault["reset"]:
                entry["status"] = "reset"
                self._log_to_file(entry)
                return None
            if fault["after"]:
                code, payload = fault["status"], ApiError.for_code(fault["status"], fault["message"]).status()
            if fault["retry_after"] is not None:
                extra["Retry-After"] = str(fault["retry_after"])
        entry["status"] = code
        self._log_to_file(entry)
        if req.warnings:
            extra["Warning"] = ['299 - "' + w.replace("\\", "\\\\").replace('"', '\\"') + '"'
                               for w in req.warnings]
        if isinstance(payload, str):
            return code, payload.encode(), "text/plain; charset=utf-8", extra
        return code, json.dumps(payload, separators=(",", ":")).encode(), "application/json", extra

    def _log_to_file(self, entry: dict) -> None:
        if self.request_log_file:
            with self._lock, open(self.request_log_file, "a") as f:
                f.write(json.dumps(entry) + "\n")

    def _route(self, req: _Request):
        path = req.path.rstrip("/") or "/"
        if path in ("/healthz", "/livez", "/readyz"):
            return 200, "ok"
        accept = req.headers.get("Accept")
        if accept and not any(_media_type(a) in ("application/json", "*/*", "application/*")
                              for a in accept.split(",")):
            raise ApiError(406, "NotAcceptable", f"only application/json is served, not {accept}")
        parts = [p for p in path.split("/") if p]
        if parts == ["version"]:
            return 200, self._version()
        if parts == ["api"]:
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": urllib.parse.urlsplit(self.url).netloc}]}
        if parts == ["apis"]:
            return 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": self._groups()}
        if parts[:1] == ["apis"] and len(parts) == 2:
            for g in self._groups():
                if g["name"] == parts[1]:
                    return 200, {"kind": "APIGroup", "apiVersion": "v1", **g}
            raise ApiError.server_not_found()
        if parts[:2] == ["api", "v1"]:
            group, version, rest = "", "v1", parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            raise ApiError.server_not_found()
        if not any(k[:2] == (group, version) for k in self._types):
            raise ApiError.server_not_found()
        if not rest:
            if req.method != "GET":
                raise ApiError.method_not_allowed()
            return 200, self._resource_list(group, version)

        ns = None
        if rest[0] == "namespaces" and len(rest) >= 3 and not (group == "" and len(rest) == 3
                                                               and rest[2] in ("status", "finalize")):
            ns, rest = rest[1], rest[2:]
        if len(rest) > 3:
            raise ApiError.server_not_found()
        plural, name, sub = rest[0], rest[1] if len(rest) > 1 else None, rest[2] if len(rest) > 2 else None
        rt = self._types.get((group, version, plural))
        if rt is None or (ns is not None and not rt.namespaced) or (ns is None and rt.namespaced and name):
            raise ApiError.server_not_found()
        if sub is not None and not ((sub == "status" and rt.status_subresource) or (sub == "scale" and rt.scale)):
            raise ApiError.server_not_found()

        m = req.method
        if name is None:
            verb = {"GET": "list", "POST": "create", "DELETE": "deletecollection"}.get(m)
            if verb in ("create", "deletecollection") and rt.namespaced and ns is None:
                verb = None
        else:
            verb = {"GET": "get", "PUT": "update", "PATCH": "patch", "DELETE": "delete"}.get(m)
            if sub and verb == "delete":
                verb = None
        if verb is None:
            raise ApiError.method_not_allowed()
        if verb == "list" and req.query.get("watch") in ("1", "true"):
            raise ApiError.method_not_allowed("watch is not supported by kube-standin; poll with list")
        self._authorize(req, verb, rt, sub, ns, name)
        ns = ns or ""
        if verb == "get":
            return 200, self._get(rt, ns, name, sub)
        if verb == "list":
            return 200, self._list(req, rt, ns or None)
        if verb == "create":
            return self._create(req, rt, ns, self._decode(req, rt))
        if verb == "update":
            if sub == "scale":
                return self._update_scale(req, rt, ns, name, req.json_body())
            return self._update(req, rt, ns, name, sub, self._decode(req, rt))
        if verb == "patch":
            return self._patch(req, rt, ns, name, sub)
        if verb == "delete":
            return self._delete(req, rt, ns, name)
        return self._delete_collection(req, rt, ns)

    def _version(self) -> dict:
        major, minor = self.kubernetes_version.split(".")[:2]
        return {"major": major, "minor": minor, "gitVersion": f"v{major}.{minor}.0", "gitCommit": "kube-standin",
                "gitTreeState": "clean", "buildDate": "2024-01-01T00:00:00Z", "goVersion": "go1.22.0",
                "compiler": "gc", "platform": "linux/amd64"}

    def _groups(self) -> list[dict]:
        groups: dict[str, list[str]] = {}
        for (group, version, _) in self._types:
            if group and version not in groups.setdefault(group, []):
                groups[group].append(version)
        return [{"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
                 "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]}}
                for g, vs in sorted(groups.items())]

    def _resource_list(self, group: str, version: str) -> dict:
        out = []
        for (g, v, _), rt in sorted(self._types.items()):
            if (g, v) != (group, version):
                continue
            entry = {"name": rt.plural, "singularName": rt.singular, "namespaced": rt.namespaced,
                     "kind": rt.kind, "verbs": ["create", "delete", "deletecollection", "get", "list",
                                                "patch", "update"]}
            if rt.short_names:
                entry["shortNames"] = list(rt.short_names)
            if rt.categories:
                entry["categories"] = list(rt.categories)
            out.append(entry)
            if rt.status_subresource:
                out.append({"name": f"{rt.plural}/status", "singularName": "", "namespaced": rt.namespaced,
                            "kind": rt.kind, "verbs": ["get", "patch", "update"]})
            if rt.scale:
                out.append({"name": f"{rt.plural}/scale", "singularName": "", "namespaced": rt.namespaced,
                            "group": "autoscaling", "version": "v1", "kind": "Scale",
                            "verbs": ["get", "patch", "update"]})
        return {"kind": "APIResourceList", "apiVersion": "v1",
                "groupVersion": f"{group}/{version}" if group else version, "resources": out}

    def _authorize(self, req, verb, rt, sub, ns, name):
        resource = f"{rt.plural}/{sub}" if sub else rt.plural
        with self._lock:
            denied = any(all(d[k] is None or d[k] == v for k, v in
                             (("verb", verb), ("resource", resource), ("namespace", ns), ("user", req.user)))
                         for d in self._denials)
        if denied:
            scope = f'in the namespace "{ns}"' if ns else "at the cluster scope"
            raise ApiError.forbidden(rt.plural, rt.group, name or "",
                                     f'User "{req.user}" cannot {verb} resource "{resource}" in API group '
                                     f'"{rt.group}" {scope}')

    # --- decoding and validation -------------------------------------------------------------------
    def _type_for(self, api_version, kind) -> res.ResourceType:
        for rt in self._types.values():
            if rt.api_version == api_version and rt.kind == kind:
                return rt
        raise KeyError(f"no served type {api_version} {kind}")

    def _decode(self, req: _Request, rt: res.ResourceType, body=None) -> dict:
        """The request body as the apiserver decodes it: JSON only, apiVersion/kind checked or filled
        in, CRD objects pruned (Warning headers) and defaulted, built-in times parsed like Go's."""
        if body is None:
            ctype = _media_type(req.headers.get("Content-Type"))
            if ctype not in ("", "application/json"):  # no Content-Type is taken as JSON, as by the apiserver
                raise ApiError.unsupported_media_type(
                    f"the body of the request was in an unknown format ({ctype}) - "
                    "kube-standin accepts application/json")
            body = req.json_body()
        if not isinstance(body, dict):
            raise ApiError.bad_request("the body of the request must be a JSON object")
        obj = copy.deepcopy(body)
        for field, want in (("apiVersion", rt.api_version), ("kind", rt.kind)):
            if obj.get(field) in (None, ""):
                obj[field] = want
            elif obj[field] != want:
                raise ApiError.bad_request(f"the {field} in the data ({obj[field]}) does not match the "
                                           f"expected {field} ({want})")
        obj = {"apiVersion": obj.pop("apiVersion"), "kind": obj.pop("kind"), **obj}
        meta = obj.setdefault("metadata", {})
        if not isinstance(meta, dict):
            raise ApiError.bad_request("metadata must be a JSON object")
        if rt.builtin:
            res.decode_times(obj, self.kubernetes_version)
        else:
            dropped = res.prune_unknown(obj, rt.schema)
            mode = req.query.get("fieldValidation", "Warn")
            if dropped and mode == "Strict":
                raise ApiError.bad_request("strict decoding error: " + ", ".join(
                    f'unknown field "{d}"' for d in dropped))
            if mode != "Ignore":
                req.warnings.extend(f'unknown field "{d}"' for d in dropped)
            res.apply_defaults(obj, rt.schema)
        return obj

    def _validate(self, rt: res.ResourceType, obj: dict) -> None:
        causes = res.metadata_causes(obj, rt)
        if rt.builtin:
            schema_causes = res.validate_builtin(obj, self.kubernetes_version)
            typed = [c for c in schema_causes if c["reason"] == "FieldValueTypeInvalid"]
            if typed:  # Go's JSON decoding fails before validation: a 400, as the apiserver answers
                raise ApiError.bad_request(
                    f'{rt.kind} in version "{rt.version}" cannot be handled as a {rt.kind}: '
                    f'{typed[0]["field"]}: {typed[0]["message"]}')
            causes += schema_causes
        else:
            causes += res.validate_custom(obj, rt)
        if causes:
            raise ApiError.invalid(rt.kind, rt.group, obj["metadata"].get("name", ""), causes)

    # --- storage ------------------------------------------------------------------------------------
    def _stored(self, rt, ns, name) -> dict | None:
        return self._data.get(rt.key, {}).get((ns if rt.namespaced else "", name))

    def _commit(self, rt, obj) -> dict:
        self._rv += 1
        obj["metadata"]["resourceVersion"] = str(self._rv)
        meta = obj["metadata"]
        self._data.setdefault(rt.key, {})[(meta.get("namespace", ""), meta["name"])] = obj
        return obj

    def _remove(self, rt, ns, name) -> None:
        self._rv += 1
        del self._data[rt.key][(ns if rt.namespaced else "", name)]

    def _output(self, rt, obj) -> dict:
        return copy.deepcopy(obj)

    # --- verbs ----------------------------------------------------------------------------------------
    def _get(self, rt, ns, name, sub):
        with self._lock:
            obj = self._stored(rt, ns, name)
            if obj is None:
                raise ApiError.not_found(rt.plural, rt.group, name)
            return self._scale_of(rt, obj) if sub == "scale" else self._output(rt, obj)

    def _list(self, req, rt, ns):
        label_reqs = parse_label_selector(req.query.get("labelSelector", ""))
        field_terms = parse_field_selector(req.query.get("fieldSelector", ""), rt.field_labels)
        try:
            limit = int(req.query.get("limit") or 0)
        except ValueError:
            raise ApiError.bad_request(f"invalid limit {req.query.get('limit')!r}")
        start = None
        if req.query.get("continue"):
            try:
                start = tuple(json.loads(base64.urlsafe_b64decode(req.query["continue"]))["start"])
            except Exception:
                raise ApiError.bad_request("continue key is not valid: incorrect encoded start resourceVersion")
        with self._lock:
            rv = self._rv
            matched = [(key, obj) for key, obj in sorted(self._data.get(rt.key, {}).items())
                       if (ns is None or key[0] == ns) and (start is None or key > start)
                       and labels_match(label_reqs, obj["metadata"].get("labels"))
                       and fields_match(field_terms, obj)]
            meta = {"resourceVersion": str(rv)}
            if limit > 0 and len(matched) > limit:
                meta["continue"] = base64.urlsafe_b64encode(
                    json.dumps({"start": list(matched[limit - 1][0]), "rv": rv}).encode()).decode()
                meta["remainingItemCount"] = len(matched) - limit
                matched = matched[:limit]
            items = [self._output(rt, obj) for _, obj in matched]
        if rt.builtin:  # the apiserver's lists of built-in kinds carry no apiVersion/kind per item
            items = [_without(o, "apiVersion", "kind") for o in items]
        return {"kind": rt.list_kind, "apiVersion": rt.api_version, "metadata": meta, "items": items}

    def _create(self, req, rt, ns, obj, *, via_update=False):
        meta = obj["metadata"]
        if rt.namespaced:
            if meta.get("namespace") and meta["namespace"] != ns:
                raise ApiError.bad_request("the namespace of the provided object does not match the "
                                           "namespace sent on the request")
            meta["namespace"] = ns
        else:
            meta.pop("namespace", None)
        if meta.get("resourceVersion"):
            if not via_update:
                raise ApiError.bad_request("resourceVersion should not be set on objects to be created")
            meta.pop("resourceVersion")
        with self._lock:
            if not meta.get("name"):
                if not meta.get("generateName"):
                    raise ApiError.invalid(rt.kind, rt.group, "", [{
                        "reason": "FieldValueRequired", "field": "metadata.name",
                        "message": "Required value: name or generateName is required"}])
                while True:
                    meta["name"] = meta["generateName"] + "".join(random.choices(_GENERATE_CHARS, k=5))
                    if self._stored(rt, ns, meta["name"]) is None:
                        break
            for f in ("uid", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "managedFields",
                      "generation"):
                meta.pop(f, None)
            meta["uid"] = str(uuid.uuid4())
            meta["creationTimestamp"] = _now()
            if not rt.builtin:
                meta["generation"] = 1
                if rt.status_subresource:
                    obj.pop("status", None)
            elif rt.kind == "Pod":
                obj["status"] = {"phase": "Pending", "qosClass": res.pod_qos_class(obj)}
            elif rt.kind == "Namespace":
                obj["spec"] = {"finalizers": ["kubernetes"]}
                obj["status"] = {"phase": "Active"}
            self._validate(rt, obj)
            if self._stored(rt, ns, meta["name"]) is not None:
                raise ApiError.already_exists(rt.plural, rt.group, meta["name"])
            if req.dry_run:
                return 201, obj
            return 201, self._output(rt, self._commit(rt, obj))

    def _check_preconditions(self, rt, name, old, rv, uid, *, require_rv):
        old_meta = old["metadata"]
        if uid and uid != old_meta["uid"]:
            raise ApiError.conflict(rt.plural, rt.group, name, f"Precondition failed: UID in precondition: "
                                    f"{uid}, UID in object meta: {old_meta['uid']}")
        if rv and rv != old_meta["resourceVersion"]:
            raise ApiError.conflict(rt.plural, rt.group, name)
        if not rv and require_rv:
            raise ApiError.invalid(rt.plural, rt.group, name, [{
                "reason": "FieldValueInvalid", "field": "metadata.resourceVersion",
                "message": "Invalid value: 0x0: must be specified for an update"}])

    def _update(self, req, rt, ns, name, sub, new, *, patched=False):
        meta = new["metadata"]
        if meta.get("name") != name:
            raise ApiError.bad_request(f"the name of the object ({meta.get('name', '')}) does not match the "
                                       f"name on the URL ({name})")
        if rt.namespaced and meta.get("namespace", ns) != ns:
            raise ApiError.bad_request("the namespace of the provided object does not match the namespace "
                                       "sent on the request")
        with self._lock:
            old = self._stored(rt, ns, name)
            if old is None:
                if rt.create_on_update and not sub:
                    return self._create(req, rt, ns, new, via_update=True)
                raise ApiError.not_found(rt.plural, rt.group, name)
            self._check_preconditions(rt, name, old, meta.get("resourceVersion"), meta.get("uid"),
                                      require_rv=not rt.unconditional_update and not patched)
            if sub == "status":  # the status strategy: only .status comes from the request
                result = copy.deepcopy(old)
                if "status" in new:
                    result["status"] = new["status"]
                else:
                    result.pop("status", None)
            else:
                result = new
                old_meta = old["metadata"]
                for f in ("uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                          "generation"):
                    if f in old_meta:
                        meta[f] = old_meta[f]
                    else:
                        meta.pop(f, None)
                if old_meta.get("deletionTimestamp"):  # ValidateObjectMetaUpdate: none while being deleted
                    added = [f for f in meta.get("finalizers") or [] if f not in (old_meta.get("finalizers") or [])]
                    if added:
                        shown = ", ".join(json.dumps(f) for f in added)
                        raise ApiError.invalid(rt.kind, rt.group, name, [{
                            "reason": "FieldValueForbidden", "field": "metadata.finalizers",
                            "message": "Forbidden: no new finalizers can be added if the object is being deleted, "
                                       f"found new finalizers []string{{{shown}}}"}])
                meta.pop("managedFields", None)
                meta.pop("selfLink", None)
                meta["namespace"] = old_meta.get("namespace")
                if not rt.namespaced:
                    meta.pop("namespace")
                if rt.status_subresource:  # writes to the main resource never change status
                    if "status" in old:
                        result["status"] = copy.deepcopy(old["status"])
                    else:
                        result.pop("status", None)
                if rt.kind == "Pod":
                    self._check_pod_update(rt, name, old, result)
                if not rt.builtin and _without(result, "metadata", "status") != _without(old, "metadata", "status"):
                    meta["generation"] = old_meta.get("generation", 0) + 1
            result["metadata"]["resourceVersion"] = old["metadata"]["resourceVersion"]
            self._validate(rt, result)
            return self._store_update(req, rt, ns, name, old, result)

    def _store_update(self, req, rt, ns, name, old, result):
        meta = result["metadata"]
        if meta.get("deletionTimestamp") and not meta.get("finalizers"):
            if not req.dry_run:  # the last finalizer is gone: the pending deletion completes
                self._remove(rt, ns, name)
            return 200, self._output(rt, result)
        if result == old or req.dry_run:  # a no-op write keeps the resourceVersion, like etcd's
            return 200, self._output(rt, result)
        return 200, self._output(rt, self._commit(rt, result))

    def _check_pod_update(self, rt, name, old, new):
        def mutable_masked(spec):
            spec = copy.deepcopy(spec or {})
            for f in ("activeDeadlineSeconds", "terminationGracePeriodSeconds", "tolerations", "schedulingGates"):
                spec.pop(f, None)
            for lst in ("containers", "initContainers"):
                for c in spec.get(lst) or []:
                    c.pop("image", None)
            return spec
        if mutable_masked(old.get("spec")) != mutable_masked(new.get("spec")):
            raise ApiError.invalid(rt.kind, rt.group, name, [{
                "reason": "FieldValueForbidden", "field": "spec",
                "message": "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
                           "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` "
                           "(only additions to existing tolerations),`spec.terminationGracePeriodSeconds`"}])

    def _scale_of(self, rt, obj) -> dict:
        replicas = _get_path(obj, rt.scale["specReplicasPath"])
        if replicas is None:
            raise ApiError(500, "InternalError", f'Internal error occurred: the spec replicas field '
                                                  f'"{rt.scale["specReplicasPath"]}" does not exist')
        meta = obj["metadata"]
        scale = {"kind": "Scale", "apiVersion": "autoscaling/v1",
                 "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion",
                                                   "creationTimestamp") if k in meta},
                 "spec": {}, "status": {"replicas": _get_path(obj, rt.scale["statusReplicasPath"]) or 0}}
        if replicas:  # autoscaling/v1 ScaleSpec.replicas is omitempty: 0 is sent as {}
            scale["spec"]["replicas"] = replicas
        selector_path = rt.scale.get("labelSelectorPath")
        selector = _get_path(obj, selector_path) if selector_path else None
        if selector:
            scale["status"]["selector"] = selector
        return scale

    def _update_scale(self, req, rt, ns, name, scale):
        if not isinstance(scale, dict):
            raise ApiError.bad_request("the body of the request must be a JSON object")
        scale = copy.deepcopy(scale)
        for field, want in (("apiVersion", "autoscaling/v1"), ("kind", "Scale")):
            if scale.get(field) in (None, ""):
                scale[field] = want
            elif scale[field] != want:
                raise ApiError.bad_request(f"wrong object passed to Scale update: {field} {scale[field]}")
        causes = res.validate_builtin(scale, self.kubernetes_version)
        if causes:
            if causes[0]["reason"] == "FieldValueTypeInvalid":
                raise ApiError.bad_request(f"Scale in version \"v1\" cannot be handled as a Scale: "
                                           f"{causes[0]['field']}: {causes[0]['message']}")
            raise ApiError.invalid("Scale", "autoscaling", name, causes)
        smeta = scale.get("metadata") or {}
        if smeta.get("name") != name:
            raise ApiError.bad_request(f"the name of the object ({smeta.get('name', '')}) does not match the "
                                       f"name on the URL ({name})")
        with self._lock:
            old = self._stored(rt, ns, name)
            if old is None:
                raise ApiError.not_found(rt.plural, rt.group, name)
            self._check_preconditions(rt, name, old, smeta.get("resourceVersion"), smeta.get("uid"),
                                      require_rv=False)
            result = copy.deepcopy(old)
            _set_path(result, rt.scale["specReplicasPath"], (scale.get("spec") or {}).get("replicas", 0))
            if result != old:
                result["metadata"]["generation"] = old["metadata"].get("generation", 0) + 1
            self._validate(rt, result)
            code, out = self._store_update(req, rt, ns, name, old, result)
            return code, self._scale_of(rt, out)

    def _patch(self, req, rt, ns, name, sub):
        ctype = _media_type(req.headers.get("Content-Type"))
        if ctype not in (_MERGE, _JSON_PATCH, _STRATEGIC) or (ctype == _STRATEGIC and not rt.builtin):
            accepted = [_JSON_PATCH, _MERGE] + ([_STRATEGIC] if rt.builtin else [])
            raise ApiError.unsupported_media_type(
                f"the body of the request was in an unknown format ({ctype or 'no Content-Type'}) - accepted "
                f"media types include: {', '.join(accepted)}")
        patch = req.json_body()
        with self._lock:
            old = self._stored(rt, ns, name)
            if old is None:
                raise ApiError.not_found(rt.plural, rt.group, name)
            current = self._scale_of(rt, old) if sub == "scale" else copy.deepcopy(old)
            if ctype == _JSON_PATCH:
                if not isinstance(patch, list):
                    raise ApiError.bad_request("json: cannot unmarshal object into Go value of type jsonpatch.Patch")
                try:
                    patched = jsonpatch.JsonPatch(patch).apply(current)
                except jsonpatch.InvalidJsonPatch as e:
                    raise ApiError.bad_request(str(e))
                except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as e:
                    raise ApiError(422, "Invalid", str(e))
            else:  # merge patch; strategic merge patch of built-in kinds is taken as a merge patch
                if not isinstance(patch, dict):
                    raise ApiError.bad_request("a merge patch must be a JSON object")
                patched = _merge_patch(current, patch)
            if not isinstance(patched, dict):
                raise ApiError.bad_request("the patched object is not a JSON object")
            if sub == "scale":
                return self._update_scale(req, rt, ns, name, patched)
            return self._update(req, rt, ns, name, sub, self._decode(req, rt, patched), patched=True)

    def _delete(self, req, rt, ns, name):
        opts = req.json_body(optional=True) or {}
        if not isinstance(opts, dict):
            raise ApiError.bad_request("DeleteOptions must be a JSON object")
        pre = opts.get("preconditions") or {}
        with self._lock:
            old = self._stored(rt, ns, name)
            if old is None:
                raise ApiError.not_found(rt.plural, rt.group, name)
            old_meta = old["metadata"]
            if pre.get("uid") and pre["uid"] != old_meta["uid"]:
                raise ApiError.conflict(rt.plural, rt.group, name, f"Precondition failed: UID in precondition: "
                                        f"{pre['uid']}, UID in object meta: {old_meta['uid']}")
            if pre.get("resourceVersion") and pre["resourceVersion"] != old_meta["resourceVersion"]:
                raise ApiError.conflict(rt.plural, rt.group, name, "Precondition failed: ResourceVersion in "
                                        f"precondition: {pre['resourceVersion']}, ResourceVersion in object meta: "
                                        f"{old_meta['resourceVersion']}")
            if old_meta.get("finalizers"):  # finalizers pending: mark for deletion and answer 202
                result = copy.deepcopy(old)
                result["metadata"].setdefault("deletionTimestamp", _now())
                result["metadata"].setdefault("deletionGracePeriodSeconds", 0)
                if result != old and not req.dry_run:
                    result = self._commit(rt, result)
                return 202, self._output(rt, result)
            if not req.dry_run:
                self._remove(rt, ns, name)
            if rt.return_deleted_object:
                return 200, self._output(rt, old)
            return 200, {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                         "details": {k: v for k, v in (("name", name), ("group", rt.group), ("kind", rt.plural),
                                                       ("uid", old_meta["uid"])) if v}}

    def _delete_collection(self, req, rt, ns):
        listed = self._list(req, rt, ns or None)
        deleted = []
        with self._lock:
            for item in listed["items"]:
                meta = item["metadata"]
                try:
                    code, out = self._delete(req, rt, meta.get("namespace", ""), meta["name"])
                except ApiError as e:
                    if e.code != 404:
                        raise
                    continue
                deleted.append(_without(out, "apiVersion", "kind") if out.get("kind") != "Status" else item)
        return 200, {**listed, "items": deleted}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address, handler, standin: StandIn, ssl_context):
        self.standin, self.ssl_context = standin, ssl_context
        self._conns: set = set()
        self._conns_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, handler)

    def finish_request(self, request, client_address):
        conn = request
        try:
            if self.ssl_context:  # the TLS handshake runs on the connection's own thread
                request.settimeout(30)
                conn = self.ssl_context.wrap_socket(request, server_side=True)
                conn.settimeout(None)
        except (ssl.SSLError, OSError):
            request.close()
            return
        with self._conns_lock:
            self._conns.add(conn)
        try:
            self.RequestHandlerClass(conn, client_address, self)
        except (ConnectionError, ssl.SSLError, TimeoutError):
            pass
        finally:
            with self._conns_lock:
                self._conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def close_connections(self):
        with self._conns_lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-standin"
    sys_version = ""

    def log_message(self, fmt, *args):
        if os.environ.get("KUBE_STANDIN_DEBUG"):
            super().log_message(fmt, *args)

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _serve(self):
        body = self._read_body()
        peercert = self.connection.getpeercert() if isinstance(self.connection, ssl.SSLSocket) else None
        answer = self.server.standin.handle(self.command, self.path, self.headers, body, peercert)
        if answer is None:  # injected connection reset
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        code, payload, ctype, extra = answer
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Audit-Id", str(uuid.uuid4()))
        for k, v in extra.items():
            for one in v if isinstance(v, list) else [v]:
                self.send_header(k, one)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _serve
