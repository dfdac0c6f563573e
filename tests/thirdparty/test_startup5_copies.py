"""connexion deep-copies each spec it loads twice; the factory has it copy them as
JSON (an orjson round trip), half the start-up of a spec of a few hundred paths."""

from __future__ import annotations

import copy
import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from connexion import json_schema as connexion_json_schema
from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from servicestub.app import factory
from servicestub.app.factory import create_app
from servicestub.core.settings import Settings
from tests.thirdparty.test_startup5_deferred import FRUIT


def test_no_spec_is_deep_copied_by_copy_deepcopy_when_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    real = copy.deepcopy

    def spy(value: Any, memo: Any = None) -> Any:
        if isinstance(value, dict) and "paths" in value:
            copied.append(str((value.get("info") or {}).get("title")))
        return real(value, memo)

    monkeypatch.setattr(copy, "deepcopy", spy)
    monkeypatch.setattr(connexion_json_schema, "deepcopy", spy)
    file = tmp_path / "fruit.json"
    file.write_text(json.dumps(FRUIT))
    app = create_app(Settings(specs=((file, None),), validate_responses=True))
    with TestClient(app) as client:
        assert copied == []
        assert client.get("/apples").status_code == 200  # its $refs resolved all the same
        assert client.post("/apples", json={"name": 3}).status_code == 400
    assert connexion_json_schema.deepcopy is spy  # put back as it was


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=4),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=12,
)


@settings(derandomize=True, max_examples=200)
@given(value=_json)
def test_a_json_copy_is_a_deep_copy(value: Any) -> None:
    copied = factory._json_copy(value)
    assert copied == value
    if isinstance(value, dict | list) and value:
        assert copied is not value


@pytest.mark.parametrize("value", [{"d": datetime.date(2020, 1, 2)}, {"n": [2**70]}])
def test_what_is_no_json_is_deep_copied(value: dict[str, Any]) -> None:
    copied = factory._json_copy(value)
    assert copied == value and copied is not value
