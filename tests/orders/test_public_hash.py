from servicestub.domain.public_hash import PublicHasher

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
