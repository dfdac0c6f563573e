"""``serve --watch``: a changed spec is swapped in behind one ASGI app (the reload
is called directly; nothing sleeps on the file system)."""

from __future__ import annotations

import asyncio
import copy
import logging
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from servicestub import Settings, create_app
from servicestub.app.reloading import Reloading
from tests.thirdparty.serve_specs import collection_spec, write


def _reloading(tmp_path: Path, state_file: Path | None = None) -> tuple[Reloading, Path]:
    spec = write(tmp_path / "things.yaml", collection_spec())
    settings = Settings(specs=((spec, "/t"),), validate_responses=True, state_file=state_file)
    return Reloading(create_app(settings), settings), spec


def test_a_compatible_change_keeps_the_data_and_serves_the_new_spec(tmp_path: Path) -> None:
    reloading, spec = _reloading(tmp_path)
    with TestClient(reloading) as client:
        made = client.post("/t/things", json={"name": "kept"}).json()["thingId"]
        client.post("/_mock/faults", json={"path": "/t/nothing", "status": 500})
        document = copy.deepcopy(collection_spec())
        document["components"]["schemas"]["Things"]["properties"]["colour"] = {"type": "string"}
        write(spec, document)
        assert reloading.changed() and not reloading.changed()
        outcome = reloading.reload()
        assert outcome.swapped and outcome.kept
        assert client.get(f"/t/things/{made}").json()["name"] == "kept"
        assert "colour" in str(client.get("/t/openapi.json").json())
        assert len(client.get("/_mock/faults").json()["data"]) == 1  # carried over
        assert any(e["path"] == "/t/things" for e in client.get("/_mock/requests").json()["data"])


def test_data_that_no_longer_fits_starts_afresh_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    reloading, spec = _reloading(tmp_path)
    with TestClient(reloading) as client:
        client.post("/t/things", json={"name": "old"})
        write(spec, collection_spec(name="others"))  # the collection /things is gone
        with caplog.at_level(logging.WARNING, "servicestub"):
            outcome = reloading.reload()
        assert outcome.swapped and not outcome.kept and outcome.reason
        assert "started afresh" in caplog.text
        assert client.get("/t/others").status_code == 200
        assert client.get("/t/things").status_code == 404


@pytest.mark.parametrize("broken", ["paths: [\n", "swagger: '2.0'\npaths: {}\n"])
def test_a_broken_file_keeps_the_old_app_serving(
    tmp_path: Path, broken: str, caplog: pytest.LogCaptureFixture
) -> None:
    reloading, spec = _reloading(tmp_path)
    before = reloading.app
    with TestClient(reloading) as client:
        made = client.post("/t/things", json={"name": "n"}).json()["thingId"]
        spec.write_text(broken)
        with caplog.at_level(logging.ERROR, "servicestub"):
            outcome = reloading.reload()
        assert not outcome.swapped and reloading.app is before
        assert "reload failed" in caplog.text and str(spec) in caplog.text
        assert client.get(f"/t/things/{made}").status_code == 200


def test_shutdown_saves_the_state_of_the_app_serving_then(tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    reloading, spec = _reloading(tmp_path, state)
    with TestClient(reloading) as client:
        client.post("/t/things", json={"name": "before"})
        write(spec, collection_spec())
        assert reloading.reload().kept
        client.post("/t/things", json={"name": "after the reload"})
    saved = state.read_text()
    assert "before" in saved and "after the reload" in saved


def test_watching_reloads_on_a_change(tmp_path: Path) -> None:
    reloading, spec = _reloading(tmp_path)
    before = reloading.app
    write(spec, collection_spec(title="Changed"))

    async def until_swapped() -> None:
        with reloading.watching(every=0.01):
            for _ in range(500):
                if reloading.app is not before:
                    return
                await asyncio.sleep(0.01)

    asyncio.run(until_swapped())
    assert reloading.app is not before
