"""What a try sends and what it shows: the request body per wire format, the provider's
key headers, and the delivered response read back into text, tool calls and decisions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sluice.admin._gateway import Exchange
from sluice.config import GatewayConfig, Route
from sluice.envoy.keys import key_header
from sluice.model import Format, Response, Text, ToolCall

__all__ = [
    "TryError",
    "TryRequest",
    "provider_headers",
    "request_body",
    "result_json",
]

DEFAULT_MODELS = {
    Format.ANTHROPIC: "claude-haiku-4-5",
    Format.OPENAI_CHAT: "gpt-5-mini",
    Format.OPENAI_RESPONSES: "gpt-5-mini",
}
MAX_PROMPT = 100_000
_FIELDS = {
    "prompt": str,
    "system": str,
    "route": str,
    "model": str,
    "chain": str,
    "api_key": str,
    "stream": bool,
    "max_tokens": int,
    "proposal": dict,
}


class TryError(Exception):
    """The try request itself is wrong; the message names the key."""


@dataclass(frozen=True, slots=True)
class TryRequest:
    prompt: str
    system: str | None = None
    route: str | None = None
    model: str | None = None
    chain: str | None = None
    api_key: str | None = None
    stream: bool = True
    max_tokens: int = 1024
    proposal: dict[str, Any] | None = None

    @classmethod
    def parse(cls, body: dict[str, Any]) -> TryRequest:
        for key, value in body.items():
            kind = _FIELDS.get(key)
            if kind is None:
                raise TryError(f"{key}: unknown key (known: {', '.join(_FIELDS)})")
            if value is not None and (
                not isinstance(value, kind) or isinstance(value, bool) != (kind is bool)
            ):
                raise TryError(f"{key}: expected {kind.__name__}")
        prompt = body.get("prompt")
        if not isinstance(prompt, str) or not prompt.strip() or len(prompt) > MAX_PROMPT:
            raise TryError(f"prompt: expected text of 1 to {MAX_PROMPT} characters")
        if not 1 <= body.get("max_tokens", 1024) <= 64_000:
            raise TryError("max_tokens: expected 1 to 64000")
        return cls(**{key: value for key, value in body.items() if value is not None})


def request_body(fmt: Format, asked: TryRequest) -> bytes:
    """The request a client of ``fmt`` would send for this prompt."""
    model = asked.model or DEFAULT_MODELS[fmt]
    body: dict[str, Any]
    if fmt is Format.ANTHROPIC:
        body = {"model": model, "max_tokens": asked.max_tokens, "stream": asked.stream}
        if asked.system:
            body["system"] = asked.system
        body["messages"] = [{"role": "user", "content": asked.prompt}]
    elif fmt is Format.OPENAI_CHAT:
        messages = [{"role": "system", "content": asked.system}] if asked.system else []
        messages.append({"role": "user", "content": asked.prompt})
        body = {"model": model, "messages": messages, "stream": asked.stream}
        body["max_completion_tokens"] = asked.max_tokens
    else:
        body = {"model": model, "input": asked.prompt, "stream": asked.stream}
        body["max_output_tokens"] = asked.max_tokens
        if asked.system:
            body["instructions"] = asked.system
    return json.dumps(body).encode()


def provider_headers(
    config: GatewayConfig, provider_name: str, route: Route, asked: TryRequest
) -> dict[str, str]:
    """Headers toward the provider: the gateway's own key when the config has one, in the
    header Envoy puts it in, else the key given for this try, if any."""
    headers = {"content-type": "application/json", "accept-encoding": "identity"}
    anthropic = route.format is Format.ANTHROPIC
    if anthropic:
        headers["anthropic-version"] = "2023-06-01"
    key = config.providers[provider_name].api_key
    if key is not None:
        header, prefix = key_header(config, provider_name)
        headers[header] = prefix + key.secret.read()
    elif asked.api_key:
        if anthropic:
            headers["x-api-key"] = asked.api_key
        else:
            headers["authorization"] = f"Bearer {asked.api_key}"
    return headers


def _error_text(data: bytes) -> str | None:
    try:
        body = json.loads(data)
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("message")) if isinstance(error, dict) else None


def result_json(
    chain: str,
    status: int,
    refused: bool,
    delivered: Response | None,
    exchange: Exchange,
    timings: dict[str, float],
    raw: bytes = b"",
) -> dict[str, Any]:
    """What the client got, and what the policies decided on the way."""
    blocks = delivered.blocks if delivered is not None else []
    return {
        "chain": chain,
        "status": status,
        "refused": refused,
        "text": "".join(b.text for b in blocks if isinstance(b, Text)),
        "tool_calls": [
            {"id": b.id, "name": b.name, "arguments": b.arguments}
            for b in blocks
            if isinstance(b, ToolCall)
        ],
        "stop_reason": delivered.stop_reason if delivered is not None else None,
        "error": _error_text(raw) if delivered is None or refused else None,
        "decisions": [
            {
                "policy": d.policy,
                "hook": d.hook,
                "action": d.action,
                "reason": d.reason,
                "latency_ms": round(d.seconds * 1000, 3),
            }
            for d in exchange.decisions
        ],
        "timings_ms": {name: round(s * 1000, 3) for name, s in timings.items()},
    }
