"""The id of a collection's records where the spec names it its own way: ``{id}``
of ``/roles`` held as ``roleId`` (or ``certId`` of ``/certificates``), an id the
records read alone leave out but listed hold, and ids the server issues that its
item path parameter's schema accepts."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.engine.model import read_model, singular
from tests.thirdparty.infer_specs import answer, json_body, ref, write


def collection(
    segment: str, param: str, read: dict[str, Any], listed: dict[str, Any] | None = None
) -> dict[str, Any]:
    """``/{segment}`` and ``/{segment}/{{param}}``: records read as ``read``, listed as
    ``listed`` (default: as read)."""
    schemas = {"Read": read, "Listed": listed or read}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            f"/{segment}": {
                "get": {
                    "operationId": "list",
                    "responses": answer({"type": "array", "items": ref("Listed")}),
                },
                "post": {
                    "operationId": "make",
                    "requestBody": json_body(ref("Listed")),
                    "responses": answer(ref("Read"), "201"),
                },
            },
            f"/{segment}/{{{param}}}": {
                "parameters": [
                    {"name": param, "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "get": {"operationId": "one", "responses": answer(ref("Read"))},
                "delete": {"operationId": "drop", "responses": {"204": {"description": "gone"}}},
            },
        },
        "components": {"schemas": schemas},
    }


def record(*names: str) -> dict[str, Any]:
    return {"type": "object", "properties": {n: {"type": "string"} for n in names}}


@pytest.mark.parametrize(
    ("segment", "param", "names", "expected"),
    [
        ("role", "id", ("name", "organizationId", "roleId"), "roleId"),
        ("roles", "id", ("organizationId", "role_id", "name"), "role_id"),
        ("policies", "id", ("policyId", "ownerId"), "policyId"),
        ("certificate", "id", ("certId", "description"), "certId"),
        ("boxes", "key", ("boxKey", "label"), "boxKey"),
        ("users", "id", ("id", "userId"), "id"),  # an ``id`` property comes first
        ("templates", "templateIdOrAlias", ("TemplateId", "Alias", "Name"), "TemplateId"),
        ("projects", "id_or_slug", ("slug", "title"), "slug"),
    ],
)
def test_an_id_parameter_points_to_the_records_own_name_for_it(
    segment: str, param: str, names: tuple[str, ...], expected: str
) -> None:
    model = read_model(collection(segment, param, record(*names)))
    assert model.skipped == {}
    assert model.collections[f"/{segment}"].id_field == expected


def test_an_id_no_record_names_is_still_skipped_with_the_reason() -> None:
    model = read_model(collection("roles", "id", record("name", "ownerId", "orgId")))
    assert "/roles" in model.skipped and "x-servicestub-id" in model.skipped["/roles"]


def test_an_id_the_records_read_alone_leave_out_is_the_listed_ones() -> None:
    read = record("enableVdi", "parallelism")
    listed = {"allOf": [ref("Read"), record("hostId")]}
    model = read_model(collection("configuration", "host_id", read, listed))
    found = model.collections["/configuration"]
    assert found.id_field == "hostId"
    assert set(found.fields) == {"enableVdi", "parallelism", "hostId"}


@pytest.mark.parametrize(
    ("plural", "noun"),
    [("roles", "role"), ("policies", "policy"), ("boxes", "box"), ("address", "address")],
)
def test_singular_nouns(plural: str, noun: str) -> None:
    assert singular(plural) == noun


#: Item path parameters narrower than the id property (Azure's account names,
#: Twilio's sids, AWS AppConfig's ids).
NARROW = [
    {"type": "string", "pattern": "^[a-zA-Z0-9]+$", "minLength": 3, "maxLength": 24},
    {"type": "string", "pattern": "^KD[0-9a-fA-F]{32}$"},
    {"type": "string", "pattern": "(^[a-z0-9]{4,7}$|^AppConfig\\.[A-Za-z0-9]{9,40}$)"},
]


def narrowed(param_schema: dict[str, Any]) -> dict[str, Any]:
    document = collection("accounts", "accountName", record("accountName", "label"))
    item = document["paths"]["/accounts/{accountName}"]
    item["parameters"][0]["schema"] = param_schema
    return document


@pytest.mark.parametrize("param_schema", NARROW, ids=["azure", "twilio", "appconfig"])
def test_ids_the_server_issues_meet_the_item_path_parameter(
    tmp_path: Path, param_schema: dict[str, Any]
) -> None:
    meets = re.compile(param_schema["pattern"])
    low, high = param_schema.get("minLength", 0), param_schema.get("maxLength", 10**6)

    def fits(uid: str) -> bool:
        return bool(meets.search(uid)) and low <= len(uid) <= high

    file = write(tmp_path, narrowed(param_schema), "narrow")
    app = create_app(Settings(specs=((file, None),), validate_responses=True, seed=2))
    with TestClient(app, raise_server_exceptions=False) as client:
        seeded = client.get("/accounts").json()
        assert seeded and all(fits(r["accountName"]) for r in seeded)
        made = [client.post("/accounts", json={"label": f"l{n}"}) for n in range(8)]
        assert all(m.status_code == 201 for m in made), made[0].text
        ids = [m.json()["accountName"] for m in made]
        assert all(fits(uid) for uid in ids) and len(set(ids)) == len(ids)
        for answer in made:
            found = client.get(answer.headers["location"])
            assert found.status_code == 200 and found.json() == answer.json()
        assert client.delete(f"/accounts/{ids[0]}").status_code == 204


def test_a_parameter_that_narrows_nothing_leaves_ids_as_they_were() -> None:
    plain = read_model(narrowed({"type": "string"})).collections["/accounts"]
    assert plain.id_shape is None
    typed = read_model(narrowed({"type": "integer", "maximum": 9})).collections["/accounts"]
    # a string id in a path typed as a number: digits (tests/thirdparty/test_engine3_id_types.py)
    assert (
        typed.id_shape is not None and typed.id_shape["allOf"][1]["pattern"] == "^[1-9][0-9]{0,8}$"
    )
