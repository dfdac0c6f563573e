"""A compiled call (``app/compiled.py``) passes a handler the very arguments
connexion's parameter decorator passes it (``app/uri_parser.SpecArguments`` over
connexion's ``prep_kwargs``), for every operation of the built-in APIs and of a
spec made of the parameter forms that differ (numbers, booleans, arrays exploded
or not, defaults of scalars and objects, a schema typed through ``oneOf``, a
parameter the operation redefines, names that are not Python's), over generated
query strings and path values: the same names, values and types, or the same
error raised."""

from __future__ import annotations

import asyncio
import functools
import re
import tempfile
import urllib.parse
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from connexion.context import _context, _operation, _receive, _scope
from connexion.decorators.response import AsyncResponseDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.context import ContextMiddleware
from connexion.middleware.request_validation import RequestValidationMiddleware
from connexion.utils import extract_content_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicestub import Settings, create_app
from servicestub.app import lean
from servicestub.app.compiled import (
    ArgumentPlan,
    CompiledCall,
    CompiledValidation,
    _Answer,
    _named_content_type,
    _Responses,
    bodiless,
)
from servicestub.app.jsonifier import OrjsonJsonifier
from servicestub.app.operations import CompilableOperation, _MemoisedNames
from servicestub.app.validation import ParsedBodyRequest

INTEGER = {"type": "integer"}
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Forms of parameters", "version": "1"},
    "servers": [{"url": "/forms"}],
    "paths": {
        "/items/{itemId}": {
            "parameters": [
                {"name": "itemId", "in": "path", "required": True, "schema": {"type": "string"}},
                {"name": "view", "in": "query", "schema": {"type": "string", "default": "full"}},
            ],
            "get": {
                "operationId": "readItem",
                "parameters": [
                    {"name": "itemId", "in": "path", "required": True, "schema": INTEGER},
                    {"name": "view", "in": "query", "schema": {"type": "string"}},
                    {"name": "ratio", "in": "query", "schema": {"type": "number"}},
                    {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
                    {"name": "page-size", "in": "query", "schema": {**INTEGER, "default": 20}},
                    {
                        "name": "states",
                        "in": "query",
                        "schema": {"type": "array", "items": {"type": "string"}},
                    },
                    {
                        "name": "sizes",
                        "in": "query",
                        "explode": False,
                        "schema": {"type": "array", "items": INTEGER, "default": [1]},
                    },
                    {
                        "name": "filter",
                        "in": "query",
                        "style": "deepObject",
                        "schema": {
                            "type": "object",
                            "properties": {"min": {**INTEGER, "default": 0}, "max": INTEGER},
                        },
                    },
                    {
                        "name": "key",
                        "in": "query",
                        "schema": {"oneOf": [INTEGER, {"type": "string"}]},
                    },
                    {
                        "name": "sortBy",
                        "in": "query",
                        "schema": {"enum": ["a", "b"], "default": "a"},
                    },
                ],
                "responses": {"200": {"description": "ok"}},
            },
        }
    },
}


def _spec_file() -> Path:
    path = Path(tempfile.mkdtemp(prefix="servicestub-compiled-")) / "forms.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    return path


def _operations(app: Any) -> list[tuple[Any, Any, Any, Any]]:
    """Per compiled operation of ``app``: (connexion's validation step, its context
    step, the inner app's operation, the compiled call)."""
    dispatch = app.lean
    dispatch._build()
    stack = list(app.middleware.middleware_stack)
    inner = lean._only(stack, lean.AsyncASGIApp)
    found, seen = [], set()
    for mount in dispatch._mounts:
        for routes in mount.methods.values():
            targets = [t for _p, t in routes.literal.values()]
            targets += [t for *_rest, t in routes.templated]
            for target in dict.fromkeys(targets):  # a GET's target is its HEAD's too
                if target in seen:
                    continue
                seen.add(target)
                ids = (target.base_path, target.operation_id)
                handler = lean._operation(inner, *ids)
                step, checking = target.serve, None
                while not isinstance(step, CompiledCall) and step is not None:
                    checking = step if isinstance(step, CompiledValidation) else checking
                    step = getattr(step, "next_app", getattr(step, "app", None))
                if not isinstance(step, CompiledCall):
                    continue
                CHECKS[step] = checking
                validation = lean._operation(lean._only(stack, RequestValidationMiddleware), *ids)
                context = lean._operation(lean._only(stack, ContextMiddleware), *ids)
                found.append((validation, context, handler, step))
    return found


