"""``create_app``: the connexion application serving every API of the mock."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import orjson
from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from connexion.middleware import MiddlewarePosition
from connexion.middleware.lifespan import Lifespan
from connexion.options import SwaggerUIOptions
from connexion.spec import Specification
from starlette.exceptions import HTTPException

from servicestub.connexion_app import App
from servicestub.control.documented import ResponseCatalog
from servicestub.core.errors import PROBLEM_JSON, ApiError, problem_body, status_title
from servicestub.core.jsonio import OrjsonJsonifier
from servicestub.core.settings import Settings
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
from servicestub.middleware.negotiation import MediaTypeMiddleware
from servicestub.middleware.origins import ControlPlanePolicy
from servicestub.routing import handler_resolver
from servicestub.runtime import TRACKING_KEY, Runtime
from servicestub.specs import ADMIN, APIS, DOCS_UI_PATH, SPEC_DIR, allowed_methods
from servicestub.validation import VALIDATORS, SpecURIParser

log = logging.getLogger("servicestub")
# connexion logs every unknown query parameter at ERROR; the mock ignores them, as servers do.
logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)


def _problem_response(
    request: ConnexionRequest, body: dict[str, Any], headers: dict[str, str] | None = None
) -> ConnexionResponse:
    tracking_id = request.scope.get(TRACKING_KEY)
    if tracking_id is not None:
        body["trackingId"] = tracking_id
    return ConnexionResponse(
        status_code=body["status"],
        mimetype=PROBLEM_JSON,
        content_type=PROBLEM_JSON,
        body=orjson.dumps(body),
        headers=dict(headers or {}),
    )


def readable(detail: str, limit: int = 1000) -> str:
    """A validator's message made fit for a person: its first line, and a long
    offending value (a 1 MB string, say) cut short rather than echoed whole."""
    line = detail.strip().splitlines()[0] if detail.strip() else detail
    if len(line) <= limit:
        return line
    half = limit // 2
    return f"{line[:half]} … {line[-half:]}"  # the end names the field; keep it


def _api_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, ApiError)
    return _problem_response(request, exc.to_problem())


def _connexion_problem(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, ProblemException)
    if exc.status >= 500:
        log.error("%s: %s", exc.title, exc.detail)
    return _problem_response(
        request,
        problem_body(exc.status, exc.title or "Error", readable(str(exc.detail or exc.title))),
    )


def _http_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    if exc.status_code == 404:
        detail = (
            f"No operation at {request.url.path}; see the API docs under /v1/ui/ or /api/v4/ui/."
        )
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        allowed = allowed_methods(request.url.path)
        headers["Allow"] = ", ".join(allowed)
        detail = (
            f"{request.method} is not an operation of {request.url.path}; "
            f"it takes {headers['Allow']}."
        )
    title = status_title(exc.status_code)
    return _problem_response(request, problem_body(exc.status_code, title, str(detail)), headers)


def _unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _problem_response(
        request,
        problem_body(
            500,
            "Internal Server Error",
            "The mock failed to handle this request; the server log has the details.",
        ),
    )


@contextlib.contextmanager
def _specs_checked_by_the_tests() -> Iterator[None]:
    """Load our specs without connexion checking them against the OpenAPI schema.

    connexion checks every spec it loads, which is a sixth of the start-up time.
    Ours are fixed files shipped with the package and ``tests/test_specs.py``
    runs that same check on each, so a server start need not repeat it.
    """
    check = Specification.__dict__["_validate_spec"]
    Specification._validate_spec = classmethod(lambda _cls, _spec: None)  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        Specification._validate_spec = check  # type: ignore[method-assign]


def _saving_on_shutdown(runtime: Runtime) -> Lifespan:
    """The app's lifespan: with ``--state``, the state is written when the server
    shuts down, whatever stops it (SIGTERM, Ctrl-C, an embedding server). A save
    that fails is logged with its reason; the file keeps its previous content."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        yield
        if runtime.settings.state_file is None:
            return
        try:
            path, size = runtime.save_state()
        except ApiError as error:
            log.error("%s", error.detail)
        else:
            log.info("state saved to %s (%d bytes)", path, size)

    return lifespan


def create_app(settings: Settings | None = None) -> App:
    """A fresh app with its own state; ``app.runtime`` is that state."""
    settings = settings or Settings()
    runtime = Runtime(settings)
    runtime.responses = ResponseCatalog(APIS)
    app = App(
        "servicestub",
        lifespan=_saving_on_shutdown(runtime),
        specification_dir=SPEC_DIR,
        jsonifier=OrjsonJsonifier(),
        pythonic_params=True,
        resolver=handler_resolver(),
        validate_responses=settings.validate_responses,
        validator_map=VALIDATORS,
        uri_parser_class=SpecURIParser,
    )
    with _specs_checked_by_the_tests():
        for api in APIS:
            app.add_api(
                api.document(),
                base_path=api.base_path,
                name=api.name,
                swagger_ui_options=SwaggerUIOptions(swagger_ui_path=DOCS_UI_PATH),
            )
    # Each middleware goes just outside connexion's exception handling, so the
    # order here is outermost first: CORS, runtime/tracking id, admin token,
    # journal, fault rules, request guard, body limit.
    app.add_middleware(ApiCorsMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(
        RuntimeMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, runtime=runtime
    )
    app.add_middleware(
        AdminGuardMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        token=settings.admin_token,
        prefix=ADMIN.base_path,
        policy=ControlPlanePolicy(settings.admin_origins, settings.allowed_hosts),
    )
    app.add_middleware(JournalMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(FaultMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(RequestGuardMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(
        BodyLimitMiddleware,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        max_bytes=settings.max_body_bytes,
        overrides={f"{ADMIN.base_path}/state": settings.max_state_bytes},
    )
    # After routing, so it knows the operation; before validation, which reads Content-Type.
    app.add_middleware(MediaTypeMiddleware, position=MiddlewarePosition.BEFORE_VALIDATION)
    # After routing and request validation, so it knows the operation.
    app.add_middleware(PreferMiddleware, position=MiddlewarePosition.BEFORE_CONTEXT)
    app.add_middleware(TrackingHeaderMiddleware, position=MiddlewarePosition.BEFORE_CONTEXT)
    app.add_error_handler(ApiError, _api_error)
    app.add_error_handler(ProblemException, _connexion_problem)
    app.add_error_handler(HTTPException, _http_error)
    app.add_error_handler(Exception, _unexpected)
    app.runtime = runtime  # type: ignore[attr-defined]
    return app
