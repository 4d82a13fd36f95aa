"""What the two OpenAI wire formats share: request ids, body parsing, error replies."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from ._errors import ErrorKind, InvalidRequest
from ._ids import HEX
from ._openai_errors import openai_error
from ._openai_validation import parse_openai_body

if TYPE_CHECKING:
    from ._ids import Ids
    from ._wire import JSON

__all__ = ["OpenAIFormat"]


class OpenAIFormat:
    """Base of the Chat Completions and Responses formats: each sets how it validates a
    body (``check``) and the error it answers to an over-long input (``too_long``)."""

    request_id_header = "x-request-id"
    too_long: ClassVar[InvalidRequest]

    def check(self, body: JSON) -> None:
        """Raise ``InvalidRequest`` where the real API would refuse ``body``."""
        raise NotImplementedError

    def new_request_id(self, ids: Ids) -> str:
        return ids.make("req_", 32, HEX)

    def parse(self, raw: bytes) -> JSON:
        body = parse_openai_body(raw)
        self.check(body)
        return body

    def error(
        self, kind: ErrorKind, request_id: str, detail: InvalidRequest | None = None
    ) -> tuple[int, JSON]:
        return openai_error(kind, detail, self.too_long)
