"""Loading a ``--spec`` file: what is served, and every refusal naming its reason."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from servicestub.cli import _spec_values, main
from servicestub.specs import third_party_apis
from servicestub.specs.loading import SpecRefused
from tests.thirdparty.serve_specs import collection_spec, write


def _refusal(path: Path) -> str:
    with pytest.raises(SpecRefused) as refused:
        third_party_apis([(path, None)])
    return str(refused.value)


def test_json_and_yaml_are_read_by_content_not_extension(tmp_path: Path) -> None:
    as_json = write(tmp_path / "a.yaml", collection_spec(), as_json=True)
    as_yaml = write(tmp_path / "b.json", collection_spec())
    first, second = third_party_apis([(as_json, "/a"), (as_yaml, "/b")])
    assert first.parsed()["paths"].keys() == second.parsed()["paths"].keys()


def test_not_a_file_and_missing_file(tmp_path: Path) -> None:
    assert "not a file" in _refusal(tmp_path)
    assert "no such file" in _refusal(tmp_path / "missing.yaml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"openapi: 3.0.3\ninfo: {title: \xe9}\n")
    assert "not UTF-8" in _refusal(path)


def test_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("openapi: 3.0.3\npaths:\n  /x: {get: [\n")
    reason = _refusal(path)
    assert "not YAML or JSON" in reason and "line 4, column 1" in reason


@pytest.mark.parametrize("content", ["", "- a\n- b\n", "just text\n", "42\n"])
def test_not_a_mapping(tmp_path: Path, content: str) -> None:
    path = tmp_path / "odd.yaml"
    path.write_text(content)
    assert "not a mapping" in _refusal(path)


def test_swagger_2_is_refused_with_the_conversion_command(tmp_path: Path) -> None:
    path = write(tmp_path / "old.yaml", {"swagger": "2.0", "info": {}, "paths": {"/x": {}}})
    reason = _refusal(path)
    assert "Swagger 2.0" in reason and f"npx swagger2openapi {path} -o old-openapi3.yaml" in reason


def test_openapi_32_is_refused_naming_why(tmp_path: Path) -> None:
    document = collection_spec()
    document["openapi"] = "3.2.0"  # 3.1 is served (tests/thirdparty/test_openapi31_*.py)
    reason = _refusal(write(tmp_path / "new.yaml", document))
    assert "3.2.0 is not served" in reason and "only 3.0 and 3.1" in reason


@pytest.mark.parametrize(
    ("change", "said"),
    [
        ({"openapi": "banana"}, "not an OpenAPI version"),
        ({"paths": {}}, "no 'paths'"),
        ({"paths": None}, "no 'paths'"),
        ({"paths": {"/x": {"summary": "nothing here"}}}, "no operation"),
    ],
)
def test_nothing_to_serve(tmp_path: Path, change: dict[str, Any], said: str) -> None:
    document = {**collection_spec(), **change}
    assert said in _refusal(write(tmp_path / "s.yaml", document))


def test_every_operation_broken_refuses_the_spec_with_the_reasons(tmp_path: Path) -> None:
    document = copy.deepcopy(collection_spec())
    document["components"]["schemas"] = {}  # every $ref dangles
    del document["paths"]["/things/{thingId}"]["delete"]  # the one operation without a $ref
    reason = _refusal(write(tmp_path / "s.yaml", document))
    assert "no operation of the spec can be served" in reason
    assert "#/components/schemas/Things names nothing" in reason


def test_cli_refusal_is_an_error_message_not_a_traceback(tmp_path: Path) -> None:
    path = write(tmp_path / "old.yaml", {"swagger": "2.0", "paths": {"/x": {}}})
    result = CliRunner().invoke(main, ["serve", "--spec", str(path)])
    assert result.exit_code != 0
    assert "Swagger 2.0" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_cli_spec_value_with_an_equals_sign_in_an_existing_path(tmp_path: Path) -> None:
    odd = write(tmp_path / "a=b.yaml", collection_spec())
    assert _spec_values((str(odd),)) == ((odd, None),)
    assert _spec_values((f"{odd}=/m",)) == ((odd, "/m"),)
    assert _spec_values(("x.yaml=/",)) == ((Path("x.yaml"), "/"),)
    result = CliRunner().invoke(main, ["serve", "--spec", f"{odd}=nope"])
    assert result.exit_code == 2 and "not a mount" in result.output
