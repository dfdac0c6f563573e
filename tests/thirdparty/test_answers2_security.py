"""Security of third-party specs is decided by servicestub's middleware alone:
connexion's refuses what it does not support (two OAuth2 schemes in one
alternative, as Google's specs have) before ours runs. Every combination of
scheme types in one alternative asks for each one's credential and takes any."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.thirdparty.answers_support import serve, spec

OAUTH_FLOWS = {"implicit": {"authorizationUrl": "http://x/a", "scopes": {"read": "r"}}}
SCHEMES: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    # name -> (scheme, what a request sends to satisfy it)
    "oauthA": ({"type": "oauth2", "flows": OAUTH_FLOWS}, {"authorization": "Bearer t"}),
    "oauthB": ({"type": "oauth2", "flows": OAUTH_FLOWS}, {"authorization": "Bearer t"}),
    "oidc": (
        {"type": "openIdConnect", "openIdConnectUrl": "http://x/.well-known"},
        {"authorization": "Bearer t"},
    ),
    "bearer": ({"type": "http", "scheme": "bearer"}, {"authorization": "Bearer t"}),
    "key": ({"type": "apiKey", "in": "header", "name": "X-Key"}, {"x-key": "k"}),
    "qkey": ({"type": "apiKey", "in": "query", "name": "key"}, {"?key": "k"}),
    "ckey": ({"type": "apiKey", "in": "cookie", "name": "sid"}, {"cookie": "sid=s"}),
}
OK = {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "string"}}}}}


def _document(alternatives: list[dict[str, list[str]]]) -> dict[str, Any]:
    schemes = {name: scheme for name, (scheme, _sent) in SCHEMES.items()}
    operation = {"operationId": "getIt", "security": alternatives, "responses": OK}
    return spec({"/it": {"get": operation}}, components={"securitySchemes": schemes})


def _send(names: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    headers: dict[str, str] = {}
    params: dict[str, str] = {}
    for name in names:
        for key, value in SCHEMES[name][1].items():
            if key.startswith("?"):
                params[key[1:]] = value
            else:
                headers[key] = value
    return headers, params


def test_two_oauth2_schemes_anded_let_in_a_bearer_token(tmp_path: Path) -> None:
    client = serve(tmp_path, _document([{"oauthA": ["read"], "oauthB": []}]))
    refused = client.get("/it")
    assert refused.status_code == 401, refused.text
    assert "Bearer" in refused.headers["www-authenticate"]
    assert client.get("/it", headers={"Authorization": "Bearer anything"}).status_code == 200


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    names=st.lists(st.sampled_from(sorted(SCHEMES)), min_size=1, max_size=3, unique=True),
    left_out=st.integers(min_value=0, max_value=2),
)
def test_an_alternative_of_any_scheme_types_needs_each_credential(
    tmp_path: Path, names: list[str], left_out: int
) -> None:
    client = serve(tmp_path, _document([{name: [] for name in names}]))
    headers, params = _send(names)
    assert client.get("/it", headers=headers, params=params).status_code == 200
    missing = names[left_out % len(names)]
    kept = [name for name in names if SCHEMES[name][1] != SCHEMES[missing][1]]
    headers, params = _send(kept)
    refused = client.get("/it", headers=headers, params=params)
    assert refused.status_code == 401, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
