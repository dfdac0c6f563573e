"""``servicestub inspect``: per operation how it is served and why, a summary,
``--json``, and a non-zero exit for a spec that cannot be served."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from servicestub.cli import main
from tests.thirdparty.answers_support import spec

ITEM = {
    "type": "object",
    "required": ["thingId"],
    "properties": {"thingId": {"type": "string", "readOnly": True}, "name": {"type": "string"}},
}
OK = {"description": "ok", "content": {"application/json": {"schema": ITEM}}}
LIST = {
    "description": "ok",
    "content": {"application/json": {"schema": {"type": "array", "items": ITEM}}},
}
DOCUMENT = spec(
    {
        "/things": {
            "get": {"operationId": "listThings", "responses": {"200": LIST}},
            "post": {
                "operationId": "makeThing",
                "requestBody": {"content": {"application/json": {"schema": ITEM}}},
                "responses": {"201": OK},
            },
        },
        "/things/{thingId}": {
            "get": {
                "operationId": "getThing",
                "parameters": [
                    {
                        "name": "thingId",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string"},
                    }
                ],
                "responses": {"200": OK},
            }
        },
        "/health": {
            "get": {
                "operationId": "health",
                "responses": {
                    "200": {
                        "description": "ok",
                        "content": {
                            "application/json": {"schema": ITEM, "example": {"thingId": "h"}}
                        },
                    }
                },
            }
        },
        "/ping": {"get": {"responses": {"204": {"description": "empty"}}}},
        "/stats": {"get": {"operationId": "stats", "responses": {"200": OK}}},
    }
)


def _run(tmp_path: Path, *args: str, document: object = DOCUMENT) -> tuple[int, str]:
    file = tmp_path / "api.json"
    file.write_text(json.dumps(document))
    result = CliRunner().invoke(main, ["inspect", str(file), *args])
    return result.exit_code, result.output


def test_each_operation_says_how_it_is_served(tmp_path: Path) -> None:
    code, output = _run(tmp_path, "--json")
    assert code == 0, output
    report = json.loads(output)
    how = {op["operation_id"]: op for op in report["operations"]}
    assert {name: op["how"] for name, op in how.items()} == {
        "listThings": "stateful",
        "makeThing": "stateful",
        "getThing": "stateful",
        "health": "examples",
        "get_ping": "empty",
        "stats": "generated",
    }
    assert how["makeThing"]["why"] == "collection /things (create)"
    assert "its example" in how["health"]["why"]
    assert (
        report["summary"] == "api at /: 6 operations (3 stateful, 1 examples, 1 generated, 1 empty)"
    )


def test_the_text_report_has_a_line_per_operation_and_a_summary(tmp_path: Path) -> None:
    code, output = _run(tmp_path)
    lines = output.strip().splitlines()
    assert code == 0 and len(lines) == 7
    assert lines[0].startswith("GET     /things  listThings  stateful")
    assert lines[-1].startswith("api at /: 6 operations")


def test_a_spec_that_cannot_be_served_exits_non_zero_with_the_reason(tmp_path: Path) -> None:
    code, output = _run(tmp_path, document={"openapi": "3.0.0"})
    assert code == 2
    assert "cannot be served" in output


def test_an_operation_left_out_of_the_served_spec_is_listed_with_its_reason(
    tmp_path: Path,
) -> None:
    broken = {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/nope"}}}}
    document = json.loads(json.dumps(DOCUMENT))
    document["paths"]["/broken"] = {"get": {"operationId": "broken", "responses": {"200": broken}}}
    code, output = _run(tmp_path, "--json", document=document)
    assert code == 0, output
    report = json.loads(output)
    (left_out,) = [op for op in report["operations"] if op["how"] == "dropped"]
    assert (left_out["method"], left_out["path"]) == ("get", "/broken")
    assert "#/nope" in left_out["why"]
    assert "1 dropped" in report["summary"]
