"""The review API: the tool calls waiting for a person, and their decisions.

    GET  /api/reviews                    pending reviews, oldest first (?status=decided:
                                         the latest decided ones), ?limit= (1-500)
    GET  /api/reviews/{id}               one review
    POST /api/reviews/{id}/decision      {"decision": "approve" | "deny", "note"?: str,
                                          "remember"?: "team" | "session"}

With ``remember``, an approval also becomes a rule: a standing approval of the identical
call within the caller's team (or session), appended to the policies in force as a new
policy version authored by the reviewer (revocable on the Policies page, like any version).

Reading needs any key; deciding needs the admin or the reviewer key (a viewer gets 403).
The decision is written to the store, where the sidecar worker holding the call reads it
within a poll (``reviews.poll_ms``; on Postgres at once, woken by ``NOTIFY``), whichever
replica holds it; a review already decided
(by someone else, or by its deadline) answers 409. Who decided is recorded as the role and
the key's fingerprint (a browser session: its id), never a key. Reviews live in the store:
without one, 503.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from sluice.admin.auth import ROLE, SESSION, Session, bearer, require_reviewer
from sluice.admin.errors import json_error
from sluice.admin.policies import POLICIES, append_version, read_json
from sluice.admin.policies_view import masked_json, version_json
from sluice.config import StandingApproval
from sluice.policyset import settings_of
from sluice.store import client_fingerprint
from sluice.store.policies import StoredVersion
from sluice.store.reviews import AlreadyDecided, ReviewQueue, StoredReview

__all__ = ["REVIEWS", "decide", "review_json", "review_routes", "reviewer_name"]

log = logging.getLogger(__name__)

REVIEWS = web.AppKey("reviews", ReviewQueue)
NOTE_MAX = 2000
_FIELDS = frozenset({"decision", "note", "remember"})


def _queue(request: web.Request) -> ReviewQueue:
    if REVIEWS not in request.app:
        raise json_error(web.HTTPServiceUnavailable, "store_url is null: reviews need the store")
    return request.app[REVIEWS]


def review_json(review: StoredReview, now: datetime | None = None) -> dict[str, Any]:
    """A review as the API and the UI show it."""
    ruling = review.ruling
    now = now or datetime.now(UTC)
    return {
        "id": review.id,
        "status": ruling.status,
        "tool": review.tool,
        "arguments": review.arguments,
        "reason": review.reason,
        "policy": review.policy,
        "user": review.user,
        "team": review.team,
        "client": review.client,
        "session": review.session,
        "context": review.context,
        "created_at": review.created_at.isoformat(),
        "deadline_at": review.deadline_at.isoformat(),
        "seconds_left": max(0.0, round((review.deadline_at - now).total_seconds(), 1))
        if ruling.status == "pending"
        else 0.0,
        "on_deadline": review.on_deadline,
        "outcome": ruling.outcome,
        "reviewer": ruling.reviewer,
        "note": ruling.note,
        "decided_at": None if ruling.decided_at is None else ruling.decided_at.isoformat(),
    }


def reviewer_name(request: web.Request) -> str:
    """Who decides: the role and the key's fingerprint (a browser session: its id)."""
    key = bearer(request)
    session = request.get(SESSION)
    if key:
        return f"{request[ROLE]} {client_fingerprint(key)}"
    if isinstance(session, Session):
        return f"{request[ROLE]} session:{session.nonce[:12]}"
    return str(request[ROLE])  # a demo without keys


