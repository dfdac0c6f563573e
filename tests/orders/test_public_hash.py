from servicestub.apis.orders.public_hash import PublicHasher

UID = "0214d466-6e04-4414-bd67-3a65067dce43"


def test_hash_opens_to_the_order_under_its_tenant_and_store():
    hasher = PublicHasher.from_secret(None, 42)
    assert hasher.open(hasher.seal("demo", "main", UID), "demo", "main") == UID


def test_hash_is_url_safe_and_does_not_show_the_uid():
    public = PublicHasher.from_secret(None, 42).seal("demo", "main", UID)
    assert set(public) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert UID.replace("-", "") not in public and UID not in public


def test_hash_of_another_store_or_tenant_does_not_open():
    hasher = PublicHasher.from_secret(None, 42)
    public = hasher.seal("demo", "main", UID)
    assert hasher.open(public, "demo", "other") is None
    assert hasher.open(public, "other", "main") is None


def test_tampered_hash_does_not_open():
    hasher = PublicHasher.from_secret(None, 42)
    public = hasher.seal("demo", "main", UID)
    flipped = public[:10] + ("A" if public[10] != "A" else "B") + public[11:]
    assert hasher.open(flipped, "demo", "main") is None
    assert hasher.open(public[:-2], "demo", "main") is None
    assert hasher.open("not-a-hash", "demo", "main") is None


def test_same_secret_gives_same_hash_and_other_secret_cannot_open_it():
    public = PublicHasher.from_secret("s3cret", 1).seal("demo", "main", UID)
    assert PublicHasher.from_secret("s3cret", 99).seal("demo", "main", UID) == public
    assert PublicHasher.from_secret("other", 1).open(public, "demo", "main") is None
    assert PublicHasher.from_secret(None, 1).open(public, "demo", "main") is None


def test_seed_derived_keys_differ_between_seeds():
    one = PublicHasher.from_secret(None, 1).seal("demo", "main", UID)
    assert PublicHasher.from_secret(None, 2).open(one, "demo", "main") is None


def test_no_secret_gives_the_key_of_a_seed():
    """Secret and seed keys are derived apart: not even the seed's own key
    material, given as a secret, opens a seed-derived link."""
    public = PublicHasher.from_secret(None, 42).seal("demo", "main", UID)
    for secret in ("servicestub-seed:42", "42", "seed:42"):
        assert PublicHasher.from_secret(secret, 42).open(public, "demo", "main") is None


def test_an_empty_secret_is_no_secret():
    public = PublicHasher.from_secret(None, 7).seal("demo", "main", UID)
    assert PublicHasher.from_secret("", 7).open(public, "demo", "main") == UID


# -- through the API, across restarts -------------------------------------------


def _client(**settings):
    from starlette.testclient import TestClient

    from servicestub import Settings, create_app

    return TestClient(create_app(Settings(**settings)), raise_server_exceptions=False)


def _public(client, tenant: str, public_hash: str) -> int:
    url = f"/v1/tenants/{tenant}/stores/main/public/service-orders/{public_hash}"
    return client.get(url).status_code


def _created(client, tenant: str) -> dict:
    types = client.get(f"/v1/tenants/{tenant}/service-types").json()["data"]
    body = {"title": "Phone", "serviceTypeUid": types[0]["serviceTypeUid"]}
    response = client.post(f"/v1/tenants/{tenant}/stores/main/service-orders", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_with_a_secret_a_link_forged_from_the_public_seed_is_404():
    with _client(seed=5, secret="correct horse battery staple") as client:
        seed = client.get("/_mock/health").json()["seed"]
        order = _created(client, "acme")
        seeded = client.get("/v1/tenants/demo/stores/main/service-orders").json()["data"][0]
        forger = PublicHasher.from_secret(None, seed)
        for tenant, uid, genuine in (
            ("acme", order["serviceOrderUid"], order["publicHash"]),
            ("demo", seeded["serviceOrderUid"], seeded["publicHash"]),
        ):
            assert _public(client, tenant, genuine) == 200
            assert _public(client, tenant, forger.seal(tenant, "main", uid)) == 404


def test_with_a_secret_links_survive_restarts_and_another_secret_opens_none():
    with _client(seed=5, secret="A") as first:
        order = _created(first, "acme")
        seeded = first.get("/v1/tenants/demo/stores/main/service-orders").json()["data"][0]
        state = first.get("/_mock/state").content
    for secret, expected in (("A", 200), ("B", 404)):
        with _client(seed=5, secret=secret) as again:
            put = again.put(
                "/_mock/state", content=state, headers={"content-type": "application/json"}
            )
            assert put.status_code in (200, 204), put.text
            assert _public(again, "acme", order["publicHash"]) == expected
            assert _public(again, "demo", seeded["publicHash"]) == expected


def test_serve_says_when_links_are_derived_from_the_seed(monkeypatch):
    from click.testing import CliRunner

    from servicestub import server
    from servicestub.cli import main

    monkeypatch.setattr(server, "run", lambda *args, **kwargs: None)
    monkeypatch.delenv("SERVICESTUB_SECRET", raising=False)
    without = CliRunner().invoke(main, ["serve", "--port", "0"])
    with_secret = CliRunner().invoke(main, ["serve", "--port", "0", "--secret", "s"])
    assert without.exit_code == 0 and with_secret.exit_code == 0, without.output
    assert "derived from the seed: anyone can compute them" in without.output
    assert "derived from the seed" not in with_secret.output
