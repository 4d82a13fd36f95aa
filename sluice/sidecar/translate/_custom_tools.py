"""OpenAI's custom (freeform) tools on a backend that only knows JSON tools.

A Responses custom tool (Codex's ``apply_patch``) takes one free-form string, optionally
constrained by a grammar. Anthropic (and Chat) tools take a JSON object, so a custom tool is
declared as a tool whose input is an object with one required string property, ``input``::

    {"type": "custom", "name": "apply_patch", "description": "Edit files.",
     "format": {"type": "grammar", "syntax": "lark", "definition": "start: ..."}}
    ->
    {"name": "apply_patch",
     "description": "Edit files.\\n\\nCall this tool with one argument, `input`: ...",
     "input_schema": {"type": "object", "required": ["input"],
                      "properties": {"input": {"type": "string", "description": ...}}}}

The backend cannot constrain its output to a grammar, so the grammar is given to the model
as text in the description when it is at most :data:`GRAMMAR_SHOWN` characters (Codex's
``apply_patch`` grammar is well under that: the model needs its exact syntax to write a
patch that applies), else only its syntax is named; either way the request records that the
grammar is not enforced. The model's call comes back as ``{"input": "<text>"}``: its string
is the custom call's input (:class:`CustomInput` decodes it as it streams).
"""

from __future__ import annotations

import json
import re

from sluice.sidecar.translate._common import JSON, Translated

__all__ = ["GRAMMAR_SHOWN", "INPUT", "CustomInput", "custom_input", "custom_names", "custom_tool"]

INPUT = "input"  # the one property of a custom tool's input object
GRAMMAR_SHOWN = 4096  # the longest grammar definition written into the tool's description


def custom_names(request: JSON) -> frozenset[str]:
    """The names of the custom tools the Responses ``request`` declares."""
    tools = request.get("tools")
    declared = tools if isinstance(tools, list) else []
    return frozenset(
        str(tool.get("name"))
        for tool in declared
        if isinstance(tool, dict) and tool.get("type") == "custom"
    )


def custom_tool(tool: JSON, out: Translated) -> JSON:
    """The Anthropic tool declaring the custom ``tool``; what is not carried is recorded."""
    name = str(tool.get("name"))
    lines = [str(tool["description"])] if tool.get("description") else []
    lines.append(
        f"Call this tool with one argument, `{INPUT}`: the tool's whole input as plain text, "
        "exactly as it should be received."
    )
    format_ = tool.get("format")
    if isinstance(format_, dict) and format_.get("type") == "grammar":
        syntax = format_.get("syntax") or "a"
        definition = str(format_.get("definition") or "")
        if len(definition) <= GRAMMAR_SHOWN:
            lines.append(f"The input must follow this {syntax} grammar:\n{definition}")
            out.drop(f"tools.{name}.format (the grammar is in the description, not enforced)")
        else:
            lines.append(f"The input must follow the tool's {syntax} grammar.")
            out.drop(f"tools.{name}.format (a grammar of {len(definition)} characters)")
    text = {"type": "string", "description": "The tool's input, free-form text."}
    return {
        "name": name,
        "description": "\n\n".join(lines),
        "input_schema": {"type": "object", "properties": {INPUT: text}, "required": [INPUT]},
    }


def custom_input(arguments: object) -> str:
    """The custom call's input for the backend's tool input (parsed, or its JSON text): its
    ``input`` string; a model that answered otherwise has its arguments' JSON text passed on,
    so nothing it wrote is lost."""
    parsed = arguments
    if isinstance(arguments, str):
        try:
            parsed = json.loads(arguments or "{}")
        except ValueError:
            return arguments
    if isinstance(parsed, dict) and isinstance(value := parsed.get(INPUT), str):
        return _whole(value)
    return arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)