async def decide(
    queue: ReviewQueue, review_id: str, decision: Any, note: Any, reviewer: str
) -> StoredReview:
    """Apply one decision (the API's and the UI's); raises the HTTP error to answer."""
    if decision not in ("approve", "deny"):
        raise json_error(web.HTTPBadRequest, "decision: expected 'approve' or 'deny'")
    note = note if note is not None else ""
    if not isinstance(note, str) or len(note) > NOTE_MAX:
        raise json_error(web.HTTPBadRequest, f"note: expected text of at most {NOTE_MAX} chars")
    try:
        decided = await queue.decide(
            review_id, approve=decision == "approve", reviewer=reviewer, note=note.strip()
        )
    except AlreadyDecided as exc:
        raise json_error(web.HTTPConflict, str(exc)) from None
    if decided is None:
        raise json_error(web.HTTPNotFound, f"no review {review_id!r}")
    log.info("review %s: %s by %s", review_id, decided.ruling.status, reviewer)
    return decided


async def list_reviews(request: web.Request) -> web.Response:
    queue = _queue(request)
    status = request.query.get("status", "pending")
    if status not in ("pending", "decided"):
        raise json_error(web.HTTPBadRequest, "status: expected 'pending' or 'decided'")
    try:
        limit = int(request.query.get("limit", "100"))
    except ValueError:
        limit = 0
    if not 1 <= limit <= 500:
        raise json_error(web.HTTPBadRequest, "limit: expected a whole number from 1 to 500")
    reviews = await queue.listing(pending=status == "pending", limit=limit)
    now = datetime.now(UTC)
    return web.json_response({"reviews": [review_json(r, now) for r in reviews]})


async def get_review(request: web.Request) -> web.Response:
    review_id = request.match_info["id"]
    review = await _queue(request).get(review_id)
    if review is None:
        raise json_error(web.HTTPNotFound, f"no review {review_id!r}")
    return web.json_response({"review": review_json(review)})


async def post_decision(request: web.Request) -> web.Response:
    require_reviewer(request)
    queue = _queue(request)
    body = await read_json(request)
    unknown = sorted(set(body) - _FIELDS)
    if unknown:
        raise json_error(web.HTTPBadRequest, f"{unknown[0]}: unknown key")
    remember = body.get("remember")
    if remember not in (None, "team", "session"):
        raise json_error(web.HTTPBadRequest, "remember: expected 'team' or 'session'")
    if remember is not None and body.get("decision") != "approve":
        raise json_error(web.HTTPBadRequest, "remember: only an approval can be remembered")
    review_id = request.match_info["id"]
    if remember is not None:
        found = await queue.get(review_id)
        if found is not None and getattr(found, remember) is None:
            raise json_error(web.HTTPBadRequest, f"remember: this call has no {remember}")
    reviewer = reviewer_name(request)
    decided = await decide(queue, review_id, body.get("decision"), body.get("note"), reviewer)
    answer: dict[str, Any] = {"review": review_json(decided)}
    if remember is not None:
        version = await remember_approval(request, decided, remember, reviewer)
        answer["version"] = version_json(version)
    return web.json_response(answer)


async def remember_approval(
    request: web.Request, review: StoredReview, scope: str, reviewer: str
) -> StoredVersion:
    """Append a policy version whose approvals also hold ``review``'s call for its team
    or session."""
    state = request.app[POLICIES]
    if state.versions is None:
        raise json_error(web.HTTPServiceUnavailable, "store_url is null: rules need the store")
    approval = StandingApproval(
        tool=review.tool,
        arguments=StandingApproval.canonical(review.arguments),
        team=review.team if scope == "team" else None,
        session=review.session if scope == "session" else None,
        approved_by=reviewer,
        review=review.id,
        note=review.ruling.note,
    )
    active = await state.active()
    settings = settings_of(active.config)
    kept = [a for a in settings.approvals if a != approval]
    settings = settings.model_copy(update={"approvals": [*kept, approval]})
    where = f"team {review.team}" if scope == "team" else f"session {review.session}"
    comment = f"review {review.id}: {review.tool} call approved for {where} by {reviewer}"
    return await append_version(request, "apply", masked_json(settings), comment)


def review_routes() -> list[web.RouteDef]:
    return [
        web.get("/api/reviews", list_reviews),
        web.get("/api/reviews/{id}", get_review),
        web.post("/api/reviews/{id}/decision", post_decision),
    ]
