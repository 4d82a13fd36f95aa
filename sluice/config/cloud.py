"""Claude through a cloud contract: the settings of a Bedrock or Vertex AI provider.

A provider with a ``bedrock`` section is AWS Bedrock's runtime API: the sidecar sends the
Anthropic Messages body with the version in the body and the Bedrock model id in the path,
and Envoy signs each request with SigV4 (``sluice.envoy.signing``). One with a ``vertex``
section is Google Vertex AI: the same, with an OAuth access token the supervisor refreshes
(``sluice.cloud_tokens``) and Envoy adds (``sluice.envoy.keys``).
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator

from sluice.config.base import Model

__all__ = [
    "BEDROCK_CLIENT_PATH",
    "BEDROCK_CLIENT_REGEX",
    "BEDROCK_MODELS",
    "VERTEX_CLIENT_PATH",
    "VERTEX_CLIENT_REGEX",
    "BedrockConfig",
    "VertexConfig",
]

# A route with this path serves clients in Bedrock mode (Claude Code with
# CLAUDE_CODE_USE_BEDROCK, the SDKs' AnthropicBedrock): invoke and invoke-with-response-stream
# of every model id.
BEDROCK_CLIENT_PATH = "/model/{model}/{action}"
BEDROCK_CLIENT_REGEX = r"^/model/[^/]+/(invoke|invoke-with-response-stream)$"
# A route with this path serves clients in Vertex AI mode (Claude Code with
# CLAUDE_CODE_USE_VERTEX, the SDKs' AnthropicVertex): every model's rawPredict and
# streamRawPredict, whatever project and region the client names.
VERTEX_CLIENT_PATH = "/v1/projects/{project}/locations/{region}/publishers/anthropic/models/{model}"
VERTEX_CLIENT_REGEX = (
    r"^/v1/projects/[^/]+/locations/[^/]+/publishers/anthropic/models/[^/:]+"
    r":(rawPredict|streamRawPredict)$"
)

# Anthropic's model names (and their aliases) -> Bedrock's base model ids.
BEDROCK_MODELS: dict[str, str] = {
    "claude-opus-4-5-20251101": "anthropic.claude-opus-4-5-20251101-v1:0",
    "claude-opus-4-5": "anthropic.claude-opus-4-5-20251101-v1:0",
    "claude-opus-4-1-20250805": "anthropic.claude-opus-4-1-20250805-v1:0",
    "claude-opus-4-1": "anthropic.claude-opus-4-1-20250805-v1:0",
    "claude-opus-4-20250514": "anthropic.claude-opus-4-20250514-v1:0",
    "claude-opus-4-0": "anthropic.claude-opus-4-20250514-v1:0",
    "claude-sonnet-4-5-20250929": "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "claude-sonnet-4-5": "anthropic.claude-sonnet-4-5-20250929-v1:0",
    "claude-sonnet-4-20250514": "anthropic.claude-sonnet-4-20250514-v1:0",
    "claude-sonnet-4-0": "anthropic.claude-sonnet-4-20250514-v1:0",
    "claude-haiku-4-5-20251001": "anthropic.claude-haiku-4-5-20251001-v1:0",
    "claude-haiku-4-5": "anthropic.claude-haiku-4-5-20251001-v1:0",
    "claude-3-7-sonnet-20250219": "anthropic.claude-3-7-sonnet-20250219-v1:0",
    "claude-3-7-sonnet-latest": "anthropic.claude-3-7-sonnet-20250219-v1:0",
    "claude-3-5-haiku-20241022": "anthropic.claude-3-5-haiku-20241022-v1:0",
    "claude-3-5-haiku-latest": "anthropic.claude-3-5-haiku-20241022-v1:0",
}

# A cross-region inference profile's prefix by the region's geography.
_GEOGRAPHIES = (("us-", "us"), ("ca-", "us"), ("eu-", "eu"), ("ap-", "apac"))
_REGION = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")


class BedrockConfig(Model):
    """AWS Bedrock: region, model ids, signing.

    Credentials are Envoy's own AWS chain: ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY``
    (and ``AWS_SESSION_TOKEN``) in Envoy's environment, a profile in the credentials file
    (``AWS_PROFILE``, ``AWS_SHARED_CREDENTIALS_FILE``), web identity (EKS IRSA:
    ``AWS_ROLE_ARN`` and ``AWS_WEB_IDENTITY_TOKEN_FILE``), the container or instance role.
    """

    region: str = Field(description="AWS region, e.g. us-east-1.")
    models: dict[str, str] = Field(
        default_factory=dict,
        description="Model name -> Bedrock model id or inference profile (id or ARN); "
        "added to the built-in map of current Claude models, and wins over it.",
    )
    inference_profile: str | None = Field(
        "auto",
        description="Prefix of the cross-region inference profile put before built-in "
        "model ids (us, eu, apac, global); auto: the region's geography; null: none "
        "(base model ids).",
    )

    @field_validator("region")
    @classmethod
    def _region(cls, region: str) -> str:
        if not _REGION.match(region):
            raise ValueError(f"not an AWS region: {region!r}")
        return region

    @property
    def base_url(self) -> str:
        """Bedrock's runtime endpoint in this region."""
        return f"https://bedrock-runtime.{self.region}.amazonaws.com"

    def model_id(self, model: str) -> str:
        """The Bedrock id for ``model``: the configured map, else the built-in map (with
        the inference profile's prefix), else ``model`` itself (already a Bedrock id).

        >>> config = BedrockConfig(region="eu-west-1")
        >>> config.model_id("claude-sonnet-4-5")
        'eu.anthropic.claude-sonnet-4-5-20250929-v1:0'
        >>> config.model_id("anthropic.claude-3-haiku-20240307-v1:0")
        'anthropic.claude-3-haiku-20240307-v1:0'
        """
        if model in self.models:
            return self.models[model]
        base = BEDROCK_MODELS.get(model)
        if base is None:
            return model
        prefix = self._profile()
        return f"{prefix}.{base}" if prefix else base

    def _profile(self) -> str | None:
        if self.inference_profile != "auto":
            return self.inference_profile
        for start, geography in _GEOGRAPHIES:
            if self.region.startswith(start):
                return geography
        return None


