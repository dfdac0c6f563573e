"""The raw-header helpers of ``middleware/wire.py`` do what Starlette's ``Headers`` and
``MutableHeaders`` do, on every header list (the middlewares rely on it to read and
write headers without building those objects per layer)."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from starlette.datastructures import Headers, MutableHeaders

from servicestub.middleware.wire import add_vary, header, header_list, headers, set_header

#: A few names, so that lists repeat them and the looked-up one is often there.
NAMES = st.sampled_from([b"host", b"origin", b"vary", b"accept", b"x-tracking-id", b"a"])
VALUES = st.binary(max_size=12)
RAW = st.lists(st.tuples(NAMES, VALUES), max_size=8)


@settings(max_examples=300, derandomize=True)
@given(raw=RAW, name=NAMES)
def test_reading_is_headers_get_and_getlist(raw: list[tuple[bytes, bytes]], name: bytes) -> None:
    expected = Headers(raw=list(raw))
    assert header(raw, name) == expected.get(name.decode())
    assert header_list(raw, name) == expected.getlist(name.decode())


@settings(max_examples=300, derandomize=True)
@given(raw=RAW, names=st.lists(NAMES, min_size=1, max_size=4, unique=True))
def test_one_pass_reads_each_first_value(
    raw: list[tuple[bytes, bytes]], names: list[bytes]
) -> None:
    expected = Headers(raw=list(raw))
    assert headers(raw, tuple(names)) == [expected.get(name.decode()) for name in names]


def _message(raw: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {"type": "http.response.start", "status": 200, "headers": raw}


@settings(max_examples=300, derandomize=True)
@given(raw=RAW, name=NAMES, value=st.text(st.characters(max_codepoint=255), max_size=8))
def test_setting_is_mutable_headers_setitem(
    raw: list[tuple[bytes, bytes]], name: bytes, value: str
) -> None:
    ours, theirs = _message(list(raw)), _message(list(raw))
    kept = ours["headers"]
    set_header(ours, name, value.encode("latin-1"))
    MutableHeaders(scope=theirs)[name.decode()] = value
    assert ours["headers"] == theirs["headers"]  # same pairs, same order
    assert kept == raw, "the list the message was sent with is left as it was"


@settings(max_examples=300, derandomize=True)
@given(raw=RAW)
def test_vary_is_add_vary_header(raw: list[tuple[bytes, bytes]]) -> None:
    ours, theirs = _message(list(raw)), _message(list(raw))
    add_vary(ours, b"Origin")
    MutableHeaders(scope=theirs).add_vary_header("Origin")
    assert ours["headers"] == theirs["headers"]


def test_a_message_without_headers_gets_them() -> None:
    message: dict[str, Any] = {"type": "http.response.start", "status": 204}
    set_header(message, b"x-tracking-id", b"t")
    assert message["headers"] == [(b"x-tracking-id", b"t")]
