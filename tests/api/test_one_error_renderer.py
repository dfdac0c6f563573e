"""Every error of the mock leaves through one renderer (servicestub.core.problems):
whoever refuses a request - request validation, routing, negotiation, the body
limit, the control-plane guard, CORS, a fault rule, ``Prefer``, the uvicorn
protocol itself, an unexpected exception - the problem has the same members in
the same order, the same headers, and ``trackingId`` by the same rule."""

from __future__ import annotations

import pathlib
import re
import socket
import uuid
from collections.abc import Callable, Iterator

import httpx
import orjson
import pytest
from connexion.lifecycle import ConnexionRequest

from servicestub import Settings, create_app
from servicestub.app.error_handlers import problem_response
from servicestub.server import ConnectionLimits, serving

STANDARD = ["type", "title", "status", "detail"]
V1 = "/v1/tenants/renderer/stores/main"
V4 = "/api/v4"
LIMITS = ConnectionLimits(max_header_bytes=2048)


@pytest.fixture(scope="module")
def origin() -> Iterator[str]:
    app = create_app(Settings(max_body_bytes=1000))
    with serving(app, log_level="error", limits=LIMITS) as base:
        with httpx.Client(base_url=base) as admin:
            for rule in (
                {"method": "GET", "path": "/v1/tenants/faulty/*", "status": 429},
                {"method": "GET", "path": "/api/v4/Service/AvailableFor/*", "status": 503},
            ):
                assert admin.post("/_mock/faults", json=rule).status_code == 201
        yield base


Request = Callable[[httpx.Client], httpx.Response]
BIG = b"[" + b"0," * 1000 + b"0]"
#: One request per kind of refusal, each answered by a different part of the mock.
BATTERY: dict[str, Request] = {
    "validation 400 (v1)": lambda c: c.get(f"{V1}/service-orders", params={"perPage": "x"}),
    "validation 400 (v4)": lambda c: c.get(f"{V4}/Service/Paged", params={"pageSize": "0"}),
    "body validation 400": lambda c: c.post(f"{V4}/Service", json={"unknown": 1}),
    "404 (v1)": lambda c: c.get("/v1/nothing-here"),
    "404 (v4)": lambda c: c.get(f"{V4}/Nothing"),
    "405 (v1)": lambda c: c.patch(f"{V1}/service-orders"),
    "405 (v4)": lambda c: c.put(f"{V4}/Service/Paged"),
    "406 (v4)": lambda c: c.get(f"{V4}/Service", headers={"Accept": "text/csv"}),
    "415 (v4)": lambda c: c.post(
        f"{V4}/Service", content=b"x", headers={"Content-Type": "text/plain"}
    ),
    "413 (v1)": lambda c: c.post(
        f"{V1}/service-orders", content=BIG, headers={"Content-Type": "application/json"}
    ),
    "413 (v4)": lambda c: c.post(
        f"{V4}/Service", content=BIG, headers={"Content-Type": "application/json"}
    ),
    "request guard 400 (v4)": lambda c: c.get(f"{V4}/Service/Paged?pageSize=1&pageSize=2"),
    "admin guard 403": lambda c: c.get("/_mock/health", headers={"Origin": "http://evil.test"}),
    "CORS refusal 400 (v4)": lambda c: c.options(
        f"{V4}/Service",
        headers={"Origin": "http://app.test", "Access-Control-Request-Method": "TRACE"},
    ),
    "fault 429 (v1)": lambda c: c.get("/v1/tenants/faulty/service-types"),
    "fault 503 (v4)": lambda c: c.get(f"{V4}/Service/AvailableFor/SharePlans"),
    "Prefer documented 400 (v4)": lambda c: c.get(f"{V4}/Service", headers={"Prefer": "code=400"}),
    "Prefer undocumented 400 (v1)": lambda c: c.get(
        f"{V1}/service-orders", headers={"Prefer": "code=418"}
    ),
}


def assert_one_shape(response: httpx.Response, path: str) -> dict[str, object]:
    """The one shape of a problem; ``trackingId`` last, on Services v4 answers only,
    and the one the answer's ``X-Tracking-Id`` names."""
    assert response.headers["content-type"] == "application/problem+json", response.text
    assert int(response.headers["content-length"]) == len(response.content)
    problem = orjson.loads(response.content)
    tracked = path.startswith(V4)
    members = list(problem)
    assert members[:4] == STANDARD, problem  # then the error's own members (patchClientId)
    assert ("trackingId" in members) == tracked and members.count("trackingId") <= 1, problem
    assert not tracked or members[-1] == "trackingId", problem
    assert problem["type"] == "about:blank"
    assert problem["status"] == response.status_code >= 400
    assert problem["title"] and problem["detail"]
    if tracked:
        assert uuid.UUID(problem["trackingId"])
        assert response.headers["x-tracking-id"] == problem["trackingId"]
    return problem