#: The compiled validation step in front of each compiled call.
CHECKS: dict[CompiledCall, CompiledValidation | None] = {}
APPS = {
    "builtin": create_app(Settings()),
    "spec": create_app(Settings(specs=((_spec_file(), None),))),
}
OPERATIONS = {
    "builtin": _operations(APPS["builtin"]),
    # the forms spec's own operation (its app serves the control plane too)
    "spec": [e for e in _operations(APPS["spec"]) if ".forms." in e[1].operation.operation_id],
}
#: Texts of every class the parsers read differently.
TEXTS = st.sampled_from(
    ["", "0", "7", "-3", "1.5", "2e3", "true", "false", "a", "a,b", "1,2", "x y", "[", "é"]
)


def _request_scope(path: str, query: bytes, path_params: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1")],
        "path_params": path_params,
        "extensions": {"connexion_context": {}},
    }


def _typed(value: Any) -> Any:
    """``value`` with every leaf's type beside it (``5`` and ``5.0`` differ)."""
    if isinstance(value, dict):
        return {key: _typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return (type(value).__name__, value)


async def _outcome(call: Any) -> Any:
    try:
        return ("passed", _typed(await call()))
    except Exception as error:  # an error raised is an outcome to compare too
        return ("raised", type(error).__name__, str(error))


async def _both(entry: tuple[Any, Any, Any, Any], query: bytes, path_value: str) -> Any:
    _validation, context, handler, compiled = entry
    operation = context.operation
    path = re.sub(r"\{[^}]+\}", path_value, operation.path)
    path_params = {p["name"]: path_value for p in operation.parameters if p["in"] == "path"}
    scope = _request_scope(path, query, path_params)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    _context.set(scope["extensions"]["connexion_context"])
    _operation.set(operation)
    _receive.set(receive)
    _scope.set(scope)

    @functools.wraps(handler._fn)
    async def capture(**kwargs: Any) -> Any:
        return kwargs

    decorated = _MemoisedNames(framework=None, pythonic_params=handler.pythonic_params)(capture)
    parser = operation._uri_parser_class(operation.parameters, operation.body_definition())
    plan = ArgumentPlan.of(operation, handler._fn, handler.sanitize)
    assert plan == compiled.plan  # the plan the app serves with
    connexion_way = await _outcome(
        lambda: decorated(ParsedBodyRequest(scope, receive, uri_parser=parser))
    )
    compiled_validation = CHECKS[compiled]
    assert compiled_validation is not None
    _scrambled(compiled_validation.request(dict(scope)))  # a handler changing what it got

    async def compiled_way() -> Any:
        # The same parse again, kept or not; its arguments made once and kept with it,
        # the first call's changed by its handler before the second is made.
        _scrambled_arguments(compiled.arguments(compiled_validation.request(dict(scope)), {}))
        request = compiled_validation.request(dict(scope))
        return compiled.arguments(request, _context.get())

    checked_request = compiled_validation.request(dict(scope))
    accepted = compiled_validation.accepts(checked_request)
    # found once per kept parse, then read: the same verdict
    assert compiled_validation._accepted(checked_request) is accepted
    assert compiled_validation._accepted(compiled_validation.request(dict(scope))) is accepted
    if accepted:  # connexion's validator must accept it too
        compiled_validation.validator.validate_request(checked_request)
    return connexion_way, await _outcome(compiled_way)


def _scrambled(request: Any) -> None:
    """Change every list and dict the parameters of ``request`` hold, as a handler may."""

    def scramble(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                scramble(item)
            value.append("scrambled")
        elif isinstance(value, dict):
            for item in list(value.values()):
                scramble(item)
            value["scrambled"] = "scrambled"

    try:
        scramble(request.path_params)
        scramble(request.query_params)
    except Exception:  # a parameter the parser cannot read: nothing was kept
        pass


def _scrambled_arguments(kwargs: dict[str, Any]) -> None:
    """Change every list and dict among a handler's arguments, as a handler may."""
    for value in kwargs.values():
        if isinstance(value, list):
            value.append("scrambled")
        elif isinstance(value, dict):
            value["scrambled"] = "scrambled"


def test_a_kept_parse_is_not_changed_by_a_handler() -> None:
    """The second request with the same query gets the parse the first got, before the
    first request's handler changed its copy."""
    (entry,) = [
        e
        for e in OPERATIONS["builtin"]
        if e[1].operation.operation_id.endswith("list_service_orders")
    ]
    validation = CHECKS[entry[3]]
    assert validation is not None
    scope = _request_scope(
        "/x", b"states=DONE&states=NEW&perPage=2", {"tenantId": "t", "storeId": "s"}
    )
    first = validation.request(dict(scope))
    assert first.query_params["states"] == ["DONE", "NEW"]
    _scrambled(first)
    again = validation.request(dict(scope))
    assert again.query_params == {"states": ["DONE", "NEW"], "perPage": 2}
    assert again.path_params == {"tenantId": "t", "storeId": "s"}
    assert validation.parsed.kept.cache_info().hits >= 1  # it was the kept parse
    # The handler's arguments, made of the kept parse once and kept with it.
    call = entry[3]
    made = call.arguments(again, {})
    assert made["states"] == ["DONE", "NEW"] and made["per_page"] == 2
    assert again.parse.arguments is not None
    _scrambled_arguments(made)
    kept = call.arguments(validation.request(dict(scope)), {})
    assert kept == call.plan.kwargs(validation.request(dict(scope)), {})
    assert kept["states"] == ["DONE", "NEW"]


@st.composite
def queries(draw: st.DrawFn, names: list[str]) -> bytes:
    pairs = draw(
        st.lists(
            st.tuples(st.sampled_from([*names, "unknown", "filter[min]", "filter[max]"]), TEXTS),
            max_size=6,
        )
    )
    return urllib.parse.urlencode(pairs).encode()


@pytest.mark.parametrize("api", list(APPS))
@settings(
    max_examples=150, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(data=st.data())
def test_compiled_arguments_are_connexions(api: str, data: st.DataObject) -> None:
    """The same arguments, or the same error; and a request the compiled validation
    accepts is one connexion's validator accepts."""
    entry = data.draw(st.sampled_from(OPERATIONS[api]), label="operation")
    names = [p["name"] for p in entry[1].operation.parameters if p["in"] == "query"]
    query = data.draw(queries(names), label="query")
    path_value = data.draw(st.sampled_from(["1", "-2", "abc", "a%2Fb", "0.5"]), label="path")
    connexion_way, compiled_way = asyncio.run(_both(entry, query, path_value))
    assert compiled_way == connexion_way


@pytest.mark.parametrize(
    ("api", "operation_id", "query", "path_value", "accepted"),
    [
        ("spec", "readItem", b"ratio=1.5&states=a&states=b&sizes=1,2&flag=true", "7", True),
        ("spec", "readItem", b"", "7", True),
        ("spec", "readItem", b"ratio=abc", "7", False),
        ("spec", "readItem", b"", "abc", False),
        ("builtin", "list_service_orders", b"perPage=2&states=DONE", "demo", True),
        ("builtin", "list_service_orders", b"perPage=0", "demo", False),
    ],
)
def test_the_compiled_validation_accepts_valid_requests(
    api: str, operation_id: str, query: bytes, path_value: str, accepted: bool
) -> None:
    """A valid request is accepted without connexion's validator (the fast acceptance
    is taken at all); an invalid one is left to the validator."""
    (entry,) = [e for e in OPERATIONS[api] if e[1].operation.operation_id.endswith(operation_id)]
    operation = entry[1].operation
    path = re.sub(r"\{[^}]+\}", path_value, operation.path)
    params = {p["name"]: path_value for p in operation.parameters if p["in"] == "path"}
    params = {name: int(v) if name == "itemId" and v.isdigit() else v for name, v in params.items()}
    validation = CHECKS[entry[3]]
    assert validation is not None
    request = ConnexionRequest(_request_scope(path, query, params), uri_parser=validation.parser)
    assert validation.accepts(request) is accepted


def test_every_api_has_compiled_operations() -> None:
    """The comparison above runs over real operations: the built-in APIs' bodiless
    reads and the forms spec's one are compiled."""
    assert len(OPERATIONS["builtin"]) >= 20
    assert [entry[1].operation.operation_id for entry in OPERATIONS["spec"]] == [
        "servicestub.handlers.forms.readItem"
    ]
    assert all(
        isinstance(entry[2], CompilableOperation) for ops in OPERATIONS.values() for entry in ops
    )


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([], True),
        ([(b"host", b"h"), (b"accept", b"application/json")], True),
        ([(b"content-length", b"0")], True),
        ([(b"content-length", b" 0 ")], True),
        ([(b"content-length", b"12")], False),
        ([(b"transfer-encoding", b"chunked")], False),
        ([(b"content-type", b"application/json")], False),
        ([(b"content-type", b"application/json"), (b"content-length", b"0")], False),
    ],
)
def test_a_request_is_bodiless_when_it_names_no_body(
    headers: list[tuple[bytes, bytes]], expected: bool
) -> None:
    assert bodiless({"headers": headers}) is expected


@given(
    st.dictionaries(
        st.sampled_from(["Content-Type", "content-type", "CONTENT-TYPE", "Location", "X-A"]),
        st.sampled_from(["application/json", "text/plain", "application/problem+json", ""]),
        max_size=4,
    )
)
def test_the_named_content_type_is_the_one_connexion_reads(headers: dict[str, str]) -> None:
    assert _named_content_type(headers) == extract_content_type(headers)


JSON_BODIES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=6,
)
#: What the operation of the direct-answer test documents: JSON ones, and others.
PRODUCES = ["application/json", "application/problem+json", "application/vnd.x+json", "text/plain"]


