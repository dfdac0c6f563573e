"""The lean dispatch (``app/lean.py``) answers every request as connexion's whole
chain does.

The same generated requests go to an app on each path, in lock step (so both
hold the same state), and the status, headers (minus ``date``) and body of each
answer must be equal, as must the journal entry read back after it. The
requests cover both built-in APIs and a third-party spec (security 401s, ``%2F``
in a path, forms, a documented answer that fails response validation), good
and bad requests, CORS preflights, the control plane (with an admin token),
fault rules set through ``/_mock/faults`` and ``Prefer`` codes on routed
operations; the app pairs are configured as ``serve`` runs (no response
validation) and as the suite runs (response validation on).

:func:`test_every_step_is_seen` proves the comparison can fail: with any one
step of the lean path left out, one of the :data:`PROBES` is answered otherwise.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from servicestub import Settings, create_app
from servicestub.app import lean

TOKEN = "s3cret"
AUTH = (b"authorization", f"Bearer {TOKEN}".encode())
BASE = "/v1/tenants/demo/stores/main/service-orders"
THING = {"$ref": "#/components/schemas/Thing"}
#: A response header the spec requires (on the list's 200 and the read's 404).
REQUIRED_HEADER = {"required": True, "schema": {"type": "string"}}
#: A third-party spec: a collection (engine-served), a secured form/JSON create,
#: a path parameter (``%2F``), a documented answer its own schema refuses, and
#: answers that must carry a header.
SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "info": {"title": "Things", "version": "1.0"},
    "servers": [{"url": "/api"}],
    "components": {
        "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "thingId": {"type": "string", "readOnly": True},
                    "name": {"type": "string", "maxLength": 20},
                },
            }
        },
    },
    "paths": {
        "/things": {
            "get": {
                "operationId": "list",
                "parameters": [
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "maximum": 5}}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "headers": {"X-Request-ID": REQUIRED_HEADER},
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"items": {"type": "array", "items": THING}},
                                }
                            }
                        },
                    },
                    "429": {
                        "description": "slow down (its example fails its schema)",
                        "content": {
                            "application/json": {"schema": {"type": "integer"}, "example": "slow"}
                        },
                    },
                },
            },
            "post": {
                "operationId": "create",
                "security": [{"key": []}],
                "requestBody": {
                    "content": {
                        "application/json": {"schema": THING},
                        "application/x-www-form-urlencoded": {"schema": THING},
                    }
                },
                "responses": {
                    "201": {
                        "description": "created",
                        "content": {"application/json": {"schema": THING}},
                    },
                    "400": {"description": "bad"},
                },
            },
        },
        "/things/{thingId}": {
            "parameters": [
                {"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "get": {
                "operationId": "read",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {"application/json": {"schema": THING}},
                    },
                    "404": {
                        "description": "not found",
                        "headers": {"X-Request-ID": REQUIRED_HEADER},
                    },
                },
            },
        },
    },
}


def _spec_file() -> Path:
    path = Path(tempfile.mkdtemp(prefix="servicestub-lean-")) / "things.yaml"
    path.write_text(yaml.safe_dump(SPEC))
    return path


SPEC_FILE = _spec_file()
#: The app configurations compared: as ``serve`` runs, as the suite runs, a third-party spec.
VARIANTS: dict[str, dict[str, Any]] = {
    "serve": {"admin_token": TOKEN, "max_body_bytes": 256},
    "suite": {"validate_responses": True, "max_body_bytes": 256},
    "spec": {"validate_responses": True, "specs": ((SPEC_FILE, None),)},
}
PATHS = {
    "builtin": [
        BASE,
        f"{BASE}/00000000-0000-0000-0000-000000000000",
        "/v1/tenants/demo/stores/main",
        "/v1/tenants/demo/service-types",
        "/v1/nope",
        "/v1/ui/",
        "/v1/openapi.json",
        "/api/v4/Service/Paged",
        "/api/v4/Service/1",
        "/api/v4/nope",
        "/_mock/health",
        "/_mock/faults",
        "/_mock/requests",
    ],
    "spec": [
        "/api/things",
        "/api/things/a%2Fb",
        "/api/things/nope",
        "/api/nope",
        "/_mock/health",
    ],
}
QUERIES = [b"", b"perPage=2", b"perPage=abc", b"page=1&page=2", b"perPage=%00", b"limit=9"]
HEADERS = [
    (b"origin", b"http://example.com"),
    (b"accept", b"application/json"),
    (b"accept", b"text/html"),
    (b"prefer", b"code=404"),
    (b"prefer", b"code=400"),
    (b"prefer", b"code=429"),
    (b"prefer", b"code=299"),
    (b"content-type", b"application/json"),
    (b"content-type", b"application/x-www-form-urlencoded"),
    (b"content-type", b"text/plain"),
    (b"x-tracking-id", b"0d6c3e2a-3f2b-4c1d-9a8b-7c6d5e4f3a2b"),
    (b"access-control-request-method", b"GET"),
    (b"x-key", b"any"),
    AUTH,
    (b"authorization", b"Bearer wrong"),
]
BODIES = [b"", b"{}", b'{"title": 3}', b'{"name": "a"}', b"name=a", b"not json", b"x" * 300]
FAULTS: list[dict[str, Any] | None] = [
    None,
    {"path": "/v1/*/service-types", "status": 503},
    {"method": "GET", "path": "/api/*", "status": 502},
]

#: One request: (variant, fault rule set first, method, path, query, headers, body).
Probe = tuple[str, dict[str, Any] | None, str, str, bytes, list[tuple[bytes, bytes]], bytes]


@st.composite
def probes(draw: st.DrawFn) -> Probe:
    variant = draw(st.sampled_from(list(VARIANTS)))
    paths = PATHS["spec" if variant == "spec" else "builtin"]
    headers = draw(st.lists(st.sampled_from(HEADERS), max_size=4, unique_by=lambda h: h[0]))
    return (
        variant,
        draw(st.sampled_from(FAULTS)),
        draw(st.sampled_from(["GET", "GET", "POST", "DELETE", "OPTIONS", "PATCH"])),
        draw(st.sampled_from(paths)),
        draw(st.sampled_from(QUERIES)),
        headers,
        draw(st.sampled_from(BODIES)),
    )


#: Requests each of which one step of the lean path decides (see test_every_step_is_seen).
PROBES: list[Probe] = [
    ("serve", None, "GET", BASE, b"perPage=2", [], b""),  # runtime, context, the handler
    ("serve", None, "GET", BASE, b"", [(b"origin", b"http://example.com")], b""),  # CORS
    ("serve", None, "GET", "/_mock/faults", b"", [], b""),  # control-plane guard (401)
    ("serve", None, "GET", BASE, b"page=1&page=2", [], b""),  # request guard
    ("serve", None, "POST", BASE, b"", [(b"content-type", b"application/json")], b"x" * 300),
    ("serve", None, "GET", BASE, b"", [(b"accept", b"text/html")], b""),  # 406
    ("serve", None, "GET", BASE, b"perPage=abc", [], b""),  # parameter validation
    ("serve", None, "GET", BASE, b"", [(b"prefer", b"code=400")], b""),  # Prefer
    ("serve", None, "GET", BASE, b"", [(b"prefer", b"code=299")], b""),  # refused Prefer
    ("serve", FAULTS[1], "GET", "/v1/tenants/demo/service-types", b"", [], b""),  # fault
    ("suite", None, "GET", "/api/v4/Service/Paged", b"", [], b""),  # tracking header (required)
    ("spec", None, "POST", "/api/things", b"", [(b"content-type", b"application/json")], b"{}"),
    ("spec", None, "GET", "/api/things", b"", [(b"prefer", b"code=429")], b""),  # responses
    ("spec", None, "GET", "/api/things/a%2Fb", b"", [], b""),
    ("spec", FAULTS[2], "GET", "/api/things", b"", [], b""),
    (
        "spec",
        None,
        "POST",
        "/api/things",
        b"",
        [(b"content-type", b"application/x-www-form-urlencoded"), (b"x-key", b"k")],
        b"name=a",
    ),
]


def _scope(method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]]) -> Any:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": re.sub("%2F", "/", path),
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }


async def _call(
    app: Any, method: str, path: str, query: bytes, headers: list[Any], body: bytes
) -> Any:
    """The answer of ``app`` (status, headers without ``date``, body), or what it raised."""
    if body:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    try:
        await app(_scope(method, path, query, headers), receive, send)
    except Exception as error:  # an escaped error is an answer to compare too
        return ("raised", repr(error))
    if not sent:
        return ("nothing sent",)
    kept = [(k, v) for k, v in sent[0].get("headers", []) if k.lower() != b"date"]
    return sent[0]["status"], kept, b"".join(m.get("body", b"") for m in sent[1:])


async def _control(app: Any, method: str, path: str, rule: Any = None, query: bytes = b"") -> Any:
    body = orjson.dumps(rule) if rule is not None else b""
    headers = [AUTH, (b"content-type", b"application/json")]
    return await _call(app, method, path, query, headers, body)


def _comparable(answer: Any, probe: Probe) -> Any:
    """``answer`` without what differs by nature: a tracking id generated when none
    was sent (header and body), the time and duration of a journal entry."""
    if answer[0] in ("raised", "nothing sent"):
        return answer
    status, headers, body = answer
    _, _, _, path, _, sent, _ = probe
    if path.startswith("/api/v4") and b"x-tracking-id" not in dict(sent):
        headers = [(k, v) for k, v in headers if k != b"x-tracking-id"]
        body = re.sub(rb'"trackingId":"[^"]*"', b"", body)
    if path == "/_mock/requests" and status == 200:
        body = orjson.dumps([_timeless(entry) for entry in orjson.loads(body)["data"]])
        headers = [(k, v) for k, v in headers if k != b"content-length"]
    return status, headers, body


def _timeless(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key not in ("time", "durationMs")}


async def _exchange(app: Any, probe: Probe) -> list[Any]:
    """The answer to ``probe`` (its fault rule set first, then cleared) and the
    journal entry it left, read back."""
    _, fault, method, path, query, headers, body = probe
    if fault is not None:
        await _control(app, "POST", "/_mock/faults", fault)
    answer = await _call(app, method, path, query, headers, body)
    if fault is not None:
        await _control(app, "DELETE", "/_mock/faults")
    journal = await _control(app, "GET", "/_mock/requests", query=b"limit=1")
    if journal[0] == 200:
        journal = [_timeless(entry) for entry in orjson.loads(journal[2])["data"]]
    return [_comparable(answer, probe), journal]


def _pairs() -> dict[str, tuple[Any, Any]]:
    """Per variant, an app on connexion's chain and one on the lean path."""
    return {
        name: (
            create_app(Settings(lean_dispatch=False, **options)),
            create_app(Settings(lean_dispatch=True, **options)),
        )
        for name, options in VARIANTS.items()
    }


