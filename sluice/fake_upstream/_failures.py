"""``x-fake-fail-first``: the first requests of a key fail, later ones succeed (a provider
that recovers, or one provider failing before the next serves), on every personality."""

from __future__ import annotations

from aiohttp import web

from ._errors import InvalidRequest
from ._scripts import SCRIPT_NAMES, Script, build_script

__all__ = ["FAILURES", "failure_now"]

FAILURES = web.AppKey("failures", dict[str, int])  # x-fake-fail-key -> requests seen


def failure_now(request: web.Request) -> Script | None:
    """``x-fake-fail-first: N``: the first N requests with this ``x-fake-fail-key`` fail
    with the error script ``x-fake-fail-with`` (default ``error_429``); later ones don't."""
    first = request.headers.get("x-fake-fail-first")
    if first is None:
        return None
    if not first.isdigit():
        raise InvalidRequest(f"x-fake-fail-first: expected an integer >= 0, got {first!r}")
    name = request.headers.get("x-fake-fail-with", "error_429")
    script = build_script(name) if name in SCRIPT_NAMES else None
    if script is None or script.error is None:
        raise InvalidRequest(f"x-fake-fail-with: not an error script: {name!r}")
    seen = request.app[FAILURES]
    key = request.headers.get("x-fake-fail-key", "")
    seen[key] = seen.get(key, 0) + 1
    return script if seen[key] <= int(first) else None
