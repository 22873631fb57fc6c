"""Transport-level behaviour: bad bytes, unknown methods, size limits, ports, shutdown."""

from __future__ import annotations

import signal
import socket
import threading
import time

import grpc
import pytest

from support import StreamReader, http_get, metric_value, ref, rpc_error, wait_for, wait_metric

GARBAGE = [b"\xff\xff\xff", b"\x0a\x05ab"]  # truncated varint tag; truncated length-delimited field

UNARY_PATHS = [
    "/externalscaler.ExternalScaler/IsActive",
    "/externalscaler.ExternalScaler/GetMetricSpec",
    "/externalscaler.ExternalScaler/GetMetrics",
    "/grpc.health.v1.Health/Check",
]
STREAM_PATHS = [
    "/externalscaler.ExternalScaler/StreamIsActive",
    "/externalscaler.ExternalScaler/StreamMetricSpec",
]


@pytest.fixture(scope="module")
def shared(es, module_scaler_factory):
    s = module_scaler_factory(queue_depth=95)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 6)
    return s, stub


def assert_still_serving(es, stub):
    assert stub.IsActive(ref(es), timeout=5).result is True
    assert metric_value(es, stub, ref(es))[1] == 6


@pytest.mark.parametrize("payload", GARBAGE, ids=["ff-ff-ff", "truncated-field"])
@pytest.mark.parametrize("path", UNARY_PATHS + STREAM_PATHS)
def test_malformed_request_is_invalid_argument(es, shared, path, payload):
    s, stub = shared
    ch = s.channel()
    if path in STREAM_PATHS:
        call = ch.unary_stream(path, request_serializer=None, response_deserializer=None)
        exc = rpc_error(lambda: list(call(payload, timeout=5)))
    else:
        call = ch.unary_unary(path, request_serializer=None, response_deserializer=None)
        exc = rpc_error(lambda: call(payload, timeout=5))
    assert exc.code() == grpc.StatusCode.INVALID_ARGUMENT, (exc.code(), exc.details())
    assert_still_serving(es, stub)


@pytest.mark.parametrize("path", [
    "/externalscaler.ExternalScaler/Nope",
    "/foo.Bar/Baz",
    "/grpc.health.v1.Health/Nope",
    "/grpc.reflection.v1.ServerReflection/Nope",
])
def test_unknown_method_is_unimplemented_at_once(es, shared, path):
    s, stub = shared
    call = s.channel().unary_unary(path, request_serializer=None, response_deserializer=None)
    t0 = time.monotonic()
    exc = rpc_error(lambda: call(b"", timeout=5))
    elapsed = time.monotonic() - t0
    assert exc.code() == grpc.StatusCode.UNIMPLEMENTED, (exc.code(), exc.details())
    assert elapsed < 1.0, f"UNIMPLEMENTED took {elapsed:.2f}s"
    assert_still_serving(es, stub)


def test_unknown_method_answers_before_the_client_half_closes(es, shared):
    """A streaming client that never ends its request stream must still get UNIMPLEMENTED at once."""
    s, stub = shared
    call = s.channel().stream_stream("/foo.Bar/Chat", request_serializer=None, response_deserializer=None)
    release = threading.Event()

    def requests():
        yield b""
        release.wait(10)  # keep the request stream open

    t0 = time.monotonic()
    try:
        exc = rpc_error(lambda: list(call(requests(), timeout=5)))
    finally:
        release.set()
    elapsed = time.monotonic() - t0
    assert exc.code() == grpc.StatusCode.UNIMPLEMENTED, (exc.code(), exc.details())
    assert elapsed < 1.0, f"UNIMPLEMENTED took {elapsed:.2f}s"


def test_request_over_max_message_bytes_is_resource_exhausted(es, shared):
    s, stub = shared  # grpc.maxMessageBytes: 65536
    exc = rpc_error(lambda: stub.IsActive(ref(es, padding="x" * 100_000), timeout=5))
    assert exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, (exc.code(), exc.details())
    # Just under the limit is fine, and unknown metadata keys are ignored.
    assert stub.IsActive(ref(es, padding="x" * 60_000), timeout=5).result is True
    assert_still_serving(es, stub)


