"""Serving small third-party specs through the real app, with openapi-core as
the second opinion on every answer (the ``answers`` tests)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from starlette.testclient import TestClient

from servicestub.app.factory import create_app
from servicestub.core.settings import Settings

PROBLEM = "application/problem+json"


def spec(paths: dict[str, Any], **rest: Any) -> dict[str, Any]:
    """An OpenAPI 3.0 document with ``paths`` (and ``components`` etc. in ``rest``)."""
    return {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths, **rest}


def one_get(response: dict[str, Any], status: str = "200", **rest: Any) -> dict[str, Any]:
    """A spec whose only operation is ``GET /thing`` answering ``response`` at ``status``."""
    operation = {"operationId": "getThing", "responses": {status: response}}
    return spec({"/thing": {"get": operation}}, **rest)


def serve(tmp_path: Path, document: dict[str, Any], seed: int = 1) -> TestClient:
    """A client of the app serving ``document`` (written to a file) at the root."""
    file = tmp_path / f"spec{seed}-{len(list(tmp_path.iterdir()))}.json"
    file.write_text(json.dumps(document))
    app = create_app(Settings(specs=((file, "/"),), seed=seed, validate_responses=True))
    return TestClient(app)


def check(document: dict[str, Any], response: httpx.Response) -> None:
    """openapi-core's verdict on ``response`` (an answer of an operation of ``document``)."""
    plus_json = set(re.findall(r'"([\w.-]+/[\w.-]+\+json)"', json.dumps(document)))
    config = Config(extra_media_type_deserializers=dict.fromkeys({PROBLEM, *plus_json}, json.loads))
    api = OpenAPI.from_dict(document, config=config)
    request = response.request
    mock_request = MockRequest(
        "http://testserver",
        request.method,
        request.url.path,
        args=list(request.url.params.multi_items()),
        headers=dict(request.headers),
        data=request.content,
        content_type=request.headers.get("content-type", "application/json"),
    )
    mock_response = MockResponse(
        response.content,
        status_code=response.status_code,
        headers=dict(response.headers),
        content_type=response.headers.get("content-type", "application/json"),
    )
    api.validate_response(mock_request, mock_response)
