"""Model prices: what a million tokens of each kind cost, per model, in US dollars.

The gateway ships a table of the providers' list prices (``list_prices.yaml`` beside this
module, with the date they were read); the config adds models to it or replaces entries,
for every provider (``costs.prices``) or for one (``costs.providers.<name>``: Bedrock and
Vertex AI prices may differ from the providers' own). An entry replaces the whole entry of
that model, never single fields of it::

    costs:
      prices:
        my-finetune: {input: 2.0, output: 8.0}
      providers:
        bedrock:
          claude-sonnet-4-5: {input: 3.3, output: 16.5, cache_read: 0.33,
                              cache_write_5m: 4.125, cache_write_1h: 6.6}

A model name is matched without regard to case, exactly or with a date suffix
(``claude-sonnet-4-5-20250929``, ``gpt-4o-2024-08-06``), or by a glob (``my-ft-*``).
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from sluice.config.base import ConfigError, Model

__all__ = [
    "LIST_PRICES",
    "CostsConfig",
    "LongContext",
    "ModelPrice",
    "PriceTable",
    "TokenPrices",
    "list_prices",
]

LIST_PRICES = "list_prices.yaml"
_NAME = re.compile(r"[a-z0-9*?][a-z0-9._:@/*?-]*")


class TokenPrices(Model):
    """US dollars per million tokens of each kind. A kind not given costs what the kind it
    is billed like costs: cache reads and writes the input price (no discount, no
    surcharge), 1-hour cache writes the 5-minute price, reasoning the output price."""

    input: float = Field(ge=0, description="Input tokens read fresh (not from the cache).")
    output: float = Field(ge=0, description="Output tokens (reasoning included unless priced).")
    cache_read: float | None = Field(None, ge=0, description="Input tokens read from the cache.")
    cache_write_5m: float | None = Field(
        None, ge=0, description="Input tokens written to the cache for 5 minutes (Anthropic)."
    )
    cache_write_1h: float | None = Field(
        None, ge=0, description="Input tokens written to the cache for 1 hour (Anthropic)."
    )
    reasoning: float | None = Field(
        None, ge=0, description="Reasoning tokens, where billed apart from the output."
    )

    def rates(self) -> tuple[float, float, float, float, float, float]:
        """(input, cache_read, cache_write_5m, cache_write_1h, output, reasoning), filled in."""
        write_5m = self.input if self.cache_write_5m is None else self.cache_write_5m
        return (
            self.input,
            self.input if self.cache_read is None else self.cache_read,
            write_5m,
            write_5m if self.cache_write_1h is None else self.cache_write_1h,
            self.output,
            self.output if self.reasoning is None else self.reasoning,
        )


class LongContext(TokenPrices):
    """The prices of a request whose input (cached parts included) is over
    ``above_input_tokens``: every token of it, input and output, at these prices."""

    above_input_tokens: int = Field(gt=0, description="The input size the prices apply above.")


class ModelPrice(TokenPrices):
    """One model's prices, with an optional long-context tier."""

    long_context: LongContext | None = Field(
        None, description="Prices of requests with more input tokens than its threshold."
    )


def _check_names(prices: dict[str, ModelPrice]) -> dict[str, ModelPrice]:
    """Model names in lower case (matching ignores case), each spelt as a model id."""
    out: dict[str, ModelPrice] = {}
    for name, price in prices.items():
        key = name.strip().casefold()
        if not _NAME.fullmatch(key):
            raise ValueError(
                f"{name!r}: not a model name (letters, digits and . _ - : @ /, "
                "or a glob with * and ?)"
            )
        if key in out:
            raise ValueError(f"{name!r}: given twice (names ignore case)")
        out[key] = price
    return out


class PriceTable(Model):
    """A table of prices as shipped: when they were read, from where, and the prices."""

    as_of: date = Field(description="The day the prices were read from the sources.")
    sources: list[str] = Field(default_factory=list, description="Where they were read.")
    models: dict[str, ModelPrice] = Field(description="Prices by model name.")

    @field_validator("models")
    @classmethod
    def _model_names(cls, value: dict[str, ModelPrice]) -> dict[str, ModelPrice]:
        return _check_names(value)


class CostsConfig(Model):
    """What each exchange costs: the prices it is priced at (see ``sluice.config.prices``)."""

    list_prices: bool = Field(
        True,
        description="Start from the list prices shipped with the gateway (Anthropic and "
        "OpenAI, as of the date in the table); false: only the prices given here.",
    )
    prices: dict[str, ModelPrice] = Field(
        default_factory=dict,
        description="Prices by model name for every provider; replace or extend the list prices.",
    )
    providers: dict[str, dict[str, ModelPrice]] = Field(
        default_factory=dict,
        description="Prices by provider name (as under `providers`), then model name; "
        "they come first for that provider's exchanges (Bedrock and Vertex AI prices may "
        "differ).",
    )

    @field_validator("prices")
    @classmethod
    def _model_names(cls, value: dict[str, ModelPrice]) -> dict[str, ModelPrice]:
        return _check_names(value)

    @field_validator("providers")
    @classmethod
    def _provider_names(
        cls, value: dict[str, dict[str, ModelPrice]]
    ) -> dict[str, dict[str, ModelPrice]]:
        out = {}
        for provider, prices in value.items():
            try:
                out[provider] = _check_names(prices)
            except ValueError as exc:
                raise ValueError(f"{provider}: {exc}") from None
        return out

    @model_validator(mode="after")
    def _something_to_price_with(self) -> CostsConfig:
        if not self.list_prices and not self.prices and not self.providers:
            raise ValueError("list_prices is false and no prices are given: nothing is priced")
        return self


@cache
def list_prices() -> PriceTable:
    """The list prices shipped with the gateway (read and checked once)."""
    text = resources.files("sluice.config").joinpath(LIST_PRICES).read_text()
    try:
        return PriceTable.model_validate(yaml.safe_load(text))
    except ValidationError as exc:  # a broken table must not ship: tests read it
        raise ConfigError(f"sluice/config/{LIST_PRICES}: {exc}") from None