def resident_kib(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM (the peak)."""
    with open(f"/proc/{pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status if line.startswith(("VmRSS:", "VmHWM:")))
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def test_start_up_pages_go_back_and_serving_goes_on(es, scaler_factory):
    """Once start-up is over (gRPC serving, HTTP bound, the first pass and demand reading done), serve drops
    the file pages only start-up used (code and read-only data; never a written page): the resident set falls
    well below its start-up peak, and calls go on (what they use comes back from the page cache)."""
    s = scaler_factory(queue_depth=95, extra_args=["--log-level", "debug"])
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 6)
    wait_for(lambda: "start-up memory given back" in s.stderr_text(), 10)
    rss, peak = resident_kib(s.proc.pid)
    assert rss < 0.8 * peak, (rss, peak)
    for _ in range(50):
        assert_still_serving(es, stub)
    status, text = http_get(f"http://{s.http_address()}/metrics")
    assert status == 200 and "runpod_autoscaler" in text


def test_sigterm_when_idle_exits_zero(es, scaler_factory):
    s = scaler_factory()
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 0)
    t0 = time.monotonic()
    assert s.stop(signal.SIGTERM, timeout=10) == 0, s.output()
    assert time.monotonic() - t0 < 10


def test_sigterm_ends_100_streams_with_ok_and_exits_zero(es, scaler_factory):
    s = scaler_factory(queue_depth=95)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 6)

    # Several connections, like several KEDA operators; 25 streams on each.
    stubs = [s.stub(es, options=[("grpc.use_local_subchannel_pool", 1), ("test.conn", i)]) for i in range(4)]
    readers = [StreamReader(stubs[i % 4].StreamIsActive(ref(es))) for i in range(100)]
    try:
        for i, r in enumerate(readers):
            _, first = r.next(timeout=5)
            assert first.result is True, f"stream {i}"

        t0 = time.monotonic()
        s.proc.send_signal(signal.SIGTERM)
        for i, r in enumerate(readers):
            left = max(0.0, t0 + 10 - time.monotonic())
            assert r.done.wait(left), f"stream {i} still open 10s after SIGTERM"
        rc = s.wait_exit(max(0.5, t0 + 10 - time.monotonic()))
    finally:
        for r in readers:
            if not r.done.is_set():
                r.call.cancel()

    bad = {i: (r.error.code(), r.error.details()) for i, r in enumerate(readers) if not r.ended_ok}
    assert not bad, f"{len(bad)} streams did not end with OK, e.g. {list(bad.items())[:3]}"
    assert rc == 0, f"exit code {rc}\n{s.output()}"
    assert time.monotonic() - t0 < 10


@pytest.mark.parametrize("holder", ["grpc-server", "plain-socket"])
def test_second_server_on_same_port_fails(es, scaler_factory, holder):
    sock = None
    if holder == "grpc-server":
        first = scaler_factory()
        port = first.port
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
    try:
        address = f"127.0.0.1:{port}"
        second = scaler_factory(start=False, name="second", config={"grpc": {"listen": address}})
        second.launch()
        rc = second.wait_exit(10)
        assert rc != 0, f"second serve on {address} exited 0\n{second.output()}"
        out = second.stderr_text()
        assert address in out, f"error does not mention {address}\n{second.output()}"
        assert "grpc server listening" not in out, second.output()
        if holder == "grpc-server":
            # The first server is unharmed and still the one answering.
            stub = first.stub(es)
            assert stub.IsActive(ref(es), timeout=5).result is False
    finally:
        if sock:
            sock.close()


def test_set_overrides_config(es, scaler_factory):
    s = scaler_factory(queue_depth=95, extra_args=["--set", "local.static.gpus=2"])
    stub = s.stub(es)
    wait_for(lambda: metric_value(es, stub, ref(es, metric="localAvailable"))[1] == 2, 5,
             message="localAvailable 2 from --set local.static.gpus=2")
    assert metric_value(es, stub, ref(es))[1] == 8  # wanted 10 - 2 local
