"""``create_app``: the connexion application serving every API of the mock."""

from __future__ import annotations

import contextlib
import copy
import functools
import logging
import types
from collections.abc import AsyncIterator, Iterator
from typing import Any

import orjson
from connexion import json_schema as connexion_json_schema
from connexion import spec as connexion_spec
from connexion.exceptions import ResolverError
from connexion.middleware import MiddlewarePosition
from connexion.middleware.lifespan import Lifespan
from connexion.options import SwaggerUIOptions
from connexion.resolver import RelativeResolver
from connexion.spec import Specification

from servicestub.app.error_handlers import HANDLED, connexion_middlewares, problem_response
from servicestub.app.jsonifier import OrjsonJsonifier
from servicestub.app.lean import lean_dispatch
from servicestub.app.operations import App
from servicestub.app.resolver import engine_operations, handler_resolver
from servicestub.app.uri_parser import SpecURIParser, raw_path_routing
from servicestub.app.validation import VALIDATORS, documented_media_validation
from servicestub.control.documented import ResponseCatalog
from servicestub.core.errors import ApiError
from servicestub.core.settings import Settings
from servicestub.engine.dispatch import ServedOperation, collection_operations
from servicestub.engine.model import CollectionModel, ModelError, SpecModel, model_of
from servicestub.handlers._served import Answerer, Handler, served_answers, served_handlers
from servicestub.middleware.control import (
    FaultMiddleware,
    JournalMiddleware,
    PreferMiddleware,
)
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
from servicestub.middleware.operations import HANDLERS
from servicestub.middleware.origins import ControlPlanePolicy
from servicestub.middleware.security import SecurityMiddleware, without_connexion_security
from servicestub.runtime import Runtime, ServedParts
from servicestub.specs import ADMIN, DOCS_UI_PATH, SPEC_DIR, ApiSpec
from servicestub.specs import operations as iter_operations
from servicestub.specs.loading import SpecRefused
from servicestub.specs.pruning import Dropped, drop, nothing_served

log = logging.getLogger("servicestub")
# connexion logs every unknown query parameter at ERROR; the mock ignores them, as servers do.
logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)


@contextlib.contextmanager
def _specs_checked_by_the_tests(api: ApiSpec) -> Iterator[None]:
    """Load our specs without connexion checking them against the OpenAPI schema.

    connexion checks every spec it loads, which is a sixth of the start-up time.
    Ours are fixed files shipped with the package and ``tests/test_specs.py``
    runs that same check on each, so a server start need not repeat it. A spec
    served from another file (``Settings.spec_files``) is checked; a third-party
    one (``--spec``) was checked against the same schema when it was read, each
    flaw dropping only the operations it touches (:mod:`servicestub.specs.pruning`).
    """
    if api.source is not None and not api.third_party:
        yield
        return
    check = Specification.__dict__["_validate_spec"]
    Specification._validate_spec = classmethod(lambda _cls, _spec: None)
    try:
        yield
    finally:
        Specification._validate_spec = check


#: What orjson would write as something else (a date as text): deep-copied instead.
_NOT_JSON = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
)


def _json_copy(value: Any, _memo: Any = None) -> Any:
    """A deep copy of the JSON ``value`` by an orjson round trip (ten times faster
    than :func:`copy.deepcopy`); a value holding anything else (a YAML date, an
    integer past 64 bits) is deep-copied."""
    try:
        return orjson.loads(orjson.dumps(value, option=_NOT_JSON))
    except TypeError:  # orjson.JSONEncodeError
        return copy.deepcopy(value)


@contextlib.contextmanager
def _specs_copied_as_json() -> Iterator[None]:
    """Let connexion copy the spec it loads as JSON (:func:`_json_copy`): it deep-copies
    every spec twice (the raw one kept, the one whose ``$ref``s it resolves), which
    was half the start-up of a spec of a few hundred paths. What it is given is a
    fresh, JSON-only copy (:meth:`ApiSpec.document`)."""
    copies = connexion_spec.copy, connexion_json_schema.deepcopy
    connexion_spec.copy = types.SimpleNamespace(deepcopy=_json_copy)
    connexion_json_schema.deepcopy = _json_copy
    try:
        yield
    finally:
        connexion_spec.copy, connexion_json_schema.deepcopy = copies


def _segments(path: str) -> list[str]:
    return [segment for segment in path.split("/") if segment]