def _whole(text: str) -> str:
    """``text`` with any lone surrogate (an escape JSON allows, UTF-8 cannot carry) as
    U+FFFD, as :class:`CustomInput` streams it."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


_HEAD = re.compile(r'\s*\{\s*"input"\s*:\s*"')
_SPECIAL = re.compile(r'[\\"]')
_HEX = re.compile(r"[0-9a-fA-F]{4}")
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_HEAD_LONGEST = 64  # the opening `{"input": "` with generous whitespace


class CustomInput:
    """Decodes the ``input`` string of a streamed ``{"input": "..."}`` as it arrives::

        decoder = CustomInput()
        decoder.feed('{"inp') == ""
        decoder.feed('ut": "a\\\\')  == "a"      # an escape split between fragments waits
        decoder.feed('nb"}') == "\\nb"

    Only the string is decoded, escape by escape: nothing is kept but the few characters of
    an escape cut between fragments. JSON of another shape (another key first, the value
    not a string) stops the deltas; the call's whole input, read at its end with
    :func:`custom_input`, is then what the client receives in full.
    """

    __slots__ = ("_head", "_pending", "_state", "_surrogate")

    def __init__(self) -> None:
        self._state = "head"  # "head", "string", "end" (the string closed) or "other"
        self._head = ""  # the object's opening, until the string starts
        self._pending = ""  # an escape not yet complete
        self._surrogate = ""  # a high surrogate waiting for its low half

    def feed(self, fragment: str) -> str:
        """The input text that ``fragment`` of the JSON completes."""
        if self._state == "head":
            self._head += fragment
            match = _HEAD.match(self._head)
            if match is None:
                if len(self._head) > _HEAD_LONGEST or not _may_open(self._head):
                    self._state = "other"
                return ""
            self._state, fragment, self._head = "string", self._head[match.end() :], ""
        if self._state != "string":
            return ""
        return self._string(self._pending + fragment)

    def _string(self, text: str) -> str:
        out: list[str] = []
        self._pending = ""
        at = 0
        while (found := _SPECIAL.search(text, at)) is not None:
            self._plain(out, text[at : found.start()])
            if found[0] == '"':
                self._state = "end"
                self._plain(out, "")
                return "".join(out)
            escape = text[found.start() : found.start() + 6]
            if len(escape) < 2 or (escape[1] == "u" and len(escape) < 6):
                self._pending = text[found.start() :]  # cut: wait for the rest
                return "".join(out)
            if escape[1] == "u":
                if not _HEX.fullmatch(escape[2:6]):
                    self._state = "other"  # not JSON: the whole input, read at the end
                    return "".join(out)
                out.append(self._unicode(int(escape[2:6], 16)))
                at = found.start() + 6
            else:
                self._plain(out, _ESCAPES.get(escape[1], escape[1]))
                at = found.start() + 2
        self._plain(out, text[at:])
        return "".join(out)

    def _unicode(self, code: int) -> str:
        if 0xDC00 <= code < 0xE000 and self._surrogate:  # the low half of a pair
            pair = (self._surrogate + chr(code)).encode("utf-16", "surrogatepass")
            self._surrogate = ""
            return pair.decode("utf-16")
        lone = "\ufffd" if self._surrogate else ""
        self._surrogate = ""
        if 0xD800 <= code < 0xDC00:  # the high half: wait for the low one
            self._surrogate = chr(code)
            return lone
        return lone + (chr(code) if not 0xD800 <= code < 0xE000 else "\ufffd")

    def _plain(self, out: list[str], text: str) -> None:
        """Add decoded ``text``; a high surrogate still waiting was alone (the string ended
        when ``text`` is empty here only at its closing quote)."""
        if self._surrogate and (text or self._state == "end"):
            out.append("\ufffd")
            self._surrogate = ""
        out.append(text)


def _may_open(head: str) -> bool:
    """Whether ``head`` may still grow into the opening `{"input": "`."""
    probe = head.lstrip()
    for expected in ("{", '"input"', ":", '"'):
        if not probe:
            return True
        if expected in ("{", ":", '"'):
            if probe[0] != expected:
                return False
            probe = probe[1:].lstrip()
        elif not (probe.startswith(expected) or expected.startswith(probe)):
            return False
        else:
            probe = probe[len(expected) :].lstrip()
    return True