@pytest.mark.parametrize("kind", sorted(BATTERY))
def test_every_kind_of_refusal_has_the_one_problem_shape(origin: str, kind: str) -> None:
    with httpx.Client(base_url=origin) as client:
        response = BATTERY[kind](client)
    expected = int(re.search(r"\d{3}", kind)[0])  # type: ignore[index]
    assert response.status_code == expected, response.text
    assert_one_shape(response, response.request.url.path)


def test_a_405_names_what_the_path_takes_in_allow(origin: str) -> None:
    with httpx.Client(base_url=origin) as client:
        response = client.put(f"{V4}/Service/Paged")
    assert response.headers["allow"] == "GET"


def test_a_sent_tracking_id_is_the_problems_whatever_refused_it(origin: str) -> None:
    sent = str(uuid.uuid4())
    with httpx.Client(base_url=origin, headers={"X-Tracking-Id": sent}) as client:
        for kind, request in BATTERY.items():
            response = request(client)
            if response.request.url.path.startswith(V4):
                assert assert_one_shape(response, V4)["trackingId"] == sent, kind


def raw_exchange(origin: str, head: bytes) -> httpx.Response:
    """Send ``head`` on a socket of its own and read the answer until the server closes."""
    host, port = origin.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(head)
        data = b""
        while part := sock.recv(65536):
            data += part
    status_line, _, rest = data.partition(b"\r\n")
    head_lines, _, body = rest.partition(b"\r\n\r\n")
    headers = [line.split(b": ", 1) for line in head_lines.split(b"\r\n")]
    return httpx.Response(int(status_line.split()[1]), headers=headers, content=body)


@pytest.mark.parametrize(
    ("path", "head"),
    [
        ("/-", b"GET /api/v4/Service HTTP/1.1\r\nX-Pad: " + b"a" * 4096 + b"\r\n\r\n"),
        ("/-", b"NOT HTTP AT ALL\r\n\r\n"),
    ],
)
def test_the_protocols_own_refusals_have_the_one_shape(origin: str, path: str, head: bytes) -> None:
    """uvicorn's 431 and 400 (the request never reached the app: no tracking id)."""
    response = raw_exchange(origin, head)
    assert response.status_code in (400, 431)
    assert_one_shape(response, path)


def test_only_the_documented_problem_example_adds_members(origin: str) -> None:
    """The battery's problems have the four standard members (and trackingId) only;
    a documented example answered for ``Prefer`` keeps the members it documents."""
    with httpx.Client(base_url=origin) as client:
        for kind, request in BATTERY.items():
            response = request(client)
            extra = set(orjson.loads(response.content)) - {*STANDARD, "trackingId"}
            assert extra == (
                {"patchClientId"} if kind.startswith("Prefer documented") else set()
            ), kind


def test_an_unexpected_exception_has_the_one_shape() -> None:
    scope = {"type": "http", "method": "GET", "path": "/v1/x", "headers": [], "query_string": b""}
    scope["servicestub.tracking_id"] = "fixed"
    response = problem_response(ConnexionRequest(scope), RuntimeError("boom"))
    problem = orjson.loads(response.body)
    assert response.status_code == 500 and list(problem) == [*STANDARD, "trackingId"]
    assert problem["trackingId"] == "fixed"
    assert "boom" not in problem["detail"]


SOURCES = pathlib.Path(__file__).parents[2] / "src" / "servicestub"
RENDERER = {"core/problems.py", "core/errors.py"}
#: What only the renderer (and the error tree it renders) may write.
BUILDS_A_PROBLEM = re.compile(
    r"problem_body\(|\.to_problem\(|about:blank"
    r"|PROBLEM_JSON\s*\.encode|(?:mimetype|content_type|media_type)\s*=\s*PROBLEM_JSON"
    r"|b\"application/problem\+json\""
)
MENTIONS_PROBLEMS = re.compile(r"PROBLEM_JSON|problem\+json")


def test_no_module_but_the_renderer_builds_a_problem() -> None:
    """No problem body, problem media type or problem ``trackingId`` is written
    outside the renderer. (``contract`` checks the problems of the implementation
    it tests, and answers none.)"""
    offenders = []
    for path in sorted(SOURCES.rglob("*.py")):
        name = path.relative_to(SOURCES).as_posix()
        if name in RENDERER or name.startswith("contract/"):
            continue
        text = path.read_text()
        if BUILDS_A_PROBLEM.search(text):
            offenders.append(f"{name}: {BUILDS_A_PROBLEM.search(text)[0]}")  # type: ignore[index]
        if MENTIONS_PROBLEMS.search(text) and "trackingId" in text:
            offenders.append(f"{name}: adds trackingId to a problem")
    assert offenders == []
