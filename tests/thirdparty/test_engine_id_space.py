"""A create whose id space is used up answers 409 with a detail, never hangs.

An item path whose parameter is an ``enum`` of two values (trakt.tv's
``/users/{id}/lists/{list_id}/items/{type}``) has two ids; the seeds may hold both,
and the engine used to draw forever for a third."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from starlette.testclient import TestClient

from servicestub.app.factory import create_app
from servicestub.core.settings import Settings

KINDS = ["movies", "shows"]


def _spec(seeds: int) -> dict[str, Any]:
    thing = {"$ref": "#/components/schemas/Thing"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "kinds", "version": "1"},
        "paths": {
            "/things": {
                "x-servicestub-seed-count": seeds,
                "post": {
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/New"}}
                        },
                    },
                    "responses": {
                        "201": {
                            "description": "ok",
                            "content": {"application/json": {"schema": thing}},
                        }
                    },
                },
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {
                                "application/json": {"schema": {"type": "array", "items": thing}}
                            },
                        }
                    }
                },
            },
            "/things/{kind}": {
                "parameters": [
                    {
                        "name": "kind",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "enum": KINDS},
                    }
                ],
                "get": {
                    "responses": {
                        "200": {
                            "description": "ok",
                            "content": {"application/json": {"schema": thing}},
                        }
                    }
                },
                "delete": {"responses": {"204": {"description": "gone"}}},
            },
        },
        "components": {
            "schemas": {
                "New": {"type": "object", "properties": {"title": {"type": "string"}}},
                "Thing": {
                    "type": "object",
                    "properties": {
                        "kind": {"type": "string", "enum": KINDS, "readOnly": True},
                        "title": {"type": "string"},
                    },
                },
            }
        },
    }


def _creates(tmp_path: Path, seeds: int, count: int) -> list[tuple[int, Any]]:
    """``count`` creates (then a delete and one more create), in a thread: a hang is
    a failure of the test, not of the suite."""
    path = tmp_path / "kinds.json"
    path.write_text(json.dumps(_spec(seeds)))
    app = create_app(Settings(specs=((path, None),), validate_responses=True))
    answers: list[tuple[int, Any]] = []

    def run() -> None:
        with TestClient(app) as client:
            for number in range(count):
                answer = client.post("/things", json={"title": f"t{number}"})
                answers.append((answer.status_code, answer.json()))
            held = client.get("/things").json()
            client.delete(f"/things/{held[0]['kind']}")
            answer = client.post("/things", json={"title": "after"})
            answers.append((answer.status_code, answer.json()))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(120)
    assert not worker.is_alive(), f"a create drew ids without end; answered so far: {answers}"
    return answers


def test_a_used_up_id_space_answers_409_and_a_delete_makes_room(tmp_path: Path) -> None:
    answers = _creates(tmp_path, seeds=0, count=3)
    made = [body["kind"] for status, body in answers[:2]]
    assert [status for status, _ in answers[:2]] == [201, 201] and sorted(made) == KINDS
    status, problem = answers[2]
    assert status == 409 and "delete a record" in problem["detail"], answers[2]
    assert answers[3][0] == 201 and answers[3][1]["kind"] in KINDS, answers[3]


def test_seeds_holding_every_id_leave_a_create_a_409_not_a_hang(tmp_path: Path) -> None:
    answers = _creates(tmp_path, seeds=2, count=1)
    assert answers[0][0] == 409, answers
    assert answers[1][0] == 201, answers
