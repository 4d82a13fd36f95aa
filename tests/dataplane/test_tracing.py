"""OpenTelemetry traces through the real gateway: Envoy's spans and the sidecar's, the judge's
call and the event-log write in one trace, received by an OTLP receiver started here.

The gateway samples none of the requests that come without a ``traceparent`` (sampling 0),
so every trace here is one a client asked for, and an untraced request leaves nothing.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator

import pytest

from sluice.model import Format
from tests.dataplane.clients import ask
from tests.dataplane.conftest import track
from tests.harness import FakeUpstream, Gateway, gateway_config, short_tempdir, start_gateway
from tests.otlp import ReceivedSpan, Receiver, otlp_receiver

EXT_PROC_SPAN = "async envoy.service.ext_proc.v3.ExternalProcessor.Process egress"


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    with otlp_receiver() as started:
        yield started


@pytest.fixture(scope="module")
def traced(upstream: FakeUpstream, receiver: Receiver) -> Iterator[Gateway]:
    judge = {"api": "openai", "base_url": upstream.url, "api_key": "sk-judge", "model": "judge"}
    with short_tempdir() as base:
        config = gateway_config(
            upstream.url,
            base / "run",
            policies=[{"name": "tool_judge", "config": {"judge": judge}}],
            tracing={"endpoint": receiver.endpoint, "sampling": 0.0},
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway


def traceparent() -> tuple[str, str, str]:
    """A client's sampled W3C traceparent, with its trace id and span id."""
    trace_id, span_id = secrets.token_hex(16), secrets.token_hex(8)
    return f"00-{trace_id}-{span_id}-01", trace_id, span_id


def tool(command: str) -> str:
    return json.dumps([{"name": "Bash", "arguments": {"command": command}}])


def trace_of(receiver: Receiver, trace_id: str, *names: str) -> dict[str, ReceivedSpan]:
    """The spans of ``trace_id`` by name, once those ``names`` all arrived."""

    def complete(spans: list[ReceivedSpan]) -> bool:
        return set(names) <= {s.name for s in spans if s.trace_id == trace_id}

    spans = receiver.wait_for(complete)
    found = {s.name: s for s in spans if s.trace_id == trace_id}
    assert set(names) <= set(found), f"missing {set(names) - set(found)}; got {sorted(found)}"
    return found


async def test_one_trace_from_the_client_to_the_provider(
    traced: Gateway, receiver: Receiver, upstream: FakeUpstream
) -> None:
    header, trace_id, client_span = traceparent()
    upstream.clear()
    reply = await ask(
        traced.url,
        Format.ANTHROPIC,
        stream=True,
        script="tools",
        headers={"traceparent": header, "x-fake-tool": tool("ls -la")},
    )
    assert reply.tool_calls == (("Bash", {"command": "ls -la"}),)  # the judge allowed it

    spans = trace_of(
        receiver,
        trace_id,
        "chat claude-sonnet-4-6",
        "policy tool_judge tool_call",
        "chat judge",
        "event_log.write",
        EXT_PROC_SPAN,
    )
    exchange = spans["chat claude-sonnet-4-6"]
    hook = spans["policy tool_judge tool_call"]
    judge = spans["chat judge"]
    write = spans["event_log.write"]
    ext_proc = spans[EXT_PROC_SPAN]
    envoy = [s for s in spans.values() if s.service == "sluice-envoy"]
    ingress = next(s for s in envoy if s.kind == "server")
    upstream_span = next(s for s in envoy if s.kind == "client" and s is not ext_proc)

    # The tree: client -> Envoy -> ext_proc stream -> exchange -> hook -> judge; the
    # event-log writer's span (another process) under the exchange.
    assert ingress.parent_id == client_span
    assert ext_proc.parent_id == ingress.span_id
    assert upstream_span.parent_id == ingress.span_id
    assert exchange.parent_id == ext_proc.span_id
    assert hook.parent_id == exchange.span_id
    assert judge.parent_id == hook.span_id
    assert write.parent_id == exchange.span_id
    assert (exchange.service, judge.service, write.service) == (
        "sluice",
        "sluice",
        "sluice-event-log",
    )
    assert (exchange.kind, judge.kind) == ("server", "client")

    assert exchange.attributes["gen_ai.operation.name"] == "chat"
    assert exchange.attributes["gen_ai.request.model"] == "claude-sonnet-4-6"
    assert exchange.attributes["gen_ai.request.max_tokens"] == 2048
    assert exchange.attributes["gen_ai.provider.name"] == "anthropic"
    assert exchange.attributes["gen_ai.usage.output_tokens"] == reply.output_tokens
    assert exchange.attributes["gen_ai.usage.input_tokens"] > 0
    assert exchange.attributes["gen_ai.response.finish_reasons"] == ["tool_use"]
    assert exchange.attributes["sluice.outcome"] == "ok"
    assert exchange.attributes["sluice.exchange.id"] == write.attributes["sluice.exchange.id"]
    assert hook.attributes["sluice.decision"] == "pass"
    assert judge.attributes["gen_ai.request.model"] == "judge"
    assert judge.attributes["gen_ai.provider.name"] == "openai"

    # The provider got the trace: the parent is Envoy's span for the attempt.
    sent = [
        r
        for r in upstream.requests()
        if r["path"].startswith("/v1/messages")
        and r["headers"].get("traceparent", "").split("-")[1:2] == [trace_id]
    ]
    assert len(sent) == 1
    assert sent[0]["headers"]["traceparent"].split("-")[2] == upstream_span.span_id
    # And the judge's request carries the judge span's context.
    judged = [
        r
        for r in upstream.requests()
        if r["path"] == "/v1/chat/completions"
        and r["headers"].get("traceparent", "").split("-")[1:2] == [trace_id]
    ]
    assert [r["headers"]["traceparent"].split("-")[2] for r in judged] == [judge.span_id]


