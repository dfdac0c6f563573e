"""What the mock leans on of connexion beyond its documented API, in one place,
pinned to the minor version it was tested with.

connexion is used through its extension points where it has them: the
``AsyncApp`` constructor's options (``resolver``, ``validator_map``,
``uri_parser_class``, ``jsonifier``, ``middlewares``), ``add_middleware`` at a
``MiddlewarePosition``, ``add_error_handler``, and the ``api_cls`` of the inner
ASGI app. What follows has no such point; each entry names what to re-check
when connexion changes. ``tests/test_connexion_pins.py`` fails when the
installed connexion is not :data:`TESTED` (pyproject bounds it to that minor)
or when an entry is gone.
"""

from __future__ import annotations

import dataclasses
import importlib
from importlib.metadata import version

#: The connexion minor version these internals were read from and tested with.
TESTED = (3, 3)


@dataclasses.dataclass(frozen=True)
class Internal:
    """One internal of connexion the mock relies on: ``module:Class.attribute``."""

    module: str
    qualname: str
    used_by: str
    recheck: str

    def present(self) -> bool:
        """The internal still exists under its name."""
        node: object = importlib.import_module(self.module)
        for part in self.qualname.split("."):
            if not hasattr(node, part):
                return False
            node = getattr(node, part)
        return True


INTERNALS = (
    Internal(
        "connexion.apps.asynchronous",
        "AsyncASGIApp.api_cls",
        "app.operations.App (set on the instance AsyncApp.__init__ builds)",
        "AsyncApp still builds an AsyncASGIApp whose add_api builds self.api_cls",
    ),
    Internal(
        "connexion.apps.asynchronous",
        "AsyncOperation.fn",
        "app.operations.CompilableOperation (decorated once, not per request)",
        "fn still builds the StarletteDecorator around self._fn on every call",
    ),
    Internal(
        "connexion.decorators",
        "StarletteDecorator._parameter_decorator_cls",
        "app.operations._DecoratedOnce",
        "the decorator still picks its parameter decorator through this property",
    ),
    Internal(
        "connexion.decorators",
        "StarletteDecorator.decorate",
        "app.operations._DecoratedOnce",
        "decorate(function) still returns the handler taking the request",
    ),
    Internal(
        "connexion.decorators",
        "StarletteDecorator.uri_parser",
        "app.operations._DecoratedOnce (cached per operation)",
        "uri_parser still depends on the operation only",
    ),
    Internal(
        "connexion.decorators.parameter",
        "AsyncParameterDecorator.__init__",
        "app.operations._MemoisedNames (sets sanitize_fn after it)",
        "sanitize_fn is still the attribute every parameter name goes through",
    ),
    Internal(
        "connexion.decorators.parameter",
        "pythonic",
        "app.operations._pythonic (memoised, bounded)",
        "pythonic/sanitized are still pure functions of the name",
    ),
    Internal(
        "connexion.spec",
        "Specification._validate_spec",
        "app.factory._specs_checked_by_the_tests (skipped at start-up)",
        "it is still a classmethod called once per loaded spec",
    ),
    Internal(
        "connexion.spec",
        "copy.deepcopy",
        "app.factory._specs_copied_as_json (the module's copy replaced while loading)",
        "Specification still copies the raw spec with copy.deepcopy, through the module",
    ),
    Internal(
        "connexion.json_schema",
        "deepcopy",
        "app.factory._specs_copied_as_json (replaced while loading)",
        "resolve_refs still copies the spec with the module's deepcopy name",
    ),
    Internal(
        "connexion.validators",
        "JSONRequestBodyValidator._parse",
        "app.validation.FastJSONRequestBodyValidator (also _validate, wrap_receive, "
        "_required, _nullable, _schema)",
        "the validator still parses in _parse(stream, scope) and checks in _validate(body)",
    ),
    Internal(
        "connexion.validators",
        "JSONResponseBodyValidator._parse",
        "app.validation.FastJSONResponseBodyValidator (also _validate)",
        "as for the request body validator",
    ),
    Internal(
        "connexion.validators",
        "ParameterValidator.validate_parameter",
        "app.validation.FastParameterValidator",
        "it is still a static method returning the error text or None",
    ),
    Internal(
        "connexion.uri_parsing",
        "OpenAPIURIParser.resolve_params",
        "app.uri_parser.SpecURIParser (also param_defns, style_defaults)",
        "resolve_params(params, _in) still receives every value of each parameter",
    ),
    Internal(
        "connexion.middleware.main",
        "ConnexionMiddleware.default_middlewares",
        "app.error_handlers.connexion_middlewares (ServerErrorMiddleware swapped)",
        "the stack still starts with connexion's ServerErrorMiddleware(handler=)",
    ),
    Internal(
        "connexion.middleware.routing",
        "_scope",
        "app.uri_parser.RawPathRouting (also RoutingMiddleware.router)",
        "RoutingMiddleware.__call__ still sets _scope to the scope handed on, then routes",
    ),
    Internal(
        "connexion.decorators.parameter",
        "_get_val_from_param",
        "app.compiled.ArgumentPlan (also _get_query_defaults, CONTEXT_NAME, "
        "connexion.utils.deep_merge)",
        "get_arguments/prep_kwargs still pass a body-less request's arguments as "
        "ArgumentPlan.kwargs does (tests/test_compiled_calls.py compares them)",
    ),
    Internal(
        "connexion.middleware.request_validation",
        "RequestValidationOperation.extract_content_type",
        "app.compiled.CompiledValidation (also validate_mime_type, _operation, "
        "_validator_map, strict_validation, security_query_params, next_app)",
        "__call__ still builds the parameter validator from these, per request",
    ),
    Internal(
        "connexion.context",
        "_scope",
        "app.compiled.CompiledCall (also _context, _operation, _receive; "
        "ContextOperation.operation)",
        "ContextOperation.__call__ still sets exactly these four from the scope",
    ),
    Internal(
        "connexion.decorators.response",
        "BaseResponseDecorator._infer_content_type",
        "app.compiled._Responses (a documented Content-Type taken without it)",
        "it still returns a Content-Type the handler names when produces lists it",
    ),
    Internal(
        "connexion.middleware.abstract",
        "ROUTING_CONTEXT",
        "middleware.operations.routed_operation_id",
        "routing still leaves the resolved operation_id under scope['extensions'][it]",
    ),
)


def installed() -> tuple[int, int]:
    """The installed connexion's major and minor version."""
    major, minor = version("connexion").split(".")[:2]
    return int(major), int(minor)


def missing() -> list[Internal]:
    """The internals the installed connexion no longer has."""
    return [internal for internal in INTERNALS if not internal.present()]
