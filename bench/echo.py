"""A bare grpc.aio ext_proc servicer that does only what the protocol requires: one reply per
headers, trailers or buffered body message, and each streamed response chunk sent back as
it came. Run in place of the sidecar (``make bench`` setup ``echo``), it is the floor the
sidecar's CPU per message is compared with.

    python -m bench.echo --address unix:/tmp/sidecar-0.sock
"""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import AsyncIterator

from sluice.sidecar.worker import configure_grpc_environment

configure_grpc_environment()  # the sidecar's gRPC settings, read when grpc is imported

import grpc  # noqa: E402
from envoy.service.ext_proc.v3 import external_processor_pb2 as pb  # noqa: E402
from envoy.service.ext_proc.v3 import external_processor_pb2_grpc as pb_grpc  # noqa: E402

from sluice.sidecar.server import create_server  # noqa: E402  # the sidecar's server options

_REPLIES = {
    "request_headers": pb.ProcessingResponse(request_headers=pb.HeadersResponse()),
    "request_body": pb.ProcessingResponse(request_body=pb.BodyResponse()),
    "response_headers": pb.ProcessingResponse(response_headers=pb.HeadersResponse()),
    "response_trailers": pb.ProcessingResponse(response_trailers=pb.TrailersResponse()),
}


def _echoed(body: pb.HttpBody) -> pb.ProcessingResponse:
    streamed = pb.StreamedBodyResponse(body=body.body, end_of_stream=body.end_of_stream)
    mutation = pb.BodyMutation(streamed_response=streamed)
    return pb.ProcessingResponse(
        response_body=pb.BodyResponse(response=pb.CommonResponse(body_mutation=mutation))
    )


class Echo(pb_grpc.ExternalProcessorServicer):
    """Passes every message through, unread."""

    async def Process(
        self,
        request_iterator: AsyncIterator[pb.ProcessingRequest],
        context: grpc.aio.ServicerContext[pb.ProcessingRequest, pb.ProcessingResponse],
    ) -> AsyncIterator[pb.ProcessingResponse]:
        ended = False
        async for message in request_iterator:
            kind = message.WhichOneof("request")
            if kind == "response_body":
                if not ended:  # Envoy may repeat the last chunk: the end goes once
                    ended = message.response_body.end_of_stream
                    yield _echoed(message.response_body)
            elif kind in _REPLIES:
                yield _REPLIES[kind]


async def _serve(address: str) -> None:
    server = create_server()
    pb_grpc.add_ExternalProcessorServicer_to_server(Echo(), server)
    server.add_insecure_port(address)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print("echo: listening", flush=True)
    await stop.wait()
    await server.stop(1)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.echo", description=__doc__)
    parser.add_argument("--address", required=True, help="unix:/path or host:port")
    asyncio.run(_serve(parser.parse_args().address))


if __name__ == "__main__":
    main()
