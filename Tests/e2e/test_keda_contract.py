"""KEDA's side of the contract: the calls KEDA makes, the values and the error codes.

See reference/keda/NOTES.md (shared dir) and DESIGN.md "KEDA trigger metadata".
"""

from __future__ import annotations

import math
import re
import time

import grpc
import pytest

from support import (POOL_NAME, POOL_NS, POOL_REF, StreamReader, metric_value, ref, rpc_error,
                     wait_for, wait_metric)

# metadata `metric` -> (name suffix, default target)
METRICS = {
    "burst": ("burst", 1),
    "wanted": ("wanted", 1),
    "queueDepth": ("queue-depth", 10),  # jobsPerWorker
    "localAvailable": ("local-available", 1),
    "runpodPods": ("runpod-pods", 1),
    "runpodHeadroom": ("runpod-headroom", 1),
}


def metric_name(suffix: str) -> str:
    return f"runpod-{POOL_NS}-{POOL_NAME}-{suffix}"


# --------------------------------------------------------------------------- #
# Read-only tests against one shared server:
# gpus 4, usedByOthers 1 -> localAvailable 3; queue 95 -> wanted 10 -> burst 7.
# --------------------------------------------------------------------------- #

SHARED_EXPECTED = {"burst": 7, "wanted": 10, "queueDepth": 95, "localAvailable": 3}


@pytest.fixture(scope="module")
def shared(es, module_scaler_factory):
    s = module_scaler_factory(config={"local": {"static": {"gpus": 4, "usedByOthers": 1}}},
                              queue_depth=95, p95=12.5)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), SHARED_EXPECTED["burst"])
    return s, stub


@pytest.mark.parametrize("metric", sorted(SHARED_EXPECTED))
def test_metric_spec_and_value(es, shared, metric):
    _, stub = shared
    sref = ref(es, metric=metric)
    suffix, default_target = METRICS[metric]

    spec = stub.GetMetricSpec(sref, timeout=5)
    assert len(spec.metricSpecs) == 1, spec
    ms = spec.metricSpecs[0]
    assert ms.metricName == metric_name(suffix)
    assert re.fullmatch(r"[a-z0-9-]+", ms.metricName)
    assert ms.targetSize == default_target
    assert ms.targetSizeFloat == float(default_target)

    resp = stub.GetMetrics(es.pb2.GetMetricsRequest(scaledObjectRef=sref, metricName=ms.metricName), timeout=5)
    assert len(resp.metricValues) == 1, resp
    mv = resp.metricValues[0]
    assert mv.metricValueFloat == float(SHARED_EXPECTED[metric])
    assert mv.metricValue == SHARED_EXPECTED[metric]


@pytest.mark.parametrize("metric", ["runpodPods", "runpodHeadroom"])
def test_runpod_metrics_have_spec_and_value(es, shared, metric):
    """Their values depend on the RunPod side (emulator), so only shape and sanity are checked."""
    _, stub = shared
    sref = ref(es, metric=metric)
    suffix, default_target = METRICS[metric]
    spec = stub.GetMetricSpec(sref, timeout=5)
    assert [m.metricName for m in spec.metricSpecs] == [metric_name(suffix)]
    assert spec.metricSpecs[0].targetSize == default_target
    assert spec.metricSpecs[0].targetSizeFloat == float(default_target)
    name, value = metric_value(es, stub, sref)
    assert name == metric_name(suffix)
    assert math.isfinite(value) and value >= 0


def test_default_metric_is_burst_and_extra_keys_ignored(es, shared):
    _, stub = shared
    sref = ref(es, useCachedMetrics="true", somethingElse="x")
    name, value = metric_value(es, stub, sref)
    assert name == metric_name("burst")
    assert value == SHARED_EXPECTED["burst"]
    assert stub.IsActive(sref, timeout=5).result is True


