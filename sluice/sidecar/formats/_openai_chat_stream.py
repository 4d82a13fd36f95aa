"""The OpenAI Chat Completions stream, and the stop reasons it shares with whole bodies.

A chunk's ``choices[0].delta`` carries pieces of blocks that have no start or stop events of
their own: ``content`` is one text block, each ``tool_calls[].index`` one tool call block. A
block ends when another begins or when ``finish_reason`` arrives; the decoder marks that point
with a ``BLOCK_STOP`` part whose ``event`` is ``None``. One chunk can thus give several
parts; the chunk rides on the part of the last block it carries a piece of (on the last part
if it carries none), so a policy holding a block holds the chunk that carries it::

    first chunk (role)                 MESSAGE_START
    delta.content / delta.tool_calls   BLOCK_START for a block's first piece, then BLOCK_DELTA
    finish_reason                      BLOCK_STOP (no event), MESSAGE_DELTA
    usage-only chunk                   MESSAGE_DELTA
    data: [DONE]                       MESSAGE_STOP
    data: {"error": ...}               ERROR

A piece of a tool call that already ended (a provider interleaving calls) is an ERROR part:
a policy may have judged that call whole. Only the first choice is read (``n`` > 1 streams
pass, unread). Stop reasons: ``stop`` -> ``end_turn``, ``tool_calls`` -> ``tool_use``,
``length`` -> ``max_tokens``, ``content_filter`` -> ``refusal``; and back.

For a chain that reads no text (``read_text`` false), the chunks that carry only a piece of
the open text block, spelt as OpenAI writes them, pass unparsed (:meth:`ChatStream.unread`):
most of a stream is such chunks, and parsing each was most of what such a chain cost.
"""

from __future__ import annotations

import re
import time
from functools import lru_cache

from sluice.model import Block, Format, Text, ToolCall
from sluice.sidecar.formats._base import PartKind, StopReason, StreamPart
from sluice.sidecar.formats._blocks import BlockStream
from sluice.sidecar.formats._errors import FormatError
from sluice.sidecar.formats._json import (
    JSON,
    PLAIN_STRING,
    TEXT_COUNT,
    TEXT_NAME,
    TEXT_STRING,
    VALID_STRING,
    WIRE_COUNT,
    WIRE_STRING,
    at,
    dump,
    load_object,
    need,
    objects,
    opt,
    read_usage,
    string_text,
)
from sluice.sidecar.formats._openai import error_json, error_type_for
from sluice.sidecar.sse import SSEEvent, encode_event

__all__ = [
    "DELTA",
    "STOP",
    "USAGE",
    "ChatStream",
    "argument_chunks",
    "chunk_event",
    "finish_reason",
]

USAGE = {
    "prompt_tokens": "input_tokens",
    "completion_tokens": "output_tokens",
    "prompt_tokens_details.cached_tokens": "cache_read_tokens",
    "prompt_tokens_details.cache_write_tokens": "cache_creation_tokens",
    "completion_tokens_details.reasoning_tokens": "reasoning_tokens",
}
STOP: dict[str, str] = {
    "stop": StopReason.END_TURN,
    "tool_calls": StopReason.TOOL_USE,
    "function_call": StopReason.TOOL_USE,
    "length": StopReason.MAX_TOKENS,
    "content_filter": StopReason.REFUSAL,
}
_FINISH: dict[str, str] = {
    StopReason.END_TURN: "stop",
    StopReason.STOP_SEQUENCE: "stop",
    StopReason.TOOL_USE: "tool_calls",
    StopReason.MAX_TOKENS: "length",
    StopReason.REFUSAL: "content_filter",
}


def finish_reason(stop_reason: str) -> str:
    """The ``finish_reason`` for a neutral stop reason; ``stop`` for one Chat has no word for."""
    return _FINISH.get(stop_reason) or (stop_reason if stop_reason in STOP else "stop")


_HEAD = ("id", "object", "created", "model", "service_tier", "system_fingerprint")