def _differences(pairs: dict[str, tuple[Any, Any]], requests: list[Probe]) -> Iterator[Any]:
    async def run() -> list[Any]:
        found = []
        for probe in requests:
            chain, lean_app = pairs[probe[0]]
            old, new = await _exchange(chain, probe), await _exchange(lean_app, probe)
            if old != new:
                found.append((probe, old, new))
        return found

    yield from asyncio.run(run())


PAIRS = _pairs()


def _with_probes(test: Any) -> Any:
    """``test`` run on every one of :data:`PROBES` too, before the generated requests."""
    for probe in reversed(PROBES):
        test = example(probe)(test)
    return test


@_with_probes
@settings(
    max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck)
)
@given(probes())
def test_both_paths_answer_alike(probe: Probe) -> None:
    assert list(_differences(PAIRS, [probe])) == []


def test_the_lean_path_serves_routed_requests() -> None:
    """The comparison is not of two chains: the lean app routes API and control-plane
    requests itself, and leaves the docs and unrouted paths to connexion."""
    for name, (chain, lean_app) in PAIRS.items():
        assert chain.lean is None and lean_app.lean is not None, name
    dispatch = PAIRS["serve"][1].lean
    routed = [
        dispatch.route(_scope(method, path, b"", []))
        for method, path in (("GET", BASE), ("GET", "/_mock/health"), ("POST", BASE))
    ]
    assert all(target is not None for target in routed)
    assert dispatch.route(_scope("GET", "/v1/ui/", b"", [])) is None
    assert dispatch.route(_scope("GET", "/v1/nope", b"", [])) is None


