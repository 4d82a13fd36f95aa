"""Policies applied to a response on its way to the client, streamed or whole.

:class:`StreamEnforcer` reads an SSE response event by event. A block some policy must see
whole (text, if the chain has a ``text`` hook; a tool call, if it has ``tool_call``) is held
until its last event, then released unchanged, rewritten, or replaced. Text that policies
read as it streams (``text_delta`` hooks only) is held a few characters at a time and goes
on in the upstream's own delta events (:mod:`sluice.sidecar.text_windows`); what is still
held goes before any other event of its block and before the response's end. Everything
else flows on at once. While text is held, a keepalive comment goes to the client at least
every ``keepalive_s`` that the upstream sends something but the client would get nothing.

In Anthropic streams, tool calls the chain let through are held until the response's end,
so that a refusal text can still go before them: Anthropic requires
``tool_use`` to be the last content of a turn (the OpenAI formats have no such rule, and
their allowed calls go on at once). When every tool call was blocked, the stop reason
becomes ``end_turn``.

With an ``output_limit`` (a token budget that this stream could cross), the text, thinking
and tool arguments streamed are counted (four characters a token, the usual estimate, as
usage comes only at the end); at the limit the stream ends there, cleanly, as if the model
had reached its ``max_tokens``, and the rest of the upstream is dropped.

:class:`BodyEnforcer` does the same for a non-streaming JSON response, so that a client
retrying a failed stream without ``stream`` (Claude Code does) meets the same decisions.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Coroutine, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from sluice.hooks import EndHook, ExchangeContext, Hook, ResponseHook, ToolCallHook
from sluice.model import Block, Format, Response, Text, ToolCall
from sluice.sidecar.chain import Chain, Decision
from sluice.sidecar.eager import eagerly, first_step, resumed
from sluice.sidecar.formats import (
    Adapter,
    PartKind,
    StopReason,
    StreamDecoder,
    StreamPart,
)
from sluice.sidecar.refusal import refusal_text
from sluice.sidecar.sse import SSEEvent, SSEParser
from sluice.sidecar.text_windows import TextWindows

if TYPE_CHECKING:
    from sluice.sidecar.tracing import ExchangeTrace

__all__ = ["BodyEnforcer", "Judged", "StreamEnforcer", "judged_now"]

# The gateway's own keepalive, known by identity (``is``): an upstream's comment may be
# spelt alike, and is the provider's bytes, not this.
KEEPALIVE = b": keepalive\n\n"
_CHARS_PER_TOKEN = 4
_ENDING = (PartKind.MESSAGE_DELTA, PartKind.MESSAGE_STOP)
_BEGINS = (PartKind.BLOCK_START, PartKind.BLOCK)  # parts that begin a block
_WHOLE = (PartKind.BLOCK_STOP, PartKind.BLOCK)  # parts that carry the whole block


@dataclass(frozen=True, slots=True)
class Judged:
    """A tool call judged as far as its hooks go without waiting (:func:`judged_now`): its
    hook, and while the hook still waits, its coroutine and what that awaits (``work``
    ``None``: decided)."""

    call: ToolCall
    hook: ToolCallHook
    work: Coroutine[Any, Any, None] | None = None
    awaited: Any = None


def judged_now(
    chain: Chain,
    context: ExchangeContext,
    call: ToolCall,
    decisions: list[Decision],
    trace: ExchangeTrace | None,
) -> Judged:
    """``call`` judged by ``chain`` at once, its hooks driven one step by hand (a hook that
    need not wait, as rules, finishes there); one that waits is left to be resumed
    (:func:`~sluice.sidecar.eager.resumed`), never run twice."""
    hook = ToolCallHook(context, call)
    work = chain.run(hook, decisions, trace)
    finished, awaited = first_step(work)
    return Judged(call, hook) if finished else Judged(call, hook, work, awaited)


@dataclass
class _Outcome:
    """What the chain decided about the tool calls of one response."""

    calls: int = 0
    blocked: int = 0
    refusals: list[Text] = field(default_factory=list)

    @property
    def all_blocked(self) -> bool:
        return self.calls > 0 and self.blocked == self.calls


async def _gathered(outs: AsyncIterator[bytes | None]) -> AsyncIterator[bytes]:
    """``outs`` in as few pieces as can be (each is a message to Envoy). ``None`` says a
    hook is about to wait, a keepalive that one is still waiting: what was gathered goes
    then, not after the hook."""
    gathered = b""
    async for out in outs:
        if out is None or out is KEEPALIVE:
            if gathered and out:
                yield gathered + out
            elif gathered or out:
                yield gathered or KEEPALIVE  # (a keepalive alone goes as itself)
            gathered = b""
        else:
            gathered += out
    if gathered:
        yield gathered


class StreamEnforcer:
    """The chain applied to one SSE response. ``feed`` and ``close`` yield the bytes to send."""

    def __init__(
        self,
        chain: Chain,
        decoder: StreamDecoder,
        context: ExchangeContext,
        decisions: list[Decision],
        keepalive_s: float = 5.0,
        *,
        output_limit: int | None = None,
        max_event: int | None = None,
        trace: ExchangeTrace | None = None,
        judged: Sequence[Judged] = (),
    ) -> None:
        """``max_event``: the largest SSE event read, in bytes (beyond, ``feed`` raises
        :class:`~sluice.sidecar.sse.EventTooLarge`); ``trace``: the exchange's, when it is
        traced; ``judged``: the stream's first tool calls, judged already (in order): they
        are not judged again."""
        self._trace = trace
        self._chain = chain
        self._decoder = decoder
        # Characters of output left before the stream is cut (None: no limit).
        self._left = None if output_limit is None else output_limit * _CHARS_PER_TOKEN
        self._cut = False
        self._context = context
        self._decisions = decisions
        self._keepalive_s = keepalive_s
        self._parser = SSEParser(max_event=max_event)
        self._held: list[StreamPart] | None = None  # the block being held, its parts so far
        self._backlog: list[StreamPart] = []  # parts that arrived behind the held block
        self._tools: list[list[StreamPart] | ToolCall] = []  # allowed calls, sent at the end
        self._outcome = _Outcome()
        # Anthropic: tool_use must stay the last content, after any text the gateway adds.
        self._tools_last = context.format is Format.ANTHROPIC
        self._ending = False  # the response's end has begun: everything pending was sent
        self._ended = False  # the gateway wrote the end itself (every tool call was blocked)
        # Text blocks released as they stream (text_delta hooks).
        self._texts = TextWindows(chain, decoder, context)
        self._sent_at = time.monotonic()  # when the client last received something
        # A part fed that waits for a decision, and what was fed after it (see ``decide``).
        self._waiting: StreamPart | None = None
        self._after: tuple[Sequence[StreamPart], Iterator[SSEEvent]] = ((), iter(()))
        self._unsent = b""  # what feed_now let through before the part that waits
        # A tool call's hook that feed_now started and that waits: decide() awaits the rest.
        self._started: Judged | None = None
        self._skims = False  # fed bytes (not events already parsed): its parser may skim
        # When it skims, a tool call's events are read at once, if tool calls are held and
        # there is no output limit (with one, each delta is counted on its own).
        self._tool_runs = output_limit is None and chain.holds_tool_calls
        self._judged = list(reversed(judged))  # the next one last

    async def feed(self, chunk: bytes) -> AsyncIterator[bytes]:
        """The bytes to send for the events ``chunk`` completes."""
        if out := self.feed_now(chunk):
            yield out
        async for out in self.decide():
            yield out

    async def feed_events(self, events: Iterable[SSEEvent]) -> AsyncIterator[bytes]:
        """The bytes to send for ``events``, already parsed (a translated stream's); a
        keepalive instead when text is held and nothing went out for a while."""
        if out := self.feed_events_now(events):
            yield out
        async for out in self.decide():
            yield out

    def feed_now(self, chunk: bytes) -> bytes:
        """What :meth:`feed` sends for ``chunk`` when it needs no decision, without a
        coroutine (most chunks need none: their events go on, or join a held block). When
        one is needed, :attr:`waiting` is true and :meth:`decide` gives all the rest (what
        came before the decision included, sent with what follows it unless the hook must
        wait): call it before feeding more."""
        passed, self._skims = b"", True
        skimmed = self._held is None and self._waiting is None and self._left is None
        if skimmed:
            # Text deltas nobody reads, as most of a stream is: passed on, not even parsed.
            passed = self._parser.skim(chunk, self._decoder.unread)
            if passed and passed is chunk:  # all of it, where it is: nothing else to read
                self._sent_at = time.monotonic()
                return passed
        else:
            self._parser.add(chunk)
        if passed and not self._parser.holds_event():
            self._sent_at = time.monotonic()
            return passed
        return self._feed_now(iter(self._parser.next_event, None), passed, skimmed)

    def feed_events_now(self, events: Iterable[SSEEvent]) -> bytes:
        """:meth:`feed_now` for events already parsed."""
        return self._feed_now(events)

    def _feed_now(
        self, events: Iterable[SSEEvent], passed: bytes = b"", skimmed: bool = False
    ) -> bytes:
        """``skimmed``: the parser was just skimmed for text nobody reads."""
        if self._cut:
            return passed
        out = passed + self._settle_all((), iter(events), skimmed)
        if self._waiting is not None:
            self._unsent = out  # goes with what the decision lets through
            return b""
        return self._keepalive(bool(out)) or out  # (a keepalive only when out is empty)

    @property
    def waiting(self) -> bool:
        """Parts of what was fed wait for a decision (:meth:`decide`)."""
        return self._waiting is not None

    async def decide(self) -> AsyncIterator[bytes]:
        """The bytes to send for what :meth:`feed_now` left, decided in order."""
        if self._waiting is None:
            return
        sent = False
        async for out in _gathered(self._decisions_left()):
            sent = True
            yield out
        if keepalive := self._keepalive(sent):
            yield keepalive

    async def _decisions_left(self) -> AsyncIterator[bytes | None]:
        unsent, self._unsent = self._unsent, b""
        yield unsent
        while self._waiting is not None:
            part, self._waiting = self._waiting, None
            parts, events = self._after
            self._after = ((), iter(()))
            async for out in self._decide_part(part):
                yield out
            yield self._settle_all(parts, events)

    def _keepalive(self, sent: bool) -> bytes:
        """A keepalive when nothing was ``sent`` for what was fed, text is held and nothing
        went out for a while; else nothing."""
        now = time.monotonic()
        if sent:
            self._sent_at = now
        elif now - self._sent_at >= self._keepalive_s and self._holding():
            self._sent_at = now
            return KEEPALIVE
        return b""

    def _holding(self) -> bool:
        return self._held is not None or self._texts.holding() or self._decoder.run_pending

    def _settle_all(
        self, parts: Sequence[StreamPart], events: Iterator[SSEEvent], skimmed: bool = False
    ) -> bytes:
        """The bytes of ``parts``, then of the parts of ``events``, until one needs a
        decision: that part is left in ``_waiting``, what follows it in ``_after``
        (``skimmed``: the parser was just skimmed for text nobody reads, and stopped where
        it stands)."""
        out = b""
        decoder, streams_text = self._decoder, self._chain.streams_text
        while True:
            number = 0
            while number < len(parts):
                part = parts[number]
                number += 1
                if self._left is not None and part.delta:
                    self._left -= len(part.delta)
                    if self._left < 0:  # this part would cross the budget: end here
                        return out + self._cut_here()
                settled = self._settle(part)  # most parts: no decision, no coroutine
                if settled is None:  # most decisions need no wait: made here, at once
                    settled = self._decide_now(part)
                if settled is None:
                    self._waiting, self._after = part, (parts[number:], events)
                    return out
                out += settled
                if self._backlog and self._held is None:  # what queued behind a decided block
                    parts, number, self._backlog = [*self._backlog, *parts[number:]], 0, []
            if self._skims and self._held is None and not skimmed:  # text nobody reads
                out += self._parser.skim(b"", decoder.unread)  # goes unparsed
            skimmed = False
            if self._skims and self._tool_runs:
                if run := self._parser.skim(b"", decoder.tool_run):
                    parts = decoder.tool_parts(run)
                    continue
                if decoder.run_pending:  # a tool call's rest is to come: read it whole then
                    return out
            event = next(events, None)
            if event is None:
                return out
            if self._held is None and decoder.passes(event):  # parsed already: as it came
                out, parts = out + event.raw, ()
                continue
            parts = decoder.feed(event)
            if streams_text and len(parts) > 1:
                self._texts.mark_last_pieces(parts)

    @property
    def cut(self) -> bool:
        """The output limit ended the stream: the rest of the upstream is dropped."""
        return self._cut

    def _cut_here(self) -> bytes:
        """The stream's end, written by the gateway: what is held is dropped."""
        self._cut = True
        self._held, self._backlog, self._tools = None, [], []
        self._texts.drop()
        return self._decoder.render_end(StopReason.MAX_TOKENS)

    def close_now(self) -> bytes | None:
        """What :meth:`close` sends, when nothing in it waits or needs a coroutine: no
        decision pending, nothing unparsed or held, no hook to run at the end (as for
        ``tool_rules``). ``None`` otherwise, and :meth:`close` sends it all."""
        if self._waiting is not None or self._held is not None or not self._parser.drained:
            return None
        if self._cut:
            return b""
        chain = self._chain
        if (
            chain.observes_response
            or self._texts.holding()
            or (chain.adds_at_end and not self._ending)
        ):
            return None
        out = b"" if self._ending else self._end_blocks([])
        return out + self._decoder.render_end("end_turn") if self._ended else out

    async def close(self) -> AsyncIterator[bytes]:
        """End of the upstream: deliver what is still held, then observe the response."""
        async for out in _gathered(self._closing()):
            yield out
        if self._chain.observes_response and not self._cut:
            hook = ResponseHook(self._context, self._decoder.finish())
            await self._chain.run(hook, self._decisions, self._trace)

    async def _closing(self) -> AsyncIterator[bytes | None]:
        async for out in self._decisions_left():  # what a caller of feed_now left undecided
            yield out
        if self._cut:
            return
        # An event the upstream left unfinished is dropped, as the client would drop it:
        # sent, it would run into what the gateway writes after it (a refusal, the end).
        for event in self._parser.close(unfinished=False):
            parts = self._decoder.feed(event)
            self._texts.mark_last_pieces(parts)
            for part in parts:
                async for out in self._part(part):
                    yield out
        async for out in self._flush(upstream_ended=True):
            yield out

    def fail(self, message: str) -> bytes:
        """An error event in the client's format, after whatever was already sent."""
        return self._decoder.render_error(502, message)

    def _settle(self, part: StreamPart) -> bytes | None:
        """The bytes to send now for a part that needs no decision (``b""`` when it joins
        what is held), or ``None`` when it may: a start to hold, a held block's end, the
        response's end."""
        held = self._held
        if held is None:
            if self._texts.takes(part):
                return None
            if part.kind in _ENDING:
                return None
            if part.kind in _BEGINS and self._holds(part.block):
                if part.kind is PartKind.BLOCK:  # a whole block: its hold ends as it begins
                    self._held = []
                return None
            return self._decoder.forward(part)
        if part.index is not None and part.index == held[0].index:
            if part.kind is PartKind.BLOCK_STOP:
                return None
            held.append(part)
        elif part.kind is PartKind.OTHER and part.index is None and not self._backlog:
            held.append(part)  # a ping or comment keeps its place in the stream
        else:
            self._backlog.append(part)  # another block's: after the held one is decided
        return b""

    def _decide_now(self, part: StreamPart) -> bytes | None:
        """What :meth:`_decide_part` sends for ``part``, when that needs no wait: a block
        starting to be held, a tool call whose hooks finish at their first step (as rules
        do), the response's end with nothing to add. ``None`` when the part is left to
        :meth:`_decide_part` (a tool call's hook that waits goes on there, not again)."""
        held, block = self._held, part.block
        if held is not None:
            if not isinstance(block, ToolCall):  # a text block's hooks: in decide()
                return None
            hook = None
            if self._chain.reads_tool_calls:
                judged = self._judging(block)
                if judged.work is not None:
                    self._started = judged
                    return None
                hook = judged.hook
            held.append(part)
            self._held = None
            return self._tool_decided(hook, block, held)
        if self._texts.takes(part):
            return None
        if part.kind is PartKind.BLOCK_START:
            self._held = [part]
            return b""
        if self._texts.holding() or (self._chain.adds_at_end and not self._ending):
            return None
        out = b"" if self._ending else self._end_blocks([])
        return out if self._ended else out + self._decoder.forward(part)

    async def _part(self, part: StreamPart) -> AsyncIterator[bytes | None]:
        settled = self._settle(part)
        if settled is None:
            async for out in self._decide_part(part):
                yield out
        elif settled:
            yield settled

    async def _decide_part(self, part: StreamPart) -> AsyncIterator[bytes | None]:
        """A part ``_settle`` left: hold a block, decide a held one, or end the response."""
        if self._held is not None:  # the held block's last part
            self._held.append(part)
            async for out in self._release():
                yield out
        elif self._texts.takes(part):
            async for out in self._texts.part(part, self._decide):
                yield out
        elif part.kind is PartKind.BLOCK_START:
            self._held = [part]
        else:
            async for out in self._flush(upstream_ended=False):
                yield out
            if not self._ended:  # else the gateway's own end replaced the upstream's
                yield self._decoder.forward(part)

    def _holds(self, block: Block | None) -> bool:
        if isinstance(block, ToolCall):
            return self._chain.holds_tool_calls
        return isinstance(block, Text) and self._chain.holds_text_blocks

    async def _release(self) -> AsyncIterator[bytes | None]:
        """The held block is complete: decide, send or keep, then replay what queued behind."""
        held, self._held = self._held or [], None
        block = next((p.block for p in reversed(held) if p.kind in _WHOLE), None)
        if block is None:  # the upstream stopped inside the block: decide on what arrived
            block = self._decoder.finish().blocks[held[0].index or 0]
        if isinstance(block, ToolCall) and not self._chain.reads_tool_calls:
            yield self._tool_decided(None, block, held)
        elif isinstance(block, ToolCall):
            # feed_now began it, and it waits; or it is judged now
            judged, self._started = self._started or self._judging(block), None
            if judged.work is not None:
                async for out in self._waited(resumed(judged.work, judged.awaited)):
                    yield out
            yield self._tool_decided(judged.hook, block, held)
        elif isinstance(block, Text):
            decided: list[str] = []
            # In this task: None when it is about to wait, then a keepalive each interval.
            async for waiting in eagerly(self._run_text(block.text, decided), self._keepalive_s):
                yield KEEPALIVE if waiting else None
            if decided[0] == block.text:
                yield b"".join(self._decoder.forward(p) for p in held)
            else:
                yield self._decoder.render_block(Text(decided[0]))
        backlog, self._backlog = self._backlog, []
        for part in backlog:
            async for out in self._part(part):
                yield out

    def _judging(self, call: ToolCall) -> Judged:
        """``call`` judged at once (:func:`judged_now`); a call judged before this enforcer
        took the stream over is not judged again."""
        if self._judged:
            judged = self._judged.pop()
            if judged.call != call:  # (never: the same stream, read alike)
                raise ValueError("a tool call judged before reads otherwise now")
            return judged
        return judged_now(self._chain, self._context, call, self._decisions, self._trace)

    def _tool_decided(
        self, hook: ToolCallHook | None, block: ToolCall, held: list[StreamPart]
    ) -> bytes:
        """The bytes to send now for a tool call (``held``: its parts) that ``hook`` decided
        on (``None``: no hook reads tool calls, it was held only to stay after text added
        at the end): none if it was blocked (its refusal goes at the end)."""
        if hook is not None:
            self._outcome.calls += 1
            if hook.blocked is not None:
                self._outcome.blocked += 1
                self._outcome.refusals.append(Text(refusal_text(block, hook.blocked)))
                return b""
        self._tools.append(held if hook is None or hook.call == block else hook.call)
        return b"" if self._tools_last else self._send_tools()

    def _send_tools(self) -> bytes:
        """The allowed tool calls kept so far, as the client is to receive them."""
        out = b""
        for call in self._tools:
            if isinstance(call, ToolCall):
                out += self._decoder.render_block(call)  # rewritten arguments
            else:
                out += b"".join(self._decoder.forward(p) for p in call)
        self._tools = []
        return out

    def _end_blocks(self, added: list[str]) -> bytes:
        """Before the response's end: the refusals, the text ``added`` at the end, then the
        tool calls kept for the end; the gateway writes the end itself if every call was
        blocked."""
        self._ending = True
        texts = [*self._outcome.refusals, *(Text(text) for text in added)]
        out = b"".join(self._decoder.render_block(text) for text in texts)
        self._ended = self._outcome.all_blocked
        return out + self._send_tools()

    async def _run_text(self, text: str, decided: list[str]) -> None:
        decided.append(
            await self._chain.run_text(self._context, text, self._decisions, self._trace)
        )

    async def _decide(self, hook: Hook) -> AsyncIterator[bytes | None]:
        """Run the chain on ``hook`` in this task: ``None`` when it is about to wait (what
        was gathered goes first), then a keepalive every interval while it waits."""
        async for out in self._waited(self._chain.run(hook, self._decisions, self._trace)):
            yield out

    async def _waited(self, work: Coroutine[Any, Any, None]) -> AsyncIterator[bytes | None]:
        """Run ``work`` in this task, as :meth:`_decide` does."""
        async for waiting in eagerly(work, self._keepalive_s):
            yield KEEPALIVE if waiting else None

    async def _flush(self, *, upstream_ended: bool) -> AsyncIterator[bytes | None]:
        """Send refusals, then the tool calls kept for the end; write the end if all were
        blocked (the upstream's own end says ``tool_use``)."""
        if self._held is not None and upstream_ended:
            # The upstream stopped inside a held block: decide on what arrived.
            async for out in self._release():
                yield out
        async for out in self._texts.release(self._decide):  # text still held goes first
            yield out
        if not self._ending:
            self._ending = True
            added: list[str] = []
            if self._chain.adds_at_end:
                end = EndHook(self._context)
                async for keepalive in self._decide(end):
                    yield keepalive
                added = end.added
            if out := self._end_blocks(added):
                yield out
        if upstream_ended and self._ended:
            yield self._decoder.render_end("end_turn")


class BodyEnforcer:
    """The chain applied to a whole JSON response body."""

    def __init__(
        self,
        chain: Chain,
        adapter: Adapter,
        context: ExchangeContext,
        decisions: list[Decision],
        trace: ExchangeTrace | None = None,
    ) -> None:
        self._trace = trace
        self._chain = chain
        self._adapter = adapter
        self._context = context
        self._decisions = decisions
        self._chunks: list[bytes] = []
        # The body's decisions begun by close_now, while a hook waits: the coroutine and
        # what it awaits.
        self._waiting: tuple[Coroutine[Any, Any, bytes], Any] | None = None

    def feed(self, chunk: bytes) -> None:
        self._chunks.append(chunk)

    def close_now(self) -> bytes | None:
        """The body the client gets (as :meth:`close`), when the chain decides it without
        waiting, as rules do: its hooks are driven a step by hand (:mod:`.eager`). ``None``
        when one waits: :meth:`close` then goes on from there."""
        work = self._decided()
        finished, got = first_step(work)
        if finished:
            return cast(bytes, got)
        self._waiting = (work, got)
        return None

    async def close(self) -> bytes:
        """The body the client gets: the original unless a policy changed something.
        Raises :class:`~sluice.sidecar.formats.FormatError` when the body cannot be read:
        it is not passed on unread."""
        if self._waiting is not None:
            return await resumed(*self._waiting)
        return await self._decided()

    async def _decided(self) -> bytes:
        original = b"".join(self._chunks)
        response = self._adapter.parse_response(original)
        changed = await self._apply(response)
        if self._chain.observes_response:
            await self._chain.run(
                ResponseHook(self._context, response), self._decisions, self._trace
            )
        return self._adapter.render_response(response, original) if changed else original

    async def _apply(self, response: Response) -> bool:
        texts: list[Block] = []
        calls: list[Block] = []
        outcome = _Outcome()
        changed = False
        for block in response.blocks:
            if isinstance(block, ToolCall) and self._chain.reads_tool_calls:
                hook = ToolCallHook(self._context, block)
                await self._chain.run(hook, self._decisions, self._trace)
                outcome.calls += 1
                if hook.blocked is not None:
                    outcome.blocked += 1
                    texts.append(Text(refusal_text(block, hook.blocked)))
                    changed = True
                else:
                    calls.append(hook.call)
                    changed |= hook.call != block
            elif isinstance(block, Text) and self._chain.reads_text:
                text = await self._chain.run_text(
                    self._context, block.text, self._decisions, self._trace
                )
                texts.append(Text(text) if text != block.text else block)
                changed |= text != block.text
            elif isinstance(block, ToolCall):
                calls.append(block)
            else:
                texts.append(block)
        if self._chain.adds_at_end:
            end = EndHook(self._context)
            await self._chain.run(end, self._decisions, self._trace)
            texts += [Text(text) for text in end.added]
            changed |= bool(end.added)
        if changed:
            response.blocks = texts + calls  # tool calls last, as Anthropic requires
            if outcome.all_blocked and response.stop_reason == "tool_use":
                response.stop_reason = "end_turn"
        return changed
