"""Every test of a third-party spec fails when the engine failed on a request.

The served mock answers such a request from the spec instead of a 500
(``app/factory._StateDecided``), which keeps a user's frontend going but would
hide the engine's defect from these tests: a test that means to make the engine
fail says so with ``@pytest.mark.engine_failure_expected``."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

ENGINE_FAILED = "the engine failed on"


@pytest.fixture(autouse=True)
def _no_engine_failure(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> Iterator[None]:
    yield
    if request.node.get_closest_marker("engine_failure_expected"):
        return
    failures = [
        record.getMessage()
        for record in caplog.get_records("call")
        if record.levelno >= logging.ERROR and ENGINE_FAILED in record.msg
    ]
    assert not failures, f"the engine failed on a request (answered from the spec): {failures}"