def test_metric_spec_is_constant(es, shared):
    _, stub = shared
    sref = ref(es, metric="queueDepth", target="25")
    first = stub.GetMetricSpec(sref, timeout=5).SerializeToString(deterministic=True)
    for _ in range(20):
        assert stub.GetMetricSpec(sref, timeout=5).SerializeToString(deterministic=True) == first


@pytest.mark.parametrize("metric,target,expected", [
    ("burst", "2", 2.0),
    ("burst", "2.5", 2.5),
    ("burst", "0.5", 0.5),
    ("queueDepth", "25", 25.0),
    ("wanted", "3", 3.0),
])
def test_target_value_honoured(es, shared, metric, target, expected):
    _, stub = shared
    sref = ref(es, metric=metric, target=target)
    spec = stub.GetMetricSpec(sref, timeout=5)
    assert len(spec.metricSpecs) == 1
    ms = spec.metricSpecs[0]
    assert ms.metricName == metric_name(METRICS[metric][0])
    assert ms.targetSizeFloat == expected
    assert ms.targetSize in {math.floor(expected), math.ceil(expected)}
    # The value does not depend on the target.
    _, value = metric_value(es, stub, sref)
    assert value == SHARED_EXPECTED[metric]


@pytest.mark.parametrize("pool,namespace", [
    (POOL_REF, POOL_NS),   # explicit form from the pool's own namespace
    (POOL_REF, "other"),   # explicit form from another namespace
])
def test_namespaced_pool_form(es, shared, pool, namespace):
    _, stub = shared
    sref = ref(es, pool=pool, namespace=namespace)
    name, value = metric_value(es, stub, sref)
    assert name == metric_name("burst")
    assert value == SHARED_EXPECTED["burst"]
    assert stub.IsActive(sref, timeout=5).result is True
    name, value = metric_value(es, stub, ref(es, pool=pool, namespace=namespace, metric="queueDepth"))
    assert (name, value) == (metric_name("queue-depth"), 95)


# -- errors ----------------------------------------------------------------- #

def _unary_calls(es, stub, sref):
    """Every unary RPC of the scaler, as KEDA would send it for `sref`."""
    return {
        "IsActive": lambda: stub.IsActive(sref, timeout=5),
        "GetMetricSpec": lambda: stub.GetMetricSpec(sref, timeout=5),
        "GetMetrics": lambda: stub.GetMetrics(
            es.pb2.GetMetricsRequest(scaledObjectRef=sref, metricName=metric_name("burst")), timeout=5),
        "StreamIsActive": lambda: next(iter(stub.StreamIsActive(sref, timeout=5))),
        "StreamMetricSpec": lambda: next(iter(stub.StreamMetricSpec(sref, timeout=5))),
    }


def _assert_error(exc: grpc.RpcError, code: grpc.StatusCode, *must_contain: str, word: str | None = None):
    details = exc.details() or ""
    assert exc.code() == code, f"expected {code}, got {exc.code()} {details!r}"
    for text in must_contain:
        assert text in details, f"{text!r} not in details {details!r}"
    if word:
        assert re.search(rf"\b{re.escape(word)}\b", details), f"key {word!r} not named in {details!r}"


@pytest.mark.parametrize("rpc", ["IsActive", "GetMetricSpec", "GetMetrics", "StreamIsActive", "StreamMetricSpec"])
@pytest.mark.parametrize("pool", [None, ""], ids=["missing", "empty"])
def test_missing_pool_is_invalid_argument(es, shared, rpc, pool):
    _, stub = shared
    exc = rpc_error(_unary_calls(es, stub, ref(es, pool=pool))[rpc])
    _assert_error(exc, grpc.StatusCode.INVALID_ARGUMENT, word="pool")


def test_get_metrics_without_scaled_object_ref(es, shared):
    _, stub = shared
    exc = rpc_error(lambda: stub.GetMetrics(es.pb2.GetMetricsRequest(metricName=metric_name("burst")), timeout=5))
    _assert_error(exc, grpc.StatusCode.INVALID_ARGUMENT)
    details = exc.details() or ""
    assert "scaledObjectRef" in details or re.search(r"\bpool\b", details), f"nothing named in {details!r}"


