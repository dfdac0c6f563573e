"""The per-request caches of our middlewares: each gives the answer of the
computation it keeps, for every input, and stays bounded whatever clients send
(in number of entries, and a value longer than the limit is never kept)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.control.journal import utc_text
from servicestub.core.settings import format_reference_time
from servicestub.middleware import guards, negotiation, origins
from servicestub.middleware.origins import ControlPlanePolicy
from servicestub.runtime import Runtime
from servicestub.specs import (
    _DOCS_PATHS,
    APIS,
    DOCS_UI_PATH,
    PARSED_SPECS_KEPT,
    SPEC_FILE_PATHS,
    ApiSpec,
    is_api_request,
    is_control_plane,
    is_docs,
    under,
)

FAST = settings(max_examples=300, derandomize=True)

# -- query strings (RequestGuardMiddleware) ------------------------------------

QUERY_NAMES = st.sampled_from(["a", "a[]", "status", "perPage", "%61", "a%00", "", "b+c", "x"])
QUERY_VALUES = st.sampled_from(["", "1", "%00", "x y", "%zz", "="])
QUERIES = st.lists(st.tuples(QUERY_NAMES, st.none() | QUERY_VALUES), max_size=5).map(
    lambda pairs: "&".join(name if value is None else f"{name}={value}" for name, value in pairs)
) | st.text(st.sampled_from("a=&%0;[]x"), max_size=12)
REPEATABLE = st.sampled_from([frozenset(), frozenset({"status"}), frozenset({"a", "x"})])


@FAST
@given(query=QUERIES, repeatable=REPEATABLE)
def test_a_query_verdict_kept_is_the_verdict(query: str, repeatable: frozenset[str]) -> None:
    raw = query.encode("latin-1")
    computed = guards._query_problem(raw, repeatable)
    assert guards.query_problem(raw, repeatable) == computed
    assert guards.query_problem(raw, repeatable) == computed  # the second one is kept


def _assert_bounded(kept: Any, fill: Callable[[int], object], maxsize: int) -> None:
    """``kept`` (an ``lru_cache``) holds at most ``maxsize`` entries after more
    distinct inputs than that (``fill(i)`` asks for the ``i``-th)."""
    assert kept.cache_info().maxsize == maxsize
    for i in range(maxsize + 50):
        fill(i)
    assert kept.cache_info().currsize <= maxsize


def test_the_query_verdicts_kept_are_bounded() -> None:
    kept = guards._kept_query_problem
    _assert_bounded(
        kept,
        lambda i: guards.query_problem(f"n{i}=1".encode(), frozenset()),
        guards.QUERY_VERDICTS_KEPT,
    )
    long = b"a=" + b"x" * guards.QUERY_KEPT_LENGTH + b"&a=1"
    before = kept.cache_info()
    assert guards.query_problem(long, frozenset()) == guards._query_problem(long, frozenset())
    after = kept.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses), "a long query is not kept"


# -- media types and Accept (MediaTypeMiddleware) ------------------------------

MEDIA_PIECES = st.sampled_from(
    [
        "application/json",
        "APPLICATION/JSON",
        "text/*",
        "*/*",
        "application/pdf",
        ";q=0",
        ";q=0.5",
        "; charset=UTF-8",
        ';x="a,b"',
        ", ",
        ",",
        " ",
        "q=1",
        "/",
        "*",
    ]
)
MEDIA_TEXT = st.lists(MEDIA_PIECES, max_size=6).map("".join) | st.text(max_size=10)
OFFERS = st.sampled_from(
    [
        ("application/json",),
        ("application/pdf", "application/octet-stream", "application/json"),
        ("text/csv", "application/json"),
    ]
)


@FAST
@given(text=MEDIA_TEXT)
def test_a_media_type_kept_is_the_parse(text: str) -> None:
    computed = negotiation._parse_media_type(text)
    assert negotiation.parse_media_type(text) == computed
    assert negotiation.parse_media_type(text) == computed


@FAST
@given(accept=MEDIA_TEXT, offers=OFFERS)
def test_a_choice_kept_is_the_choice(accept: str, offers: tuple[str, ...]) -> None:
    computed = negotiation._choice(accept, offers) if accept.strip() else offers[0]
    assert negotiation.choose(accept, offers) == computed
    assert negotiation.choose(accept, offers) == computed
    assert negotiation.choose(accept, list(offers)) == computed  # not hashable: not kept


def test_the_media_types_and_choices_kept_are_bounded() -> None:
    size = negotiation.MEDIA_KEPT
    _assert_bounded(
        negotiation._kept_media_type,
        lambda i: negotiation.parse_media_type(f"application/x-{i}"),
        size,
    )
    _assert_bounded(
        negotiation._kept_choice,
        lambda i: negotiation.choose(f"application/x-{i}, */*;q=0.1", ("application/json",)),
        size,
    )
    long = "application/json;" + "x=1;" * negotiation.MEDIA_KEPT_LENGTH
    for kept, ask in (
        (negotiation._kept_media_type, lambda: negotiation.parse_media_type(long)),
        (negotiation._kept_choice, lambda: negotiation.choose(long, ("application/json",))),
    ):
        before = kept.cache_info()
        ask()
        after = kept.cache_info()
        assert (after.hits, after.misses) == (before.hits, before.misses), "a long value is kept"


# -- the control plane's policy (AdminGuardMiddleware) --------------------------

HOSTS = st.none() | st.sampled_from(
    [
        "127.0.0.1:8000",
        "localhost",
        "LOCALHOST.",
        "[::1]:1",
        "app.localhost",
        "evil.example",
        "p.example",
    ]
)
SENT_ORIGINS = st.none() | st.sampled_from(
    [
        "http://127.0.0.1:8000",
        "http://localhost",
        "null",
        "http://dev.local:5173",
        "x://",
        "http://a/b",
    ]
)
SITES = st.none() | st.sampled_from(["cross-site", " Same-Site ", "same-origin", "none"])
SERVERS = st.none() | st.sampled_from([("127.0.0.1", 8000), ("10.0.0.2", 80), ("::1", 8000)])
POLICIES = st.sampled_from(
    [ControlPlanePolicy(), ControlPlanePolicy(["http://dev.local:5173"], ["p.example"])]
)


@FAST
@given(
    policy=POLICIES,
    scheme=st.sampled_from(["http", "https"]),
    server=SERVERS,
    host=HOSTS,
    origin=SENT_ORIGINS,
    site=SITES,
)
def test_a_control_plane_verdict_kept_is_the_verdict(
    policy: ControlPlanePolicy,
    scheme: str,
    server: tuple[str, int] | None,
    host: str | None,
    origin: str | None,
    site: str | None,
) -> None:
    sent = [("host", host), ("origin", origin), ("sec-fetch-site", site)]
    scope: dict[str, Any] = {
        "type": "http",
        "scheme": scheme,
        "headers": [(k.encode(), v.encode()) for k, v in sent if v is not None],
    }
    if server is not None:
        scope["server"] = list(server)  # as some servers give it: a list
    computed = policy.refusal_detail(scheme, server, host, origin, site)
    for _ in range(2):  # computed, then kept
        refusal = policy.refusal(scope)
        assert (refusal.detail if refusal is not None else None) == computed


def test_the_control_plane_verdicts_kept_are_bounded() -> None:
    policy = ControlPlanePolicy()

    def ask(i: int) -> object:
        return policy.refusal({"type": "http", "headers": [(b"host", f"h{i}.example".encode())]})

    _assert_bounded(policy._kept, ask, origins.VERDICTS_KEPT)
    long = "h" * (origins.VERDICT_KEPT_LENGTH + 1)
    before = policy._kept.cache_info()
    refusal = policy.refusal({"type": "http", "headers": [(b"host", long.encode())]})
    assert refusal is not None and refusal.detail == policy.refusal_detail(
        "http", None, long, None, None
    )
    after = policy._kept.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses), "a long Host is kept"


# -- which paths are docs, the control plane, API requests ----------------------


def _is_docs_by_definition(path: str, apis: tuple[ApiSpec, ...]) -> bool:
    """The docs routes connexion serves, spelled out (the definition ``is_docs`` keeps)."""
    return any(
        path in (api.base_path + file for file in SPEC_FILE_PATHS)
        or under(path, api.base_path + DOCS_UI_PATH)
        for api in apis
    )


PATH_PIECES = st.sampled_from(
    ["/v1", "/api/v4", "/_mock", "/ui", "/uix", "/openapi.json", "/openapi.yaml", "/", "/x", "ui"]
)
PATHS = st.lists(PATH_PIECES, max_size=4).map("".join)
MOUNTS = st.sampled_from([APIS, APIS[:1], (dataclasses.replace(APIS[0], base_path=""),)])


@FAST
@given(path=PATHS, apis=MOUNTS)
def test_the_docs_table_answers_as_the_definition(path: str, apis: tuple[ApiSpec, ...]) -> None:
    assert is_docs(path, apis) == _is_docs_by_definition(path, apis)
    assert is_control_plane(path) == under(path, "/_mock")
    assert is_api_request(path, apis) == (
        not under(path, "/_mock") and not _is_docs_by_definition(path, apis)
    )


def test_the_docs_tables_kept_are_bounded_and_never_stale() -> None:
    for i in range(PARSED_SPECS_KEPT + 5):
        apis = (dataclasses.replace(APIS[0], base_path=f"/m{i}"),)
        assert is_docs(f"/m{i}/ui/", apis)
        assert not is_docs(f"/m{i - 1}/ui/", apis), "a table of other specs is not reused"
    assert len(_DOCS_PATHS) <= PARSED_SPECS_KEPT


# -- the journal's clock, tracking ids, health's reference time -----------------


@FAST
@given(st.lists(st.integers(0, 4_102_444_800 * 10**9), min_size=1, max_size=5))
def test_the_journal_clock_writes_isoformat_milliseconds(
    instants: list[int],
) -> None:
    for ns in instants:
        moment = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=ns // 1000)
        expected = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        assert utc_text(ns) == expected


@FAST
@given(st.binary(min_size=16, max_size=16))
def test_a_new_tracking_id_is_uuid4_of_the_same_bytes(random_bytes: bytes) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(guards.os, "urandom", lambda n: random_bytes[:n])
        assert guards.new_tracking_id() == str(uuid.UUID(bytes=random_bytes, version=4))


def test_health_writes_the_reference_time_of_now() -> None:
    runtime = Runtime()
    first = runtime.health()["referenceTime"]
    assert first == format_reference_time(runtime.reference_time)
    runtime.reference_time = runtime.reference_time + timedelta(days=1, seconds=1)
    assert runtime.health()["referenceTime"] == format_reference_time(runtime.reference_time)
    assert runtime.health()["referenceTime"] != first
