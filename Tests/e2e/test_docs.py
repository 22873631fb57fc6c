"""The documentation in docs/ agrees with the code it describes.

- docs/CONFIG.md's settings table is exactly `runpod-autoscaler config-reference`
  (regenerate with scripts/update-config-doc.py), and every dotted setting named anywhere
  in docs/ is a real one;
- every metric AutoscalerMetrics.swift registers is documented in docs/OPERATIONS.md,
  with its type, and OPERATIONS.md names no metric that does not exist;
- every RunPodPool condition type and reason of PoolStatusDocument.swift is documented;
- every YAML example in OPERATIONS.md parses; the alert rules of manifests/monitoring use only
  real metrics, and OPERATIONS.md explains every one of them (test_alerts.py runs promtool);
- docs/ARCHITECTURE.md names every target of Package.swift;
- links between the docs point at files and headings that exist.

Environment: RPA_BINARY, the binary (default <repo>/.build/debug/runpod-autoscaler).
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from support import built_binary

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
CONFIG_DOC = DOCS / "CONFIG.md"
OPERATIONS_DOC = DOCS / "OPERATIONS.md"
ARCHITECTURE_DOC = DOCS / "ARCHITECTURE.md"
METRICS_SOURCE = REPO / "Sources" / "Autoscaler" / "Observability" / "AutoscalerMetrics.swift"
# The per-pool gauge families, written at scrape time outside the registry.
POOL_GAUGES_SOURCE = REPO / "Sources" / "Autoscaler" / "Observability" / "PoolGaugeFamily.swift"
CONDITIONS_SOURCE = REPO / "Sources" / "Autoscaler" / "Kubernetes" / "PoolStatusDocument.swift"
CONFIG_KEY_SOURCE = REPO / "Sources" / "Autoscaler" / "Config" / "ConfigKey.swift"
PACKAGE = REPO / "Package.swift"
ALERT_RULES = REPO / "manifests" / "monitoring" / "runpod-autoscaler.rules.yaml"
UPDATE_SCRIPT = REPO / "scripts" / "update-config-doc.py"
BINARY = Path(os.environ.get("RPA_BINARY") or (REPO / ".build" / "debug" / "runpod-autoscaler"))

PREFIX = "runpod_autoscaler_"
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")
METRIC_TOKEN = re.compile(r"\b" + PREFIX + r"[a-z0-9_]*[a-z0-9]\b")


def _update_script():
    spec = importlib.util.spec_from_file_location("update_config_doc", UPDATE_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def registered_metrics() -> dict[str, str]:
    """name -> counter | gauge | histogram, from the Swift source: the string literal
    given to gauge(/counter( (prefix added there) or to registry.make*(name: Self.prefix + …)."""
    source = METRICS_SOURCE.read_text()
    kinds = {"gauge": "gauge", "counter": "counter", "makeGauge": "gauge", "makeCounter": "counter",
             "makeDurationHistogram": "histogram", "makeValueHistogram": "histogram",
             "makeSummary": "summary", "makeDurationSummary": "summary"}
    call = re.compile(
        r"\b(" + "|".join(kinds) + r")\(\s*(?:name:\s*)?(?:Self\.prefix\s*\+\s*)?\"([a-z0-9_]+)\""
    )
    found: dict[str, str] = {}
    for function, name in call.findall(source):
        full = name if name.startswith(PREFIX) else PREFIX + name
        kind = kinds[function]
        assert found.get(full, kind) == kind, f"{full} registered as both {found[full]} and {kind}"
        found[full] = kind
    pool_family = re.compile(r"\bPoolGaugeFamily\(\s*\"([a-z0-9_]+)\"")
    pool_names = pool_family.findall(POOL_GAUGES_SOURCE.read_text())
    assert len(pool_names) >= 8, f"parsed too few pool gauge families from {POOL_GAUGES_SOURCE}"
    for name in pool_names:
        full = PREFIX + name
        assert found.get(full, "gauge") == "gauge", f"{full} registered as both {found[full]} and gauge"
        found[full] = "gauge"
    return found


def documented_metric_tokens(text: str) -> set[str]:
    return set(METRIC_TOKEN.findall(text))


def _base_metric(token: str, metrics: dict[str, str]) -> str | None:
    if token in metrics:
        return token
    for suffix in HISTOGRAM_SUFFIXES:
        if token.endswith(suffix) and metrics.get(token[: -len(suffix)]) in ("histogram", "summary"):
            return token[: -len(suffix)]
    return None


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"^```ya?ml\n(.*?)^```", text, re.S | re.M)


def alert_rules() -> list[dict]:
    document = yaml.safe_load(ALERT_RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


# --------------------------------------------------------------------------- #
# CONFIG.md
# --------------------------------------------------------------------------- #

def test_config_table_is_the_binarys_config_reference():
    table = subprocess.run([str(built_binary()), "config-reference"], capture_output=True, text=True, check=True,
                           timeout=30).stdout.strip()
    script = _update_script()
    doc = CONFIG_DOC.read_text()
    assert doc.count(script.BEGIN) == 1 and doc.count(script.END) == 1, "the generated-table markers are missing"
    generated = doc.split(script.BEGIN, 1)[1].split(script.END, 1)[0].strip()
    if generated != table:
        doc_lines, code_lines = set(generated.splitlines()), set(table.splitlines())
        only_doc = sorted(doc_lines - code_lines)
        only_code = sorted(code_lines - doc_lines)
        pytest.fail(
            "docs/CONFIG.md's table differs from `runpod-autoscaler config-reference`: "
            "run scripts/update-config-doc.py\n"
            f"only in the doc:\n  " + "\n  ".join(only_doc) + "\nonly in the code:\n  " + "\n  ".join(only_code)
        )
    assert script.render(doc, table) == doc


def test_config_table_lists_every_config_key():
    keys = re.findall(r"ConfigKey\(\s*\"([^\"]+)\"", CONFIG_KEY_SOURCE.read_text())
    assert len(keys) > 20, "could not parse ConfigKey.all"
    doc = CONFIG_DOC.read_text()
    missing = [k for k in keys if f"| `{k}` |" not in doc]
    assert not missing, f"settings missing from docs/CONFIG.md: {missing} (run scripts/update-config-doc.py)"


def test_settings_named_in_the_docs_exist():
    keys = re.findall(r"ConfigKey\(\s*\"([^\"]+)\"", CONFIG_KEY_SOURCE.read_text())
    sections = {k.rsplit(".", i)[0] for k in keys for i in range(1, k.count(".") + 1)}
    setting = re.compile(
        r"(?<![\w/.$-])((?:grpc|http|runpod|demand|local|kubernetes|log)\.[a-zA-Z][a-zA-Z0-9]*"
        r"(?:\.[a-zA-Z][a-zA-Z0-9]*)*)(?![\w/.-])"
    )
    not_settings = ("json", "yaml", "yml", "md", "io", "com", "svc")  # file names, hosts
    unknown = {}
    for doc in sorted(DOCS.glob("*.md")):
        for name in setting.findall(doc.read_text()):
            segments = name.split(".")
            if segments[-1] in not_settings or any(s[0].isupper() for s in segments):
                continue  # demand.json, grpc.health.v1.Health: not settings
            if name not in keys and name not in sections:
                unknown.setdefault(doc.name, set()).add(name)
    assert not unknown, f"settings named in docs/ that ConfigKey.all does not have: {unknown}"


def test_config_doc_covers_the_structured_parts():
    doc = CONFIG_DOC.read_text()
    for heading in ("## `pools[]`", "## The RunPodPool resource", "## RUNPOD_* variables", "## Where a value comes from"):
        assert heading in doc, f"docs/CONFIG.md lacks the section {heading!r}"
    for variable in ("RUNPOD_API_KEY", "RUNPOD_TEMPLATE_ID", "RUNPOD_NETWORK_VOLUME_ID", "RUNPOD_INSTANCE_TYPE"):
        assert f"| `{variable}` |" in doc, f"{variable} is not in the RUNPOD_* table"
    # Every pool field the config loader reads is documented.
    # The file door reads the name and cost cap itself, and every other field through the
    # reader both doors share (PoolDraft+Reading.swift).
    loader = (REPO / "Sources" / "Autoscaler" / "Config" / "ConfigLoader.swift").read_text()
    shared = (REPO / "Sources" / "Decisions" / "PoolDraft+Reading.swift").read_text()
    fields = set(re.findall(r'"\\\(p\)\.([a-zA-Z]+)"', loader)) - {"template", "scaling"}
    fields |= set(re.findall(r'source\.[a-zA-Z]+\("([a-zA-Z.]+)"\)', shared))
    assert len(fields) > 15, f"could not parse the pool fields of the config loader: {fields}"
    missing = sorted(f for f in fields if f"| `{f}` |" not in doc)
    assert not missing, f"pools[] fields missing from docs/CONFIG.md: {missing}"


# --------------------------------------------------------------------------- #
# OPERATIONS.md: metrics, conditions, alerts.
# --------------------------------------------------------------------------- #

def test_every_registered_metric_is_documented_with_its_type():
    metrics = registered_metrics()
    assert len(metrics) >= 15 and f"{PREFIX}grpc_requests_total" in metrics, f"parsed too few metrics: {metrics}"
    doc = OPERATIONS_DOC.read_text()
    rows = dict(re.findall(r"^\| `(" + PREFIX + r"[a-z0-9_]+)` \| (\w+) \|", doc, re.M))
    missing = sorted(set(metrics) - set(rows))
    assert not missing, f"metrics missing from the table in docs/OPERATIONS.md: {missing}"
    wrong = {name: (rows[name], kind) for name, kind in metrics.items() if rows[name] != kind}
    assert not wrong, f"documented type differs from the code (doc, code): {wrong}"


def test_operations_names_no_metric_that_does_not_exist():
    metrics = registered_metrics()
    unknown = sorted(t for t in documented_metric_tokens(OPERATIONS_DOC.read_text()) if not _base_metric(t, metrics))
    assert not unknown, f"docs/OPERATIONS.md names metrics AutoscalerMetrics.swift does not register: {unknown}"


def test_other_docs_name_no_metric_that_does_not_exist():
    metrics = registered_metrics()
    for doc in (CONFIG_DOC, ARCHITECTURE_DOC):
        unknown = sorted(t for t in documented_metric_tokens(doc.read_text()) if not _base_metric(t, metrics))
        assert not unknown, f"{doc.name} names metrics that do not exist: {unknown}"


def _conditions_source() -> str:
    source = CONDITIONS_SOURCE.read_text()
    start = source.index("func conditions(")
    end = source.index("public static func status(", start)
    return source[start:end]


def test_every_condition_type_and_reason_is_documented():
    body = _conditions_source()
    types = re.findall(r"condition\(\s*\"([A-Za-z]+)\"", body)
    assert set(types) >= {"Ready"} and len(types) >= 4, f"could not parse the condition types: {types}"
    literals = set(re.findall(r"\"([A-Z][a-zA-Z]+)\"", body))
    reasons = literals - set(types) - {"True", "False", "Unknown"}
    assert {"AtDesired", "NoCapacity"} <= reasons, f"could not parse the condition reasons: {reasons}"
    doc = OPERATIONS_DOC.read_text()
    section = doc.split("## RunPodPool conditions", 1)[1].split("\n## ", 1)[0]
    missing_types = [t for t in types if not re.search(rf"^\| `{t}` \|", section, re.M)]
    assert not missing_types, f"condition types without a row in OPERATIONS.md: {missing_types}"
    missing_reasons = sorted(r for r in reasons if f"`{r}`" not in section)
    assert not missing_reasons, f"condition reasons not documented in OPERATIONS.md: {missing_reasons}"
    crd = (REPO / "manifests" / "runpodpool-crd.yaml").read_text()
    assert all(t in crd for t in types), "the CRD's description of conditions lists other types"


def test_yaml_examples_parse():
    for doc in sorted(DOCS.glob("*.md")):
        for index, block in enumerate(yaml_blocks(doc.read_text())):
            try:
                yaml.safe_load(block)
            except yaml.YAMLError as error:
                pytest.fail(f"{doc.name}: YAML block {index} does not parse: {error}")


def test_alert_rules_use_real_metrics():
    metrics = registered_metrics()
    rules = alert_rules()
    assert len(rules) >= 7, f"parsed too few alert rules from {ALERT_RULES}"
    for rule in rules:
        tokens = documented_metric_tokens(str(rule["expr"]))
        assert tokens, f"{rule['alert']} uses none of the autoscaler's metrics"
        unknown = [t for t in tokens if not _base_metric(t, metrics)]
        assert not unknown, f"{rule['alert']} uses metrics that do not exist: {unknown}"


def test_every_alert_is_explained():
    names = [rule["alert"] for rule in alert_rules()]
    section = OPERATIONS_DOC.read_text().split("## Alerts", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Za-z]+)` \| (critical|warning) \| [^|]+ \| [^|]+ \|$", section, re.M)
    documented = {name: severity for name, severity in rows}
    missing = [n for n in names if n not in documented]
    assert not missing, f"alerts without a row (meaning, first check) in OPERATIONS.md's Alerts: {missing}"
    unknown = sorted(set(documented) - set(names))
    assert not unknown, f"OPERATIONS.md explains alerts that manifests/monitoring does not have: {unknown}"
    wrong = {r["alert"]: (documented[r["alert"]], r["labels"]["severity"]) for r in alert_rules()
             if documented[r["alert"]] != r["labels"]["severity"]}
    assert not wrong, f"documented severity differs from the rule (doc, rule): {wrong}"


def test_operations_covers_what_operators_need():
    doc = OPERATIONS_DOC.read_text()
    for text in ("kubectl apply -k manifests/", "kubectl scale runpodpool burst -n media --replicas=0",
                 "maxReplicas", "rollout undo", "runpod-secrets", "grpcurl", "/readyz"):
        assert text in doc, f"docs/OPERATIONS.md does not mention {text!r}"
    # Every /readyz reason the code can give is explained.
    # The reasons are built where the runtime composes /readyz and in the reconcile machine.
    readiness = "".join(path.read_text() for folder in ("Sources/Autoscaler/Runtime", "Sources/Decisions/Reconcile")
                        for path in sorted((REPO / folder).glob("*.swift")))
    prefixes = re.findall(r"problems\.append\(\"([A-Za-z][A-Za-z ]+?)[:\\\"]", readiness)
    assert prefixes, "could not parse the /readyz reasons"
    section = doc.split("## /readyz", 1)[1].split("\n## ", 1)[0]
    missing = [p for p in prefixes if p not in section]
    assert not missing, f"/readyz reasons not explained in OPERATIONS.md: {missing}"
    assert "demand source" in section and "no fresh reading" in section and "no good reading yet" in section


# --------------------------------------------------------------------------- #
# ARCHITECTURE.md and links.
# --------------------------------------------------------------------------- #

def test_architecture_names_every_target():
    package = PACKAGE.read_text()
    targets = re.findall(
        r"\.(?:target|executableTarget|testTarget|systemLibrary|binaryTarget|plugin|macro)\(\s*name:\s*\"([^\"]+)\"",
        package,
    )
    assert len(targets) >= 10, f"could not parse the targets of Package.swift: {targets}"
    doc = ARCHITECTURE_DOC.read_text()
    missing = [t for t in targets if not re.search(rf"\b{re.escape(t)}\b", doc)]
    assert not missing, f"docs/ARCHITECTURE.md does not mention the targets {missing}"
    assert re.search(r"^```", doc, re.M), "docs/ARCHITECTURE.md has no diagram"


def _slug(heading: str) -> str:
    """GitHub's heading anchors: lowercase, punctuation dropped (but - and _), spaces to -."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def test_links_between_docs_resolve():
    problems = []
    for doc in sorted(DOCS.glob("*.md")):
        for target in re.findall(r"\]\(([^)\s]+)\)", doc.read_text()):
            if re.match(r"[a-z]+://", target):
                continue
            path, _, anchor = target.partition("#")
            file = (doc.parent / path) if path else doc
            if not file.exists():
                problems.append(f"{doc.name}: {target}: no such file")
                continue
            if anchor and file.suffix == ".md":
                anchors = {_slug(h) for h in re.findall(r"^#+ (.+)$", file.read_text(), re.M)}
                if anchor not in anchors:
                    problems.append(f"{doc.name}: {target}: no such heading")
    assert not problems, problems
