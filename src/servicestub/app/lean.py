"""The lean dispatch (docs/request-path.md, "Decision"): one ASGI app of ours in
front of connexion's, serving each routed operation without connexion's
per-request middleware chain.

Built once, from the middleware stack connexion builds at start-up:

* a route table per mount and method: a dict for literal paths and the compiled
  regexes (with connexion's convertors) of templated ones, in connexion's order,
  so that the first route connexion's router would take is the one taken;
* per operation, the chain that runs after routing today (:data:`AFTER_ROUTING`),
  made of the very instances connexion built (each rewired to call the next one
  directly): connexion's exception handling (the one mapping, the one renderer),
  our security 401s, our 415/406, connexion's request validation (our compiled
  validators, ``app/validation.py``), connexion's response validation when it is
  on (``--validate-responses``, the suite), the required response headers,
  ``Prefer``, the tracking header, the
  handler's context and the once-decorated handler (``app/operations.py``);
* in front of it, in the same chain, our own middlewares that run before routing,
  in today's order (:data:`BEFORE_ROUTING`: runtime and tracking id, CORS,
  control-plane guard, the required response headers of errors and faults, journal,
  faults, request guard, body limit), again the instances connexion built, rewired
  (the route is found first: a route decides nothing they do).

A middleware that says it never acts on an operation (its ``acts_on(base_path,
operation_id)`` is false: the control plane's guard on an API's operations, the
tracking header outside Services v4, the journal, faults, CORS and ``Prefer`` on the
control plane's, the security 401s and required headers on the operations that
document none) is left out of that operation's chain: on connexion's chain it
passes such a request on untouched.

What is left out of a routed request is connexion's: its server-error layer,
Swagger UI's fall-through, its two routers (one per layer, one in the inner
app), the per-layer operation lookups, security, lifespan and context layers.
Everything else (Swagger UI, the spec files, anything the table does not route:
404, 405, ``HEAD``, ``OPTIONS`` and CORS preflights, a path under a
``root_path``) goes through connexion's whole chain.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from connexion.apps.asynchronous import AsyncASGIApp
from connexion.middleware.abstract import ROUTING_CONTEXT, RoutedMiddleware
from connexion.middleware.context import ContextMiddleware, ContextOperation
from connexion.middleware.exceptions import ExceptionMiddleware
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.request_validation import (
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.response_validation import (
    ResponseValidationMiddleware,
    ResponseValidationOperation,
)
from connexion.middleware.routing import RoutingOperation
from starlette.routing import Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from servicestub.app.compiled import (
    ArgumentPlan,
    CompiledCall,
    CompiledValidation,
    compilable,
)
from servicestub.app.operations import CompilableOperation
from servicestub.app.uri_parser import RawPathRouting, routed_path
from servicestub.middleware.control import FaultMiddleware, JournalMiddleware, PreferMiddleware
from servicestub.middleware.cors import ApiCorsMiddleware
from servicestub.middleware.guards import (
    AdminGuardMiddleware,
    BodyLimitMiddleware,
    RequestGuardMiddleware,
    RuntimeMiddleware,
    TrackingHeaderMiddleware,
)
from servicestub.middleware.headers import RequiredHeadersMiddleware
from servicestub.middleware.negotiation import MediaTypeMiddleware
from servicestub.middleware.security import SecurityMiddleware
from servicestub.specs import ApiSpec, is_docs

#: Our middlewares that run before routing, outermost first (today's order).
BEFORE_ROUTING: tuple[type, ...] = (
    RuntimeMiddleware,
    ApiCorsMiddleware,
    AdminGuardMiddleware,
    RequiredHeadersMiddleware,
    JournalMiddleware,
    FaultMiddleware,
    RequestGuardMiddleware,
    BodyLimitMiddleware,
)
#: The steps after routing, outermost first (today's order): middlewares of the
#: whole app (connexion's exception handling, ours), and connexion's routed
#: middlewares, whose per-operation instance (the operation class named) is taken;
#: a routed middleware holding no instance of that class for the operation (response
#: validation when it is off) is no step of it.
AFTER_ROUTING: tuple[type | tuple[type, type], ...] = (
    ExceptionMiddleware,
    SecurityMiddleware,
    MediaTypeMiddleware,
    (RequestValidationMiddleware, RequestValidationOperation),
    (ResponseValidationMiddleware, ResponseValidationOperation),
    RequiredHeadersMiddleware,
    PreferMiddleware,
    TrackingHeaderMiddleware,
    (ContextMiddleware, ContextOperation),
)


def _named() -> tuple[type, ...]:
    """Every middleware class the two tables name, outermost first, once per position."""
    return BEFORE_ROUTING + tuple(
        step if isinstance(step, type) else step[0] for step in AFTER_ROUTING
    )


class LeanUnavailable(Exception):
    """connexion's stack is not the one the lean dispatch was built for."""