@pytest.mark.parametrize("rpc", ["IsActive", "GetMetricSpec", "GetMetrics"])
@pytest.mark.parametrize("metric", ["bogus", "Burst", "queue_depth"])
def test_unknown_metric_is_invalid_argument(es, shared, rpc, metric):
    _, stub = shared
    exc = rpc_error(_unary_calls(es, stub, ref(es, metric=metric))[rpc])
    _assert_error(exc, grpc.StatusCode.INVALID_ARGUMENT, word="metric")


@pytest.mark.parametrize("target", ["0", "-1", "abc", "1x", "nan", "inf"])
def test_bad_target_value_is_invalid_argument(es, shared, target):
    _, stub = shared
    exc = rpc_error(lambda: stub.GetMetricSpec(ref(es, target=target), timeout=5))
    _assert_error(exc, grpc.StatusCode.INVALID_ARGUMENT, word="targetValue")


@pytest.mark.parametrize("rpc", ["IsActive", "GetMetricSpec", "GetMetrics", "StreamIsActive"])
@pytest.mark.parametrize("pool", ["nope", "other/burst", "media/nope"])
def test_unknown_pool_is_not_found(es, shared, rpc, pool):
    _, stub = shared
    exc = rpc_error(_unary_calls(es, stub, ref(es, pool=pool))[rpc])
    _assert_error(exc, grpc.StatusCode.NOT_FOUND, POOL_REF)


def test_errors_do_not_disturb_good_calls(es, shared):
    _, stub = shared
    for _ in range(3):
        rpc_error(lambda: stub.IsActive(ref(es, pool="nope"), timeout=5))
        rpc_error(lambda: stub.IsActive(ref(es, pool=None), timeout=5))
        assert stub.IsActive(ref(es), timeout=5).result is True


def test_stream_metric_spec_sends_current_specs_at_once(es, shared):
    _, stub = shared
    for sref in (ref(es), ref(es, metric="queueDepth", target="25")):
        expected = stub.GetMetricSpec(sref, timeout=5)
        reader = StreamReader(stub.StreamMetricSpec(sref))
        try:
            _, first = reader.next(timeout=1.0)
        finally:
            reader.cancel()
        assert first == expected


# --------------------------------------------------------------------------- #
# Tests that change the demand: one server each.
# --------------------------------------------------------------------------- #

def test_keda_poll_cycle_follows_demand(es, scaler_factory):
    """GetMetricSpec -> GetMetrics(plain name) -> IsActive, as KEDA polls, while demand moves."""
    s = scaler_factory(scaling={"scaleDownIdleSeconds": 0}, queue_depth=0)
    stub = s.stub(es)
    sref = ref(es)

    def poll():
        spec = stub.GetMetricSpec(sref, timeout=5)
        assert len(spec.metricSpecs) == 1
        assert spec.metricSpecs[0].metricName == metric_name("burst")
        assert (spec.metricSpecs[0].targetSize, spec.metricSpecs[0].targetSizeFloat) == (1, 1.0)
        vals = stub.GetMetrics(
            es.pb2.GetMetricsRequest(scaledObjectRef=sref, metricName=spec.metricSpecs[0].metricName), timeout=5)
        assert len(vals.metricValues) == 1
        mv = vals.metricValues[0]
        assert mv.metricValue == mv.metricValueFloat
        active = stub.IsActive(sref, timeout=5).result
        return mv.metricValueFloat, active

    wait_for(lambda: poll() == (0, False), 5, message="idle pool: burst 0, inactive")

    s.set_demand(95)  # wanted 10, local 4 -> burst 6
    wait_for(lambda: poll() == (6, True), 3, message="queue 95: burst 6, active")

    s.set_demand(0)
    wait_for(lambda: poll() == (0, False), 3, message="queue 0 again: burst 0, inactive")