def _engine_handlers(
    api: ApiSpec, model: SpecModel, runtime: Runtime
) -> tuple[dict[str, Handler], dict[str, str]]:
    """The handlers of the operations the engine serves for ``api``, and
    ``operationId -> why`` for those of a third-party collection it cannot serve
    (its records cannot be seeded from its schema): left to the resolver like any
    other operation, not fatal to the spec. A built-in API's failure stops the start."""
    operations = engine_operations(model, api.third_party)
    if not api.third_party:
        return served_handlers(api.name, operations, runtime.serve), {}
    by_collection: dict[str, dict[str, ServedOperation]] = {}
    for operation_id, operation in operations.items():
        by_collection.setdefault(operation.collection.path, {})[operation_id] = operation
    handlers: dict[str, Handler] = {}
    unserved: dict[str, str] = {}
    answered = _Answered(handler_resolver(runtime.apis, model, None, third_party=True))
    for path, group in by_collection.items():
        try:
            served = served_answers(api.name, group, runtime.serve)
        except ModelError as error:
            log.warning("%s: the collection %s is served without state: %s", api.name, path, error)
            unserved |= dict.fromkeys(group, str(error))
            continue
        decide = _StateDecided(runtime, api.name, group[next(iter(group))].collection)
        handlers |= {op: decide.handler(h, answered.handler(op)) for op, h in served.items()}
    return handlers, unserved


class _Answered:
    """The handlers answering operations from the spec (``resolver``'s), each made
    when first needed: most of a collection's operations never need one."""

    def __init__(self, resolver: RelativeResolver) -> None:
        self._resolver = resolver

    def handler(self, operation_id: str) -> Handler:
        made: list[Handler] = []

        async def answer(**arguments: Any) -> Any:
            if not made:
                name = f"{HANDLERS}.{operation_id}"
                made.append(self._resolver.resolve_function_from_operation_id(name))
            return await made[0](**arguments)

        return answer


_UNDECIDED = object()


class _StateDecided:
    """Whether a third-party collection is served with state is decided on its
    first request (its records drawn and checked, :meth:`Runtime.unseedable`), not
    at start-up, which it would cost seconds in a big spec; one whose records cannot
    be seeded is then answered from the spec, as one found so at start-up is."""

    def __init__(self, runtime: Runtime, api: str, model: CollectionModel) -> None:
        self._runtime = runtime
        self._api = api
        self._model = model
        self._told: set[str] = set()
        #: The seeding the collection was last found stateful under (a reset to
        #: another seed decides again).
        self._stateful_under: object = _UNDECIDED

    def stateful(self) -> bool:
        seeding = self._runtime.held.seeding
        if seeding is self._stateful_under:
            return True
        why = self._runtime.unseedable(self._api, self._model)
        if why is None:
            self._stateful_under = seeding
        if why is not None and why not in self._told:
            self._told.add(why)
            log.warning(
                "%s: the collection %s is served without state: %s",
                self._api,
                self._model.path,
                why,
            )
        return why is None

    def handler(self, engine: Answerer, answered: Handler) -> Handler:
        """``engine``'s answer while the collection is served with state, else
        ``answered``; ``answered`` too when ``engine`` fails on a request (logged with
        its traceback) rather than answer it with a 500. An :class:`ApiError` (a 404,
        a 409, a refused body) is the engine's answer, and goes out."""

        @functools.wraps(engine)
        async def handler(**arguments: Any) -> Any:
            if not self.stateful():
                return await answered(**arguments)
            try:
                return engine(**arguments)
            except ApiError:
                raise
            except Exception:
                log.exception(
                    "%s: the engine failed on %s %s; answered from the spec instead",
                    self._api,
                    engine.__name__,
                    self._model.path,
                )
                return await answered(**arguments)

        return handler


def _unresolved(
    api: ApiSpec, resolver: RelativeResolver, unserved: dict[str, str]
) -> dict[tuple[str, str], str]:
    """``(method, path) -> why`` for each operation of the third-party ``api`` that
    ``resolver`` finds no handler for (tried as connexion will try it), so that
    it is left out and the rest served; ``unserved`` names why the engine did not
    serve some of them."""
    found = {}
    for _document, path, method, operation in iter_operations((api,)):
        operation_id = operation["operationId"]
        try:
            resolver.resolve_function_from_operation_id(f"{HANDLERS}.{operation_id}")
        except ResolverError as error:
            found[(method, path)] = unserved.get(operation_id) or str(error.__cause__ or error)
    return found


