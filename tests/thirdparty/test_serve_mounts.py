"""Where each ``--spec`` is mounted, and which mounts are refused for overlapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from servicestub.specs import ADMIN, mount_conflict, mount_of, third_party_apis
from servicestub.specs.loading import SpecRefused
from tests.thirdparty.serve_specs import collection_spec, write

segment = st.text("abcxyz-_0", min_size=1, max_size=4)
mounts = st.lists(segment, max_size=3).map(lambda parts: "".join("/" + p for p in parts))


@pytest.mark.parametrize(
    ("servers", "mount"),
    [
        ([{"url": "https://api.example.com/v2"}], "/v2"),
        ([{"url": "https://api.example.com/v2/"}], "/v2"),
        ([{"url": "/relative//base/"}], "/relative/base"),
        ([{"url": "https://api.example.com"}], ""),
        (
            [{"url": "https://{host}/{basePath}", "variables": {"basePath": {"default": "v3"}}}],
            "/v3",
        ),
        ([{"url": "https://x.test/{a}/{b}/c", "variables": {"a": {"default": "one"}}}], "/one/c"),
        ([], ""),
        (None, ""),
        (["not a server"], ""),
    ],
)
def test_mount_from_the_first_server_url(servers: object, mount: str) -> None:
    assert mount_of({"servers": servers}) == mount


def test_mount_given_wins_then_server_then_root(tmp_path: Path) -> None:
    with_server = write(tmp_path / "a.yaml", collection_spec(server="http://h/base"))
    without = write(tmp_path / "b.yaml", collection_spec())
    apis = third_party_apis([(with_server, None), (with_server, "/given/"), (without, None)])
    assert [api.base_path for api in apis] == ["/base", "/given", ""]
    assert [api.name for api in apis] == ["a", "a-2", "b"]


def test_equal_mounts_are_refused_naming_both(tmp_path: Path) -> None:
    spec = write(tmp_path / "pets.yaml", collection_spec())
    with pytest.raises(SpecRefused, match="pets and pets-2 are both mounted at /shop"):
        third_party_apis([(spec, "/shop"), (spec, "/shop")])


def test_a_mount_inside_the_control_plane_is_refused(tmp_path: Path) -> None:
    spec = write(tmp_path / "pets.yaml", collection_spec())
    with pytest.raises(SpecRefused, match=r"pets \(/_mock/pets\) is mounted inside admin"):
        third_party_apis([(spec, "/_mock/pets")], (ADMIN,))


def test_the_root_coexists_with_the_control_plane(tmp_path: Path) -> None:
    spec = write(tmp_path / "pets.yaml", collection_spec())
    (api,) = third_party_apis([(spec, "/")], (ADMIN,))
    assert api.base_path == ""


def test_a_root_spec_with_a_path_under_the_control_plane_is_refused(tmp_path: Path) -> None:
    spec = write(tmp_path / "mock.yaml", collection_spec(name="_mock"))
    with pytest.raises(SpecRefused, match="has the path /_mock, which lies under admin"):
        third_party_apis([(spec, None)], (ADMIN,))


def test_nested_mounts_conflict_only_when_a_path_reaches_under(tmp_path: Path) -> None:
    things = write(tmp_path / "things.yaml", collection_spec())
    other = write(tmp_path / "other.yaml", collection_spec(name="others"))
    # /v1/things/... belongs to things.yaml mounted at /v1: other cannot be mounted there.
    with pytest.raises(SpecRefused, match="has the path /things, which lies under other"):
        third_party_apis([(things, "/v1"), (other, "/v1/things")])
    assert len(third_party_apis([(things, "/v1"), (other, "/v1/admin")])) == 2


@given(outer=mounts, inner=mounts, paths=st.lists(mounts, min_size=1, max_size=3))
def test_a_conflict_is_exactly_a_route_the_other_mount_would_take(
    outer: str, inner: str, paths: list[str]
) -> None:
    """Rule over all mounts: refused iff the mounts are equal, or (for nested mounts)
    some literal path of the outer spec, served under its mount, lies under the
    inner mount; paths of the inner spec never matter."""
    document = {"paths": {path: {} for path in paths}}
    reason = mount_conflict(("o", outer, document), ("i", inner, document))
    expected = outer == inner or (
        (inner + "/").startswith(outer + "/")
        and any((outer + p + "/").startswith(inner + "/") for p in paths)
    )
    assert (reason is not None) == expected, (outer, inner, paths, reason)
