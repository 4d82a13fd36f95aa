"""The ext_proc server driven in-process by a real gRPC client, message by message, as
Envoy would drive it (without Envoy: edge cases Envoy rarely produces on demand)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import pytest
from envoy.config.core.v3.base_pb2 import Metadata
from envoy.service.ext_proc.v3 import external_processor_pb2 as pb
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc as pb_grpc
from google.protobuf.struct_pb2 import Struct

from sluice.config import GatewayConfig
from sluice.sidecar.chains import ChainSet
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.routes import RouteTable
from sluice.sidecar.server import ExtProcServer, serve
from tests.harness import short_tempdir

HELLO = b'event: ping\ndata: {"type":"ping"}\n\n'


@pytest.fixture
def socket_path() -> Iterator[Path]:
    with short_tempdir() as base:
        yield base / "s.sock"


@pytest.fixture
async def stub(socket_path: Path) -> AsyncIterator[pb_grpc.ExternalProcessorStub]:
    config = GatewayConfig()
    servicer = ExtProcServer(RouteTable(config.routes), ChainSet(config, ModelClients()))
    server = await serve(servicer, f"unix:{socket_path}")
    async with grpc.aio.insecure_channel(f"unix:{socket_path}") as channel:
        yield pb_grpc.ExternalProcessorStub(channel)
    await server.stop(None)


def request_body(body: bytes, path: str = "/v1/messages") -> pb.ProcessingRequest:
    attributes = Struct()
    attributes.update({"request.path": path})
    headers = Struct()
    headers.update({"x-api-key": "sk-ant-test"})
    return pb.ProcessingRequest(
        request_body=pb.HttpBody(body=body, end_of_stream=True),
        attributes={"envoy.filters.http.ext_proc": attributes},
        metadata_context=Metadata(filter_metadata={"sluice.headers": headers}),
    )


def response_chunk(body: bytes, end: bool, first: bool = False) -> pb.ProcessingRequest:
    message = pb.ProcessingRequest(response_body=pb.HttpBody(body=body, end_of_stream=end))
    if first:
        attributes = Struct()
        attributes.update({"response.code": 200})
        headers = Struct()
        headers.update({"content-type": "text/event-stream"})
        message.attributes["envoy.filters.http.ext_proc"].CopyFrom(attributes)
        message.metadata_context.filter_metadata["sluice.headers"].CopyFrom(headers)
    return message


async def exchange(
    stub: pb_grpc.ExternalProcessorStub, messages: list[pb.ProcessingRequest]
) -> list[pb.ProcessingResponse]:
    async def send() -> AsyncIterator[pb.ProcessingRequest]:
        for message in messages:
            yield message

    return [reply async for reply in stub.Process(send())]


BODY = json.dumps(
    {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
).encode()


async def test_passthrough_returns_every_chunk_unchanged(
    stub: pb_grpc.ExternalProcessorStub,
) -> None:
    replies = await exchange(
        stub,
        [
            request_body(BODY),
            response_chunk(HELLO, False, first=True),
            response_chunk(b"data: partial", False),
            response_chunk(b"\n\n", True),
        ],
    )
    assert replies[0].WhichOneof("response") == "request_body"
    streamed = [r.response_body.response.body_mutation.streamed_response for r in replies[1:]]
    assert [(s.body, s.end_of_stream) for s in streamed] == [
        (HELLO, False),
        (b"data: partial", False),
        (b"\n\n", True),
    ]


async def test_a_repeated_last_chunk_is_not_sent_twice(
    stub: pb_grpc.ExternalProcessorStub,
) -> None:
    replies = await exchange(
        stub,
        [
            request_body(BODY),
            response_chunk(HELLO, True, first=True),
            response_chunk(HELLO, True),  # Envoy's known duplicate end of stream
        ],
    )
    assert len(replies) == 2


async def test_an_unreadable_body_is_refused_in_the_clients_format(
    stub: pb_grpc.ExternalProcessorStub,
) -> None:
    [reply] = await exchange(stub, [request_body(b'{"model": 1', "/v1/chat/completions")])
    immediate = reply.immediate_response
    assert immediate.status.code == 400
    error = json.loads(immediate.body)["error"]
    assert error["type"] == "invalid_request_error"
    assert immediate.details == "sluice"  # Envoy's local-reply rewriting leaves it alone


async def test_a_path_the_sidecar_only_forwards_is_not_parsed(
    stub: pb_grpc.ExternalProcessorStub,
) -> None:
    replies = await exchange(stub, [request_body(b"not json", "/v1/models")])
    assert replies[0].WhichOneof("response") == "request_body"


@pytest.mark.parametrize(
    ("message_timeout_s", "extended_to"),
    [(5.0, 14.0), (30.0, None)],  # request_limits' own 12 s timeout, plus 2 s to answer
)
async def test_a_request_hook_gets_its_policys_timeout_not_envoys(
    socket_path: Path, message_timeout_s: float, extended_to: float | None
) -> None:
    config = GatewayConfig.model_validate(
        {"policies": [{"name": "request_limits", "config": {"max_tokens": 100, "timeout_s": 12}}]}
    )
    servicer = ExtProcServer(
        RouteTable(config.routes),
        ChainSet(config, ModelClients()),
        message_timeout_s=message_timeout_s,
    )
    server = await serve(servicer, f"unix:{socket_path}")
    async with grpc.aio.insecure_channel(f"unix:{socket_path}") as channel:
        replies = await exchange(pb_grpc.ExternalProcessorStub(channel), [request_body(BODY)])
    await server.stop(None)
    if extended_to is None:
        assert [r.WhichOneof("response") for r in replies] == ["request_body"]
    else:
        extend, reply = replies
        assert extend.WhichOneof("response") is None  # not a reply: Envoy waits on
        assert extend.override_message_timeout.ToTimedelta().total_seconds() == extended_to
        assert reply.WhichOneof("response") == "request_body"


def _event(data: dict[str, object]) -> bytes:
    return f"event: {data['type']}\ndata: {json.dumps(data)}\n\n".encode()


def _stream_with_call(command: str) -> list[bytes]:
    """A Messages stream, an event a chunk: text, then a Bash call running ``command``."""
    message = {"id": "msg_1", "type": "message", "role": "assistant", "content": []}
    call = {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}}
    arguments = json.dumps({"command": command})

    def delta(index: int, kind: str, **piece: str) -> bytes:
        data = {"type": "content_block_delta", "index": index, "delta": {"type": kind, **piece}}
        return _event(data)

    return [
        _event({"type": "message_start", "message": message}),
        _event({"type": "content_block_start", "index": 0, "content_block": {"type": "text"}}),
        delta(0, "text_delta", text="Cleaning "),
        delta(0, "text_delta", text="up."),
        _event({"type": "content_block_stop", "index": 0}),
        _event({"type": "content_block_start", "index": 1, "content_block": call}),
        delta(1, "input_json_delta", partial_json=arguments),
        _event({"type": "content_block_stop", "index": 1}),
        _event({"type": "message_delta", "delta": {"stop_reason": "tool_use"}}),
        _event({"type": "message_stop"}),
    ]


@pytest.mark.parametrize("command", ["ls -la", "rm -rf ~"])
async def test_text_before_a_tool_call_goes_on_as_it_came_then_the_call_is_judged(
    socket_path: Path, command: str
) -> None:
    """Under tool_rules, each chunk of text goes back in one reply as it came (the server's
    hot path); the call after it is let through, or refused after that text."""
    config = GatewayConfig.model_validate({"policies": [{"name": "tool_rules"}]})
    servicer = ExtProcServer(RouteTable(config.routes), ChainSet(config, ModelClients()))
    server = await serve(servicer, f"unix:{socket_path}")
    chunks = _stream_with_call(command)
    messages = [request_body(BODY), response_chunk(chunks[0], False, first=True)]
    messages += [response_chunk(c, i == len(chunks) - 2) for i, c in enumerate(chunks[1:])]
    async with grpc.aio.insecure_channel(f"unix:{socket_path}") as channel:
        replies = await exchange(pb_grpc.ExternalProcessorStub(channel), messages)
    await server.stop(None)
    streamed = [r.response_body.response.body_mutation.streamed_response for r in replies[1:]]
    assert [s.body for s in streamed[:5]] == chunks[:5]  # the text, reply by reply
    client = b"".join(s.body for s in streamed)
    assert streamed[-1].end_of_stream
    if command == "ls -la":
        assert client == b"".join(chunks)
    else:
        assert b"tool_use" not in client  # the call never reaches the client
        assert b"Sluice blocked a tool call" in client
        assert b"(rule wipe_root_or_home)" in client
        assert client.startswith(b"".join(chunks[:5]))
