"""What every part of the gateway config shares: strict models, ports, secrets, errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["ConfigError", "Model", "Port", "Secret"]


class ConfigError(Exception):
    """The config file is missing, not YAML, or not a valid gateway config."""


class Model(BaseModel):
    # A misspelt key is an error, not a silently ignored setting.
    model_config = ConfigDict(extra="forbid", frozen=True)


Port = Annotated[int, Field(ge=0, le=65535)]


class Secret(Model):
    """A secret the gateway holds, read from an environment variable or a file (exactly one).

    The value is read when needed and never printed: ``repr`` shows only where it comes from.
    """

    env: str | None = Field(None, description="Name of the environment variable holding it.")
    file: Path | None = Field(None, description="File holding it (surrounding whitespace ignored).")

    @model_validator(mode="after")
    def _one_source(self) -> Secret:
        if (self.env is None) == (self.file is None):
            raise ValueError("give exactly one of `env` or `file`")
        return self

    def read(self) -> str:
        """The secret's value; raises :class:`ConfigError` naming the source when absent."""
        if self.env is not None:
            value = os.environ.get(self.env, "").strip()
            if not value:
                raise ConfigError(f"environment variable {self.env} is not set")
            return value
        assert self.file is not None
        try:
            value = self.file.read_text().strip()
        except OSError as exc:
            raise ConfigError(f"{self.file}: {exc.strerror}") from None
        if not value:
            raise ConfigError(f"{self.file}: empty")
        return value

    def resolve(self, base: Path) -> Secret:
        """A copy whose relative file path is taken from ``base``."""
        if self.file is None or self.file.is_absolute():
            return self
        return self.model_copy(update={"file": base / self.file})

    def __repr__(self) -> str:
        return f"Secret(env={self.env!r})" if self.env else f"Secret(file={str(self.file)!r})"
