"""What a response reports and when its first token came, read from its raw bytes.

A response on its way to the client is often not parsed at all (pass-through), yet the
metrics and the access log need its token usage and its time to first token.
:class:`ResponseMeter` finds both in the bytes as they pass: a substring test per chunk, a
small regular expression only where a usage key ends, and, until the first
generated content was seen, one search for the format's first-content marker.

Usage, whatever the wire format, comes out as the OpenTelemetry GenAI conventions count it:
``input`` includes the cached input tokens (Anthropic reports those apart, OpenAI within),
``cache_read`` and ``cache_creation`` are parts of it; ``reasoning`` is part of ``output``.

    >>> meter = ResponseMeter(Format.OPENAI_CHAT, started=0.0)
    >>> meter.feed(b'data: {"usage":{"prompt_tokens":12,"completion_tokens":30}}\\n\\n', now=1.0)
    >>> meter.usage()
    {'input': 12, 'output': 30}
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sluice.model import Format

__all__ = ["TOKEN_TYPES", "ResponseMeter"]

TOKEN_TYPES = ("input", "output", "cache_read", "cache_creation", "reasoning")

# Every count providers report ends in ``_tokens``; nested ones (``cached_tokens`` under
# ``prompt_tokens_details``) too. A key inside a JSON string has its quotes escaped, so it
# never matches.
_COUNT = re.compile(rb'"([a-z0-9_]*tokens)"\s*:\s*(\d+)')
_KEY_END = b'tokens"'
_TAIL = 64  # a key or marker split across two chunks is found with this much kept
# The first event that carries generated content (text, thinking or tool arguments): not
# the first byte, which is often an empty start event.
_FIRST_CONTENT = {
    Format.ANTHROPIC: re.compile(rb"content_block_delta"),
    Format.OPENAI_CHAT: re.compile(
        rb'"(?:content|reasoning_content|refusal)"\s*:\s*"[^"]|"tool_calls"\s*:\s*\['
    ),
    Format.OPENAI_RESPONSES: re.compile(rb'"type"\s*:\s*"response\.[a-z_.]+\.delta"'),
}


def counts(window: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Each count in ``window`` as ``(key, digits)``, in order: what ``_COUNT.findall``
    finds, without running the expression over the whole window (a stream's chunk is
    mostly text; its few keys are found by a substring search, and each is matched from
    the quote that opens it, the nearest one before, as a key holds no quote)."""
    end = window.find(_KEY_END)
    while end != -1:
        quote = window.rfind(b'"', 0, end)
        if quote != -1 and (found := _COUNT.match(window, quote)) is not None:
            yield found.group(1), found.group(2)
        end = window.find(_KEY_END, end + 1)


class ResponseMeter:
    """Token counts and first-content time of one response, from its bytes fed in order.

    ``started`` and every ``now`` are ``time.perf_counter()`` readings; :attr:`first_token`
    is the reading at the chunk that brought the first content (streams only).
    """

    __slots__ = ("_counts", "_marker", "_marker_for", "_tail", "first_token", "started")

    def __init__(self, fmt: Format, started: float) -> None:
        self.started = started
        self.first_token: float | None = None
        self._marker: re.Pattern[bytes] | None = None  # set when the response is a stream
        self._counts: dict[bytes, int] = {}
        self._tail = b""
        self._marker_for = _FIRST_CONTENT[fmt]

    def streamed(self) -> None:
        """The response is an SSE stream: look for its first content."""
        self._marker = self._marker_for

    @property
    def is_stream(self) -> bool:
        """Whether :meth:`streamed` was called (and no content seen yet, or some was)."""
        return self._marker is not None or self.first_token is not None

    def feed(self, chunk: bytes, now: float) -> None:
        window = self._tail + chunk if self._tail else chunk
        self._tail = window[-_TAIL:]
        if self._marker is not None and self._marker.search(window) is not None:
            self.first_token, self._marker = now, None
        for key, value in counts(window):
            self._counts[key] = int(value)  # counts are cumulative: the last one holds

    def usage(self) -> dict[str, int]:
        """The counts reported, by :data:`TOKEN_TYPES` name; types not reported are absent."""
        c = self._counts
        if not c:
            return {}
        out: dict[str, int] = {}
        cache_read = c.get(b"cache_read_input_tokens")
        cache_creation = c.get(b"cache_creation_input_tokens")
        if (prompt := c.get(b"prompt_tokens")) is not None:  # Chat Completions
            out["input"] = prompt
        elif (given := c.get(b"input_tokens")) is not None:
            # Anthropic's input_tokens leaves out the cached parts; OpenAI's includes them.
            out["input"] = given + (cache_read or 0) + (cache_creation or 0)
        if (output := c.get(b"completion_tokens", c.get(b"output_tokens"))) is not None:
            out["output"] = output
        if cache_read is None:
            cache_read = c.get(b"cached_tokens")
        if cache_read is not None:
            out["cache_read"] = cache_read
        if cache_creation is not None:
            out["cache_creation"] = cache_creation
        if (reasoning := c.get(b"reasoning_tokens")) is not None:
            out["reasoning"] = reasoning
        return out

    def cache_write_1h(self) -> int:
        """Of ``cache_creation``, the tokens written to the cache for an hour (Anthropic's
        ``cache_creation.ephemeral_1h_input_tokens``), which cost more than 5 minutes'."""
        return self._counts.get(b"ephemeral_1h_input_tokens", 0)
