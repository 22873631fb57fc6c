"""Helpers for the end-to-end tests of `runpod-autoscaler emulator`.

The emulator binary runs as a real process on a loopback port; every answer is checked
against RunPod's own OpenAPI document (JSON Schema 2020-12, the document itself serving as
the `$ref` registry).

Environment:
  RPA_BINARY   path of the binary (default <repo>/.build/debug/runpod-autoscaler)
  SHARED_DIR   directory holding reference/runpod/openapi-v2.json (default <repo>/../shared)
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from support import built_binary

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SHARED_DIR") or (REPO.parent / "shared"))
BINARY = Path(os.environ.get("RPA_BINARY") or (REPO / ".build" / "debug" / "runpod-autoscaler"))
OPENAPI_PATH = SHARED / "reference" / "runpod" / "openapi-v2.json"

STARTUP_TIMEOUT = 20.0
DOC_URI = "urn:runpod:openapi-v2"

# RFC 3339 `date-time` (jsonschema checks it only with an optional package, so it is done here).
FORMATS = FormatChecker()
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


@FORMATS.checks("date-time")
def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    if not RFC3339.fullmatch(value):
        return False
    datetime.fromisoformat(value.replace("z", "Z").replace("Z", "+00:00"))
    return True


# --------------------------------------------------------------------------- #
# The OpenAPI document as a schema registry.
# --------------------------------------------------------------------------- #

class OpenAPI:
    """RunPod's OpenAPI 3.1 document: schemas, documented answers and examples."""

    def __init__(self, path: Path = OPENAPI_PATH):
        if not path.is_file():
            pytest.exit(f"RunPod OpenAPI document not found at {path} (set SHARED_DIR)", returncode=4)
        self.doc = json.loads(path.read_text())
        resource = Resource.from_contents(self.doc, default_specification=DRAFT202012)
        self.registry = Registry().with_resource(DOC_URI, resource)

    def validator(self, pointer: str) -> Draft202012Validator:
        """A validator for the schema at `pointer` (e.g. `#/components/schemas/Pod`)."""
        return Draft202012Validator({"$ref": DOC_URI + pointer}, registry=self.registry, format_checker=FORMATS)

    def schema_errors(self, pointer: str, instance: Any) -> list[str]:
        return [f"{'/'.join(map(str, e.absolute_path)) or '$'}: {e.message}"
                for e in self.validator(pointer).iter_errors(instance)]

    def resolve(self, node: dict) -> tuple[dict, str]:
        """Follows a local `$ref` (one level is all the document uses); returns (node, its pointer)."""
        pointer = ""
        while "$ref" in node:
            pointer = node["$ref"]
            node = self.pointer(pointer)
        return node, pointer

    def pointer(self, ref: str) -> Any:
        assert ref.startswith("#/"), ref
        node: Any = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def operation(self, path: str, method: str) -> dict:
        return self.doc["paths"][path][method.lower()]

    def response(self, path: str, method: str, status: int) -> tuple[dict, str]:
        """The documented response object for `status` (else `default`), resolved, and its pointer."""
        responses = self.operation(path, method)["responses"]
        key = str(status) if str(status) in responses else "default"
        assert key in responses, f"{method} {path} documents no {status} and no default"
        node, pointer = self.resolve(responses[key])
        return node, pointer or f"#/paths/{path.replace('/', '~1')}/{method.lower()}/responses/{key}"

    def request_schema_pointer(self, path: str, method: str) -> str:
        content = self.operation(path, method)["requestBody"]["content"]["application/json"]
        return content["schema"]["$ref"]

    def request_examples(self, path: str, method: str) -> dict[str, Any]:
        content = self.operation(path, method).get("requestBody", {}).get("content", {})
        examples = content.get("application/json", {}).get("examples", {})
        return {name: self.resolve(example)[0]["value"] for name, example in examples.items()}


# --------------------------------------------------------------------------- #
# One HTTP exchange.
# --------------------------------------------------------------------------- #

@dataclass
class Reply:
    method: str
    path: str
    status: int
    headers: dict[str, str]
    body: bytes
    json: Any = None

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def detail(self) -> str | None:
        return self.json.get("detail") if isinstance(self.json, dict) else None

    @property
    def errors(self) -> list[str]:
        return self.json.get("errors", []) if isinstance(self.json, dict) else []


