"""Checking an AWS SigV4 signature the way AWS does, with botocore's own signer.

The fake Bedrock accepts requests signed with :data:`FAKE_AWS_CREDENTIALS` only, as a real
AWS account accepts its own keys: a missing, malformed or wrong signature is a 403 with
AWS's error. botocore is a development dependency (the fake upstream is a test tool).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

__all__ = ["FAKE_AWS_CREDENTIALS", "SignatureProblem", "check_sigv4"]

# (access key id, secret access key) of the fake AWS account.
FAKE_AWS_CREDENTIALS = ("AKIDSLUICEFAKE000001", "sluice-fake-secret-access-key/0123456789")

_AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/"
    r"(?P<service>[^/]+)/aws4_request, ?SignedHeaders=(?P<signed>[a-z0-9;-]+), ?"
    r"Signature=(?P<signature>[0-9a-f]{64})$"
)


class SignatureProblem(Exception):
    """Why AWS would refuse the request: ``exception`` is AWS's error type."""

    def __init__(self, exception: str, message: str) -> None:
        super().__init__(message)
        self.exception = exception
        self.message = message


def check_sigv4(
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    region: str,
    service: str,
    credentials: tuple[str, str] = FAKE_AWS_CREDENTIALS,
) -> None:
    """Raise :class:`SignatureProblem` unless the request is validly signed (``headers``
    with lower-case names, ``url`` with the path as sent)."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest, HTTPHeaders
    from botocore.credentials import Credentials

    authorization = headers.get("authorization", "")
    if not authorization:
        raise SignatureProblem(
            "MissingAuthenticationTokenException", "Missing Authentication Token"
        )
    parsed = _AUTHORIZATION.match(authorization)
    if parsed is None:
        raise SignatureProblem("IncompleteSignatureException", f"Malformed: {authorization!r}")
    key_id, secret = credentials
    if parsed["key"] != key_id:
        raise SignatureProblem(
            "UnrecognizedClientException", "The security token included in the request is invalid."
        )
    timestamp = headers.get("x-amz-date", "")
    if (
        parsed["date"] != timestamp[:8]
        or parsed["region"] != region
        or parsed["service"] != service
    ):
        raise SignatureProblem(
            "InvalidSignatureException", f"Credential should be scoped to {region}/{service}"
        )
    digest = headers.get("x-amz-content-sha256")
    if digest is not None and digest != hashlib.sha256(body).hexdigest():
        raise SignatureProblem("InvalidSignatureException", "The payload hash does not match.")
    signed = parsed["signed"].split(";")
    missing = [name for name in signed if name not in headers]
    if missing or "host" not in signed:
        raise SignatureProblem("InvalidSignatureException", f"Signed headers missing: {missing}")
    request = AWSRequest(method=method, url=url, data=body)
    for name in signed:
        request.headers[name] = headers[name]
    request.context["timestamp"] = timestamp

    class _AsSigned(SigV4Auth):  # type: ignore[misc]
        # AWS checks the headers the request says it signed; botocore, when it signs,
        # leaves some out (user-agent), which a server must not.
        def headers_to_sign(self, request: AWSRequest) -> HTTPHeaders:
            chosen = HTTPHeaders()
            for name in signed:
                chosen[name] = request.headers[name]
            return chosen

    signer = _AsSigned(Credentials(key_id, secret), service, region)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, parsed["signature"]):
        raise SignatureProblem(
            "InvalidSignatureException",
            "The request signature we calculated does not match the signature you provided. "
            f"The Canonical String for this request should have been\n{canonical}",
        )
