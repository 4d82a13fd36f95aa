"""Checks the OpenAI APIs make on a request, worded as they word them.

Chat Completions: required fields, roles, ``stream_options`` only with ``stream``, and each
assistant ``tool_calls`` id answered by a ``tool`` message. Responses: the model, and each
``function_call`` input item paired with its ``function_call_output`` (unless the request
continues a stored response, whose items the fake cannot see).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._body import NotJson, parse_object
from ._errors import InvalidRequest

if TYPE_CHECKING:
    from ._wire import JSON

__all__ = ["check_chat", "check_responses", "parse_openai_body"]

_NOT_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
    "sent was not valid JSON. If you have trouble figuring out how to fix this, please "
    "contact us through our help center at help.openai.com.)"
)


def parse_openai_body(raw: bytes) -> JSON:
    """The request body as a JSON object; the API's own refusal when it is not one."""
    try:
        return parse_object(raw)
    except NotJson:
        raise InvalidRequest(_NOT_JSON) from None


_CHAT_ROLES = ("system", "assistant", "user", "function", "tool", "developer")


def check_chat(body: JSON) -> None:
    """Check a Chat Completions request: fields, roles, tool calls answered by tool messages."""
    if "model" not in body:
        raise InvalidRequest("you must provide a model parameter")
    messages = body.get("messages")
    if messages is None:
        raise InvalidRequest(
            "Missing required parameter: 'messages'.",
            param="messages",
            code="missing_required_parameter",
        )
    if not isinstance(messages, list) or not messages:
        raise InvalidRequest(
            "Invalid 'messages': empty array. Expected an array with minimum length 1, but got "
            "an empty array instead.",
            param="messages",
            code="empty_array",
        )
    if body.get("stream_options") is not None and body.get("stream") is not True:
        # What a gateway injecting include_usage into every request runs into.
        raise InvalidRequest(
            "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
            param="stream_options",
        )
    expected: set[str] | None = None  # ids the current run of tool messages may answer
    pending: set[str] = set()
    for index, message in enumerate(messages):
        role = message.get("role") if isinstance(message, dict) else None
        if role not in _CHAT_ROLES:
            raise InvalidRequest(
                f"Invalid value: '{role}'. Supported values are: 'system', 'assistant', "
                "'user', 'function', 'tool', and 'developer'.",
                param=f"messages[{index}].role",
                code="invalid_value",
            )
        if role == "tool":
            if expected is None:
                raise InvalidRequest(
                    "Invalid parameter: messages with role 'tool' must be a response to a "
                    "preceeding message with 'tool_calls'.",  # sic, as the API spells it
                    param=f"messages.[{index}].role",
                )
            call_id = message.get("tool_call_id")
            if call_id not in expected:
                raise InvalidRequest(
                    f"Invalid parameter: 'tool_call_id' of '{call_id}' not found in "
                    "'tool_calls' of previous message.",
                    param=f"messages.[{index}].tool_call_id",
                )
            pending.discard(call_id)
            continue
        _check_answered(pending, index)
        calls = message.get("tool_calls") if role == "assistant" else None
        expected = {str(call.get("id")) for call in calls} if calls else None
        pending = set(expected or ())
    _check_answered(pending, len(messages))


def _check_answered(pending: set[str], index: int) -> None:
    if pending:
        raise InvalidRequest(
            "An assistant message with 'tool_calls' must be followed by tool messages "
            "responding to each 'tool_call_id'. The following tool_call_ids did not have "
            f"response messages: {', '.join(sorted(pending))}",
            param=f"messages.[{index}].role",
        )


def check_responses(body: JSON) -> None:
    """Check a Responses request: the model, and function calls paired with their outputs
    (unless the conversation continues a stored response)."""
    if "model" not in body:
        raise InvalidRequest(
            "Missing required parameter: 'model'.",
            param="model",
            code="missing_required_parameter",
        )
    items = body.get("input")
    if not isinstance(items, list) or body.get("previous_response_id") or body.get("conversation"):
        return
    calls: list[str] = []
    outputs: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        call_id = str(item.get("call_id"))
        if item.get("type") == "function_call":
            calls.append(call_id)
        elif item.get("type") == "function_call_output":
            if call_id not in calls:
                raise InvalidRequest(
                    f"No tool call found for function call output with call_id {call_id}.",
                    param="input",
                )
            outputs.add(call_id)
    for call_id in calls:
        if call_id not in outputs:
            raise InvalidRequest(
                f"No tool output found for function call {call_id}.", param="input"
            )