def _saving_on_shutdown(runtime: Runtime) -> Lifespan:
    """The app's lifespan: with ``--state``, the state is written when the server
    shuts down, whatever stops it (SIGTERM, Ctrl-C, an embedding server). A save
    that fails is logged with its reason; the file keeps its previous content."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        yield
        save_on_shutdown(runtime)

    return lifespan


def save_on_shutdown(runtime: Runtime) -> None:
    """With ``--state``, write the state, logging where (or why it could not be)."""
    if runtime.settings.state_file is None:
        return
    try:
        path, size = runtime.save_state()
    except ApiError as error:
        log.error("%s", error.detail)
    else:
        log.info("state saved to %s (%d bytes)", path, size)


def create_app(settings: Settings | None = None) -> App:
    """A fresh app with its own state; ``app.runtime`` is that state."""
    settings = settings or Settings()
    runtime = Runtime(settings)
    apis = runtime.apis
    runtime.responses = ResponseCatalog(apis)
    app = App(
        "servicestub",
        lifespan=_saving_on_shutdown(runtime),
        middlewares=raw_path_routing(without_connexion_security(connexion_middlewares())),
        specification_dir=SPEC_DIR,
        jsonifier=OrjsonJsonifier(),
        pythonic_params=True,
        resolver=handler_resolver(apis),
        validate_responses=settings.validate_responses,
        validator_map=VALIDATORS,
        uri_parser_class=SpecURIParser,
    )
    # The most specific mount first: connexion routes a request to the first
    # mount it lies under (the root, ``""``, last: it is under everything).
    for api in sorted(apis, key=lambda api: -len(_segments(api.base_path))):
        # Operations of a collection that no handler function is written for are
        # the engine's (the resolver fails on any other operationId without one).
        try:
            model = model_of(api)
        except ModelError as error:
            raise SpecRefused(f"{api.path}: {error}") from None
        served, unserved = _engine_handlers(api, model, runtime)
        resolver = handler_resolver(apis, model, served, api.third_party)
        document = api.document()
        unresolved = _unresolved(api, resolver, unserved) if api.third_party else {}
        drop(document, unresolved)
        dropped = (*api.dropped, *(Dropped(m, p, why) for (m, p), why in unresolved.items()))
        if not document["paths"]:
            raise SpecRefused(nothing_served(api.path, dropped))
        for part in dropped:
            log.warning(
                "%s: %s not served: %s", api.name, f"{part.method.upper()} {part.path}", part.reason
            )
        total = sum(1 for _ in iter_operations((api,)))
        # A third-party collection's state is decided on its first request (_StateDecided).
        deferred = {
            op: operation.collection
            for op, operation in collection_operations(model).items()
            if api.third_party and op in served
        }
        runtime.parts[api.name] = ServedParts(
            len(served), total - len(served) - len(unresolved), dropped, unserved, deferred
        )
        with _specs_checked_by_the_tests(api), _specs_copied_as_json():
            app.add_api(
                document,
                base_path=api.base_path,
                name=api.name,
                resolver=resolver,
                swagger_ui_options=SwaggerUIOptions(swagger_ui_path=DOCS_UI_PATH),
            )
    # Each middleware goes just outside connexion's exception handling, so the
    # order here is outermost first: runtime/tracking id (so that every answer,
    # a CORS refusal too, carries it), CORS, admin token, journal, fault rules,
    # request guard, body limit.
    app.add_middleware(
        RuntimeMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, runtime=runtime
    )
    app.add_middleware(ApiCorsMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, apis=apis)
    app.add_middleware(
        AdminGuardMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        token=settings.admin_token,
        prefix=ADMIN.base_path,
        policy=ControlPlanePolicy(settings.admin_origins, settings.allowed_hosts),
    )
    # Errors and injected faults carry their response's required headers too.
    app.add_middleware(
        RequiredHeadersMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, apis=apis
    )
    app.add_middleware(JournalMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(FaultMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(
        RequestGuardMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, apis=apis
    )
    app.add_middleware(
        BodyLimitMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        max_bytes=settings.max_body_bytes,
        overrides={f"{ADMIN.base_path}/state": settings.max_state_bytes},
    )
    app.add_middleware(SecurityMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION, apis=apis)
    # After routing, so it knows the operation; before validation, which reads Content-Type.
    app.add_middleware(
        MediaTypeMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION, apis=apis
    )
    # After routing and request validation, so it knows the operation.
    # Inside response validation (which refuses an answer lacking one), outside Prefer.
    app.add_middleware(
        RequiredHeadersMiddleware, position=MiddlewarePosition.BEFORE_CONTEXT, apis=apis
    )
    app.add_middleware(PreferMiddleware, position=MiddlewarePosition.BEFORE_CONTEXT)
    app.add_middleware(TrackingHeaderMiddleware, position=MiddlewarePosition.BEFORE_CONTEXT)
    # Once every position is found: validation then reads media types as RFC 9110 does.
    app.middleware.middlewares = documented_media_validation(app.middleware.middlewares)
    for handled in HANDLED:
        app.add_error_handler(handled, problem_response)
    app.runtime = runtime
    if settings.lean_dispatch:
        app.lean = lean_dispatch(app.middleware, apis)
    return app
