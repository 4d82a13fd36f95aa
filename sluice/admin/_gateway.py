"""The admin server's one window onto the gateway: all it uses of the sidecar, in one place.

The admin server reads the store (:mod:`sluice.store`) and the policy registry: the chains a
config builds (:class:`ChainSet`) and which one a request gets (:func:`chain_for`). "Try
it" (:mod:`sluice.admin.tryit`) also runs one exchange exactly as a worker would, so it
needs the worker's :class:`Exchange`, its route table and its reply types. Nothing else of
the sidecar is used by the admin server, and no other admin module imports
``sluice.sidecar``; nothing in ``sluice.sidecar`` imports the admin server
(``tests/admin/test_boundaries.py`` checks both).
"""

from __future__ import annotations

from typing import Any

from sluice.model import Format, Message, Response
from sluice.sidecar.chain import Chain
from sluice.sidecar.chains import ChainSet, Selection
from sluice.sidecar.exchange import Exchange, Refuse
from sluice.sidecar.formats import FormatError, adapter_for
from sluice.sidecar.formats.anthropic import block_json
from sluice.sidecar.llm_client import ModelClients
from sluice.sidecar.recording import read_response as _read_response
from sluice.sidecar.routes import RouteTable

__all__ = [
    "Chain",
    "ChainSet",
    "Exchange",
    "ModelClients",
    "Refuse",
    "RouteTable",
    "anthropic_content",
    "chain_for",
    "parse_message",
    "read_response",
]


def chain_for(
    chains: ChainSet, path: str, *, client: str | None = None, team: str | None = None
) -> Chain:
    """The chain a request to ``path`` from ``client`` (a key fingerprint) and ``team`` gets,
    by the config's ``select`` rules."""
    return chains.select(Selection(path=path, client=client, team=team))


def parse_message(fmt: Format, raw: Any) -> Message | None:
    """A stored message read into the neutral model; ``None`` when it cannot be read."""
    try:
        return adapter_for(fmt).parse_message(raw)
    except FormatError:
        return None


def read_response(fmt: Format, content_type: str, data: bytes) -> Response | None:
    """Response bytes (a whole JSON body or an SSE stream) read into the neutral model;
    ``None`` when empty or unreadable."""
    return _read_response(fmt, content_type, data)


def anthropic_content(response: Response) -> list[dict[str, Any]]:
    """A response's blocks as the content of an Anthropic Messages response (a tool call's
    arguments parsed, thinking with its signature)."""
    return [block_json(block) for block in response.blocks]
