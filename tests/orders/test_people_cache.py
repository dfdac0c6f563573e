"""The people pools kept between runs are exactly what Faker makes, and a
missing, broken or unwritable cache only costs time."""

from __future__ import annotations

import pytest

from servicestub.apis.orders import people as pools


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    pools.people.cache_clear()
    yield tmp_path / "servicestub"
    pools.people.cache_clear()


def test_pools_read_back_from_the_cache_equal_faker_s(cache):
    made = pools.make_people(11)
    assert pools.people(11) == made  # made and written
    (written,) = cache.glob("people-11-*.json")
    pools.people.cache_clear()
    assert pools.people(11) == made  # read back
    assert written.stat().st_size > 0


def test_a_broken_cache_file_is_made_anew(cache):
    pools.people(12)
    (written,) = cache.glob("people-12-*.json")
    written.write_text('{"customers": [')
    pools.people.cache_clear()
    assert pools.people(12) == pools.make_people(12)
    assert pools._read(written) is not None  # rewritten whole


def test_an_unwritable_cache_still_gives_the_pools(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    pools.people.cache_clear()
    try:
        assert pools.people(13) == pools.make_people(13)
    finally:
        pools.people.cache_clear()
