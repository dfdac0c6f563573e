"""A third-party collection whose own operations cannot be answered validly from its
records (not only its seeds) never answers a 5xx: the check made on its first request
covers every answer its operations document, and the engine failing on a request
is answered from the spec."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub.app.factory import create_app
from servicestub.core.settings import Settings
from servicestub.engine.collection import Collection
from tests.thirdparty.answers_support import check, spec
from tests.thirdparty.test_startup5_deferred import ITEM, collection

LIMIT_OBJECT = {"type": "object", "properties": {"value": {"type": "string"}}}


def _conflicting(create_limit: dict[str, Any]) -> dict[str, Any]:
    """A collection whose read (its item schema) answers records of any ``limit``,
    whose list answers ``limit`` as an object, and whose create answers it as
    ``create_limit`` (each required): the seeded records meet the item schema, but
    no stored record meets both other answers when they disagree."""

    def record(limit: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["id", "limit"],
            "properties": {"id": {"type": "string", "readOnly": True}, "limit": limit},
        }

    document = spec(collection("limits", record({})))
    paths = document["paths"]
    listed = {"type": "array", "items": record(LIMIT_OBJECT)}
    paths["/limits"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] = listed
    post = paths["/limits"]["post"]
    post["responses"]["201"]["content"]["application/json"]["schema"] = record(create_limit)
    post["requestBody"]["content"]["application/json"]["schema"] = {"type": "object"}
    return document


def _client(tmp_path: Path, document: dict[str, Any]) -> TestClient:
    file = tmp_path / "limits.json"
    file.write_text(json.dumps(document))
    return TestClient(create_app(Settings(specs=((file, None),), validate_responses=True)))


@pytest.mark.parametrize(
    "create_limit",
    [{"type": "string"}, {"type": "integer"}, {"type": "array", "items": {"type": "string"}}],
)
def test_a_collection_whose_answers_no_record_meets_is_answered_from_the_spec(
    tmp_path: Path, create_limit: dict[str, Any]
) -> None:
    document = _conflicting(create_limit)
    with _client(tmp_path, document) as client:
        answers = [
            client.get("/limits"),
            client.post("/limits", json={}),
            client.get("/limits/abc"),
            client.get("/limits"),
        ]
        for answer in answers:
            assert answer.status_code < 500, answer.text
            check(document, answer)
        parts = client.app.runtime.decided("limits")  # type: ignore[attr-defined]
    assert parts.stateful == 0
    assert all(
        "cannot be answered as its operations document" in w for w in parts.unserved.values()
    )


def test_a_collection_whose_answers_agree_keeps_its_state(tmp_path: Path) -> None:
    document = _conflicting(LIMIT_OBJECT)
    with _client(tmp_path, document) as client:
        created = client.post("/limits", json={"limit": {"value": "7"}})
        assert created.status_code == 201, created.text
        read = client.get(f"/limits/{created.json()['id']}")
        assert read.json()["limit"] == {"value": "7"}
        assert client.app.runtime.decided("limits").stateful == 4  # type: ignore[attr-defined]


def test_an_engine_failure_on_a_request_is_answered_from_the_spec(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a defect of the engine")

    document = spec(collection("things", ITEM))
    with _client(tmp_path, document) as client:
        missing = client.get("/things/none-such")
        assert missing.status_code == 404  # the engine's own answers go out
        monkeypatch.setattr(Collection, "list", broken)
        listed = client.get("/things")
        assert listed.status_code == 200, listed.text
        check(document, listed)
