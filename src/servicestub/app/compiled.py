"""A body-less request to an operation without a request body, served with the
per-operation set-up of connexion's last layers done once (docs/request-path.md).

connexion, on every request, builds an operation's URI parser and parameter
validator anew, then a second request object and URI parser for the handler,
and re-derives from ``operation.parameters`` which parameters there are, their
defaults (deep-copied) and how to pass them. None of that depends on the
request. Here, per operation, once:

* :class:`CompiledValidation` stands where connexion's request validation
  stands: the same :class:`~servicestub.app.validation.FastParameterValidator`
  and :class:`~servicestub.app.uri_parser.SpecURIParser`, built once, check the
  parameters; the request object they parsed is handed down in the scope; what the
  parser makes of the same path values and query string is kept (an LRU), each
  request given a fresh copy of it;
* :class:`CompiledCall` stands where connexion's context layer and its inner
  app's operation stand: it sets the same context, passes the arguments
  connexion's parameter decorator would (:class:`ArgumentPlan`, connexion's
  ``get_arguments`` with the definitions read once), and sends what connexion's
  own response decorator, made once, makes of the handler's result.

Any other request (one with a body, a ``Content-Type`` or a ``Transfer-Encoding``,
or to an operation that has a request body) goes through connexion's own layers,
as does one whose validation step was connexion's: :class:`CompiledCall` serves
only what :class:`CompiledValidation` checked. ``tests/test_compiled_calls.py``
proves both give the same arguments; ``tests/test_lean_dispatch.py`` the same
answers.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import functools
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from connexion.context import _context, _operation, _receive, _scope, context
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    _get_query_defaults,
    _get_val_from_param,
    inspect_function_arguments,
    unwrap_decorators,
)
from connexion.decorators.response import AsyncResponseDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.context import ContextOperation
from connexion.middleware.request_validation import RequestValidationOperation
from connexion.utils import deep_merge, is_json_mimetype, split_content_type
from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from servicestub.app.uri_parser import (
    SpecURIParser,
    pass_typed,
    passed_parameters,
    typed_arguments,
)
from servicestub.app.validation import compiled, effective_parameters
from servicestub.core.memo import KeptWhenShort

#: The scope key of the request :class:`CompiledValidation` checked (read by :class:`CompiledCall`).
CHECKED_KEY = "servicestub.compiled.checked"

#: Request headers that say a request has a body, or how to read one.
_BODY_HEADERS = frozenset({b"content-type", b"transfer-encoding"})


def bodiless(scope: Scope) -> bool:
    """Whether the request of ``scope`` sends no body and names no media type."""
    for name, value in scope["headers"]:
        if name in _BODY_HEADERS:
            return False
        if name == b"content-length" and value.strip() not in (b"0", b""):
            return False
    return True


class CompiledValidation:
    """connexion's request validation of one operation without a request body,
    its parser and validator built once; ``original`` (connexion's own step,
    calling ``next_app``) serves any request that is not :func:`bodiless`."""

    def __init__(self, original: RequestValidationOperation, parser: SpecURIParser) -> None:
        self.original = original
        self.next_app: ASGIApp = original.next_app
        self.parser = parser
        operation = original._operation
        self.validator = original._validator_map["parameter"](
            operation.parameters,
            uri_parser=parser,
            strict_validation=original.strict_validation,
            security_query_params=original.security_query_params,
        )
        # What connexion reads when no Content-Type is sent (its first documented one).
        self.mime_type, _ = original.extract_content_type([])
        self.parsed = KeptWhenShort(self._parse, maxsize=512, max_length=2048)
        checked = effective_parameters(operation.parameters)
        self.checks: tuple[_Check, ...] | None = (
            None
            if original.strict_validation or any(p["in"] not in ("path", "query") for p in checked)
            else tuple(_Check.of(p) for p in checked)
        )

    def accepts(self, request: Any) -> bool:
        """Whether the parameters of ``request`` pass every check, found without
        building a message: ``True`` only where connexion's validation (``validator``)
        accepts them as well; the validator itself decides (and words) the rest."""
        return self._passes(request.path_params, request.query_params)

    def _passes(self, path: Mapping[str, Any], query: Mapping[str, Any]) -> bool:
        if self.checks is None:
            return False
        return all(check.passes(path if check.where == "path" else query) for check in self.checks)

    def _accepted(self, request: Any) -> bool:
        """:meth:`accepts`, found once per kept parse (it depends on nothing else)."""
        if not isinstance(request, _ParsedRequest):
            return self.accepts(request)
        parse = request.parse
        if parse.accepted is None:
            parse.accepted = self._passes(parse.path, parse.query)
        return parse.accepted

    def request(self, scope: Scope) -> ConnexionRequest:
        """The request of ``scope``, as connexion's validation builds it. When the
        checks are compiled (only path and query parameters, read path first, as
        :meth:`accepts` reads them), its parameters are a fresh copy of what the
        parser made of the same path values and query string before (kept in an LRU,
        :attr:`parsed`); a parameter the parser cannot read raises as it would."""
        path_params = scope.get("path_params") or {}
        if self.checks is None or not all(type(v) in _KEYED for v in path_params.values()):
            return ConnexionRequest(scope, uri_parser=self.parser)
        parse = self.parsed(tuple(path_params.items()), scope.get("query_string", b""))
        return _ParsedRequest(scope, self.parser, parse)

    def _parse(self, path: tuple[tuple[str, Any], ...], query_string: bytes) -> _Parse:
        """What connexion's request reads of ``path`` and ``query_string`` (its
        ``path_params`` and ``query_params``) with this operation's parser."""
        args = QueryParams(query_string)
        return _Parse(
            self.parser.resolve_path(dict(path)),
            self.parser.resolve_query({key: args.getlist(key) for key in args}),
        )

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if not bodiless(scope):
            served: Awaitable[None] = self.original(scope, receive, send)
            return served
        request = self.request(scope)
        if not self._accepted(request):
            self.validator.validate_request(request)
        self.original.validate_mime_type(self.mime_type)
        scope[CHECKED_KEY] = request
        return self.next_app(scope, receive, send)


