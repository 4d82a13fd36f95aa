"""Anthropic thinking signatures carried through a Responses client.

A Responses client keeps reasoning as ``reasoning`` items and sends them back, opaque, in
``encrypted_content``. An Anthropic signature travels there with a prefix, so that on the
way back a signature Anthropic issued can be told from OpenAI's own encrypted reasoning
(which Anthropic would refuse): only a prefixed one becomes a thinking block again::

    >>> encrypted_content("EqQBCkYI")
    'anthropic-signature:EqQBCkYI'
    >>> signature_of("anthropic-signature:EqQBCkYI"), signature_of("gAAAAABo")
    ('EqQBCkYI', None)
"""

from __future__ import annotations

__all__ = ["encrypted_content", "signature_of"]

_PREFIX = "anthropic-signature:"


def encrypted_content(signature: str) -> str:
    """The ``encrypted_content`` of a reasoning item for an Anthropic ``signature``."""
    return _PREFIX + signature


def signature_of(encrypted: object) -> str | None:
    """The Anthropic signature inside ``encrypted``; ``None`` when it holds none."""
    if isinstance(encrypted, str) and encrypted.startswith(_PREFIX):
        signature = encrypted[len(_PREFIX) :]
        return signature or None
    return None
