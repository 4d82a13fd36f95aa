"""Run the fake upstream as a process.

    python -m sluice.fake_upstream --host 127.0.0.1 --port 0
    python -m sluice.fake_upstream --tls-cert server.pem --tls-key server.key  # HTTPS

prints ``listening on http://127.0.0.1:PORT`` once it accepts connections (with the real
port when 0 was asked for) and runs until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import ssl

from ._runner import FakeUpstream


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sluice.fake_upstream",
        description="A scripted fake of the Anthropic and OpenAI APIs, for tests and demos.",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind; 0 picks a free one")
    parser.add_argument(
        "--history", type=int, default=100, help="requests kept for /_fake/requests"
    )
    parser.add_argument("--tls-cert", help="serve HTTPS with this PEM certificate chain")
    parser.add_argument("--tls-key", help="the PEM private key of --tls-cert")
    args = parser.parse_args(argv)
    context = None
    if args.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.tls_cert, args.tls_key)
    asyncio.run(_serve(args.host, args.port, args.history, context))


async def _serve(host: str, port: int, history: int, context: ssl.SSLContext | None) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    fake = FakeUpstream(host=host, port=port, history=history, ssl_context=context)
    async with fake as upstream:
        print(f"listening on {upstream.url}", flush=True)
        await stop.wait()


if __name__ == "__main__":
    main()