STEPS = [*lean.BEFORE_ROUTING, *lean.AFTER_ROUTING]


@pytest.mark.parametrize("step", STEPS, ids=lambda step: getattr(step, "__name__", str(step)))
def test_every_step_is_seen(step: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """With ``step`` left out of the lean path, some probe is answered otherwise."""
    monkeypatch.setattr(lean, "BEFORE_ROUTING", tuple(s for s in lean.BEFORE_ROUTING if s != step))
    monkeypatch.setattr(lean, "AFTER_ROUTING", tuple(s for s in lean.AFTER_ROUTING if s != step))
    assert list(_differences(_pairs(), PROBES)) != []


def test_the_probes_agree_with_every_step() -> None:
    assert list(_differences(_pairs(), PROBES)) == []


def _steps(chain: Any) -> list[str]:
    """The class names of the steps of a lean chain, outermost first (each calls the next
    through ``app`` or ``next_app``)."""
    names = []
    while chain is not None and not isinstance(chain, lean.CompiledCall | lean.CompilableOperation):
        names.append(type(chain).__name__)
        chain = getattr(chain, "app", None) or getattr(chain, "next_app", None)
    return names


def _chains(app: Any) -> dict[str, list[str]]:
    """Each routed operation's chain (by resolved operationId) on the lean path of ``app``."""
    asyncio.run(_call(app, "GET", "/_mock/health", b"", [], b""))  # builds the table
    dispatch = app.lean
    assert dispatch._mounts is not None
    return {
        target.operation_id: _steps(target.serve)
        for mount in dispatch._mounts
        for routes in mount.methods.values()
        for target in [*(t for _, t in routes.literal.values()), *(t[3] for t in routes.templated)]
    }


def test_a_step_is_left_out_of_the_chains_it_never_acts_on() -> None:
    """Each step with an ``acts_on`` is in the chain of an operation it may act on, and
    only there: the guards of the control plane are on its own operations, the tracking
    header on Services v4's, the journal, faults, CORS and ``Prefer`` on the APIs', the
    security 401s and required headers on the third-party operations that need them."""
    builtin = _chains(create_app(Settings()))
    orders = builtin["servicestub.handlers.orders.get_service_order"]
    services = next(steps for op, steps in builtin.items() if ".services_v4." in op)
    admin = builtin["servicestub.handlers.admin.health"]
    for never in ("SecurityMiddleware", "RequiredHeadersMiddleware", "AdminGuardMiddleware"):
        assert never not in orders and never not in services
    assert "TrackingHeaderMiddleware" not in orders and "TrackingHeaderMiddleware" in services
    for api_only in ("ApiCorsMiddleware", "JournalMiddleware", "FaultMiddleware"):
        assert api_only in orders and api_only in services and api_only not in admin
    assert "PreferMiddleware" in orders and "PreferMiddleware" not in admin
    assert "AdminGuardMiddleware" in admin
    for always in ("RuntimeMiddleware", "RequestGuardMiddleware", "BodyLimitMiddleware"):
        assert always in orders and always in admin
    third = _chains(create_app(Settings(specs=((SPEC_FILE, None),))))
    create, listing = (
        next(steps for op, steps in third.items() if op.endswith(name))
        for name in (".create", ".list")
    )
    assert "SecurityMiddleware" in create and "SecurityMiddleware" not in listing
    # ``list`` documents a required header: added before routing (errors) and after
    assert listing.count("RequiredHeadersMiddleware") == 2
    assert "RequiredHeadersMiddleware" not in create
