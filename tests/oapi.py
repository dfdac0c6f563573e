"""The independent second opinion: every request and response a test makes is
checked with openapi-core against the spec, so a mistake shared by connexion
and the handlers still fails the test."""

from __future__ import annotations

import functools
import json
from typing import Any

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from starlette.testclient import TestClient

from servicestub.specs import APIS, ApiSpec

HOST = "http://testserver"
PROBLEM = "application/problem+json"


@functools.cache
def openapi(spec: ApiSpec) -> OpenAPI:
    config = Config(extra_media_type_deserializers={PROBLEM: json.loads})
    return OpenAPI.from_file_path(str(spec.path), config=config)


def spec_for(path: str, specs: tuple[ApiSpec, ...] = APIS) -> ApiSpec | None:
    for spec in specs:
        if path == spec.base_path or path.startswith(spec.base_path + "/"):
            return spec
    return None


def check_exchange(response: httpx.Response, specs: tuple[ApiSpec, ...] = APIS) -> None:
    """Validate ``response`` (always) and its request (when the server accepted it)
    against the one of ``specs`` it belongs to."""
    request = response.request
    spec = spec_for(request.url.path, specs)
    if spec is None or request.url.path.startswith(spec.base_path + "/ui"):
        return
    if request.url.path == spec.base_path + "/openapi.json":
        return
    mock_request = MockRequest(
        HOST,
        request.method,
        request.url.path,
        args=list(request.url.params.multi_items()),
        headers=dict(request.headers),
        data=request.content,
        content_type=request.headers.get("content-type", "application/json"),
    )
    if response.status_code in (404, 405) and not _path_known(spec, request.url.path):
        return
    api = openapi(spec)
    if response.status_code < 400:
        api.validate_request(mock_request)
    mock_response = MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=response.headers.get("content-type", ""),
    )
    api.validate_response(mock_request, mock_response)


def _path_known(spec: ApiSpec, path: str) -> bool:
    from openapi_core.templating.paths.exceptions import PathNotFound

    finder_request = MockRequest(HOST, "get", path)
    try:
        openapi(spec).validate_request(finder_request)
    except PathNotFound:
        return False
    except Exception:
        return True
    return True


class CheckedClient:
    """A TestClient whose every exchange is validated with openapi-core."""

    def __init__(self, client: TestClient, specs: tuple[ApiSpec, ...] = APIS) -> None:
        self._client = client
        self._specs = specs

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        response = self._client.request(method, url, **kwargs)
        check_exchange(response, self._specs)
        return response

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def options(self, url: str, **kwargs: Any) -> httpx.Response:
        return self._client.request("OPTIONS", url, **kwargs)

    @property
    def raw(self) -> TestClient:
        """The unchecked client, for requests outside any spec."""
        return self._client
