"""The request path over the core's registered methods: every served path is registered for any host and
arrives with its request already read; the unary answer cache never outlives the snapshot it answered from."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from support import StreamReader, ref, rpc_error, wait_for, wait_metric

SCALER = "/externalscaler.ExternalScaler/"


@pytest.fixture(scope="module")
def shared(es, module_scaler_factory):
    s = module_scaler_factory(queue_depth=95)
    wait_metric(es, s.stub(es), ref(es), 6)
    return s


@pytest.mark.parametrize("authority", [None, "runpod-autoscaler.platform.svc.cluster.local:9090", "other.example"])
def test_every_method_is_served_whatever_the_authority(es, shared, authority):
    options = [("grpc.default_authority", authority)] if authority else []
    ch = shared.channel(options)
    stub = es.grpc.ExternalScalerStub(ch)
    assert stub.IsActive(ref(es), timeout=5).result is True
    spec = stub.GetMetricSpec(ref(es), timeout=5)
    name = spec.metricSpecs[0].metricName
    metrics = stub.GetMetrics(es.pb2.GetMetricsRequest(scaledObjectRef=ref(es), metricName=name), timeout=5)
    assert metrics.metricValues[0].metricValue == 6
    reader = StreamReader(stub.StreamIsActive(ref(es)))
    try:
        assert reader.next(timeout=5)[1].result is True
    finally:
        reader.cancel()
    specs = stub.StreamMetricSpec(ref(es))
    try:
        assert next(specs).metricSpecs[0].metricName == name
    finally:
        specs.cancel()
    health = health_pb2_grpc.HealthStub(ch)
    assert health.Check(health_pb2.HealthCheckRequest(), timeout=5).status == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.parametrize("path", [SCALER + "IsActive", SCALER + "GetMetrics", "/grpc.health.v1.Health/Check",
                                  SCALER + "StreamIsActive"])
def test_a_call_without_a_request_message_is_invalid_argument(es, shared, path):
    """The client half-closes without sending the message the core reads before handing the call over."""
    ch = shared.channel()
    if path.endswith("StreamIsActive"):
        call = ch.stream_stream(path, request_serializer=None, response_deserializer=None)
        exc = rpc_error(lambda: list(call(iter([]), timeout=5)))
    else:
        call = ch.stream_unary(path, request_serializer=None, response_deserializer=None)
        exc = rpc_error(lambda: call(iter([]), timeout=5))
    assert exc.code() == grpc.StatusCode.INVALID_ARGUMENT, (exc.code(), exc.details())
    assert "missing" in exc.details()
    assert es.grpc.ExternalScalerStub(ch).IsActive(ref(es), timeout=5).result is True


def test_the_same_request_bytes_follow_each_new_snapshot(es, scaler_factory):
    """KEDA sends identical bytes every poll; the cached answer must change as soon as the demand does."""
    s = scaler_factory(queue_depth=95)
    wait_metric(es, s.stub(es), ref(es), 6)
    ch = s.channel()
    stub = es.grpc.ExternalScalerStub(ch)
    name = stub.GetMetricSpec(ref(es), timeout=5).metricSpecs[0].metricName
    body = es.pb2.GetMetricsRequest(scaledObjectRef=ref(es), metricName=name).SerializeToString()
    call = ch.unary_unary(SCALER + "GetMetrics", request_serializer=None, response_deserializer=None)

    def value() -> int:
        return es.pb2.GetMetricsResponse.FromString(call(body, timeout=5)).metricValues[0].metricValue

    for _ in range(20):
        assert value() == 6
    s.set_demand(195)  # 20 wanted, 4 local: 16 burst (going up is never held)
    wait_for(lambda: value() == 16, 5, message="the same bytes answered from the new snapshot")
    for _ in range(20):
        assert value() == 16