@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
async def test_a_blocked_tool_call_is_in_the_trace(
    traced: Gateway, receiver: Receiver, stream: bool
) -> None:
    header, trace_id, _ = traceparent()
    reply = await ask(
        traced.url,
        Format.OPENAI_CHAT,
        stream=stream,
        script="tools",
        headers={"traceparent": header, "x-fake-tool": tool("rm -rf /")},
    )
    assert reply.tool_calls == ()
    spans = trace_of(
        receiver, trace_id, "chat gpt-5", "policy tool_judge tool_call", EXT_PROC_SPAN, "ingress"
    )
    hook = spans["policy tool_judge tool_call"]
    assert hook.attributes["sluice.decision"] == "block"
    assert "rated this call unsafe" in hook.attributes["sluice.decision.reason"]
    exchange = spans["chat gpt-5"]
    assert exchange.attributes["sluice.outcome"] == "blocked"
    assert exchange.attributes["gen_ai.provider.name"] == "openai"
    assert exchange.attributes["gen_ai.response.finish_reasons"] == ["tool_calls"]
    # The sidecar's spans hang under Envoy's, in the client's trace.
    assert exchange.parent_id == spans[EXT_PROC_SPAN].span_id
    assert spans["ingress"].service == "sluice-envoy"


async def test_unsampled_requests_leave_no_span(
    traced: Gateway, receiver: Receiver, upstream: FakeUpstream
) -> None:
    before = {s.trace_id for s in receiver.spans()}
    unsampled = f"00-{secrets.token_hex(16)}-{secrets.token_hex(8)}-00"
    await ask(traced.url, Format.ANTHROPIC, stream=True, script="text")
    await ask(
        traced.url, Format.ANTHROPIC, stream=True, script="text", headers={"traceparent": unsampled}
    )
    # A sampled request after them: once its spans are in, theirs would be too.
    header, trace_id, _ = traceparent()
    await ask(
        traced.url, Format.ANTHROPIC, stream=True, script="text", headers={"traceparent": header}
    )
    trace_of(receiver, trace_id, "chat claude-sonnet-4-6", "event_log.write")
    assert {s.trace_id for s in receiver.spans()} - before == {trace_id}


@pytest.fixture(scope="module")
def failing_over(upstream: FakeUpstream, receiver: Receiver) -> Iterator[Gateway]:
    """Anthropic's API first, then a backup of the same API; no retries of Envoy's own."""
    once = {"retries": {"max_retries": 0}, "circuit_breaker": {"consecutive_failures": 1000}}
    with short_tempdir() as base:
        config = gateway_config(
            upstream.url,
            base / "run",
            providers={
                "anthropic": {"base_url": upstream.url, **once},
                "backup": {"base_url": upstream.url, **once},
            },
            routes=[
                {
                    "path": "/v1/messages",
                    "format": "anthropic",
                    "provider": "anthropic",
                    "failover": ["backup"],
                },
                {"path": "/v1/chat/completions", "format": "openai_chat", "provider": "openai"},
            ],
            tracing={"endpoint": receiver.endpoint, "sampling": 0.0},
        )
        with track(start_gateway(base, config)) as gateway:
            yield gateway


async def test_a_failover_is_in_the_requests_trace(
    failing_over: Gateway, receiver: Receiver
) -> None:
    header, trace_id, _ = traceparent()
    first_fails = {
        "x-fake-fail-first": "1",
        "x-fake-fail-with": "error_529",
        "x-fake-fail-key": secrets.token_hex(8),
    }
    reply = await ask(
        failing_over.url,
        Format.ANTHROPIC,
        stream=True,
        script="text",
        headers={"traceparent": header, **first_fails},
    )
    assert reply.text
    names = ("router provider_anthropic egress", "router provider_backup egress")
    trace_of(receiver, trace_id, *names, "chat claude-sonnet-4-6")

    def both_exchanges(spans: list[ReceivedSpan]) -> bool:
        mine = [s for s in spans if s.trace_id == trace_id]
        return sum(s.name == EXT_PROC_SPAN for s in mine) == 2 and (
            sum(s.name == "chat claude-sonnet-4-6" for s in mine) == 2
        )

    spans = [s for s in receiver.wait_for(both_exchanges) if s.trace_id == trace_id]
    by_id = {s.span_id: s for s in spans}
    ingresses = [s for s in spans if s.name == "ingress"]
    client = next(s for s in ingresses if s.parent_id not in by_id)  # under the client's span
    failover = next(s for s in ingresses if s is not client)
    # The failover's request is the client's exchange's child: its Envoy spans, and the
    # sidecar's exchange that adapts it to the backup, hang under it.
    exchange = by_id[failover.parent_id]
    assert exchange.name == "chat claude-sonnet-4-6"
    assert by_id[exchange.parent_id].name == EXT_PROC_SPAN
    assert by_id[by_id[exchange.parent_id].parent_id] is client
    assert exchange.attributes["sluice.provider"] == "backup"  # who answered in the end
    routers = {s.name: by_id[s.parent_id] for s in spans if s.name in names}
    assert routers == {names[0]: client, names[1]: failover}