#: The types of path values a parse is kept for (what connexion's convertors make).
_KEYED = frozenset({str, int, float})


def _fresh(value: Any) -> Any:
    """``value`` with each list, dict and tuple in it copied (a handler may change what it
    is given; the kept parse must not change with it). The leaves are immutable."""
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_fresh(item) for item in value)
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    return value


#: :meth:`ArgumentPlan.parameters`: the arguments connexion names, and the typed ones.
_Parameters = tuple[dict[str, Any], dict[str, Any]]


@dataclasses.dataclass
class _Parse:
    """What an operation's parser made of one set of path values and query string (kept
    in :attr:`CompiledValidation.parsed`), and what its call derives from it, kept with it.
    Never handed to a handler: each request is given a fresh copy (:func:`_fresh`)."""

    path: dict[str, Any]
    query: dict[str, Any]
    #: Whether its parameters pass the compiled checks (:meth:`CompiledValidation.accepts`).
    accepted: bool | None = None
    #: The handler's arguments made of it (:meth:`ArgumentPlan.parameters`), once made;
    #: ``flat``: none holds a list, dict or tuple (a call may then share them).
    arguments: _Parameters | None = None
    flat: bool = False


class _ParsedRequest(ConnexionRequest):  # type: ignore[misc]  # connexion is untyped
    """connexion's request, its path and query parameters given already parsed
    (:attr:`parse`, kept; the request's own are a fresh copy)."""

    def __init__(self, scope: Scope, parser: SpecURIParser, parse: _Parse) -> None:
        super().__init__(scope, uri_parser=parser)
        self.parse = parse

    @functools.cached_property
    def path_params(self) -> dict[str, Any]:
        fresh: dict[str, Any] = _fresh(self.parse.path)
        return fresh

    @functools.cached_property
    def query_params(self) -> dict[str, Any]:
        fresh: dict[str, Any] = _fresh(self.parse.query)
        return fresh


@dataclasses.dataclass(frozen=True)
class _Check:
    """One path or query parameter's check, as
    :meth:`~servicestub.app.validation.FastParameterValidator.validate_parameter`
    makes it of a value that is given (its schema's compiled validator), or of one
    left out (whether it is required)."""

    where: str
    #: The key its value is under (connexion looks a path parameter up with ``_`` for ``-``).
    key: str
    required: bool
    validator: Any

    @classmethod
    def of(cls, parameter: dict[str, Any]) -> _Check:
        where, name = parameter["in"], parameter["name"]
        return cls(
            where=where,
            key=name.replace("-", "_") if where == "path" else name,
            required=bool(parameter.get("required")),
            validator=compiled(parameter.get("schema", parameter)),
        )

    def passes(self, values: Mapping[str, Any]) -> bool:
        value = values.get(self.key)
        if value is None:
            return not self.required
        return bool(self.validator.is_valid(value))


