"""Every answer of a third-party spec carries the headers its response documents as
``required`` - the engine's, those answered from the spec, ``Prefer: code=`` ones
and errors alike, whatever the status: one step, here, for all of them.

The response documented for an answer's status is the spec's entry for that code,
else its range (``4XX``), else ``default``. A required header the answer lacks gets
a value meeting the header's schema (:func:`servicestub.engine.answers.header_values`):
the request's header of the same name when it sent one that meets it (an
``X-Request-ID`` echoed), else the example, else one drawn - deterministic for the
seed, the operation and the path.

The step runs twice (it adds only what is missing): inside connexion's response
validation, which refuses an answer lacking a required header, and outside its
exception handling, where errors are rendered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicestub.core.shapes import Record
from servicestub.engine.answers import header_values, required_headers
from servicestub.engine.fabricate import Context, Fabricator
from servicestub.engine.seeding import rng_for
from servicestub.middleware.operations import routed_operation_id, spec_operation_id
from servicestub.runtime import SCOPE_KEY
from servicestub.specs import ApiSpec, operations, own_operation_id


class _Documented:
    """The required headers of one operation's responses (status key -> name -> header)."""

    def __init__(self, document: dict[str, Any], responses: dict[str, dict[str, Record]]) -> None:
        self.document = document
        self.responses = responses

    def required(self, status: int) -> Mapping[str, Record]:
        """The required headers of the response documented for ``status``."""
        for key in (str(status), f"{status // 100}XX", "default"):
            for documented in (key, key.lower()):
                if documented in self.responses:
                    return self.responses[documented]
        return {}


def header_table(apis: Iterable[ApiSpec]) -> dict[str, _Documented]:
    """``operationId -> documented headers`` of every operation of the third-party
    specs of ``apis`` that documents a required header in any response."""
    table: dict[str, _Documented] = {}
    for document, _path, _method, operation in operations(a for a in apis if a.third_party):
        responses = {
            str(key): required_headers(document, response)
            for key, response in (operation.get("responses") or {}).items()
        }
        responses = {key: headers for key, headers in responses.items() if headers}
        if responses:
            table[operation["operationId"]] = _Documented(document, responses)
    return table


class RequiredHeadersMiddleware:
    """Adds to an answer of a third-party operation each required header it lacks."""

    def __init__(self, app: ASGIApp, apis: tuple[ApiSpec, ...]) -> None:
        self.app = app
        self.table = header_table(apis)
        #: One fabricator per document (its validators are kept), made when first needed.
        self._fabricators: dict[int, Fabricator] = {}

    def acts_on(self, base_path: str, operation_id: str) -> bool:
        """Whether an answer of ``operation_id`` (as connexion resolved it) may lack a
        header its spec requires."""
        return spec_operation_id(operation_id) in self.table

    def _fabricator(self, document: dict[str, Any]) -> Fabricator:
        key = id(document)
        if key not in self._fabricators:
            self._fabricators[key] = Fabricator(document, Context(view="read"))
        return self._fabricators[key]

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if not self.table or scope["type"] != "http":
            return self.app(scope, receive, send)

        # connexion's router writes the routed operation into the request's
        # ``extensions`` (``setdefault``): made here, the dict is the one the layers
        # inside share, so the operation is known outside them too (errors, faults).
        scope.setdefault("extensions", {})

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                self._complete(scope, message)
            await send(message)

        return self.app(scope, receive, with_headers)

    def _complete(self, scope: Scope, message: Message) -> None:
        operation_id = routed_operation_id(scope)
        documented = self.table.get(operation_id) if operation_id else None
        if documented is None:
            return
        present = MutableHeaders(scope=message)
        missing = {
            name: header
            for name, header in documented.required(message["status"]).items()
            if name not in present
        }
        if not missing:
            return
        runtime = scope.get(SCOPE_KEY)
        seed = runtime.seed if runtime is not None else 0
        rng = rng_for(seed, "headers", own_operation_id(operation_id or ""), scope["path"])
        sent = {k.lower(): v for k, v in Headers(scope=scope).items()}
        fabricator = self._fabricator(documented.document)
        for name, value in header_values(fabricator, missing, rng, sent).items():
            present[name] = value
