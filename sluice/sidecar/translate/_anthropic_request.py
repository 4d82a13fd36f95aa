"""The pieces of an Anthropic Messages request that both OpenAI request translators (Chat
Completions, :mod:`._request_chat_to_anthropic`; Responses,
:mod:`._request_responses_to_anthropic`) build the same way."""

from __future__ import annotations

from sluice.sidecar.translate._common import JSON, Translated

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "append_turn",
    "image_block",
    "max_tokens",
    "tool_choice",
    "word_choice",
]

# Anthropic requires ``max_tokens``; a request without a limit gets this one (recorded).
DEFAULT_MAX_TOKENS = 4096


def max_tokens(out: Translated, limit: object) -> None:
    """Set the request's ``max_tokens`` to the client's ``limit``, or, when it gave none,
    to :data:`DEFAULT_MAX_TOKENS`, recorded."""
    if limit is None:
        out.drop(f"max_tokens (none given: {DEFAULT_MAX_TOKENS} sent)")
    out.body["max_tokens"] = limit if limit is not None else DEFAULT_MAX_TOKENS


def append_turn(messages: list[JSON], role: str, blocks: list[JSON]) -> None:
    """Add ``blocks`` as a turn of ``role``, joining the previous turn of the same role
    (an assistant message and its tool calls make one assistant turn; tool results and
    the user's text after them one user turn)."""
    if not blocks:
        return
    if messages and messages[-1]["role"] == role:
        messages[-1]["content"] += blocks
    else:
        messages.append({"role": role, "content": blocks})


def image_block(url: str) -> JSON:
    """An image block for an OpenAI image URL: a ``data:`` URL's base64, else the URL."""
    if url.startswith("data:") and ";base64," in url:
        media_type, _, data = url[len("data:") :].partition(";base64,")
        source = {"type": "base64", "media_type": media_type, "data": data}
    else:
        source = {"type": "url", "url": url}
    return {"type": "image", "source": source}


# The words both OpenAI APIs use for a tool choice -> Anthropic's choice types.
_WORDS = {"auto": "auto", "required": "any", "none": "none"}


def word_choice(choice: object) -> JSON | None:
    """Anthropic's ``tool_choice`` for an OpenAI choice given as a word (``auto``,
    ``required``, ``none``); ``None`` for anything else."""
    if isinstance(choice, str) and choice in _WORDS:
        return {"type": _WORDS[choice]}
    return None


def tool_choice(obj: JSON, body: JSON, choice: JSON | None) -> None:
    """Set ``body``'s ``tool_choice`` to ``choice`` (``None``: the default), with
    ``disable_parallel_tool_use`` when the client's ``obj`` turned parallel calls off; only
    when ``body`` has tools, as Anthropic refuses a choice without them."""
    if obj.get("parallel_tool_calls") is False and "tools" in body:
        choice = (choice or {"type": "auto"}) | {"disable_parallel_tool_use": True}
    if choice is not None and "tools" in body:
        body["tool_choice"] = choice