@dataclasses.dataclass(frozen=True)
class ArgumentPlan:
    """The keyword arguments connexion passes a handler for a body-less request
    (``get_arguments`` and ``prep_kwargs`` of ``connexion.decorators.parameter``,
    with :class:`~servicestub.app.uri_parser.SpecArguments`' parameters passed as
    typed), its definitions read from ``operation.parameters`` once."""

    arguments: frozenset[str]
    has_kwargs: bool
    sanitize: Callable[[str], str]
    path_definitions: Mapping[str, dict[str, Any]]
    query_definitions: Mapping[str, dict[str, Any]]
    query_defaults: Mapping[str, Any]
    #: Whether a default holds a dict or list (the handler gets a copy of its own).
    mutable_defaults: bool
    #: The parameters passed as typed, by ``(in, name)``; and those redefined.
    passed: Mapping[tuple[str, str], dict[str, Any]]
    shadowed: frozenset[tuple[str, str]]

    @classmethod
    def of(
        cls, operation: Any, function: Callable[..., Any], sanitize: Callable[[str], str]
    ) -> ArgumentPlan:
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        parameters = operation.parameters
        query_definitions = {p["name"]: p for p in parameters if p["in"] == "query"}
        defaults = _get_query_defaults(query_definitions)
        passed, shadowed = passed_parameters(parameters)
        return cls(
            arguments=frozenset(arguments),
            has_kwargs=has_kwargs,
            sanitize=sanitize,
            path_definitions={p["name"]: p for p in parameters if p["in"] == "path"},
            query_definitions=query_definitions,
            query_defaults=defaults,
            mutable_defaults=any(isinstance(v, dict | list) for v in defaults.values()),
            passed=passed,
            shadowed=frozenset(shadowed),
        )

    def wanted(self, key: str) -> bool:
        return self.has_kwargs or key in self.arguments

    def kwargs(
        self,
        request: Any,
        connexion_context: Mapping[str, Any],
        parameters: _Parameters | None = None,
    ) -> dict[str, Any]:
        """The handler's arguments for ``request`` (its path and query parameters as
        :class:`~servicestub.app.uri_parser.SpecURIParser` read them): its
        :meth:`parameters` (or those given, made of the same parse) and connexion's
        context."""
        named, typed = self.parameters(request) if parameters is None else parameters
        kwargs = dict(named)
        for key, value in connexion_context.items():
            if self.wanted(key):
                kwargs[key] = value
        if CONTEXT_NAME in self.arguments:
            kwargs[CONTEXT_NAME] = context
        pass_typed(kwargs, typed)
        return kwargs

    def parameters(self, request: Any) -> _Parameters:
        """The arguments made of the path and query parameters of ``request`` alone
        (the same for the same parse): those connexion's parameter decorator passes,
        and those passed as typed (:func:`~servicestub.app.uri_parser.typed_arguments`),
        which are put in after connexion's context, as that decorator puts them."""
        sanitize, passed = self.sanitize, self.passed
        path_params, query_params = request.path_params, request.query_params
        found: dict[str, Any] = {}
        for name, value in path_params.items():
            if ("path", name) in passed:
                continue
            definition = self.path_definitions.get(name)
            found[sanitize(name)] = (
                value if definition is None else _get_val_from_param(value, definition)
            )
        query = (
            copy.deepcopy(dict(self.query_defaults))
            if self.mutable_defaults
            else dict(self.query_defaults)
        )
        deep_merge(query, {k: v for k, v in query_params.items() if ("query", k) not in passed})
        for name, value in query.items():
            key = sanitize(name)
            if self.wanted(key) and name in self.query_definitions:
                found[key] = _get_val_from_param(value, self.query_definitions[name])
        named = {sanitize(key): value for key, value in found.items()}
        return named, typed_arguments(request, passed, self.shadowed, sanitize, self.wanted)


