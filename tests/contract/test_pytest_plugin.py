"""The pytest plugin, used the way a user's suite uses it (through pytester)."""

from __future__ import annotations

pytest_plugins = ["pytester"]

USER_TESTS = """
import httpx

ORDERS = "/v1/tenants/mine/stores/s/service-orders"


def create_order(url):
    types = httpx.get(f"{url}/v1/tenants/mine/service-types").json()["data"]
    body = {"title": "x", "serviceTypeUid": types[0]["serviceTypeUid"]}
    created = httpx.post(f"{url}{ORDERS}", json=body)
    assert created.status_code == 201
    return created.json()["serviceOrderUid"]


def test_server_runs_with_the_ini_seed_and_reference_time(servicestub_server):
    health = httpx.get(f"{servicestub_server.base_url}/_mock/health").json()
    assert health["seed"] == servicestub_server.seed == 7
    assert health["referenceTime"] == "2026-12-01T09:00:00Z"


def test_reset_drops_what_a_test_wrote(servicestub_server):
    url = servicestub_server.base_url
    uid = create_order(url)
    servicestub_server.reset()
    assert httpx.get(f"{url}{ORDERS}/{uid}").status_code == 404


def test_reset_without_control_plane_reseeds_the_runtime(servicestub_server, monkeypatch):
    url = servicestub_server.base_url
    uid = create_order(url)
    monkeypatch.setattr(type(servicestub_server), "_has_control_plane", lambda self: False)
    servicestub_server.reset(seed=9)
    assert httpx.get(f"{url}{ORDERS}/{uid}").status_code == 404
    assert servicestub_server.runtime.seed == 9
    servicestub_server.reset()


def test_contract_passes_and_writes_junit(servicestub_contract, tmp_path):
    junit = tmp_path / "contract.xml"
    result = servicestub_contract(
        api="services", max_examples=2, phases=["examples"], junit_xml=junit
    )
    assert result.ok, result.summary
    assert "PASSED" in result.summary.splitlines()[-1]
    assert junit.read_text().count("<testcase") > 10
"""


def test_plugin_serves_resets_and_contract_tests_the_mock(pytester):
    pytester.makeini(
        "[pytest]\nservicestub_seed = 7\nservicestub_now = 2026-12-01T10:00:00+01:00\n"
    )
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