def test_demand_change_is_seen_quickly(es, scaler_factory):
    s = scaler_factory(scaling={"scaleDownIdleSeconds": 0}, queue_depth=0)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 0)
    for queue_depth, burst in ((95, 6), (0, 0), (125, 9)):
        t0 = s.set_demand(queue_depth)
        wait_metric(es, stub, ref(es), burst, timeout=3)
        elapsed = time.monotonic() - t0
        assert elapsed < 1.0, f"demand change took {elapsed:.2f}s to show in GetMetrics"


def test_scaling_math_table(es, scaler_factory):
    """Increasing demand only, so scale-down rules never apply. gpus 4, jobsPerWorker 10."""
    s = scaler_factory(scaling={"scaleDownIdleSeconds": 0}, queue_depth=0)
    stub = s.stub(es)
    # queue, p95, burst, wanted, active
    table = [
        (0, 0.0, 0, 0, False),
        (5, 0.0, 0, 0, False),    # not above activationQueueDepth
        (6, 0.0, 0, 1, False),    # active threshold, but local GPUs cover it
        (25, 30.0, 0, 3, False),  # p95 == SLO is not a breach
        (45, 0.0, 1, 5, True),
        (95, 0.0, 6, 10, True),
        (1000, 0.0, 20, 101, True),  # capped at maxReplicas
    ]
    for q, p95, burst, wanted, active in table:
        s.set_demand(q, p95)
        wait_metric(es, stub, ref(es, metric="queueDepth"), q, timeout=3)
        assert metric_value(es, stub, ref(es))[1] == burst, f"burst at queue {q}"
        assert metric_value(es, stub, ref(es, metric="wanted"))[1] == wanted, f"wanted at queue {q}"
        assert metric_value(es, stub, ref(es, metric="localAvailable"))[1] == 4
        assert stub.IsActive(ref(es), timeout=5).result is active, f"IsActive at queue {q}"


def test_latency_slo_breach_wants_more_than_local(es, scaler_factory):
    s = scaler_factory(scaling={"scaleDownIdleSeconds": 0}, queue_depth=0)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 0)
    s.set_demand(0, 45.0)  # p95 above the 30 s SLO with an empty queue
    wait_for(lambda: stub.IsActive(ref(es), timeout=5).result is True, 3, message="IsActive true on SLO breach")
    assert metric_value(es, stub, ref(es, metric="wanted"))[1] >= 5   # localAvailable 4 + 1
    assert metric_value(es, stub, ref(es))[1] >= 1


def test_scale_down_waits_for_idle_period(es, scaler_factory):
    idle = 2
    s = scaler_factory(scaling={"scaleDownIdleSeconds": idle}, queue_depth=95)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 6)
    t0 = s.set_demand(0)
    wait_metric(es, stub, ref(es, metric="queueDepth"), 0, timeout=3)
    # Held while the queue has been empty for less than scaleDownIdleSeconds.
    while time.monotonic() < t0 + idle - 1.0:
        assert metric_value(es, stub, ref(es))[1] == 6
        assert stub.IsActive(ref(es), timeout=5).result is True
        time.sleep(0.1)
    wait_metric(es, stub, ref(es), 0, timeout=idle + 3)
    assert time.monotonic() - t0 >= idle - 0.3, "burst dropped before the queue was idle long enough"
    assert stub.IsActive(ref(es), timeout=5).result is False


def test_no_scale_down_while_work_is_queued(es, scaler_factory):
    s = scaler_factory(scaling={"scaleDownIdleSeconds": 0}, queue_depth=95)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 6)
    t0 = s.set_demand(3)  # below activation, but not empty
    wait_metric(es, stub, ref(es, metric="queueDepth"), 3, timeout=3)
    while time.monotonic() < t0 + 1.0:
        assert metric_value(es, stub, ref(es))[1] == 6
        time.sleep(0.1)
    s.set_demand(0)
    wait_metric(es, stub, ref(es), 0, timeout=3)


