"""grpc.health.v1.Health (Kubernetes probes, grpc_health_probe) and server reflection (grpcurl)."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

from support import StreamReader, ref, rpc_error, wait_metric

SCALER = "externalscaler.ExternalScaler"
HEALTH = "grpc.health.v1.Health"
REFLECTION_V1 = "grpc.reflection.v1.ServerReflection"
REFLECTION_V1ALPHA = "grpc.reflection.v1alpha.ServerReflection"
SERVICES = {SCALER, HEALTH, REFLECTION_V1, REFLECTION_V1ALPHA}

SCALER_METHODS = {
    # name: (input, output, client_streaming, server_streaming)
    "IsActive": (".externalscaler.ScaledObjectRef", ".externalscaler.IsActiveResponse", False, False),
    "StreamIsActive": (".externalscaler.ScaledObjectRef", ".externalscaler.IsActiveResponse", False, True),
    "GetMetricSpec": (".externalscaler.ScaledObjectRef", ".externalscaler.GetMetricSpecResponse", False, False),
    "GetMetrics": (".externalscaler.GetMetricsRequest", ".externalscaler.GetMetricsResponse", False, False),
    "StreamMetricSpec": (".externalscaler.ScaledObjectRef", ".externalscaler.GetMetricSpecResponse", False, True),
}


@pytest.fixture(scope="module")
def shared(es, module_scaler_factory):
    s = module_scaler_factory(queue_depth=0)
    wait_metric(es, s.stub(es), ref(es), 0)
    return s


# -- health ----------------------------------------------------------------- #

@pytest.mark.parametrize("service", ["", SCALER])
def test_health_check_serving(shared, service):
    stub = health_pb2_grpc.HealthStub(shared.channel())
    resp = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5)
    assert resp.status == health_pb2.HealthCheckResponse.SERVING


@pytest.mark.parametrize("service", ["nope", "externalscaler.Nope", "grpc.health.v1.Healthz"])
def test_health_check_unknown_service_not_found(shared, service):
    stub = health_pb2_grpc.HealthStub(shared.channel())
    exc = rpc_error(lambda: stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=5))
    assert exc.code() == grpc.StatusCode.NOT_FOUND, (exc.code(), exc.details())


@pytest.mark.parametrize("service", ["", SCALER])
def test_health_watch_sends_serving_at_once(shared, service):
    stub = health_pb2_grpc.HealthStub(shared.channel())
    reader = StreamReader(stub.Watch(health_pb2.HealthCheckRequest(service=service)))
    try:
        _, first = reader.next(timeout=1.0)
        assert first.status == health_pb2.HealthCheckResponse.SERVING
        reader.expect_silence(0.3)  # nothing changed, nothing more to say
        assert not reader.done.is_set(), "Watch ended although the server is up"
    finally:
        reader.cancel()


# -- reflection via grpcio-reflection (v1alpha) ----------------------------- #

def test_reflection_lists_services(shared):
    db = ProtoReflectionDescriptorDatabase(shared.channel())
    services = set(db.get_services())
    assert SERVICES <= services, f"missing {SERVICES - services}"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_reflection_resolves_every_listed_service(shared, service):
    db = ProtoReflectionDescriptorDatabase(shared.channel())
    pool = descriptor_pool.DescriptorPool(db)
    svc = pool.FindServiceByName(service)
    assert svc.full_name == service
    assert svc.methods, f"{service} has no methods"
    for m in svc.methods:  # input/output types resolved, dependencies included
        assert m.input_type.full_name and m.output_type.full_name


def _fields(msg: descriptor_pb2.DescriptorProto):
    return sorted((f.name, f.number, f.type, f.label, f.type_name.lstrip(".")) for f in msg.field)


def _messages(fdp: descriptor_pb2.FileDescriptorProto):
    out = {}

    def walk(prefix, msgs):
        for m in msgs:
            out[prefix + m.name] = _fields(m)
            walk(prefix + m.name + ".", m.nested_type)

    walk(fdp.package + ".", fdp.message_type)
    return out


def test_reflected_scaler_proto_is_wire_identical_to_keda(es, shared):
    db = ProtoReflectionDescriptorDatabase(shared.channel())
    served = db.FindFileContainingSymbol(SCALER)
    assert served.package == "externalscaler"
    [svc] = [s for s in served.service if s.name == "ExternalScaler"]
    methods = {m.name: (m.input_type, m.output_type, m.client_streaming, m.server_streaming) for m in svc.method}
    assert methods == SCALER_METHODS

    reference = descriptor_pb2.FileDescriptorProto.FromString(es.pb2.DESCRIPTOR.serialized_pb)
    assert _messages(served) == _messages(reference)


@pytest.mark.parametrize("symbol", ["externalscaler.ScaledObjectRef", "externalscaler.MetricSpec",
                                    "grpc.health.v1.HealthCheckResponse"])
def test_reflection_finds_messages(shared, symbol):
    db = ProtoReflectionDescriptorDatabase(shared.channel())
    fdp = db.FindFileContainingSymbol(symbol)
    assert symbol.startswith(fdp.package + "."), (symbol, fdp.package)
    assert symbol[len(fdp.package) + 1:] in {m.name for m in fdp.message_type}, (symbol, fdp.name)


def test_reflected_health_proto(shared):
    db = ProtoReflectionDescriptorDatabase(shared.channel())
    fdp = db.FindFileContainingSymbol(HEALTH)
    assert fdp.package == "grpc.health.v1"
    [svc] = [s for s in fdp.service if s.name == "Health"]
    methods = {m.name: (m.input_type, m.output_type, m.client_streaming, m.server_streaming) for m in svc.method}
    assert methods["Check"] == (".grpc.health.v1.HealthCheckRequest", ".grpc.health.v1.HealthCheckResponse",
                                False, False)
    assert methods["Watch"] == (".grpc.health.v1.HealthCheckRequest", ".grpc.health.v1.HealthCheckResponse",
                                False, True)
    reference = descriptor_pb2.FileDescriptorProto.FromString(health_pb2.DESCRIPTOR.serialized_pb)
    assert _messages(fdp) == _messages(reference)


def test_reflection_unknown_symbol_not_found(shared):
    db = ProtoReflectionDescriptorDatabase(shared.channel())
    with pytest.raises(KeyError):
        db.FindFileContainingSymbol("no.such.Symbol")


# -- raw reflection on both paths ------------------------------------------- #

def _reflect(shared, version: str, requests: list) -> list:
    """One ServerReflectionInfo stream; v1 and v1alpha messages are wire-identical."""
    call = shared.channel().stream_stream(
        f"/grpc.reflection.{version}.ServerReflection/ServerReflectionInfo",
        request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
    )
    return list(call(iter(requests), timeout=5))


@pytest.mark.parametrize("version", ["v1", "v1alpha"])
def test_raw_reflection_stream(shared, version):
    R = reflection_pb2.ServerReflectionRequest
    responses = _reflect(shared, version, [
        R(list_services=""),
        R(file_containing_symbol=SCALER),
        R(file_containing_symbol="no.such.Symbol"),
        R(file_by_filename="does/not/exist.proto"),
    ])
    assert len(responses) == 4, responses

    listed = {s.name for s in responses[0].list_services_response.service}
    assert SERVICES <= listed, f"missing {SERVICES - listed}"
    assert responses[0].original_request.list_services == ""

    files = [descriptor_pb2.FileDescriptorProto.FromString(b)
             for b in responses[1].file_descriptor_response.file_descriptor_proto]
    assert any(f.package == "externalscaler" and any(s.name == "ExternalScaler" for s in f.service)
               for f in files), [f.name for f in files]

    for r in responses[2:]:
        assert r.WhichOneof("message_response") == "error_response", r
        assert r.error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0]


def test_reflection_file_by_filename_round_trip(shared):
    """A file named by one answer can be fetched by name (grpcurl resolves dependencies so)."""
    R = reflection_pb2.ServerReflectionRequest
    [resp] = _reflect(shared, "v1", [R(file_containing_symbol=HEALTH)])
    names = [descriptor_pb2.FileDescriptorProto.FromString(b).name
             for b in resp.file_descriptor_response.file_descriptor_proto]
    assert names
    [again] = _reflect(shared, "v1", [R(file_by_filename=names[0])])
    got = [descriptor_pb2.FileDescriptorProto.FromString(b).name
           for b in again.file_descriptor_response.file_descriptor_proto]
    assert names[0] in got
