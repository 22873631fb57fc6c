"""`runpod-autoscaler simulate` as a user runs it: reference traces, determinism, clear errors.

Environment: RPA_BINARY, the binary (default <repo>/.build/debug/runpod-autoscaler).
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("RPA_BINARY") or (REPO / ".build" / "debug" / "runpod-autoscaler"))
CONFIG = REPO / "examples" / "simulate.yaml"


def simulate(*args, cwd=REPO):
    if not BINARY.is_file():
        pytest.fail(f"binary not built: {BINARY}")
    return subprocess.run([str(BINARY), "simulate", *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


@pytest.fixture
def short_trace(tmp_path):
    """Three hours: quiet, a busy hour that needs burst pods, quiet again."""
    rows = ["# three hours", "seconds,arrivals"]
    rows += [f"{60 * i},{2 if i < 60 or i >= 120 else 60}" for i in range(180)]
    path = tmp_path / "short.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize("name", ["diurnal-month", "flash-crowd", "steady-low"])
def test_generate_reproduces_the_committed_reference_traces(name):
    run = simulate("--generate", name, "--seed", "42")
    assert run.returncode == 0, run.stderr
    assert run.stdout == (REPO / "examples" / "traces" / f"{name}.csv").read_text()


def test_the_same_seed_gives_the_same_json_bytes_and_the_totals_are_printed(short_trace, tmp_path):
    outputs = []
    for attempt in range(2):
        out = tmp_path / f"run{attempt}.json"
        run = simulate("--trace", short_trace, "--config", CONFIG, "--json", out, "--seed", 3)
        assert run.returncode == 0, run.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    result = json.loads(outputs[0])
    names = [s["name"] for s in result["strategies"]]
    assert names == ["policy", "policy-rate", "burst-only", "local-only", "before", "clairvoyant"]
    policy = result["strategies"][0]["totals"]
    assert policy["creates"] > 0 and policy["burstDollars"] >= result["bounds"][0]["burstDollars"] > 0
    for strategy in names:
        assert strategy in run.stdout
    assert "fluid lower bound" in run.stdout and "break-even" in run.stdout
    assert "clairvoyant schedule" in run.stdout


@pytest.mark.parametrize("yaml_text, key", [
    ("pool: {name: burst, template: {image: w}}\nlocal: {gpuz: 4}\n", "local.gpuz"),
    ("pool: {name: burst, template: {image: w, clouds: [MOON]}}\n", "pool.template.clouds"),
    ("pool: {name: burst, template: {image: w}}\njobs: {serviceSeconds: {mean: 10, p95: 80}}\n",
     "jobs.serviceSeconds"),
    ("local: {gpus: 4}\n", "pool"),
])
def test_a_bad_simulation_config_names_the_key(short_trace, tmp_path, yaml_text, key):
    config = tmp_path / "bad.yaml"
    config.write_text(yaml_text)
    run = simulate("--trace", short_trace, "--config", config)
    assert run.returncode == 2
    assert f"{config}: {key}:" in run.stderr, run.stderr


def test_a_bad_trace_names_the_line(tmp_path):
    trace = tmp_path / "bad.csv"
    trace.write_text("seconds,arrivals\n0,1\n60,2\n180,3\n")
    run = simulate("--trace", trace, "--config", CONFIG)
    assert run.returncode == 2
    assert "line 4" in run.stderr and "gap" in run.stderr, run.stderr