class _Responses(AsyncResponseDecorator):  # type: ignore[misc]  # connexion is untyped
    """connexion's response decorator for one operation (which documents
    ``produces``): a ``Content-Type`` the handler names that the operation
    documents is taken as connexion takes it, without reading the operation anew
    on every answer; connexion's own inference decides any other.

    The answer a handler gives most, a JSON body with its status and headers naming
    a documented JSON ``Content-Type``, is sent as connexion's Starlette response
    would send it (:class:`_Answer`: the same two messages) without making one."""

    def __init__(self, jsonifier: Any, produces: list[str]) -> None:
        super().__init__(framework=StarletteFramework, jsonifier=jsonifier)
        self.produces = frozenset(produces)
        self.json_produces = frozenset(media for media in produces if _is_json(media))

    def build_framework_response(self, handler_response: Any) -> Any:
        answer = self._answer(handler_response)
        if answer is None:
            return super().build_framework_response(handler_response)
        return answer

    def _answer(self, handler_response: Any) -> _Answer | None:
        """What connexion's response of ``(body, status, headers)`` sends, when the body
        is a dict or list, the status an ``int`` other than 0, the headers texts and
        naming a JSON ``Content-Type`` the operation documents; ``None`` otherwise."""
        if type(handler_response) is not tuple or len(handler_response) != 3:
            return None
        data, status, headers = handler_response
        if type(status) is not int or not status or not isinstance(data, dict | list):
            return None
        if type(headers) is not dict or _named_content_type(headers) not in self.json_produces:
            return None
        raw = []
        for key, value in headers.items():
            if type(key) is not str or type(value) is not str:
                return None
            raw.append((key.lower().encode("latin-1"), value.encode("latin-1")))
        body: bytes = self.jsonifier.dumps(data)
        # What Starlette's Response.init_headers adds: the length, unless named or bodiless.
        if not (status < 200 or status in (204, 304)) and all(
            name != b"content-length" for name, _ in raw
        ):
            raw.append((b"content-length", str(len(body)).encode("latin-1")))
        return _Answer(status, raw, body)

    def _infer_content_type(self, data: Any, headers: Any) -> str | None:
        named = _named_content_type(headers)
        if named is not None and named in self.produces:
            return named
        inferred: str | None = super()._infer_content_type(data, headers)
        return inferred


def _is_json(media: str) -> bool:
    """Whether connexion serialises a body of ``media`` as JSON (``_serialize_data``)."""
    try:
        return bool(is_json_mimetype(split_content_type(media)[0]))
    except ValueError:  # no "/" in it: connexion would fail on it too, so not this way
        return False


@dataclasses.dataclass(frozen=True, slots=True)
class _Answer:
    """An answer as Starlette's ``Response`` sends it (its start and its body)."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


def _named_content_type(headers: Any) -> str | None:
    """The ``Content-Type`` a handler's ``headers`` (a dict of texts) name, read
    as connexion's ``extract_content_type`` reads it (the first key that is
    ``content-type`` in any case); ``None`` for anything else."""
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if not isinstance(key, str):
            return None
        if key.lower() == "content-type":
            return value if isinstance(value, str) else None
    return None


class CompiledCall:
    """connexion's context layer and its inner app's operation for one operation:
    a request :class:`CompiledValidation` checked is answered here; any other by
    ``original`` (connexion's context step, calling its inner app)."""

    def __init__(
        self,
        original: ContextOperation,
        handler: Callable[..., Any],
        plan: ArgumentPlan,
        jsonifier: Any,
    ) -> None:
        self.original = original
        self.operation = original.operation
        self.handler = handler
        self.plan = plan
        self.respond = _Responses(jsonifier, self.operation.produces)(self._result)

    def arguments(self, request: Any, connexion_context: Mapping[str, Any]) -> dict[str, Any]:
        """The handler's arguments for ``request``: for a kept parse (``_ParsedRequest``),
        its parameters are made once and kept with it, each call given a fresh copy (of
        the lists, dicts and tuples in them; the call's own ``kwargs`` are new anyway)."""
        if not isinstance(request, _ParsedRequest):
            return self.plan.kwargs(request, connexion_context)
        parse = request.parse
        if parse.arguments is None:
            named, typed = parse.arguments = _fresh(self.plan.parameters(request))
            parse.flat = not any(
                isinstance(value, list | dict | tuple)
                for value in (*named.values(), *typed.values())
            )
        kept = parse.arguments if parse.flat else _fresh(parse.arguments)
        return self.plan.kwargs(request, connexion_context, kept)

    async def _result(self, request: Any) -> Any:
        return await self.handler(**self.arguments(request, _context.get()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = scope.pop(CHECKED_KEY, None)
        if request is None:
            await self.original(scope, receive, send)
            return
        _context.set(scope.get("extensions", {}).get("connexion_context", {}))
        _operation.set(self.operation)
        _receive.set(receive)
        _scope.set(scope)
        response = await self.respond(request)
        await response(scope, receive, send)


def compilable(operation: Any, handler: Callable[..., Any]) -> bool:
    """Whether requests to ``operation`` served by ``handler`` can be compiled: it has
    no request body and is not TRACE (whose arguments connexion reads otherwise),
    and its handler is a coroutine function (connexion would run any other in a
    thread)."""
    return (
        not operation.is_request_body_defined
        and operation.method.upper() != "TRACE"
        and asyncio.iscoroutinefunction(handler)
    )