def check_documented(api: OpenAPI, template: str, reply: Reply) -> None:
    """Asserts that `reply` is an answer the document allows for `template`: a documented status
    (or `default`), the documented media type, a body valid for its schema, and no body where
    none is documented. `Retry-After` must be an integer where it is documented."""
    response, pointer = api.response(template, reply.method, reply.status)
    content = response.get("content")
    if not content:
        assert reply.body == b"", f"{reply.status} documents no body, got {reply.body[:200]!r}"
        return
    media = reply.content_type.split(";")[0].strip()
    assert media in content, f"{reply.method} {template} {reply.status}: content type {media!r} not in {list(content)}"
    schema = content[media]["schema"]
    errors = api.schema_errors(schema["$ref"], reply.json)
    assert not errors, (f"{reply.method} {reply.path} {reply.status} does not match {schema['$ref']}:\n  "
                        + "\n  ".join(errors[:20]) + f"\nbody: {reply.body[:2000]!r}")
    for name, header in response.get("headers", {}).items():
        value = reply.headers.get(name.lower())
        header, _ = api.resolve(header)
        if value is not None and header.get("schema", {}).get("type") == "integer":
            assert re.fullmatch(r"\d+", value), f"{name}: {value!r} is not an integer"


# --------------------------------------------------------------------------- #
# The process under test.
# --------------------------------------------------------------------------- #

class Emulator:
    """One `runpod-autoscaler emulator` process."""

    def __init__(self, workdir: Path, *, config_yaml: str | None = None, api_key: str | None = None,
                 log_level: str = "info", extra_args: Iterable[str] = ()):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.args = [str(BINARY), "emulator", "--listen", "127.0.0.1:0", "--log-level", log_level]
        if config_yaml is not None:
            config_path = self.workdir / "emulator.yaml"
            config_path.write_text(config_yaml)
            self.args += ["--config", str(config_path)]
        if api_key is not None:
            key_path = self.workdir / "api-key"
            key_path.write_text(api_key + "\n")
            self.args += ["--api-key-file", str(key_path)]
        self.args += list(extra_args)
        self.api_key = api_key
        self.proc: subprocess.Popen | None = None
        self.port = 0
        self._stderr: list[str] = []
        self._cond = threading.Condition()
        self._reader: threading.Thread | None = None

    def launch(self) -> "Emulator":
        built_binary()
        env = {k: v for k, v in os.environ.items() if not k.startswith("RUNPOD_")}
        self.proc = subprocess.Popen(self.args, cwd=self.workdir, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                     errors="replace")
        self._reader = threading.Thread(target=self._pump, daemon=True)
        self._reader.start()
        return self

    def start(self, timeout: float = STARTUP_TIMEOUT) -> "Emulator":
        self.launch()
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                address = self._address()
                if address:
                    break
                if self.proc.poll() is not None and not self._reader.is_alive():
                    raise AssertionError(f"emulator exited with {self.proc.returncode}:\n{self.stderr_text()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no 'runpod emulator listening' line within {timeout}s\n"
                                         + self.stderr_text())
                self._cond.wait(min(left, 0.1))
        self.port = int(address.rsplit(":", 1)[1])
        return self

    def _address(self) -> str | None:
        for line in self._stderr:
            if "runpod emulator listening" in line:
                m = re.search(r"address=(\S+)", line)
                if m:
                    return m.group(1).strip('"')
        return None

    def _pump(self) -> None:
        for line in self.proc.stderr:
            with self._cond:
                self._stderr.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    def stderr_text(self) -> str:
        with self._cond:
            return "\n".join(self._stderr)

    def wait_exit(self, timeout: float) -> int:
        rc = self.proc.wait(timeout=timeout)
        if self._reader:
            self._reader.join(timeout=2)
        return rc

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 10.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.wait_exit(timeout)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass

    # -- requests ----------------------------------------------------------- #

    def request(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None,
                key: str | None = "default", timeout: float = 10.0) -> Reply:
        """One request on a fresh connection. `body` is sent as JSON, `raw` as is;
        `key` is the bearer token ("default": the emulator's own key, None: no header)."""
        headers = {}
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = "application/json"
        token = self.api_key if key == "default" else key
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            reply = Reply(method, path, response.status, {k.lower(): v for k, v in response.getheaders()}, payload)
        finally:
            conn.close()
        if payload:
            try:
                reply.json = json.loads(payload)
            except ValueError:
                pass
        return reply

    def create(self, **overrides: Any) -> Reply:
        body = {"name": "rpa-media-burst-e2e", "image": "worker:1",
                "gpu": {"id": "NVIDIA RTX 6000 Ada Generation", "count": 1}}
        body.update(overrides)
        return self.request("POST", "/v2/pods", body)

    def wait_status(self, pod_id: str, status: str, timeout: float = 10.0) -> Reply:
        deadline = time.monotonic() + timeout
        seen = []
        while True:
            reply = self.request("GET", f"/v2/pods/{pod_id}")
            seen.append(reply.json.get("status") if isinstance(reply.json, dict) else reply.status)
            if reply.status == 200 and reply.json["status"] == status:
                return reply
            if time.monotonic() > deadline:
                raise AssertionError(f"pod {pod_id} not {status} within {timeout}s; saw {seen[-5:]}")
            time.sleep(0.05)


FAST_CONFIG = "provisioningSeconds: 0.3\nstartingSeconds: 0.3\n"
