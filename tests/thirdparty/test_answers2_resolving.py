"""A third-party spec's operations are named by their operationId alone: an
``x-openapi-router-controller`` (at the operation or its path) and dotted
operationIds name the spec author's Python code, never looked up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.thirdparty.answers_support import check, serve, spec

OK = {
    "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "integer"}}}}
}


@pytest.mark.parametrize(
    ("operation_id", "where"),
    [
        ("get_config", "operation"),
        ("get_config", "path"),
        ("airflow.api.endpoints.get_config", None),
        ("os.path.join", None),  # a dotted name that does exist as Python code
    ],
)
def test_router_controllers_and_dotted_operation_ids_are_not_code(
    tmp_path: Path, operation_id: str, where: str | None
) -> None:
    operation: dict[str, Any] = {"operationId": operation_id, "responses": OK}
    item: dict[str, Any] = {"get": operation}
    controller = {"x-openapi-router-controller": "airflow.api_connexion.endpoints.config"}
    (operation if where == "operation" else item if where == "path" else {}).update(controller)
    document = spec({"/config": item})
    client = serve(tmp_path, document)
    answer = client.get("/config")
    assert answer.status_code == 200, answer.text
    check(document, answer)
