"""The alert rules of manifests/monitoring/.

- `promtool check rules` accepts the plain rules file and `promtool test rules` passes the unit
  tests of rules.test.yaml; every alert has a test where it fires and one where it stays quiet
  (checked by breaking each rule in turn: the unit tests must notice);
- the PrometheusRule holds exactly the plain file's groups (it is generated from it by
  scripts/update-prometheus-rule.py) and `kubectl kustomize manifests/monitoring` renders it;
- against the real binary: every metric and label the rules read is in a `/metrics` scrape of
  `serve`, and a real Prometheus loading the rules and scraping two `serve` processes puts the
  alerts their situations call for (and only those) in pending or firing, with no rule failing.

Environment: RPA_BINARY (default <repo>/.build/debug/runpod-autoscaler); promtool and prometheus
come from Debian's `prometheus` package (Makefile APT_PACKAGES), kubectl where installed.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil
import socket
import subprocess
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from emulator_support import Emulator
from manifest_support import render
from support import REPO, Scaler, wait_for
from support import http_get as get

MONITORING = REPO / "manifests" / "monitoring"
RULES = MONITORING / "runpod-autoscaler.rules.yaml"
PROMETHEUS_RULE = MONITORING / "prometheusrule.yaml"
UNIT_TESTS = MONITORING / "rules.test.yaml"
GENERATOR = REPO / "scripts" / "update-prometheus-rule.py"
PROMTOOL = shutil.which("promtool")
PROMETHEUS = shutil.which("prometheus")
KUBECTL = shutil.which("kubectl")

PREFIX = "runpod_autoscaler_"
# Labels Prometheus adds to every scraped series: no metric of ours carries them.
TARGET_LABELS = {"instance", "job"}
# What the brief asked alerts for, by situation.
REQUIRED_ALERTS = {
    "stale demand": "RunPodAutoscalerDemandStale",
    "RunPod unauthorized or payment required": "RunPodCreatesStopped",
    "budget exceeded": "RunPodPoolBudgetExceeded",
    "no capacity for minutes": "RunPodNoCapacity",
    "pods stuck provisioning": "RunPodPodsStuckProvisioning",
    "no leader": "RunPodAutoscalerNoLeader",
    "orphan pods": "RunPodOrphanPods",
}
API_KEY = "rpa-alerts-test-key"


def promtool() -> str:
    if PROMTOOL is None:
        pytest.fail("promtool is not installed (make deps installs Debian's prometheus package)")
    return PROMTOOL


def rules_document() -> dict:
    return yaml.safe_load(RULES.read_text())


def all_rules(document: dict) -> list[dict]:
    return [rule for group in document["groups"] for rule in group["rules"]]


def metric_selectors(expr: str) -> list[tuple[str, set[str]]]:
    """(metric name, label names its matchers use) for every one of our metrics in `expr`."""
    found = []
    for match in re.finditer(r"\b(" + PREFIX + r"[a-z0-9_]+)(\{([^}]*)\})?", expr):
        matchers = match.group(3) or ""
        found.append((match.group(1), set(re.findall(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)", matchers))))
    return found


def grouping_labels(expr: str) -> set[str]:
    """Labels named in `by (...)` clauses."""
    return {label.strip() for clause in re.findall(r"\bby\s*\(([^)]*)\)", expr) for label in clause.split(",")
            if label.strip()}


def run_promtool(*args: str, cwd: Path = MONITORING) -> subprocess.CompletedProcess:
    return subprocess.run([promtool(), *args], capture_output=True, text=True, timeout=120, cwd=cwd)


# --------------------------------------------------------------------------- #
# promtool
# --------------------------------------------------------------------------- #

def test_promtool_checks_the_rules_file():
    result = run_promtool("check", "rules", str(RULES))
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(all_rules(rules_document()))} rules found" in result.stdout


def test_the_situations_asked_for_each_have_an_alert():
    names = [rule.get("alert") for rule in all_rules(rules_document())]
    assert len(names) == len(set(names)), f"duplicate alert names: {names}"
    missing = {situation: name for situation, name in REQUIRED_ALERTS.items() if name not in names}
    assert not missing, f"no alert for {missing}"
    for rule in all_rules(rules_document()):
        # What a PrometheusRule's rule may hold (the Operator's CRD): strings, `for` a duration.
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
        assert re.fullmatch(r"[0-9]+[smh]", rule.get("for", "0s")), rule["alert"]
        assert all(isinstance(v, str) for v in {**rule.get("labels", {}), **rule["annotations"]}.values())
        assert rule.get("labels", {}).get("severity") in ("critical", "warning"), rule["alert"]
        assert rule.get("annotations", {}).get("summary"), f"{rule['alert']} has no summary"
        assert rule.get("annotations", {}).get("description"), f"{rule['alert']} has no description"


def test_promtool_unit_tests_pass():
    result = run_promtool("test", "rules", UNIT_TESTS.name)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_the_unit_tests_cover_every_alert_both_ways(tmp_path):
    """Each alert in turn made never to fire, then always to fire: the unit tests must fail both
    times, so every alert has a case where it fires and one where it must not."""
    document = rules_document()
    tests = yaml.safe_load(UNIT_TESTS.read_text())
    tests["rule_files"] = ["rules.yaml"]

    def noticed(index: int, broken: str) -> bool:
        directory = tmp_path / f"{index}-{'never' if '<' in broken else 'always'}"
        directory.mkdir()
        mutated = copy.deepcopy(document)
        all_rules(mutated)[index]["expr"] = broken
        (directory / "rules.yaml").write_text(yaml.safe_dump(mutated))
        (directory / "rules.test.yaml").write_text(yaml.safe_dump(tests))
        return run_promtool("test", "rules", "rules.test.yaml", cwd=directory).returncode != 0

    cases = [(index, rule["alert"], broken, meaning)
             for index, rule in enumerate(all_rules(document))
             for broken, meaning in (("vector(1) < 0", "never fires"), ("vector(1)", "always fires"))]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda case: noticed(case[0], case[2]), cases))
    uncovered = [f"{name} {meaning}" for (_, name, _, meaning), seen in zip(cases, results) if not seen]
    assert not uncovered, f"rules.test.yaml does not notice when: {uncovered}"


# --------------------------------------------------------------------------- #
# The PrometheusRule and its kustomization
# --------------------------------------------------------------------------- #

def _generator():
    spec = importlib.util.spec_from_file_location("update_prometheus_rule", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_prometheus_rule_is_generated_from_the_rules_file():
    assert PROMETHEUS_RULE.read_text() == _generator().render(RULES.read_text()), (
        "prometheusrule.yaml is out of date: run scripts/update-prometheus-rule.py")
    rule = yaml.safe_load(PROMETHEUS_RULE.read_text())
    assert rule["apiVersion"] == "monitoring.coreos.com/v1" and rule["kind"] == "PrometheusRule"
    assert rule["spec"]["groups"] == rules_document()["groups"]
    assert set(rule["spec"]) == {"groups"}


def test_the_kustomization_renders_the_prometheus_rule():
    (rendered,) = render(MONITORING)
    assert rendered["kind"] == "PrometheusRule" and rendered["metadata"]["name"] == "runpod-autoscaler"
    assert rendered["metadata"]["namespace"] == "platform"
    assert rendered["metadata"]["labels"]["app.kubernetes.io/part-of"] == "gpuburst"
    assert rendered["spec"]["groups"] == rules_document()["groups"]
    base = (REPO / "manifests" / "kustomization.yaml").read_text()
    assert "monitoring" not in yaml.safe_load(base)["resources"], "the base must not need the Operator's CRDs"


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kubectl_kustomize_renders_the_monitoring_directory():
    result = subprocess.run([KUBECTL, "kustomize", str(MONITORING)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    objects = [o for o in yaml.safe_load_all(result.stdout) if o]
    assert objects == render(MONITORING)


# --------------------------------------------------------------------------- #
# The real binary
# --------------------------------------------------------------------------- #

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scrape(scaler: Scaler) -> dict:
    status, text = get(f"http://{scaler.http_address()}/metrics")
    assert status == 200, text
    return {family.name: family for family in text_string_to_metric_families(text)}


def family_labels(families: dict, metric: str) -> set[str] | None:
    """The label names of `metric`'s samples, or None when the scrape lacks it (counter families
    are named without `_total` by the parser)."""
    family = families.get(metric) or families.get(metric.removesuffix("_total"))
    if family is None:
        return None
    return {label for sample in family.samples for label in sample.labels}


@pytest.fixture
def emulator(tmp_path):
    """A RunPod emulator with an API key and an orphan: a pod named for a pool no config has."""
    emulator = Emulator(tmp_path / "emulator", api_key=API_KEY).start()
    created = emulator.create(name="rpa-media-gone-orphan01")
    assert created.status in (200, 201), created.body
    yield emulator
    emulator.close()


def budget_scaler(tmp_path: Path, emulator: Emulator) -> Scaler:
    """Standalone, the right key, demand for 6 RunPod pods (95 jobs: 10 workers, 4 local) and room in
    the budget for one (0.69 of 1.0 USD/h): the policy cuts 5."""
    return Scaler(
        tmp_path / "budget", queue_depth=95,
        config={"runpod": {"endpoint": f"http://127.0.0.1:{emulator.port}", "reconcileSeconds": 0.5}},
        scaling={"scaleDownIdleSeconds": 0}, env={"RUNPOD_API_KEY": API_KEY},
    )


def test_every_metric_the_rules_read_is_in_a_scrape_of_serve(tmp_path, emulator):
    scaler = budget_scaler(tmp_path, emulator)
    scaler.config["pools"][0]["maxCostPerHour"] = 1.0
    scaler.start()
    try:
        base = f"http://{scaler.http_address()}/metrics"
        wait_for(lambda: 'runpod_autoscaler_pool_pods{pool="media/burst",status="RUNNING"} 1.0' in get(base)[1],
                 timeout=20, message="the one pod the budget allows to run")
        assert 'runpod_autoscaler_burst_over_budget{pool="media/burst"} 5.0' in get(base)[1]
        # Terminations and the orphan count come from later passes: scale down first.
        scaler.set_demand(0)
        wait_for(lambda: "runpod_autoscaler_pod_terminations_total{" in get(base)[1], timeout=20,
                 message="a scale-down to be counted")
        families = scrape(scaler)
        problems = []
        for rule in all_rules(rules_document()):
            selectors = metric_selectors(str(rule["expr"]))
            assert selectors, f"{rule['alert']} reads none of the autoscaler's metrics"
            for metric, labels in selectors:
                present = family_labels(families, metric)
                if present is None:
                    problems.append(f"{rule['alert']}: {metric} is not in the scrape")
                    continue
                missing = labels - present - TARGET_LABELS
                if missing:
                    problems.append(f"{rule['alert']}: {metric} has no label {sorted(missing)}")
            grouped = grouping_labels(str(rule["expr"])) - TARGET_LABELS
            known = set().union(*(family_labels(families, m) or set() for m, _ in selectors))
            if grouped - known:
                problems.append(f"{rule['alert']}: groups by {sorted(grouped - known)}, which no metric it reads has")
        assert not problems, "\n".join(problems)
    finally:
        scaler.close()


class Prometheus:
    """Debian's Prometheus server, loading the rules file and scraping the given targets every second."""

    def __init__(self, workdir: Path, targets: list[str]):
        if PROMETHEUS is None:
            pytest.fail("the prometheus binary is not installed (make deps installs Debian's package)")
        workdir.mkdir(parents=True, exist_ok=True)
        config = workdir / "prometheus.yml"
        config.write_text(yaml.safe_dump({
            "global": {"scrape_interval": "1s", "scrape_timeout": "1s", "evaluation_interval": "1s"},
            "rule_files": [str(RULES)],
            "scrape_configs": [{"job_name": "runpod-autoscaler", "static_configs": [{"targets": targets}]}],
        }))
        port = free_port()
        self.log = workdir / "prometheus.log"
        self.proc = subprocess.Popen(
            [PROMETHEUS, f"--config.file={config}", f"--storage.tsdb.path={workdir / 'data'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=self.log.open("w"))
        self.url = f"http://127.0.0.1:{port}"

        def ready():
            try:
                return urllib.request.urlopen(self.url + "/-/ready", timeout=1).status == 200
            except OSError:
                return False
        wait_for(ready, timeout=40, message=lambda: "prometheus to be ready\n" + self.log.read_text()[-2000:])

    def api(self, path: str) -> dict:
        status, text = get(self.url + path)
        assert status == 200, text
        return json.loads(text)["data"]

    def active(self) -> dict[str, list[dict]]:
        """Pending and firing alerts by name."""
        alerts: dict[str, list[dict]] = {}
        for alert in self.api("/api/v1/alerts")["alerts"]:
            alerts.setdefault(alert["labels"]["alertname"], []).append(alert)
        return alerts

    def rules(self) -> list[dict]:
        return [rule for group in self.api("/api/v1/rules")["groups"] for rule in group["rules"]]

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def test_real_prometheus_evaluates_the_rules_on_real_scrapes(tmp_path, emulator):
    """Two standalone `serve` processes on one RunPod account: one with the right key, held back
    by its budget and listing an orphan; one whose key RunPod refuses (401 on every list)."""
    budget = budget_scaler(tmp_path, emulator)
    budget.config["pools"][0]["maxCostPerHour"] = 1.0
    refused = Scaler(
        tmp_path / "refused", queue_depth=55,
        config={"runpod": {"endpoint": f"http://127.0.0.1:{emulator.port}", "reconcileSeconds": 0.5}},
        env={"RUNPOD_API_KEY": "not-the-key"},
    )
    prometheus = None
    try:
        budget.start()
        refused.start()
        prometheus = Prometheus(tmp_path / "prometheus", [budget.http_address(), refused.http_address()])
        expected = {
            # The budget replica's pool: 1 of 6 pods, cut by maxCostPerHour (for: 15m, so pending).
            "RunPodPoolBudgetExceeded": ("pending", {"pool": "media/burst"}),
            # Both replicas list the pod of the deleted pool (its grace is 300 s).
            "RunPodOrphanPods": ("pending", {}),
            # The refused replica: every list answers 401, so creates are stopped (no for: firing).
            "RunPodCreatesStopped": ("firing", {}),
            "RunPodListFailing": ("pending", {"instance": refused.http_address()}),
            # Two standalone processes both reconcile: each is its own leader.
            "RunPodAutoscalerSeveralLeaders": ("pending", {}),
        }

        def all_expected():
            active = prometheus.active()
            for name, (state, labels) in expected.items():
                if not any(a["state"] == state and labels.items() <= a["labels"].items()
                           for a in active.get(name, [])):
                    return None
            return active
        active = wait_for(all_expected, timeout=90, interval=0.5,
                          message=lambda: f"the expected alerts; active now: "
                                          f"{ {n: [a['state'] for a in v] for n, v in prometheus.active().items()} }")
        unexpected = sorted(set(active) - set(expected))
        assert not unexpected, f"alerts that should be quiet: {unexpected}: {[active[n] for n in unexpected]}"
        rules = prometheus.rules()
        assert {r["name"] for r in rules} == {r["alert"] for r in all_rules(rules_document())}
        failing = [(r["name"], r.get("lastError")) for r in rules if r["health"] != "ok"]
        assert not failing, f"rules that fail to evaluate: {failing}"
    finally:
        if prometheus is not None:
            prometheus.close()
        budget.close()
        refused.close()
    assert API_KEY not in budget.stderr_text() + refused.stderr_text()