_DATED = re.compile(r"^(?P<name>claude-.+)-(?P<date>\d{8})$")


class VertexConfig(Model):
    """Google Vertex AI: project, region, credentials.

    The access token comes from ``credentials_file`` (a service account's JSON key) or, when
    it is not given, Google's default credentials: ``GOOGLE_APPLICATION_CREDENTIALS``, or
    the metadata server (GKE workload identity, a VM's service account).
    """

    project: str = Field(description="Google Cloud project id.")
    region: str = Field(description="Vertex AI region, e.g. us-east5, europe-west1, or global.")
    models: dict[str, str] = Field(
        default_factory=dict,
        description="Model name -> Vertex model id; else claude-x-YYYYMMDD -> claude-x@YYYYMMDD.",
    )
    credentials_file: Path | None = Field(
        None, description="Service-account key file; default: Google's default credentials."
    )

    @property
    def base_url(self) -> str:
        """Vertex AI's endpoint for this region."""
        if self.region == "global":
            return "https://aiplatform.googleapis.com"
        return f"https://{self.region}-aiplatform.googleapis.com"

    def model_id(self, model: str) -> str:
        """The Vertex id for ``model``.

        >>> VertexConfig(project="p", region="global").model_id("claude-sonnet-4-5-20250929")
        'claude-sonnet-4-5@20250929'
        """
        if model in self.models:
            return self.models[model]
        dated = _DATED.match(model)
        return f"{dated['name']}@{dated['date']}" if dated else model

    def path(self, model: str, stream: bool) -> str:
        """The request path of ``model`` (``streamRawPredict`` when ``stream``)."""
        action = "streamRawPredict" if stream else "rawPredict"
        return (
            f"/v1/projects/{self.project}/locations/{self.region}/publishers/anthropic/"
            f"models/{self.model_id(model)}:{action}"
        )
