"""The pytest plugin, used the way a user's suite uses it (through pytester)."""

from __future__ import annotations

pytest_plugins = ["pytester"]


def test_plugin_serves_the_mock_resets_it_and_runs_the_contract(pytester):
    pytester.makeini("[pytest]\nservicestub_seed = 7\n")
    pytester.makepyfile(
        """
        import httpx

        def test_server_and_reset(servicestub_server):
            url = servicestub_server.base_url
            assert httpx.get(f"{url}/_mock/health").json()["seed"] == 7
            types = httpx.get(f"{url}/v1/tenants/mine/service-types").json()["data"]
            body = {"title": "x", "serviceTypeUid": types[0]["serviceTypeUid"]}
            created = httpx.post(f"{url}/v1/tenants/mine/stores/s/service-orders", json=body)
            assert created.status_code == 201
            assert servicestub_server.reset()["counts"]["writtenTenants"] == 0

        def test_contract(servicestub_contract):
            result = servicestub_contract(api="services", max_examples=2, phases=["examples"])
            assert result.ok, result.summary
        """
    )
    result = pytester.runpytest_subprocess("-q", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
