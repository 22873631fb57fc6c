"""Hostile clients on raw HTTP/2 connections (the `h2` package) against `serve`: bytes no gRPC library would
send. Each case ends with the status or the closed connection it must, and the server then still answers
KEDA's calls from a well-formed grpcio client.
"""

from __future__ import annotations

import gzip
import random
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

import grpc
import h2.config
import h2.connection
import h2.events
import pytest

from support import metric_value, ref, wait_metric

IS_ACTIVE = "/externalscaler.ExternalScaler/IsActive"
GET_METRICS = "/externalscaler.ExternalScaler/GetMetrics"
STATUS = {code.value[0]: code for code in grpc.StatusCode}


@dataclass
class Outcome:
    """How one raw call ended: a gRPC status from trailers (or a trailers-only answer), a stream reset, or the
    connection closing."""
    status: grpc.StatusCode | None = None
    message: str = ""
    data: bytes = b""
    reset: bool = False
    closed: bool = False
    events: list = field(default_factory=list)


class RawConnection:
    """One client HTTP/2 connection driven by hand."""

    def __init__(self, port: int, timeout: float = 10.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.flush()
        self.port = port
        self.outcomes: dict[int, Outcome] = {}
        self.done: set[int] = set()
        self.closed = False

    def flush(self) -> None:
        self.sock.sendall(self.conn.data_to_send())

    def start(self, path: str, *, extra_headers: list | None = None) -> int:
        stream = self.conn.get_next_available_stream_id()
        headers = [(":method", "POST"), (":scheme", "http"), (":path", path),
                   (":authority", f"127.0.0.1:{self.port}"), ("content-type", "application/grpc"),
                   ("te", "trailers"), *(extra_headers or [])]
        self.conn.send_headers(stream, headers)
        self.flush()
        return stream

    def send(self, stream: int, data: bytes, *, end: bool = False) -> None:
        """Sends `data` as the flow-control windows allow, waiting for the server to open them."""
        deadline = time.monotonic() + 10
        while True:
            size = min(len(data), self.conn.local_flow_control_window(stream), self.conn.max_outbound_frame_size)
            if size or not data:
                self.conn.send_data(stream, data[:size], end_stream=end and size == len(data))
                self.flush()
                data = data[size:]
                if not data:
                    return
            assert time.monotonic() < deadline and stream not in self.done and not self.closed, "window stays shut"
            self.poll()

    def finish(self, stream: int, timeout: float = 10.0) -> Outcome:
        """Reads until `stream` ends or is reset, or the connection closes; other streams' events are kept."""
        deadline = time.monotonic() + timeout
        while stream not in self.done and not self.closed:
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise AssertionError(
                    f"stream {stream} still open after {timeout}s: {self.outcomes.get(stream)}") from None
            except ConnectionResetError:
                chunk = b""
            if not chunk:
                self.closed = True
                break
            for event in self.conn.receive_data(chunk):
                self._record(event)
            self.flush()
        outcome = self.outcomes.setdefault(stream, Outcome())
        outcome.closed = stream not in self.done
        return outcome

    def poll(self) -> None:
        """Handles whatever the server has sent, without waiting."""
        self.sock.settimeout(0.001)
        try:
            chunk = self.sock.recv(65536)
        except (socket.timeout, BlockingIOError):
            return
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.closed = True
            return
        for event in self.conn.receive_data(chunk):
            self._record(event)
        self.flush()

    def _record(self, event) -> None:
        if isinstance(event, h2.events.ConnectionTerminated):
            self.closed = True
            return
        stream = getattr(event, "stream_id", 0)
        if not stream:
            return
        outcome = self.outcomes.setdefault(stream, Outcome())
        outcome.events.append(type(event).__name__)
        if isinstance(event, (h2.events.ResponseReceived, h2.events.TrailersReceived)):
            fields = dict(event.headers)
            if "grpc-status" in fields:
                outcome.status = STATUS[int(fields["grpc-status"])]
                outcome.message = fields.get("grpc-message", "")
        elif isinstance(event, h2.events.DataReceived):
            outcome.data += event.data
            self.conn.acknowledge_received_data(event.flow_controlled_length, stream)
        elif isinstance(event, h2.events.StreamReset):
            outcome.reset = True
            self.done.add(stream)
        elif isinstance(event, h2.events.StreamEnded):
            self.done.add(stream)

    def close(self) -> None:
        self.sock.close()


def frame(message: bytes, *, compressed: bool = False, length: int | None = None) -> bytes:
    """gRPC's length-prefixed message: a compressed flag, a big-endian length, the bytes."""
    return struct.pack(">BI", 1 if compressed else 0, len(message) if length is None else length) + message


@pytest.fixture(scope="module")
def server(es, module_scaler_factory):
    s = module_scaler_factory(queue_depth=95)
    stub = s.stub(es)
    wait_metric(es, stub, ref(es), 6)
    return s, stub


@pytest.fixture
def raw(server):
    connection = RawConnection(server[0].port)
    yield connection
    connection.close()


@pytest.fixture(autouse=True)
def still_serving(es, server):
    """After every case: the process is up and a well-formed client gets KEDA's answers."""
    yield
    s, stub = server
    assert s.proc.poll() is None, f"serve exited with {s.proc.returncode}\n{s.output()}"
    assert stub.IsActive(ref(es), timeout=5).result is True
    assert metric_value(es, stub, ref(es))[1] == 6


def test_the_raw_client_speaks_grpc(es, raw):
    """The baseline: a well-formed request over the raw connection gets OK and the answer."""
    stream = raw.start(IS_ACTIVE)
    raw.send(stream, frame(ref(es).SerializeToString()), end=True)
    outcome = raw.finish(stream)
    assert outcome.status == grpc.StatusCode.OK, outcome
    assert es.pb2.IsActiveResponse.FromString(outcome.data[5:]).result is True


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("path", [IS_ACTIVE, GET_METRICS])
def test_random_bytes_as_the_message_are_invalid_argument(raw, path, seed):
    payload = random.Random(seed).randbytes(1 + seed * 37)
    stream = raw.start(path)
    raw.send(stream, frame(payload), end=True)
    outcome = raw.finish(stream)
    assert outcome.status == grpc.StatusCode.INVALID_ARGUMENT, outcome


@pytest.mark.parametrize("seed", range(6))
def test_random_bytes_without_framing_are_invalid_argument(raw, seed):
    """Random DATA where the length prefix should be: a compressed flag other than 0 or 1, or a length the
    bytes never reach before END_STREAM. No request arrives, and the answer says so."""
    rng = random.Random(100 + seed)
    payload = bytes([rng.randrange(2, 256)]) + rng.randbytes(rng.randrange(0, 80))
    stream = raw.start(IS_ACTIVE)
    raw.send(stream, payload, end=True)
    outcome = raw.finish(stream)
    # libgrpc 1.51 hands over no message, or now and then an empty one: INVALID_ARGUMENT either way.
    assert outcome.status == grpc.StatusCode.INVALID_ARGUMENT, outcome
    assert outcome.data == b"", outcome


@pytest.mark.parametrize("sent", [0, 1, 3, 5, 12])
def test_truncated_frame_is_invalid_argument(es, raw, sent):
    """END_STREAM inside the length prefix or the message: nothing complete arrived."""
    data = frame(ref(es).SerializeToString())[:sent]
    stream = raw.start(IS_ACTIVE)
    if data:
        raw.send(stream, data, end=True)
    else:
        raw.conn.end_stream(stream)
        raw.flush()
    outcome = raw.finish(stream)
    assert outcome.status == grpc.StatusCode.INVALID_ARGUMENT, outcome
    assert outcome.message == "the request message is missing", outcome
    assert outcome.data == b"", "no response message for an incomplete request"


def test_message_over_the_limit_is_resource_exhausted(raw):
    stream = raw.start(IS_ACTIVE)
    raw.send(stream, frame(bytes(65537)), end=True)
    outcome = raw.finish(stream)
    assert outcome.status == grpc.StatusCode.RESOURCE_EXHAUSTED, outcome
    assert "larger than max" in outcome.message, outcome


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_length_prefix_claiming_gigabytes_cannot_fill_the_memory(server, raw):
    """The core buffers a message until the length its prefix announces has arrived, and checks the limit only
    then: a client announcing 2 GiB and sending without end made serve buffer all of it (256 MiB in 20 s here).
    The server's buffer quota now resets such a stream long before."""
    s, _ = server
    before = rss_kib(s.proc.pid)
    stream = raw.start(IS_ACTIVE)
    raw.send(stream, struct.pack(">BI", 0, 2**31 - 1))
    chunk, sent, deadline = bytes(16384), 0, time.monotonic() + 60
    while stream not in raw.done and not raw.closed and sent < 512 << 20 and time.monotonic() < deadline:
        raw.poll()
        if stream not in raw.done and raw.conn.local_flow_control_window(stream) >= len(chunk):
            raw.send(stream, chunk)
            sent += len(chunk)
    outcome = raw.outcomes.get(stream, Outcome())
    grown = rss_kib(s.proc.pid) - before
    assert outcome.reset or raw.closed, f"still buffering after {sent >> 20} MiB: {outcome.status}"
    assert sent < 256 << 20, f"reset only after {sent >> 20} MiB"
    assert grown < 192 << 10, f"serve grew by {grown >> 10} MiB"


def test_length_prefix_claiming_gigabytes_then_silence_ends_at_the_deadline(raw):
    """The prefix alone cannot be judged (the core checks the limit on the whole message): the call waits for
    its bytes until the client's own deadline, without holding anyone else up."""
    stream = raw.start(IS_ACTIVE, extra_headers=[("grpc-timeout", "500m")])
    raw.send(stream, struct.pack(">BI", 0, 2**31 - 1) + b"\x0a\x05burst")
    outcome = raw.finish(stream, timeout=5)
    assert outcome.status == grpc.StatusCode.DEADLINE_EXCEEDED, outcome


def test_compressed_flag_without_an_encoding_reads_the_bytes_as_they_are(es, raw):
    """libgrpc 1.51 ignores the flag when no algorithm was declared: an uncompressed body is served."""
    stream = raw.start(IS_ACTIVE)
    raw.send(stream, frame(ref(es).SerializeToString(), compressed=True), end=True)
    outcome = raw.finish(stream)
    assert outcome.status == grpc.StatusCode.OK, outcome
    assert es.pb2.IsActiveResponse.FromString(outcome.data[5:]).result is True


def test_compressed_bytes_without_an_encoding_are_invalid_argument(es, raw):
    stream = raw.start(IS_ACTIVE)
    raw.send(stream, frame(gzip.compress(ref(es).SerializeToString()), compressed=True), end=True)
    outcome = raw.finish(stream)
    assert outcome.status == grpc.StatusCode.INVALID_ARGUMENT, outcome
    assert outcome.message.startswith("malformed ScaledObjectRef"), outcome


def test_gzip_request_is_served(es, raw):
    stream = raw.start(IS_ACTIVE, extra_headers=[("grpc-encoding", "gzip")])
    raw.send(stream, frame(gzip.compress(ref(es).SerializeToString()), compressed=True), end=True)
    outcome = raw.finish(stream)
    assert outcome.status == grpc.StatusCode.OK, outcome


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_undecompressable_message_resets_the_stream(es, raw, encoding):
    """Declared compressed but not: the core cannot decompress it and resets the stream; the connection lives."""
    stream = raw.start(IS_ACTIVE, extra_headers=[("grpc-encoding", encoding)])
    raw.send(stream, frame(b"\xff" * 20, compressed=True), end=True)
    outcome = raw.finish(stream)
    assert outcome.reset and outcome.status is None, outcome
    after = raw.start(IS_ACTIVE)
    raw.send(after, frame(ref(es).SerializeToString()), end=True)
    assert raw.finish(after).status == grpc.StatusCode.OK


@pytest.mark.parametrize("garbage", [
    b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(32),  # a TLS ClientHello on the plaintext port
    bytes(range(256)) * 4,
])
def test_garbage_before_the_preface_closes_the_connection(server, garbage):
    with socket.create_connection(("127.0.0.1", server[0].port), timeout=10) as sock:
        sock.sendall(garbage + b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        deadline = time.monotonic() + 10
        while True:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                chunk = sock.recv(65536)
            except socket.timeout:
                raise AssertionError("the server kept a connection that began with garbage") from None
            except ConnectionResetError:
                break
            if not chunk:
                break


def test_slow_client_trickling_a_request_is_served_and_blocks_nobody(es, server, raw):
    """One byte every 50 ms: the call completes normally, and other clients are answered meanwhile."""
    s, stub = server
    data = frame(ref(es).SerializeToString())
    stream = raw.start(IS_ACTIVE)
    answered: list[float] = []

    def others():
        for _ in range(5):
            t0 = time.monotonic()
            assert stub.IsActive(ref(es), timeout=5).result is True
            answered.append(time.monotonic() - t0)
            time.sleep(0.1)

    thread = threading.Thread(target=others)
    thread.start()
    for i, byte in enumerate(data):
        raw.send(stream, bytes([byte]), end=i == len(data) - 1)
        time.sleep(0.05)
    thread.join(10)
    outcome = raw.finish(stream)
    assert outcome.status == grpc.StatusCode.OK, outcome
    assert es.pb2.IsActiveResponse.FromString(outcome.data[5:]).result is True
    assert len(answered) == 5 and max(answered) < 1.0, answered


def test_slow_client_past_its_deadline_is_deadline_exceeded(es, raw):
    """A trickle that outlasts the client's own grpc-timeout ends with DEADLINE_EXCEEDED, not an open call."""
    stream = raw.start(IS_ACTIVE, extra_headers=[("grpc-timeout", "300m")])
    raw.send(stream, frame(ref(es).SerializeToString())[:4])
    outcome = raw.finish(stream, timeout=5)
    assert outcome.status == grpc.StatusCode.DEADLINE_EXCEEDED or outcome.reset, outcome


def test_many_hostile_streams_on_one_connection(es, raw):
    """Bad requests interleaved with good ones on one connection: each gets its own answer."""
    streams = []
    for i in range(20):
        stream = raw.start(IS_ACTIVE)
        body = frame(ref(es).SerializeToString()) if i % 2 == 0 else frame(b"\xff\xff\xff")
        raw.send(stream, body, end=True)
        streams.append((i, stream))
    for i, stream in streams:
        outcome = raw.finish(stream)
        expected = grpc.StatusCode.OK if i % 2 == 0 else grpc.StatusCode.INVALID_ARGUMENT
        assert outcome.status == expected, (i, outcome)


@pytest.mark.parametrize("target", ["1e30", "1.7e308", "9223372036854775807"])
def test_target_value_beyond_int64_is_answered(es, server, target):
    """Found by FuzzKEDARequest: one GetMetricSpec with such a targetValue used to trap the whole server."""
    _, stub = server
    spec = stub.GetMetricSpec(ref(es, target=target), timeout=5).metricSpecs[0]
    assert spec.targetSizeFloat == float(target)
    assert spec.targetSize == 2**63 - 1
