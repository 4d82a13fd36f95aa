"""What an exchange costs in tokens, read cheaply on the data path for the token budgets.

Every provider reports usage in the response itself: Anthropic in ``message_start`` and
``message_delta``, Chat Completions in its last chunk (when the client asked for it with
``stream_options.include_usage``), the Responses API in ``response.completed``, and each
non-streaming body in its ``usage`` object. :class:`UsageScanner` finds those numbers in the
raw bytes without parsing the stream: a substring search per chunk, and a small regular
expression only on the chunks that hold a usage key. A response that reports no usage (a
failed or cut-off upstream, a Chat stream without ``include_usage``) is charged an
estimate: four bytes of request body a token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sluice.sidecar.budgets import Budgets

__all__ = ["BYTES_PER_TOKEN", "Metering", "UsageScanner"]

BYTES_PER_TOKEN = 4  # the usual rough measure of English text and JSON

# Anthropic reports input without the cached parts (they have keys of their own); OpenAI's
# prompt/input tokens include the cached ones, which appear only under *_details.
_USAGE = re.compile(
    rb'"(input_tokens|output_tokens|cache_creation_input_tokens|cache_read_input_tokens'
    rb'|prompt_tokens|completion_tokens)"\s*:\s*(\d+)'
)
_KEY_END = b'_tokens"'
_TAIL = 64  # a key and its number split across two chunks are found with this much kept


@dataclass(frozen=True, slots=True)
class Metering:
    """What the sidecar does for the limits: tell Envoy's rate-limit filters who asks for
    which model (``describe``: dynamic metadata with the reply to the request body), and count
    tokens for the budgets (``budgets``, and whether a stream that would cross one is cut)."""

    describe: bool = False
    budgets: Budgets | None = None
    cut_streams: bool = True


class UsageScanner:
    """The tokens a response reports, from its raw bytes fed in order.

    >>> scanner = UsageScanner(request_bytes=400)
    >>> scanner.feed(b'data: {"usage":{"prompt_tokens":12,"completion_tokens":30}}')
    >>> scanner.tokens
    42
    """

    __slots__ = ("_counts", "_request_bytes", "_tail")

    def __init__(self, request_bytes: int) -> None:
        self._request_bytes = request_bytes
        self._counts: dict[bytes, int] = {}
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        window = self._tail + chunk
        self._tail = chunk[-_TAIL:]
        if _KEY_END not in window:
            return
        for key, value in _USAGE.findall(window):
            self._counts[key] = int(value)  # counts are cumulative: the last one holds

    @property
    def reported(self) -> bool:
        return bool(self._counts)

    @property
    def tokens(self) -> int:
        """Input (cached or not) plus output tokens; the estimate if none were reported."""
        if not self._counts:
            return self._request_bytes // BYTES_PER_TOKEN
        return sum(self._counts.values())
