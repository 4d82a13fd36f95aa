"""The policy API: what a policy is, how it is configured, how the chain finds it.

A policy is a small class with a pydantic ``Config`` and async hooks named after the events
of :mod:`sluice.hooks`::

    from sluice.hooks import ToolCallHook
    from sluice.policy import Policy, PolicyConfig

    class NoSudoConfig(PolicyConfig):
        message: str = Field("sudo is not allowed here", description="Shown to the user.")

    class NoSudo(Policy[NoSudoConfig]):
        \"\"\"Blocks shell commands that start with sudo.\"\"\"

        Config = NoSudoConfig

        async def tool_call(self, hook: ToolCallHook) -> None:
            if str(hook.arguments().get("command", "")).startswith("sudo"):
                hook.block(self.config.message)

Built-in policies are named in the config by name (``tool_rules``); your own by import
path (``mycompany.policies:NoSudo``). Only whoever controls the config file can make the
gateway load code: nothing in a request or an API call names a module.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Annotated, Any, ClassVar, Generic, Literal, Protocol, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    SecretStr,
    ValidationError,
)

from sluice.hooks import HOOKS

__all__ = [
    "Direction",
    "Directions",
    "ModelClient",
    "ModelClientFactory",
    "ModelEndpoint",
    "Policy",
    "PolicyConfig",
    "PolicyError",
    "load_policy_class",
]


class PolicyError(Exception):
    """A policy named in the config cannot be found, loaded or configured."""


class PolicyConfig(BaseModel):
    """Settings every policy has; a policy's own ``Config`` subclasses this.

    Mark secrets (API keys) with ``pydantic.SecretStr``: they are never logged or shown.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    on_error: Literal["block", "allow"] = Field(
        "block",
        description="When a hook raises or times out: `block` (fail closed: refuse the request, "
        "block the tool call, withhold the text) or `allow` (let it through unchanged).",
    )
    timeout_s: float = Field(
        10.0, gt=0, description="Longest a hook may run before `on_error` applies."
    )


Direction = Literal["request", "response"]


def _one_direction(value: Any) -> Any:
    if isinstance(value, str):  # `directions: response` reads as well as a list
        return ["request", "response"] if value == "both" else [value]
    return value


Directions = Annotated[frozenset[Direction], BeforeValidator(_one_direction)]
"""Which way a policy acts: what is sent (``request``), what comes back (``response``).

A config field of this type takes a list, one of the two words, or ``both``."""


class ModelEndpoint(BaseModel):
    """An LLM a policy may consult (a judge): which API, where, with which key and model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    api: Literal["openai", "anthropic"] = Field(
        "openai", description="Wire format: OpenAI Chat Completions (or compatible) or Anthropic."
    )
    base_url: HttpUrl = Field(
        HttpUrl("https://api.openai.com"),
        description="Scheme, host and port; the API path is added (/v1/chat/completions, ...).",
    )
    api_key: SecretStr | None = Field(
        None, description="API key sent to the endpoint; never logged or shown."
    )
    api_key_env: str | None = Field(
        None, description="Name of an environment variable holding the key, instead of api_key."
    )
    model: str = Field("gpt-5-mini", description="Model name sent to the endpoint.")
    max_tokens: int = Field(512, gt=0, description="Cap on the answer's length.")


class ModelClient(Protocol):
    """Asks a model one question and returns its text answer."""

    async def complete(self, system: str, prompt: str) -> str:
        """The model's answer to ``prompt`` under ``system`` instructions; raises on failure."""
        ...


ModelClientFactory = Callable[[ModelEndpoint], ModelClient]


def _no_models(endpoint: ModelEndpoint) -> ModelClient:
    raise PolicyError("this policy was configured without access to models")


ConfigT = TypeVar("ConfigT", bound=PolicyConfig)


class Policy(Generic[ConfigT]):
    """Base class of every policy. Subclasses set ``Config`` and define hooks.

    A hook is an ``async def`` named after an event (``request``, ``text_delta``, ``text``,
    ``tool_call``, ``end``, ``response``) taking that event; see :mod:`sluice.hooks`. The
    docstring of the class is its description in ``sluice policies`` and the admin UI.

    A policy with a ``text_delta`` hook declares ``lookback``: the most characters at the end
    of streamed text it may need to hold back (the longest thing it looks for), as a class
    attribute or, when it depends on the config, set in ``__init__``.
    """

    Config: ClassVar[type[PolicyConfig]] = PolicyConfig
    # True for a policy whose edits remove what must never be stored (secrets): the event
    # log then keeps the exchange as sent and delivered, never as received.
    sanitizes_records: ClassVar[bool] = False
    name: str = ""
    lookback: int = 0

    def __init__(
        self, config: ConfigT, name: str = "", models: ModelClientFactory = _no_models
    ) -> None:
        self.config = config
        self.name = name or type(self).__name__
        self.models = models  # how a policy reaches an LLM (a judge); injected, so testable

    @classmethod
    def declared_hooks(cls) -> frozenset[str]:
        """The names of the events the class defines a hook for."""
        return frozenset(h.name for h in HOOKS if callable(getattr(cls, h.name, None)))

    def hooks(self) -> frozenset[str]:
        """The events this configured policy handles: by default, every hook it defines.

        Override to drop hooks the config turns off (a ``text`` hook that would do nothing
        still makes the gateway hold text back)::

            def hooks(self) -> frozenset[str]:
                wanted = super().hooks()
                return wanted if "response" in self.config.directions else wanted - {"text"}
        """
        return self.declared_hooks()

    @classmethod
    def configure(
        cls, raw: dict[str, Any], name: str = "", models: ModelClientFactory = _no_models
    ) -> Policy[Any]:
        """An instance configured from ``raw``; :class:`PolicyError` says which key is wrong."""
        try:
            config = cls.Config.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or '(config)'}: {e['msg']}"
                for e in exc.errors()
            )
            raise PolicyError(f"{name or cls.__name__}: {problems}") from None
        return cls(config, name, models)  # type: ignore[arg-type]  # Config is ConfigT's class


def load_policy_class(name: str, builtins: dict[str, type[Policy[Any]]]) -> type[Policy[Any]]:
    """The class for ``name``: a built-in policy name, or ``module:Class`` for your own."""
    if ":" not in name:
        try:
            return builtins[name]
        except KeyError:
            known = ", ".join(sorted(builtins))
            raise PolicyError(
                f"unknown policy {name!r} (built-ins: {known}; your own: module:Class)"
            ) from None
    module_name, _, class_name = name.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise PolicyError(f"{name}: cannot import {module_name}: {exc}") from None
    found = getattr(module, class_name, None)
    if not (isinstance(found, type) and issubclass(found, Policy)):
        raise PolicyError(f"{name}: {class_name} is not a sluice.policy.Policy subclass")
    return found
