"""The handlers of the operations of a third-party spec that are no collection's:
each answers from the spec (:mod:`servicestub.engine.answers`), in the media
type the request's ``Accept`` prefers among the answer's (JSON first)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from connexion import context
from starlette.datastructures import Headers
from starlette.responses import Response

from servicestub.engine.answers import Answer, Answerer
from servicestub.middleware.negotiation import choose
from servicestub.runtime import current

Handler = Callable[..., Awaitable[Any]]


def _response(answer: Answer) -> Response:
    """The answer as it is sent: a JSON body serialized with orjson, text and
    bytes as they are. Handed over as a response, not as connexion's
    ``(body, status, headers)``: connexion refuses a ``Content-Type`` that is not
    one of the documented media types verbatim, so a type answered for a
    documented range (``*/*``: see :func:`~servicestub.engine.answers.answered_media_type`)
    would be a 500."""
    headers = dict(answer.headers)
    if answer.media_type is None:
        return Response(status_code=answer.status, headers=headers)
    headers["Content-Type"] = answer.media_type
    body = answer.body
    if isinstance(body, bytes):
        content = body
    elif answer.kind == "json":
        content = orjson.dumps(body)
    else:
        content = str(body).encode()
    return Response(content, status_code=answer.status, headers=headers)


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
