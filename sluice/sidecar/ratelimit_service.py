"""Envoy's rate-limit service (``envoy.service.ratelimit.v3``), answering from :class:`Budgets`.

Envoy's ``ratelimit`` filter asks twice per exchange (see :mod:`sluice.envoy.ratelimits`):

- before the request goes upstream, with ``hits_addend`` 0: is any budget of this client
  or team exhausted? Over the limit, Envoy answers the client 429 with the ``retry-after``
  this service adds (the seconds until the window ends);
- when the stream is done (``apply_on_stream_done``), with ``hits_addend`` the tokens the
  exchange used, which the sidecar put in the stream's dynamic metadata: charge them.

Each descriptor is ``[(client|team, value), (per, second|minute|hour|day)]``. A descriptor
this service has no budget for is always allowed. The answer never waits for the store.
"""

from __future__ import annotations

import grpc
from envoy.config.core.v3.base_pb2 import HeaderValue
from envoy.service.ratelimit.v3 import rls_pb2 as pb
from envoy.service.ratelimit.v3 import rls_pb2_grpc as pb_grpc
from google.protobuf.duration_pb2 import Duration

from sluice.config import Period
from sluice.sidecar.budgets import CLIENT, TEAM, Budgets, Verdict

__all__ = ["PERIOD_KEY", "RateLimitServer"]

PERIOD_KEY = "per"
_PERIODS = {period.value: period.seconds for period in Period}
_UNITS = {
    1: pb.RateLimitResponse.RateLimit.SECOND,
    60: pb.RateLimitResponse.RateLimit.MINUTE,
    3600: pb.RateLimitResponse.RateLimit.HOUR,
    86400: pb.RateLimitResponse.RateLimit.DAY,
}
_OK = pb.RateLimitResponse.OK
_OVER = pb.RateLimitResponse.OVER_LIMIT
_ALL_OK = pb.RateLimitResponse(overall_code=_OK)
_UINT32_MAX = 2**32 - 1  # RateLimit.requests_per_unit and limit_remaining are uint32


class RateLimitServer(pb_grpc.RateLimitServiceServicer):  # type: ignore[misc]  # no stubs
    """The RateLimitService, counting token budgets in this worker's :class:`Budgets`."""

    def __init__(self, budgets: Budgets) -> None:
        self.budgets = budgets

    async def ShouldRateLimit(
        self,
        request: pb.RateLimitRequest,
        context: grpc.aio.ServicerContext[pb.RateLimitRequest, pb.RateLimitResponse],
    ) -> pb.RateLimitResponse:
        return self.decide(request)

    def decide(self, request: pb.RateLimitRequest) -> pb.RateLimitResponse:
        """The answer to ``request`` (plain function: the gRPC method only wraps it)."""
        verdicts: list[tuple[Verdict, int] | None] = []  # with the period it is for
        budgets = self.budgets
        for descriptor in request.descriptors:
            scope = value = ""
            period = 0
            for entry in descriptor.entries:
                if entry.key in (CLIENT, TEAM):
                    scope, value = entry.key, entry.value
                elif entry.key == PERIOD_KEY:
                    period = _PERIODS.get(entry.value, 0)
            hits = (
                descriptor.hits_addend.value
                if descriptor.HasField("hits_addend")
                else request.hits_addend
            )
            if hits:  # the stream is done: charge what it used
                budgets.charge(scope, value, period, hits)
                verdicts.append(None)
            else:
                verdict = budgets.check(scope, value, period) if scope and period else None
                verdicts.append((verdict, period) if verdict is not None else None)
        if all(found is None or found[0].allowed for found in verdicts):
            return _ALL_OK  # the common case: no per-descriptor detail to build
        return _over(verdicts)


def _over(verdicts: list[tuple[Verdict, int] | None]) -> pb.RateLimitResponse:
    """The refusal, each descriptor's status spelled out (limits beyond uint32 clamped)."""
    statuses = []
    reset = 0
    for found in verdicts:
        if found is None:
            statuses.append(pb.RateLimitResponse.DescriptorStatus(code=_OK))
            continue
        verdict, period = found
        if not verdict.allowed:
            reset = max(reset, verdict.reset_s)
        statuses.append(
            pb.RateLimitResponse.DescriptorStatus(
                code=_OK if verdict.allowed else _OVER,
                current_limit=pb.RateLimitResponse.RateLimit(
                    requests_per_unit=min(verdict.limit, _UINT32_MAX), unit=_UNITS[period]
                ),
                limit_remaining=min(verdict.remaining, _UINT32_MAX),
                duration_until_reset=Duration(seconds=verdict.reset_s),
            )
        )
    return pb.RateLimitResponse(
        overall_code=_OVER,
        statuses=statuses,
        response_headers_to_add=[HeaderValue(key="retry-after", value=str(reset))],
    )