def _only(stack: Iterable[Any], kind: type, nth: int = 0) -> Any:
    """The ``nth`` instance of ``kind`` in ``stack`` (outermost first), where the
    stack holds as many of them as the tables above name (one, unless a middleware
    is added at two positions, as :class:`RequiredHeadersMiddleware` is)."""
    found = [app for app in stack if isinstance(app, kind)]
    expected = _named().count(kind) or 1
    if len(found) != expected:
        raise LeanUnavailable(f"{len(found)} {kind.__name__} in connexion's stack, not {expected}")
    return found[nth]


def _rewired(instance: Any, next_app: ASGIApp, attribute: str = "app") -> Any:
    """A shallow copy of the middleware ``instance`` (its configuration shared)
    that calls ``next_app`` instead of the layer connexion put after it."""
    twin = copy.copy(instance)
    setattr(twin, attribute, next_app)
    return twin


def _around(app: ASGIApp, instance: Any, base_path: str, operation_id: str) -> ASGIApp:
    """``app`` behind the middleware ``instance`` (rewired to call it), or ``app`` alone
    when ``instance`` never acts on a request routed to ``operation_id`` under
    ``base_path`` (its ``acts_on``, if it has one, says so)."""
    acts_on = getattr(instance, "acts_on", None)
    if acts_on is not None and not acts_on(base_path, operation_id):
        return app
    return _rewired(instance, app)  # type: ignore[no-any-return]


@dataclasses.dataclass(frozen=True)
class _Target:
    """One operation as routed: what connexion's router leaves in the scope, and
    the chain that serves it (the guards before routing, then the steps after)."""

    base_path: str
    operation_id: str
    serve: ASGIApp


@dataclasses.dataclass
class _MethodRoutes:
    """The routes of one method under one mount, in connexion's order: literal
    paths by path (with their position), templated ones as regexes."""

    literal: dict[str, tuple[int, _Target]] = dataclasses.field(default_factory=dict)
    templated: list[tuple[int, re.Pattern[str], Mapping[str, Any], _Target]] = dataclasses.field(
        default_factory=list
    )

    def match(self, path: str) -> tuple[_Target, dict[str, Any]] | None:
        """The first route (in connexion's order) that takes ``path``, with its
        converted path parameters."""
        literal = self.literal.get(path)
        limit = literal[0] if literal is not None else None
        for position, regex, convertors, target in self.templated:
            if limit is not None and position > limit:
                break
            found = regex.match(path)
            if found is not None:
                params = {
                    key: convertors[key].convert(value) for key, value in found.groupdict().items()
                }
                return target, params
        return (literal[1], {}) if literal is not None else None


@dataclasses.dataclass
class _Mount:
    regex: re.Pattern[str]
    methods: dict[str, _MethodRoutes]
    #: Another API's router chained behind this one (same base path): not served here.
    chained: bool


def _mounts(
    routing: RawPathRouting, chain_of: Callable[[str, str], ASGIApp | None]
) -> list[_Mount]:
    mounts = []
    for mount in routing.router.routes:
        if not isinstance(mount, Mount) or not isinstance(mount.app, Router):
            raise LeanUnavailable(f"connexion's router holds {mount!r}, not a mount of an API")
        router = mount.app
        methods: dict[str, _MethodRoutes] = {}
        for position, route in enumerate(router.routes):
            endpoint = getattr(route, "endpoint", None)
            if not isinstance(route, Route) or not isinstance(endpoint, RoutingOperation):
                raise LeanUnavailable(f"{mount.path}: {route!r} is not an operation's route")
            serve = chain_of(mount.path, endpoint.operation_id) if endpoint.operation_id else None
            if serve is None:
                continue
            target = _Target(mount.path, endpoint.operation_id, serve)
            for method in route.methods or ():
                routes = methods.setdefault(method, _MethodRoutes())
                if route.param_convertors:
                    routes.templated.append(
                        (position, route.path_regex, route.param_convertors, target)
                    )
                else:
                    routes.literal.setdefault(route.path, (position, target))
        chained = not isinstance(router.default, RoutingOperation)
        mounts.append(_Mount(mount.path_regex, methods, chained))
    return mounts


