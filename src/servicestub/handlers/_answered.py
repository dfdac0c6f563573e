"""The handlers of the operations of a third-party spec that are no collection's:
each answers from the spec (:mod:`servicestub.engine.answers`), in the media
type the request's ``Accept`` prefers among the answer's (JSON first)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from connexion import context
from starlette.datastructures import Headers

from servicestub.engine.answers import Answer, Answerer
from servicestub.middleware.negotiation import choose
from servicestub.runtime import current

Handler = Callable[..., Awaitable[Any]]


def _response(answer: Answer) -> tuple[Any, int, dict[str, str]]:
    """``(body, status, headers)`` as connexion sends them: a JSON body already
    serialized (an ``orjson.Fragment``, which connexion's jsonifier writes as it
    is: a JSON ``null`` or string too), text and bytes as they are."""
    headers = dict(answer.headers)
    if answer.media_type is None:
        return None, answer.status, headers
    headers["Content-Type"] = answer.media_type
    body = answer.body
    if isinstance(body, bytes):
        return body, answer.status, headers
    if answer.kind == "json":
        return orjson.Fragment(orjson.dumps(body)), answer.status, headers
    return str(body).encode(), answer.status, headers


def answered_handler(answerer: Answerer, operation_id: str) -> Handler:
    """The handler answering ``operation_id`` from its spec."""
    offers = answerer.plans[operation_id].offers

    async def handler(**_arguments: Any) -> Any:
        runtime = current()
        scope = context.scope
        accept = ", ".join(Headers(scope=scope).getlist("accept"))
        media_type = choose(accept, offers) if offers else None
        answer = answerer.answer(
            operation_id, media_type, runtime.seed, runtime.reference_time, scope["path"]
        )
        return _response(answer)

    handler.__name__ = handler.__qualname__ = operation_id.rpartition(".")[2]
    return handler


def answered_handlers(answerer: Answerer) -> Mapping[str, Handler]:
    """``operationId -> handler`` for every operation ``answerer`` plans."""
    return {
        operation_id: answered_handler(answerer, operation_id) for operation_id in answerer.plans
    }
