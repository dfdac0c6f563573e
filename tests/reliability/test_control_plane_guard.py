"""The control plane closed to web pages of other origins and to DNS rebinding,
in process and over real HTTP; the API paths stay open (and, over real HTTP,
what browsers and proxies see of CORS, fault statuses and Location)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub import app as app_module
from servicestub.cli import main
from servicestub.contract.server import serving
from servicestub.core.errors import status_title
from servicestub.middleware.origins import ControlPlanePolicy, host_name, is_loopback, parse_origin
from tests.api.helpers import assert_problem

#: As a server on loopback sees it: the ASGI scope's server is localhost:8080.
OWN = "http://localhost:8080"
RATES = "/v1/tenants/guarded/hourly-rates"
PROPERTY = settings(max_examples=80, derandomize=True, deadline=None)


def loopback_client(**options: object) -> TestClient:
    return TestClient(create_app(Settings(**options)), base_url=OWN)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with loopback_client() as test_client:
        yield test_client


def test_a_page_of_another_origin_can_neither_read_nor_reset(client):
    client.post(RATES, json={"name": "Kept", "price": 10})
    for method, path in (("GET", "/_mock/state"), ("POST", "/_mock/reset")):
        problem = assert_problem(
            client.request(method, path, headers={"Origin": "http://evil.test"}), 403
        )
        assert "--admin-origin http://evil.test" in problem["detail"]
        assert f"own origin is {OWN}" in problem["detail"]
    names = [rate["name"] for rate in client.get(RATES).json()["data"]]
    assert "Kept" in names


def test_swagger_ui_shapes_of_a_same_origin_request_pass(client):
    """Chromium sends no Origin on a same-origin GET and sends it on a POST."""
    page = client.get("/_mock/ui/", headers={"Sec-Fetch-Site": "none"})
    assert page.status_code == 200 and "swagger" in page.text.lower()
    read = client.get("/_mock/health", headers={"Sec-Fetch-Site": "same-origin"})
    assert read.status_code == 200
    for origin in (OWN, OWN.upper(), OWN + "/"):
        write = client.post(
            "/_mock/reset", json={}, headers={"Origin": origin, "Sec-Fetch-Site": "same-origin"}
        )
        assert write.status_code == 200, write.text


def test_the_default_port_is_the_same_origin_written_or_not():
    with TestClient(create_app(Settings()), base_url="http://localhost") as client:
        for origin in ("http://localhost", "http://localhost:80"):
            assert client.get("/_mock/health", headers={"Origin": origin}).status_code == 200
        assert_problem(client.get("/_mock/health", headers={"Origin": "https://localhost"}), 403)


_SCHEMES = st.sampled_from(["http", "https"])
_HOSTS = st.sampled_from(["localhost", "127.0.0.1", "evil.test", "localhost.evil.test"]) | (
    st.from_regex(r"[a-z][a-z0-9-]{0,10}(\.[a-z]{2,5})?", fullmatch=True)
)
_PORTS = st.sampled_from([80, 443, 8080, 8081, 5173]) | st.integers(1, 65535)


@PROPERTY
@given(scheme=_SCHEMES, host=_HOSTS, port=_PORTS)
def test_only_the_servers_own_origin_passes(client, scheme, host, port):
    origin = f"{scheme}://{host}:{port}"
    response = client.get("/_mock/health", headers={"Origin": origin})
    if (scheme, host, port) == ("http", "localhost", 8080):
        assert response.status_code == 200
    else:
        assert_problem(response, 403, "--admin-origin")


@pytest.mark.parametrize("origin", ["null", "file://", "http://localhost:8080/path", "garbage"])
def test_an_origin_that_is_no_origin_is_refused(client, origin):
    assert_problem(client.get("/_mock/health", headers={"Origin": origin}), 403)


@pytest.mark.parametrize("site", ["cross-site", "same-site", "CROSS-SITE"])
def test_a_request_the_browser_marks_foreign_needs_an_allowed_origin(client, site):
    assert_problem(client.get("/_mock/state", headers={"Sec-Fetch-Site": site}), 403, site.lower())
    allowed = client.get("/_mock/health", headers={"Sec-Fetch-Site": site, "Origin": OWN})
    assert allowed.status_code == 200


def test_admin_origins_admit_a_dev_proxy():
    proxy = "http://localhost:5173"
    with loopback_client(admin_origins=("HTTP://LocalHost:5173/",)) as client:
        for site in ("same-origin", "cross-site"):
            headers = {"Origin": proxy, "Sec-Fetch-Site": site}
            assert client.post("/_mock/reset", json={}, headers=headers).status_code == 200
        assert_problem(
            client.get("/_mock/health", headers={"Origin": "http://localhost:5174"}), 403
        )


def test_an_admin_origin_that_is_no_origin_is_refused_at_start():
    with pytest.raises(ValueError, match="--admin-origin"):
        ControlPlanePolicy(admin_origins=["localhost:5173"])


_LOOPBACK_HOSTS = [
    "localhost",
    "LOCALHOST:1",
    "localhost.",
    "app.localhost:5173",
    "127.0.0.1",
    "127.0.0.1:8080",
    "127.1.2.3:9",
    "[::1]",
    "[::1]:8080",
    "[::ffff:127.0.0.1]:8080",
]
_FOREIGN_HOSTS = [
    "attacker.example",
    "attacker.example:8080",
    "localhost.attacker.example",
    "127.0.0.1.nip.io",
    "evil-localhost",
    "localhostx:8080",
    "10.0.0.1",
    "[::2]:8080",
    "[::ffff:10.0.0.1]",
    "",
]


@pytest.mark.parametrize("host", _LOOPBACK_HOSTS)
def test_on_loopback_a_loopback_host_name_passes(client, host):
    assert client.get("/_mock/health", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", _FOREIGN_HOSTS)
def test_on_loopback_another_host_name_is_refused_dns_rebinding(client, host):
    problem = assert_problem(client.get("/_mock/state", headers={"Host": host}), 403, "rebinding")
    assert "--allow-host" in problem["detail"]


@PROPERTY
@given(name=st.from_regex(r"[a-z0-9-]{1,12}(\.[a-z0-9-]{1,8}){0,3}", fullmatch=True))
def test_a_host_name_is_loopback_only_when_it_is_localhost_or_below(name):
    expected = name == "localhost" or name.endswith(".localhost")
    assert is_loopback(host_name(name)) == expected
    assert is_loopback(host_name(f"{name}:8080")) == expected


def test_allowed_hosts_admit_a_proxys_names():
    with loopback_client(allowed_hosts=("mock.dev.test", "*.preview.test")) as client:
        for host in ("mock.dev.test", "MOCK.dev.test:443", "pr-7.preview.test"):
            assert client.get("/_mock/health", headers={"Host": host}).status_code == 200
        for host in ("preview.test", "dev.test", "mock.dev.test.evil"):
            assert_problem(client.get("/_mock/health", headers={"Host": host}), 403)


def test_beyond_loopback_the_token_guards_and_the_host_name_is_free():
    settings_ = Settings(admin_token="t0ken")
    with TestClient(create_app(settings_), base_url="http://10.0.0.5:8080") as client:
        bearer = {"Authorization": "Bearer t0ken"}
        assert (
            client.get("/_mock/health", headers={**bearer, "Host": "mock.lan"}).status_code == 200
        )
        assert_problem(client.get("/_mock/health", headers={"Host": "mock.lan"}), 401)
        foreign = {**bearer, "Origin": "http://evil.test"}
        assert_problem(client.get("/_mock/health", headers=foreign), 403)


def test_the_api_paths_stay_open_to_any_origin_and_host(client):
    headers = {
        "Origin": "http://evil.test",
        "Host": "attacker.example",
        "Sec-Fetch-Site": "cross-site",
    }
    response = client.get(RATES, headers=headers)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://evil.test"


def test_a_preflight_to_the_control_plane_gets_no_cors_allowance(client):
    response = client.options(
        "/_mock/reset",
        headers={"Origin": "http://evil.test", "Access-Control-Request-Method": "POST"},
    )
    assert_problem(response, 403)
    assert not any(name.startswith("access-control-") for name in response.headers)
    same = client.get("/_mock/health", headers={"Origin": OWN})
    assert not any(name.startswith("access-control-") for name in same.headers)


def test_parse_origin_normalises_and_refuses_what_is_no_origin():
    assert parse_origin("HTTP://LocalHost.:80") == parse_origin("http://localhost")
    assert str(parse_origin("http://[::1]:8080")) == "http://[::1]:8080"
    assert str(parse_origin("https://example.test:443")) == "https://example.test"
    for text in ("null", "", "http://", "http://x:99999", "http://u:p@x", "http://x?q", "ws://x"):
        assert parse_origin(text) is None, text


# --- over real HTTP: uvicorn on a free loopback port, as `serve` runs it -----------------


@pytest.fixture(scope="module")
def live() -> Iterator[str]:
    with serving(create_app(Settings())) as base_url:
        yield base_url


def test_over_http_rebinding_and_foreign_pages_are_refused(live):
    port = live.rsplit(":", 1)[1]
    assert httpx.get(f"{live}/_mock/health").status_code == 200
    for host in (f"localhost:{port}", f"[::1]:{port}", f"app.localhost:{port}"):
        assert httpx.get(f"{live}/_mock/health", headers={"Host": host}).status_code == 200
    assert_problem(httpx.get(f"{live}/_mock/state", headers={"Host": f"evil.test:{port}"}), 403)
    assert_problem(httpx.post(f"{live}/_mock/reset", headers={"Origin": "http://evil.test"}), 403)
    assert httpx.get(
        f"{live}/v1/tenants/demo/service-types", headers={"Host": "evil.test"}
    ).is_success


def test_over_http_swagger_ui_works_same_origin(live):
    page = httpx.get(f"{live}/_mock/ui/", headers={"Sec-Fetch-Site": "none"})
    assert page.status_code == 200 and "swagger-ui" in page.text
    spec = httpx.get(f"{live}/_mock/openapi.json", headers={"Sec-Fetch-Site": "same-origin"})
    assert spec.json()["servers"][0]["url"] == "/_mock"
    posted = httpx.post(
        f"{live}/_mock/reset", json={}, headers={"Origin": live, "Sec-Fetch-Site": "same-origin"}
    )
    assert posted.status_code == 200


def test_over_http_unnamed_fault_statuses_are_answered_as_themselves(live):
    for status in (419, 499, 599):
        rule = {"path": "/v1/tenants/faulty/*", "status": status, "times": 1}
        assert httpx.post(f"{live}/_mock/faults", json=rule).status_code == 201
        response = httpx.get(f"{live}/v1/tenants/faulty/service-types")
        assert assert_problem(response, status)["title"] == status_title(status)


def test_over_http_a_frontend_preflight_with_tracing_headers_passes(live):
    asked = "content-type, x-request-id, sentry-trace, baggage, traceparent"
    response = httpx.options(
        f"{live}/v1/tenants/demo/stores/main/service-orders",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": asked,
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert response.headers["access-control-allow-headers"] == asked


def test_over_http_a_create_says_where_its_order_is(live):
    types = httpx.get(f"{live}/v1/tenants/located/service-types").json()["data"]
    body = {
        "title": "Kettle",
        "serviceTypeUid": types[0]["serviceTypeUid"],
        "customer": {"name": "A"},
    }
    created = httpx.post(f"{live}/v1/tenants/located/stores/main/service-orders", json=body)
    assert created.status_code == 201
    assert httpx.get(live + created.headers["location"]).json() == created.json()


class _Built(Exception):
    """Stops ``serve`` once it has built its app, before it listens."""


def _served_app(monkeypatch, args: list[str], env: dict[str, str]) -> object:
    built: list[object] = []

    def build(settings: Settings) -> object:
        built.append(create_app(settings))
        raise _Built

    monkeypatch.setattr(app_module, "create_app", build)
    result = CliRunner().invoke(main, ["serve", *args], env=env)
    assert isinstance(result.exception, _Built), result.output
    return built[0]


def test_serve_takes_admin_origins_and_allowed_hosts_from_options_and_env(monkeypatch):
    env = {"SERVICESTUB_ADMIN_ORIGINS": "http://localhost:5173 http://localhost:3000"}
    app = _served_app(monkeypatch, ["--allow-host", "mock.dev.test", "--allow-host", "*.lan"], env)
    with TestClient(app, base_url=OWN) as client:
        for headers in (
            {"Origin": "http://localhost:5173"},
            {"Origin": "http://localhost:3000"},
            {"Host": "mock.dev.test:8080"},
            {"Host": "box.lan"},
        ):
            assert client.get("/_mock/health", headers=headers).status_code == 200, headers
        assert_problem(
            client.get("/_mock/health", headers={"Origin": "http://localhost:4000"}), 403
        )
        assert_problem(client.get("/_mock/health", headers={"Host": "lan"}), 403)


def test_serve_refuses_an_admin_origin_that_is_no_origin():
    result = CliRunner().invoke(main, ["serve", "--admin-origin", "localhost:5173/app"])
    assert result.exit_code == 2
    assert "--admin-origin" in result.output and "scheme://host[:port]" in result.output


_HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)


@PROPERTY
@given(origin=_HEADER_TEXT, host=_HEADER_TEXT, site=_HEADER_TEXT, method=_HEADER_TEXT)
def test_no_origin_host_or_fetch_header_makes_the_guard_or_cors_fail(
    client, origin, host, site, method
):
    headers = {"Origin": origin, "Host": host, "Sec-Fetch-Site": site}
    assert client.get("/_mock/health", headers=headers).status_code in (200, 403)
    preflight = {**headers, "Access-Control-Request-Method": method}
    assert client.options(RATES, headers=preflight).status_code in (200, 400)
