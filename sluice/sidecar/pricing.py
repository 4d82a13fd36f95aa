"""What an exchange costs in US dollars, from the usage its response reported.

A :class:`PriceBook` holds the prices of the config (``costs:``, on top of the shipped list
prices, :mod:`sluice.config.prices`) and finds a model's price by the name the request used,
however the provider spells it: ``claude-sonnet-4-5-20250929``, Vertex AI's
``claude-sonnet-4-5@20250929``, Bedrock's ``us.anthropic.claude-sonnet-4-5-20250929-v1:0``
all find ``claude-sonnet-4-5``. :func:`cost_usd` does the arithmetic on the usage
:class:`~sluice.sidecar.usage.ResponseMeter` reads, where ``input`` includes the cached
parts and ``output`` the reasoning::

    >>> from sluice.config.prices import ModelPrice
    >>> price = ModelPrice(input=3, output=15, cache_read=0.3, cache_write_5m=3.75)
    >>> round(cost_usd(price, {"input": 1000, "cache_read": 800, "output": 100}), 6)
    0.00234
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase

from sluice.config.prices import CostsConfig, ModelPrice, list_prices

__all__ = ["PriceBook", "Priced", "cost_usd"]

_PER_TOKEN = 1e-6  # prices are per million tokens
# How providers dress a model name: a path or ARN before it, Bedrock's region and vendor
# prefixes and version suffix, Vertex AI's ``@date``, Claude Code's ``[1m]``.
_LAST_PART = re.compile(r"^.*/")
_BEDROCK_PREFIX = re.compile(r"^(?:(?:us|eu|apac|au|ca|jp|global|us-gov)\.)?(?:anthropic\.)?")
_VERSION_SUFFIX = re.compile(r"-v\d+(?::\d+)?$")
_CONTEXT_SUFFIX = re.compile(r"\[[^\]]*\]$")
_DATE_SUFFIX = re.compile(r"[-@](?:\d{8}|\d{4}-\d{2}-\d{2}|latest)$")


def cost_usd(price: ModelPrice, usage: Mapping[str, int], cache_write_1h: int = 0) -> float:
    """The dollars ``usage`` (:meth:`ResponseMeter.usage` keys) costs at ``price``;
    ``cache_write_1h``: how many of its cache writes were for an hour.

    Input is billed in parts: read from the cache, written to it (for 5 minutes or an
    hour) and the rest fresh; output in two, reasoning and the rest. A request whose input
    (all of it) is over the long-context threshold is billed at the long-context prices.
    """
    given = usage.get("input", 0)
    tier = price.long_context
    prices = tier if tier is not None and given > tier.above_input_tokens else price
    fresh_in, read_in, write_5m_in, write_1h_in, out, reasoning_out = prices.rates()
    read = usage.get("cache_read", 0)
    written = usage.get("cache_creation", 0)
    hour = min(cache_write_1h, written)
    fresh = max(0, given - read - written)
    output = usage.get("output", 0)
    reasoning = min(usage.get("reasoning", 0), output)
    total = (
        fresh * fresh_in
        + read * read_in
        + (written - hour) * write_5m_in
        + hour * write_1h_in
        + (output - reasoning) * out
        + reasoning * reasoning_out
    )
    return total * _PER_TOKEN


@dataclass(frozen=True, slots=True)
class Priced:
    """A model's price and the name it is listed under (bounded: a metric label)."""

    name: str
    price: ModelPrice


def canonical(model: str) -> str:
    """``model`` as the price tables name it: lower case, without a provider's dressing.

    >>> canonical("us.anthropic.claude-sonnet-4-5-20250929-v1:0")
    'claude-sonnet-4-5-20250929'
    """
    name = _LAST_PART.sub("", model.strip().casefold())
    name = _CONTEXT_SUFFIX.sub("", name)
    bare = _BEDROCK_PREFIX.sub("", name, count=1)
    return name if bare == name else _VERSION_SUFFIX.sub("", bare)


class PriceBook:
    """The prices of a config, looked up by provider and model (answers are cached)."""

    def __init__(self, costs: CostsConfig) -> None:
        shipped = list_prices().models if costs.list_prices else {}
        # Searched in order: the provider's own, the gateway's, the list prices.
        self._everyone = [costs.prices, shipped]
        self._providers = {
            name: [prices, *self._everyone] for name, prices in costs.providers.items()
        }
        self._found: dict[tuple[str | None, str], Priced | None] = {}

    def lookup(self, provider: str | None, model: str | None) -> Priced | None:
        """The price of ``model`` sent to ``provider``; ``None`` when it has none."""
        if not model:
            return None
        key = (provider, model)
        try:
            return self._found[key]
        except KeyError:
            pass
        tables = self._providers.get(provider or "", self._everyone)
        found = self._found[key] = _search(tables, canonical(model))
        if len(self._found) > 10_000:  # model names come from requests: keep this bounded
            self._found.clear()
        return found


def _search(tables: list[dict[str, ModelPrice]], name: str) -> Priced | None:
    undated = _DATE_SUFFIX.sub("", name)
    for table in tables:
        for candidate in (name, undated):
            if (price := table.get(candidate)) is not None:
                return Priced(candidate, price)
        for pattern, price in table.items():
            if ("*" in pattern or "?" in pattern) and fnmatchcase(name, pattern):
                return Priced(pattern, price)
    return None
