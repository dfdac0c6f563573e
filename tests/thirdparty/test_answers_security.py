"""Security schemes honoured as a mock should: no credential of any alternative
-> 401 problem+json naming what to send, with ``WWW-Authenticate``; any value
accepted; ``{}``/``[]`` let anyone in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.thirdparty.answers_support import check, serve, spec

SCHEMES = {
    "key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"},
    "qkey": {"type": "apiKey", "in": "query", "name": "api_key"},
    "ckey": {"type": "apiKey", "in": "cookie", "name": "session"},
    "bearer": {"type": "http", "scheme": "bearer"},
    "basic": {"type": "http", "scheme": "basic"},
    "oauth": {
        "type": "oauth2",
        "flows": {"implicit": {"authorizationUrl": "http://x/a", "scopes": {}}},
    },
    "oidc": {"type": "openIdConnect", "openIdConnectUrl": "http://x/.well-known"},
}
OK = {
    "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "integer"}}}}
}


def _document(security: Any, global_security: Any = None) -> dict[str, Any]:
    operation: dict[str, Any] = {"operationId": "getIt", "responses": OK}
    if security is not None:
        operation["security"] = security
    extra: dict[str, Any] = {"components": {"securitySchemes": SCHEMES}}
    if global_security is not None:
        extra["security"] = global_security
    return spec({"/it": {"get": operation}}, **extra)


@pytest.mark.parametrize(
    ("scheme", "sent", "challenge"),
    [
        ("key", {"headers": {"X-Api-Key": "anything"}}, "ApiKey"),
        ("qkey", {"params": {"api_key": "z"}}, "ApiKey"),
        ("ckey", {"cookies": {"session": "s"}}, "ApiKey"),
        ("bearer", {"headers": {"Authorization": "Bearer t"}}, "Bearer"),
        ("basic", {"headers": {"Authorization": "Basic dTpw"}}, "Basic"),
        ("oauth", {"headers": {"Authorization": "Bearer t"}}, "Bearer"),
        ("oidc", {"headers": {"Authorization": "bearer t"}}, "Bearer"),
    ],
)
def test_each_scheme_asks_for_its_credential_and_takes_any_value(
    tmp_path: Path, scheme: str, sent: dict[str, Any], challenge: str
) -> None:
    document = _document([{scheme: []}])
    client = serve(tmp_path, document)
    refused = client.get("/it")
    assert refused.status_code == 401, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["www-authenticate"].startswith(challenge)
    assert "any value is accepted" in refused.json()["detail"]
    if scheme != "ckey":
        wrong = client.get("/it", headers={"Authorization": "Digest x"})
        assert wrong.status_code == 401
    if "cookies" in sent:
        client.cookies.update(sent.pop("cookies"))
    allowed = client.get("/it", **sent)
    assert allowed.status_code == 200, allowed.text
    check(document, allowed)


def test_the_spec_wide_security_applies_and_an_operation_may_lift_it(tmp_path: Path) -> None:
    assert serve(tmp_path, _document(None, [{"bearer": []}])).get("/it").status_code == 401
    assert serve(tmp_path, _document([], [{"bearer": []}])).get("/it").status_code == 200
    assert serve(tmp_path, _document([{}, {"key": []}])).get("/it").status_code == 200
    assert serve(tmp_path, _document(None)).get("/it").status_code == 200


def test_alternatives_are_either_and_schemes_of_one_are_both(tmp_path: Path) -> None:
    client = serve(tmp_path, _document([{"key": [], "qkey": []}, {"bearer": []}]))
    assert client.get("/it", headers={"X-Api-Key": "k"}).status_code == 401
    assert client.get("/it", headers={"X-Api-Key": "k"}, params={"api_key": "q"}).status_code == 200
    assert client.get("/it", headers={"Authorization": "Bearer b"}).status_code == 200
    detail = client.get("/it").json()["detail"]
    assert "X-Api-Key and the query parameter api_key or 'Authorization: Bearer" in detail


def test_a_401_comes_before_request_validation(tmp_path: Path) -> None:
    document = _document([{"bearer": []}])
    document["paths"]["/it"]["get"]["parameters"] = [
        {"name": "n", "in": "query", "required": True, "schema": {"type": "integer"}}
    ]
    client = serve(tmp_path, document)
    assert client.get("/it").status_code == 401
    assert client.get("/it", headers={"Authorization": "Bearer b"}).status_code == 400
