"""A secret written out literally in a request to another service than its own: an AWS key in
a telemetry URL's query (``https://t.example/ping?ak=AKIA…``), a GitHub token in a paste's
body. The secrets are those ``redact`` finds (:data:`~sluice.policies._detectors.SECRETS`);
each kind has the hosts it is used with (an AWS key with ``amazonaws.com``), where sending it
is using it. Only a URL's path and query and a request's body are read: a token in a header
(``Authorization: Bearer …``) is how an API is called.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sluice.policies._detectors import SECRETS, find_findings

__all__ = ["leaked_secret", "may_hold_secret"]

# The hosts each kind of secret is used with; a kind not named here (a private key) has none.
_HOMES: dict[str, tuple[str, ...]] = {
    "anthropic_key": ("anthropic.com",),
    "openai_key": ("openai.com",),
    "aws_access_key_id": ("amazonaws.com", "amazon.com"),
    "aws_secret_key": ("amazonaws.com", "amazon.com"),
    "github_token": ("github.com", "githubusercontent.com"),
    "slack_token": ("slack.com",),
    "google_api_key": ("googleapis.com", "google.com"),
    "stripe_key": ("stripe.com",),
    "npm_token": ("npmjs.org", "npmjs.com"),
    "pypi_token": ("pypi.org", "pythonhosted.org"),
    "gitlab_token": ("gitlab.com",),
}
# What every secret of :data:`SECRETS` this module reads starts with (or holds).
_MAYBE_SECRET = re.compile(
    r"sk-|AKIA|ASIA|(?i:ecret)|gh[oprsu]_|github_pat_|xox|xapp-|AIza|k_live_|k_test_"
    r"|PRIVATE KEY|npm_|pypi-AgE|glpat-"
)
# Kinds that are no secret of their own to send (a JWT is a session's, sent where it was
# issued; a URL's password is given to the host it names).
_IGNORED = frozenset({"jwt", "password"})


def may_hold_secret(text: str) -> bool:
    """Whether ``text`` may hold a secret :func:`leaked_secret` reads (a cheap test)."""
    return _MAYBE_SECRET.search(text) is not None


def leaked_secret(url: str, body: str = "") -> str | None:
    """The kind of secret a request to ``url`` (with ``body``) carries literally to a host
    that is not its service's, or None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if not host:
        return None
    sent = "\n".join(filter(None, (parts.path, parts.query, parts.fragment, body)))
    if not _MAYBE_SECRET.search(sent):  # (most requests: one search, not one per kind)
        return None
    for _, _, kind, _ in find_findings(sent, SECRETS):
        homes = _HOMES.get(kind, ())
        if kind not in _IGNORED and not any(host == h or host.endswith("." + h) for h in homes):
            return kind
    return None