def _chunk_spelling(name: str, count: str, delta: str, usage: str, finish: str = "null") -> str:
    """The pattern of a chunk's data as OpenAI writes it: compact JSON, its fields in their
    order, the head's values plain strings (``name``, ``count``: their patterns); one
    choice, at 0, whose delta is ``delta``, no logprobs, ``finish`` its finish reason (by
    default none); ``usage`` (null) when the client asked for usage, ``obfuscation``
    padding unless it asked for none."""
    return (
        r'\{"id":' + name + r',"object":"chat\.completion\.chunk","created":' + count
        + r',"model":' + name + r'(?:,"service_tier":' + name + r")?+"
        + r'(?:,"system_fingerprint":(?:' + name + r"|null))?+"
        + r',"choices":\[\{"index":0,"delta":\{' + _after_head(delta, usage, finish, name)
    )  # fmt: skip


def _after_head(delta: str, usage: str, finish: str, name: str) -> str:
    """The pattern of a chunk's data after its head (:data:`DELTA`, the delta's opening):
    see :func:`_chunk_spelling`."""
    return (
        delta + r'\},"logprobs":null,"finish_reason":' + finish + r"\}\]" + usage + r"?+"
        + r'(?:,"obfuscation":' + name + r")?+\}"
    )  # fmt: skip


# Where a chunk's head, the fields every chunk of a stream repeats, ends as OpenAI writes it:
# the first time these bytes appear (a plain string cannot hold a quote).
DELTA = b'"delta":{'


_USAGE = r',"usage":null'


def chunk_event(delta: str, finish: str = "null", *, head: bool = True) -> bytes:
    """The pattern, in bytes, of a whole chunk event (one ``data:`` line) as OpenAI writes
    it (``_chunk_spelling``), its head's values any plain strings, whose delta is ``delta``
    and finish reason ``finish`` (patterns in text); ``head`` false: of what follows its
    head (:data:`DELTA`), for a head known already."""
    name, usage = PLAIN_STRING.decode(), f"(?:{_USAGE})"
    if not head:
        return _after_head(delta, usage, finish, name).encode() + b"\n\n"
    spelt = _chunk_spelling(name, WIRE_COUNT.decode(), delta, usage, finish)
    return b"data: " + spelt.encode() + b"\n\n"  # (ASCII: its bytes are spelt as escapes)


# A chunk that carries a piece of text and nothing else: passed unread when no policy reads
# text (any string: the client reads it, the gateway does not).
_TEXT_CHUNK = chunk_event(r'"content":' + WIRE_STRING.decode())
_TEXT_CHUNKS = re.compile(b"(?:" + _TEXT_CHUNK + b")*+")
_USAGE_NULL = b"}]" + _USAGE.encode()  # (a quote in a string is escaped: a key, not text)


@lru_cache(maxsize=64)
def argument_chunks(wire: int) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """A chunk that carries only a piece of the arguments of the tool call at ``wire``
    (``tool_calls[].index``), the piece a string ``json`` reads (its group); and the same
    chunk after its head (:data:`DELTA`), for a head known already, compared as bytes."""
    piece = VALID_STRING.decode()
    delta = rf'"tool_calls":\[\{{"index":{wire},"function":\{{"arguments":({piece})\}}\}}\]'
    return re.compile(chunk_event(delta)), re.compile(chunk_event(delta, head=False))


# A chunk's data that carries only a piece of text or of a call's arguments: read without
# building its object (most of a stream's chunks, when text is read or a call is).
_PIECE_SPELT = re.compile(
    _chunk_spelling(
        TEXT_NAME,
        TEXT_COUNT,
        rf'(?:"content":(?P<text>{TEXT_STRING})|"tool_calls":\[\{{"index":(?P<wire>{TEXT_COUNT})'
        rf',"function":\{{"arguments":(?P<arguments>{TEXT_STRING})\}}\}}\])',
        f"(?P<usage>{_USAGE})",
    )
)