async def _messages(response: Any) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    await response({"type": "http", "method": "GET"}, receive, send)
    return sent


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    body=st.one_of(st.dictionaries(st.text(max_size=4), JSON_BODIES), st.lists(JSON_BODIES)),
    status=st.sampled_from([0, 100, 199, 200, 201, 204, 206, 304, 400, 404, 500]),
    headers=st.dictionaries(
        st.sampled_from(["Content-Type", "content-type", "Content-Length", "Location", "X-A"]),
        st.sampled_from([*PRODUCES, "text/html", "12", "/x?a=1"]),
        max_size=4,
    ),
)
def test_a_direct_answer_is_the_one_connexion_sends(
    body: Any, status: int, headers: dict[str, str]
) -> None:
    """A handler's ``(body, status, headers)`` answered without connexion's response
    objects sends the messages connexion's decorator and Starlette's response send."""
    ours = _Responses(OrjsonJsonifier(), PRODUCES)
    answer = ours._answer((body, status, dict(headers)))
    if answer is None:  # connexion's own decorator answers it
        assert status == 0 or _named_content_type(headers) not in PRODUCES[:3]
        return
    _operation.set(SimpleNamespace(produces=PRODUCES))
    connexion_way = AsyncResponseDecorator(
        framework=StarletteFramework, jsonifier=OrjsonJsonifier()
    )
    expected = connexion_way.build_framework_response((body, status, dict(headers)))
    assert asyncio.run(_messages(answer)) == asyncio.run(_messages(expected))


def test_a_json_answer_is_answered_directly() -> None:
    answer = _Responses(OrjsonJsonifier(), PRODUCES).build_framework_response(
        ({"a": [1]}, 201, {"Location": "/x/1", "Content-Type": "application/json"})
    )
    assert isinstance(answer, _Answer)
    assert answer.headers == [
        (b"location", b"/x/1"),
        (b"content-type", b"application/json"),
        (b"content-length", b"9"),
    ]
