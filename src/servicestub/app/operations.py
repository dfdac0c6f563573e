"""connexion's ``AsyncApp``, with its per-request handler set-up done once.

What this leans on of connexion's internals is listed, and pinned to the tested
minor version, in :mod:`servicestub.app.pins`.

connexion 3 wraps an operation's handler in its parameter and response
decorators anew on every request (``AsyncOperation.fn`` builds them each time,
and ``inspect.signature`` runs with them), and converts every parameter name
to snake_case with regular expressions each time. None of that depends on the
request. Here each operation is decorated once, the first time it is called,
and name conversion is memoised; everything else - routing, validation,
argument passing, responses - is connexion's own code, except that the
handler gets the JSON body the validator parsed (``ParsedBodyRequest``).
"""

from __future__ import annotations

import functools
from typing import Any

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator, pythonic, sanitized
from connexion.operations import AbstractOperation
from starlette.types import ASGIApp, Receive, Scope, Send

from servicestub.app.uri_parser import SpecArguments
from servicestub.app.validation import ParsedBodyRequest
from servicestub.runtime import Runtime

#: Names converted at most this many at once: the parameter names of the specs,
#: and the unknown query parameters clients send (which must not grow a cache).
NAME_CACHE_SIZE = 1024
_pythonic = functools.lru_cache(maxsize=NAME_CACHE_SIZE)(pythonic)
_sanitized = functools.lru_cache(maxsize=NAME_CACHE_SIZE)(sanitized)


class _MemoisedNames(SpecArguments):
    def __init__(self, *, pythonic_params: bool = False, **options: Any) -> None:
        super().__init__(pythonic_params=pythonic_params, **options)
        self.sanitize_fn = _pythonic if pythonic_params else _sanitized


class _DecoratedOnce(StarletteDecorator):  # type: ignore[misc]  # connexion is untyped
    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _MemoisedNames

    @functools.cached_property
    def uri_parser(self) -> Any:  # one operation per decorator: its parser never changes
        return super().uri_parser

    def __call__(self, function: Any) -> Any:
        decorated = self.decorate(function)

        @functools.wraps(function)
        async def wrapper(*_args: Any, **_kwargs: Any) -> Any:
            request = ParsedBodyRequest(scope, receive, uri_parser=self.uri_parser)
            return await decorated(request)

        return wrapper


class CompilableOperation(AsyncOperation):  # type: ignore[misc]  # connexion is untyped
    """The inner app's operation: its handler decorated once; what the compiled
    calls (``app/compiled.py``) read of it: ``_fn``, ``jsonifier``, :attr:`sanitize`."""

    @functools.cached_property
    def fn(self) -> Any:
        return _DecoratedOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(
            self._fn
        )

    @property
    def sanitize(self) -> Any:
        """How connexion's argument passing names a parameter's argument."""
        return _pythonic if self.pythonic_params else _sanitized


class _Api(AsyncApi):  # type: ignore[misc]  # connexion is untyped
    def make_operation(self, operation: AbstractOperation) -> CompilableOperation:
        made: CompilableOperation = CompilableOperation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
        return made


class App(AsyncApp):  # type: ignore[misc]  # connexion is untyped
    """``AsyncApp`` serving its operations through once-decorated handlers.

    ``AsyncApp.__init__`` runs whole; its inner ASGI app then builds each API with
    our :class:`_Api` through its ``api_cls`` hook (APIs are built when the app
    first starts, after this)."""

    #: The live state of this app (set by :func:`servicestub.app.create_app`).
    runtime: Runtime
    #: The lean dispatch serving routed requests (``app/lean.py``); ``None``:
    #: connexion's chain serves every request.
    lean: ASGIApp | None = None

    def __init__(self, import_name: str, **options: Any) -> None:
        super().__init__(import_name, **options)
        self._middleware_app.api_cls = _Api

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.lean is not None:
            await self.lean(scope, receive, send)
            return
        await super().__call__(scope, receive, send)
