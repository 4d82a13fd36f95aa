"""A scripted fake of the LLM providers' APIs: the one stand-in for a real upstream.

Tests, benchmarks and ``make demo`` put real Envoy and the sidecar in front of it and drive
it with the official ``openai`` and ``anthropic`` SDKs. It speaks the wire formats exactly:

==================================  =================================================
``POST /v1/messages``               Anthropic Messages (``?beta=true`` accepted)
``POST /v1/messages/count_tokens``  Anthropic token counting
``POST /v1/chat/completions``       OpenAI Chat Completions
``POST /v1/responses``              OpenAI Responses
``GET /v1/models``                  models and script names (Anthropic's shape when the
                                    request has ``anthropic-version`` or ``x-api-key``)
``GET /``, ``HEAD /``               200, empty: a connectivity probe
``GET /_fake/requests``             the recorded requests as JSON, oldest first
``DELETE /_fake/requests``          forget them
anything else                       404 with a JSON error, in the caller's format
==================================  =================================================

Every reply, streamed (``"stream": true``) or not, follows a script:

==================  ===========================================================
``text``            a short multi-sentence answer (the default)
``long``            many text deltas (``x-fake-events``, default 200), then the
                    ``x-fake-tool`` calls, if any
``tools``           a text block, then two parallel tool calls: Bash
                    ``{"command": "ls -la"}`` and Read ``{"file_path": "/etc/hosts"}``
``thinking``        a signed thinking block, then text
``thinking_tools``  thinking, text, then the two tool calls
``error_400``       400 invalid request (prompt too long)
``error_429``       429 rate limited, with ``retry-after: 1``
``error_500``       500 server error
``error_529``       529 ``overloaded_error`` (OpenAI formats: 503)
``midstream_error`` the ``tools`` reply, but a stream ends in the format's error event
                    after one text delta
``malformed``       the ``tools`` reply, but one streamed event carries truncated JSON
``early_close``     the ``tools`` reply, but a stream's connection drops after one delta
``judge``           a judge's verdict on the last user message, as JSON text:
                    ``{"verdict": "block", "risk": 0.9, "reason": ...}`` when it
                    holds ``rm -rf`` or ``DANGER``, else ``allow`` with risk 0.1
``judge_slow``      the ``judge`` reply after 30 s (``x-fake-delay-ms`` changes it)
``judge_error``     500 server error, for a judge that fails
==================  ===========================================================

A judging policy configured with ``model: judge`` (or ``judge_slow``, ``judge_error``)
and the fake's URL gets these verdicts through the real gateway.

The three fault scripts answer a non-streamed request normally, as a real upstream answers
the retry (without ``stream``) that Claude Code makes after a failed stream.

Request headers choose the script and shape the delivery:

========================  ==========================================================
``x-fake-script``         a script name; without it, the body's ``model`` if it names
                          a script (``"model": "tools"``), else ``tools`` when
                          ``x-fake-tool`` is given, else ``text``
``x-fake-tool``           ``{"name": "Bash", "arguments": {"command": "rm -rf /"}}``:
                          the tool scripts make this call instead of their two. Repeat
                          the header, or give a JSON array, for several calls;
                          ``arguments`` may be a string of exact JSON object text
``x-fake-after-tools``    a script name: it answers instead, ``x-fake-script`` and
                          ``x-fake-tool`` aside, when the last message returns tool
                          results (an agent's turn after its tools ran), so one
                          header set scripts a whole tool round trip
``x-fake-events``         the number of text deltas of ``long``
``x-fake-text``           the answer of ``text``, or the text before the tool calls
``x-fake-pace-ms``        milliseconds between writes (default 0)
``x-fake-delay-ms``       milliseconds to wait before answering at all (default 0;
                          ``judge_slow``: 30000)
``x-fake-chunking``       ``whole`` (default: one write per event), ``batch`` (2 to 8
                          events per write) or ``split`` (cuts at any byte, inside
                          ``\\r\\n`` and multi-byte UTF-8 included)
``x-fake-seed``           seed of the ``batch`` and ``split`` boundaries (default 0)
``x-fake-personality``    ``openai`` (default) or ``compatible``: Chat Completions as
                          OpenAI-compatible servers send it (thinking as
                          ``reasoning_content``, no ``system_fingerprint``)
``x-fake-line-ending``    ``lf`` (default), ``crlf`` or ``cr``
``x-fake-content-type``   the ``content-type`` to send instead of the right one (a JSON
                          body labelled ``text/event-stream``, a stream labelled
                          ``application/json``)
``x-fake-fail-first``     ``N``: the first N requests carrying the same
                          ``x-fake-fail-key`` answer ``x-fake-fail-with`` (an error
                          script, default ``error_429``); later ones succeed. Counted
                          across the personalities (Anthropic, OpenAI, Bedrock,
                          Vertex AI): one provider fails, the next serves
========================  ==========================================================

A malformed directive is a 400 naming the header, so a mistyped test fails loudly.

The same request always gets the same reply, ids included (only OpenAI's ``created``
timestamps move), so a reply read through a gateway compares byte for byte with the same
request sent directly; different requests never share an id.

Requests are validated as the real APIs validate them (tool calls answered by results with
the same ids, a tool call last in its turn, unique tool names, thinking blocks returned
unaltered, see ``thinking_signature``), so a conversation a gateway rewrote badly fails
here as in production.

In a test::

    async with FakeUpstream() as upstream:
        client = anthropic.AsyncAnthropic(base_url=upstream.url, api_key="test")
        message = await client.messages.create(
            model="tools", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
        )
        assert upstream.requests.last.json()["model"] == "tools"

OpenAI clients take ``base_url=f"{upstream.url}/v1"``. As a process:
``python -m sluice.fake_upstream --host 127.0.0.1 --port 0`` prints
``listening on http://127.0.0.1:PORT`` and serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

from ._app import REQUEST_LOG, create_app
from ._record import RecordedRequest, RequestLog
from ._runner import FakeUpstream
from ._scripts import SCRIPT_NAMES
from ._signature import thinking_signature

__all__ = [
    "REQUEST_LOG",
    "SCRIPT_NAMES",
    "FakeUpstream",
    "RecordedRequest",
    "RequestLog",
    "create_app",
    "thinking_signature",
]