def test_stream_is_active_pushes_transitions(es, scaler_factory):
    s = scaler_factory(scaling={"scaleDownIdleSeconds": 0}, queue_depth=0)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 0)

    reader = StreamReader(stub.StreamIsActive(ref(es)))
    try:
        _, first = reader.next(timeout=1.0)
        assert first.result is False
        reader.expect_silence(0.5)  # no heartbeat of unchanged values

        t0 = s.set_demand(95)
        t, msg = reader.next(timeout=3.0)
        assert msg.result is True
        assert t - t0 < 1.0, f"activation pushed after {t - t0:.2f}s"

        s.set_demand(150)  # still active: nothing to send
        wait_metric(es, stub, ref(es), 12, timeout=3)  # 150//10+1 - 4
        reader.expect_silence(0.5)

        t0 = s.set_demand(0)
        t, msg = reader.next(timeout=3.0)
        assert msg.result is False
        assert t - t0 < 1.0, f"deactivation pushed after {t - t0:.2f}s"
        reader.expect_silence(0.5)
    finally:
        reader.cancel()
    values = [m.result for m in reader.messages]
    assert values == [False, True, False]


def test_stream_is_active_starts_with_current_state(es, scaler_factory):
    s = scaler_factory(queue_depth=95)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 6)
    reader = StreamReader(stub.StreamIsActive(ref(es, pool=POOL_REF)))
    try:
        _, first = reader.next(timeout=1.0)
        assert first.result is True
        reader.expect_silence(0.5)
    finally:
        reader.cancel()


AGE_RE = re.compile(r"\d+(\.\d+)?\s*(ms|s|sec|secs|seconds?)\b")


@pytest.mark.parametrize("breakage", ["deleted", "invalid-json"])
def test_stale_demand_source_is_unavailable(es, scaler_factory, breakage):
    """No good reading for longer than staleAfterSeconds -> UNAVAILABLE, never a false answer."""
    stale_after = 3
    s = scaler_factory(config={"demand": {"pollSeconds": 1, "staleAfterSeconds": stale_after}},
                       scaling={"scaleDownIdleSeconds": 0}, queue_depth=95)
    stub = s.stub(es)
    sref = ref(es)
    wait_metric(es, stub, sref, 6)
    assert stub.IsActive(sref, timeout=5).result is True

    t0 = time.monotonic()
    if breakage == "deleted":
        s.delete_demand()
    else:
        s.write_demand_raw('{"queueDepth": 9')

    def unavailable():
        # Until the reading is stale the last good answer stands; it must never turn into "false".
        try:
            active = stub.IsActive(sref, timeout=5).result
        except grpc.RpcError as exc:
            if exc.code() == grpc.StatusCode.UNAVAILABLE:
                return exc
            raise
        assert active is True, "IsActive answered false while the demand source was failing"
        _, value = metric_value(es, stub, sref)
        assert value == 6, "GetMetrics changed its answer while the demand source was failing"
        return None

    exc = wait_for(unavailable, stale_after + 3, interval=0.05, message="IsActive UNAVAILABLE")
    elapsed = time.monotonic() - t0
    assert elapsed >= stale_after - 1.5, f"UNAVAILABLE after {elapsed:.2f}s, before the reading was stale"
    details = exc.details() or ""
    assert "file" in details.lower(), f"source not named in {details!r}"
    assert AGE_RE.search(details), f"no age of the last good reading in {details!r}"

    exc = rpc_error(lambda: stub.GetMetrics(
        es.pb2.GetMetricsRequest(scaledObjectRef=sref, metricName=metric_name("burst")), timeout=5))
    assert exc.code() == grpc.StatusCode.UNAVAILABLE, exc
    assert "file" in (exc.details() or "").lower()

    # GetMetricSpec does not depend on the source and keeps working.
    spec = stub.GetMetricSpec(sref, timeout=5)
    assert [m.metricName for m in spec.metricSpecs] == [metric_name("burst")]

    # A good reading brings it back.
    s.set_demand(95)
    wait_for(lambda: stub.IsActive(sref, timeout=5).result is True, 3, message="recovery after a good reading")
    wait_metric(es, stub, sref, 6, timeout=3)