class ChatStream(BlockStream):
    """Decoder and writer for one Chat Completions stream; see :class:`StreamDecoder`."""

    def __init__(self, read_text: bool = True) -> None:
        """``read_text`` false: text pieces pass unparsed and text blocks read as empty
        (for chains that never see text)."""
        super().__init__(Format.OPENAI_CHAT)
        self._read_text = read_text
        self._started = False
        self._open: int | None = None  # neutral index of the block receiving pieces
        self._tools: dict[int, int] = {}  # wire tool_calls index -> neutral index
        self._tool_of: dict[int, int] = {}  # neutral index -> wire tool_calls index
        self._head: JSON = {}  # the fields every chunk repeats, for the chunks we write
        self._role_event: SSEEvent | None = None
        self._role_sent = False  # the client saw ``role``: writing it again would double it
        self._usage_asked = False  # stream_options.include_usage: expect a usage chunk

    def feed(self, event: SSEEvent) -> list[StreamPart]:
        """The parts for one upstream event; see the module docstring for the mapping."""
        data = event.data
        if data is None:
            return [StreamPart(PartKind.OTHER, event)]
        parts: list[StreamPart] = []
        if data == "[DONE]":
            self._close(parts)
            return [*parts, StreamPart(PartKind.MESSAGE_STOP, event)]
        found = _PIECE_SPELT.fullmatch(data) if self._started else None
        if found is not None and (spelt := self._piece(found, parts)) is not None:
            spelt.event = event  # (made just now: no one has it yet)
            return parts
        try:
            obj = load_object(data)
            if obj.get("error") is not None:
                return [StreamPart(PartKind.ERROR, event)]
            carrier = self._read(obj, event, parts)
        except FormatError:
            return [*parts, StreamPart(PartKind.ERROR, event)]  # keep what was read before
        if carrier is None:
            return [StreamPart(PartKind.OTHER, event)]
        parts[carrier].event = event  # (made just now: no one has it yet)
        return parts

    def unread(self, data: bytes | bytearray, start: int = 0) -> int:
        """Where the chunks from ``start`` in ``data`` that pass unread end, text unread:
        pieces of the open text block, spelt as OpenAI writes them (``_TEXT_CHUNK``), while
        :meth:`forward` would send them unchanged (nothing renumbered, the role sent). Each
        is one ``data:`` line, so no other line can rename or extend it."""
        index = self._open
        if (
            self._read_text
            or index is None
            or not self._numbering.identity
            or (self._role_event is not None and not self._role_sent)
            or not self._builders[index].holds(Text)
        ):
            return start
        found = _TEXT_CHUNKS.match(data, start)
        end = start if found is None else found.end()
        if not self._usage_asked and end > start:  # as :meth:`feed` notes it
            self._usage_asked = data.find(_USAGE_NULL, start, end) != -1
        return end

    def _read(self, obj: JSON, event: SSEEvent, parts: list[StreamPart]) -> int | None:
        carrier = None
        if not self._started:
            self._started = True
            self._head = {key: obj[key] for key in _HEAD if key in obj}
            self._response.id = opt(obj, "id", str, "")
            self._response.model = opt(obj, "model", str, "")
            parts.append(StreamPart(PartKind.MESSAGE_START, None))
        self._usage_asked = self._usage_asked or "usage" in obj  # null until the last chunk
        for path, choice in objects(opt(obj, "choices", list, "") or [], "choices"):
            if choice.get("index", 0) != 0:
                continue
            delta = opt(choice, "delta", dict, path) or {}
            dpath = at(path, "delta")
            if delta.get("role") is not None and self._role_event is None:
                self._role_event = event
            if content := opt(delta, "content", str, dpath):
                self._text_piece(content, parts)
                carrier = len(parts) - 1
            calls = objects(opt(delta, "tool_calls", list, dpath) or [], at(dpath, "tool_calls"))
            for call_path, call in calls:
                self._tool_piece(call, call_path, parts)
                carrier = len(parts) - 1
            if (finish := opt(choice, "finish_reason", str, path)) is not None:
                self._close(parts)
                self._response.stop_reason = STOP.get(finish, finish)
                parts.append(StreamPart(PartKind.MESSAGE_DELTA, None))
        if (usage := opt(obj, "usage", dict, "")) is not None:
            read_usage(self._response.usage, usage, "usage", USAGE)
            if not parts:
                parts.append(StreamPart(PartKind.MESSAGE_DELTA, None))
        return carrier if carrier is not None else len(parts) - 1 if parts else None

    def _piece(self, found: re.Match[str], parts: list[StreamPart]) -> StreamPart | None:
        """The part of a chunk spelt as ``_PIECE_SPELT`` (a piece of text, or of the open
        call's arguments), read as :meth:`_read` reads it; ``None``, nothing read, when it is
        not the open call's (:meth:`_read` then tells what it is)."""
        if (arguments := found["arguments"]) is not None:
            index = self._tools.get(int(found["wire"]))
            if index is None or index != self._open:
                return None
            if piece := string_text(arguments):
                self._builders[index].add(piece)
            parts.append(StreamPart(PartKind.BLOCK_DELTA, None, index, delta=piece or None))
        elif text := string_text(found["text"]):
            self._text_piece(text, parts)
        else:  # an empty piece: nothing of a block
            parts.append(StreamPart(PartKind.OTHER, None))
        self._usage_asked = self._usage_asked or found["usage"] is not None
        return parts[-1]

    def _text_piece(self, content: str, parts: list[StreamPart]) -> None:
        index = self._open
        if index is not None and self._builders[index].holds(Text):
            self._builders[index].add(content)
            parts.append(StreamPart(PartKind.BLOCK_DELTA, None, index, delta=content))
            return
        self._close(parts)
        self._open = index = self._start(Text(""))
        self._builders[index].add(content)
        parts.append(StreamPart(PartKind.BLOCK_START, None, index, Text(""), content))

    def _tool_piece(self, call: JSON, path: str, parts: list[StreamPart]) -> None:
        wire = need(call, "index", int, path)
        function = opt(call, "function", dict, path) or {}
        fpath = at(path, "function")
        call_id, name = opt(call, "id", str, path), opt(function, "name", str, fpath)
        arguments = opt(function, "arguments", str, fpath)
        index = self._tools.get(wire)
        if index is None:
            self._close(parts)
            start = ToolCall(call_id or "", name or "", "")
            self._open = index = self._tools[wire] = self._start(start)
            self._tool_of[index] = wire
            if arguments:
                self._builders[index].add(arguments)
            parts.append(StreamPart(PartKind.BLOCK_START, None, index, start, arguments or None))
            return
        builder = self._builders[index]  # (raises if the call already ended)
        if call_id or name:  # the SDK concatenates repeated id/name pieces; see what it sees
            so_far = builder.build()
            assert isinstance(so_far, ToolCall)
            builder.replace(
                ToolCall(so_far.id + (call_id or ""), so_far.name + (name or ""), so_far.arguments)
            )
        if arguments:
            builder.add(arguments)
        parts.append(StreamPart(PartKind.BLOCK_DELTA, None, index, delta=arguments or None))

    def _close(self, parts: list[StreamPart]) -> None:
        if self._open is not None:
            block = self._builders[self._open].close()
            parts.append(StreamPart(PartKind.BLOCK_STOP, None, self._open, block))
            self._open = None

    def forward(self, part: StreamPart) -> bytes:
        """The bytes to send for ``part``: its chunk, unchanged until a tool call was dropped
        or inserted; from then on with ``tool_calls[].index`` renumbered (pieces of tool calls
        never forwarded removed). If the chunk that carried ``role`` was dropped, the next
        chunk sent carries it instead."""
        if part.kind is PartKind.BLOCK_START and part.index in self._tool_of:
            self._numbering.start(self._tool_of[part.index])
        event = part.event
        if event is None:
            return b""
        if event is self._role_event:
            self._role_sent = True
        add_role = not self._role_sent and self._role_event is not None
        if self._numbering.identity and not add_role:
            return event.raw
        try:  # rare: only after a drop or an insertion
            obj = load_object(event.data or "")
            delta = obj["choices"][0]["delta"]
        except (FormatError, LookupError, TypeError):
            return event.raw  # no choice in this chunk: nothing to change
        return self._written(obj, delta, add_role)

    def _written(self, obj: JSON, delta: object, add_role: bool) -> bytes:
        if not isinstance(delta, dict):
            return encode_event(dump(obj))
        if add_role:
            delta["role"] = "assistant"
            self._role_sent = True
        calls = delta.get("tool_calls")
        if isinstance(calls, list) and not self._numbering.identity:
            renumbered = (self._renumbered(call) for call in calls if isinstance(call, dict))
            delta["tool_calls"] = [call for call in renumbered if call is not None]
        return encode_event(dump(obj))

    def forward_text(self, part: StreamPart, piece: str, whole: str) -> bytes:
        """``part``'s chunk with ``piece`` as its ``delta.content`` (and no logprobs, which
        describe the upstream's text); a chunk that carried nothing else is not sent when
        ``piece`` is empty."""
        event = part.event
        if part.delta is None or event is None:
            return self.forward(part)
        if event is self._role_event:
            self._role_sent = True
        add_role = not self._role_sent and self._role_event is not None
        obj = load_object(event.data or "")
        choices = [c for c in obj.get("choices") or [] if isinstance(c, dict)]
        choice = next((c for c in choices if c.get("index", 0) == 0), None)
        if choice is None or not isinstance(choice.get("delta"), dict):
            return self.forward(part)
        delta = choice["delta"]
        only_text = (
            set(delta) <= {"content"}
            and len(choices) == 1
            and choice.get("finish_reason") is None
            and not obj.get("usage")
        )
        if not piece and only_text and not add_role:
            return b""
        delta["content"] = piece
        if choice.get("logprobs") is not None:
            choice["logprobs"] = None
        return self._written(obj, delta, add_role)

    def render_text(self, index: int, text: str) -> bytes:
        """A chunk carrying ``text`` as its ``delta.content``."""
        delta: JSON = {"content": text}
        if not self._role_sent:
            delta = {"role": "assistant", **delta}
            self._role_sent = True
        return self._chunk([{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}])

    def _renumbered(self, call: JSON) -> JSON | None:
        out = self._numbering.find(call.get("index"))
        return None if out is None else {**call, "index": out}

    def render_block(self, block: Block) -> bytes:
        """One chunk carrying the whole ``block`` (Text or ToolCall) in its delta."""
        delta: JSON = {}
        if not self._role_sent:
            delta["role"] = "assistant"
            self._role_sent = True
        if isinstance(block, Text):
            delta["content"] = block.text
        elif isinstance(block, ToolCall):
            function = {"name": block.name, "arguments": block.arguments}
            call = {"index": self._numbering.insert(), "id": block.id, "type": "function"}
            delta["tool_calls"] = [{**call, "function": function}]
        else:
            raise ValueError(f"a chat completion cannot carry a {type(block).__name__} block")
        return self._chunk([{"index": 0, "delta": delta, "logprobs": None, "finish_reason": None}])

    def render_close(self) -> bytes:
        """Nothing: Chat Completions blocks end without an event of their own."""
        return b""

    def render_end(self, stop_reason: str) -> bytes:
        """A ``finish_reason`` chunk, the usage chunk if the client asked for usage, and
        ``data: [DONE]``."""
        finish = finish_reason(stop_reason)
        choice = {"index": 0, "delta": {}, "logprobs": None, "finish_reason": finish}
        end = self._chunk([choice])
        if self._usage_asked:
            u = self._response.usage
            usage = {
                "prompt_tokens": u.input_tokens or 0,
                "completion_tokens": u.output_tokens or 0,
                "total_tokens": (u.input_tokens or 0) + (u.output_tokens or 0),
            }
            end += self._chunk([], usage=usage)
        return end + b"data: [DONE]\n\n"

    def render_error(self, status: int, message: str) -> bytes:
        """``data: {"error": {...}}``, which the SDK raises as an ``APIError``."""
        return encode_event(dump(error_json(error_type_for(status), message)))

    def _chunk(self, choices: list[JSON], usage: JSON | None = None) -> bytes:
        chunk: JSON = {
            "id": "chatcmpl-sluice",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": "",
            **self._head,
            "choices": choices,
        }
        if usage is not None:
            chunk["usage"] = usage
        return encode_event(dump(chunk))
