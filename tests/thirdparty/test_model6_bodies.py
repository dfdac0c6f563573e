"""A create whose JSON body is not an object (a string naming the kind of key to
make, a number, an array of strings, or anything a ``{}`` schema lets through)
makes a record from nothing, as a create documenting no body does: JSON holds no
field of the record, but it is JSON, never the 415 a body of an unreadable media
type gets (connexion passes those as bytes, a JSON string as ``str``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from tests.thirdparty.infer_specs import write
from tests.thirdparty.test_lists_bodies import collection, read_back, serve, spec

RULES = settings(max_examples=30, derandomize=True, deadline=None)

#: JSON values holding no record: scalars, and arrays of anything but objects.
SCALARS = st.one_of(
    st.text(max_size=10),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
)
NOT_RECORDS = st.one_of(SCALARS, st.lists(SCALARS, min_size=1, max_size=4))

#: Request schemas of the corpus's kinds: any JSON (clever-cloud), a oneOf whose
#: first branch is any JSON (openbankingproject), a string enum (circleci).
ANY_JSON: dict[str, Any] = {}
ONE_OF = {"oneOf": [{}, {"type": "object", "properties": {"name": {"type": "string"}}}]}
KIND = {"type": "string", "enum": ["deploy-key", "github-user-key"]}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model6-bodies")


@pytest.fixture(scope="module")
def loose(folder: Path) -> Iterator[TestClient]:
    media = {"application/json": {"schema": ANY_JSON}}
    with serve(write(folder, spec(collection(media)), "any")) as client:
        yield client


@pytest.fixture(scope="module")
def one_of(folder: Path) -> Iterator[TestClient]:
    media = {"application/json": {"schema": ONE_OF}}
    with serve(write(folder, spec(collection(media)), "oneof")) as client:
        yield client


@RULES
@given(body=NOT_RECORDS)
def test_json_holding_no_record_creates_one_from_nothing(loose: TestClient, body: Any) -> None:
    before = loose.get("/things").json()
    record = read_back(loose, loose.post("/things", json=body), listed_too=False)
    assert record not in before
    assert set(record) <= {"thingId", "name", "size", "public", "file"}


@RULES
@given(body=SCALARS)
def test_a_one_of_whose_branch_takes_any_json_creates_from_a_scalar(
    one_of: TestClient, body: Any
) -> None:
    read_back(one_of, one_of.post("/things", json=body), listed_too=False)


@pytest.mark.parametrize("kind", KIND["enum"])
def test_a_string_naming_what_to_make_creates_a_listed_record(folder: Path, kind: str) -> None:
    media = {"application/json": {"schema": KIND}}
    with serve(write(folder, spec(collection(media)), f"kind-{kind}")) as client:
        read_back(client, client.post("/things", json=kind))
        refused = client.post("/things", json="no-such-kind")
        assert refused.status_code == 400, refused.text  # the schema still judges it


def test_a_json_object_body_still_writes_its_fields(loose: TestClient) -> None:
    record = read_back(loose, loose.post("/things", json={"name": "a", "size": 2}), False)
    assert (record["name"], record["size"]) == ("a", 2)