class LeanDispatch:
    """The lean dispatch in front of ``connexion`` (the ``ConnexionMiddleware`` of
    the app): see the module's docstring."""

    def __init__(self, connexion: ConnexionMiddleware, apis: tuple[ApiSpec, ...]) -> None:
        self.connexion = connexion
        self.apis = apis
        self._mounts: list[_Mount] | None = None

    def _build(self) -> None:
        if self.connexion.middleware_stack is None:
            # What ConnexionMiddleware.__call__ does on its first call (pins.py).
            self.connexion.app, self.connexion.middleware_stack = (
                self.connexion._build_middleware_stack()
            )
        stack = list(self.connexion.middleware_stack)
        inner = _only(stack, AsyncASGIApp)

        def chain_of(base_path: str, operation_id: str) -> ASGIApp | None:
            """The chain of one operation (the guards before routing, then the steps
            after it), without the middlewares that never act on it; ``None`` when a
            layer does not hold it (connexion then serves it, whole)."""
            try:
                handler = _operation(inner, base_path, operation_id)
                app: ASGIApp = handler
                for place in reversed(range(len(AFTER_ROUTING))):
                    step = AFTER_ROUTING[place]
                    if isinstance(step, type):
                        earlier = _named()[: len(BEFORE_ROUTING) + place].count(step)
                        app = _around(app, _only(stack, step, earlier), base_path, operation_id)
                        continue
                    kind, operation_kind = step
                    operation = _operation(_only(stack, kind), base_path, operation_id)
                    if isinstance(operation, operation_kind):
                        app = _compiled(_rewired(operation, app, "next_app"), handler)
            except KeyError:
                return None
            for place in reversed(range(len(BEFORE_ROUTING))):
                kind = BEFORE_ROUTING[place]
                instance = _only(stack, kind, BEFORE_ROUTING[:place].count(kind))
                app = _around(app, instance, base_path, operation_id)
            return app

        self._mounts = _mounts(_only(stack, RawPathRouting), chain_of)

    def route(self, scope: Scope) -> tuple[_Target, dict[str, Any]] | None:
        """Where connexion's router would send the request of ``scope``, or ``None``
        for a request connexion is to serve whole."""
        if self._mounts is None:
            self._build()
        assert self._mounts is not None
        if scope.get("root_path") or is_docs(scope["path"], self.apis):
            return None
        path = routed_path(scope)
        for mount in self._mounts:
            found = mount.regex.match(path)
            if found is None:
                continue
            if mount.chained:
                return None
            routes = mount.methods.get(scope["method"])
            return routes.match("/" + found["path"]) if routes is not None else None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        routed = self.route(scope) if scope["type"] == "http" else None
        if routed is None:
            await self.connexion(scope, receive, send)
            return
        target, params = routed
        scope["app"] = self.connexion  # as connexion's own entry point sets it
        scope.setdefault("path_params", {}).update(params)
        extensions = scope.setdefault("extensions", {})
        extensions.setdefault(ROUTING_CONTEXT, {}).update(
            {"api_base_path": target.base_path, "operation_id": target.operation_id}
        )
        await target.serve(scope, receive, send)


def _compiled(step: Any, handler: Any) -> Any:
    """``step`` (a rewired per-operation step), or its compiled stand-in
    (``app/compiled.py``) when it is connexion's request validation or context
    layer of an operation whose requests can be compiled."""
    if not isinstance(step, RequestValidationOperation | ContextOperation):
        return step
    operation = step._operation if isinstance(step, RequestValidationOperation) else step.operation
    if not isinstance(handler, CompilableOperation) or not compilable(operation, handler._fn):
        return step
    if isinstance(step, RequestValidationOperation):
        parser = operation._uri_parser_class(operation.parameters, operation.body_definition())
        return CompiledValidation(step, parser)
    plan = ArgumentPlan.of(operation, handler._fn, handler.sanitize)
    return CompiledCall(step, handler._fn, plan, handler.jsonifier)


def _operation(middleware: RoutedMiddleware, base_path: str, operation_id: str) -> Any:
    """The operation ``operation_id`` of the API at ``base_path`` in ``middleware``."""
    apis = middleware.apis[base_path]
    for api in apis if isinstance(apis, list) else [apis]:  # the inner app keeps a list
        if operation_id in api.operations:
            return api.operations[operation_id]
    raise KeyError(operation_id)


def lean_dispatch(connexion: ConnexionMiddleware, apis: tuple[ApiSpec, ...]) -> LeanDispatch:
    """The lean dispatch serving the routed operations of ``connexion``'s APIs."""
    return LeanDispatch(connexion, apis)
