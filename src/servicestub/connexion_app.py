"""connexion's ``AsyncApp``, with its per-request handler set-up done once.

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
from connexion.apps.abstract import AbstractApp
from connexion.apps.asynchronous import AsyncApi, AsyncASGIApp, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import AsyncParameterDecorator, pythonic, sanitized
from connexion.operations import AbstractOperation

from servicestub.validation import ParsedBodyRequest

_pythonic = functools.cache(pythonic)
_sanitized = functools.cache(sanitized)


class _MemoisedNames(AsyncParameterDecorator):
    def __init__(self, *, pythonic_params: bool = False, **options: Any) -> None:
        super().__init__(pythonic_params=pythonic_params, **options)
        self.sanitize_fn = _pythonic if pythonic_params else _sanitized


class _DecoratedOnce(StarletteDecorator):
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


class _Operation(AsyncOperation):
    @functools.cached_property
    def fn(self) -> Any:
        return _DecoratedOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(
            self._fn
        )


class _Api(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> _Operation:
        return _Operation.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


class _ASGIApp(AsyncASGIApp):
    api_cls = _Api


class App(AsyncApp):
    """``AsyncApp`` serving its operations through once-decorated handlers."""

    def __init__(self, import_name: str, **options: Any) -> None:
        # What AsyncApp.__init__ does, with the inner app swapped for ours.
        self._middleware_app = _ASGIApp()
        AbstractApp.__init__(self, import_name, **options)
