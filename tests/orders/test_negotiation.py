"""``Accept`` and media-type parsing (RFC 9110, sections 8.3.1 and 12.5.1)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from servicestub.middleware.negotiation import choose, parse_media_type

OFFERS = ("application/pdf", "application/octet-stream", "application/json")


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/pdf"),
        ("", "application/pdf"),
        ("application/json", "application/json"),
        ("application/octet-stream", "application/octet-stream"),
        ("application/pdf", "application/pdf"),
        ("*/*", "application/pdf"),
        ("application/*", "application/pdf"),
        ("application/json;q=0.9, application/octet-stream", "application/octet-stream"),
        ("text/html, application/json;q=0.5", "application/json"),
        ("text/html", None),
        ("image/png, text/*", None),
        ("application/json;q=0", None),
        ("*/*, application/pdf;q=0", "application/octet-stream"),
    ],
)
def test_accept_picks_the_preferred_offer(accept, chosen):
    assert choose(accept, OFFERS) == chosen


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("APPLICATION/JSON", "application/json"),
        ("Application/*;Q=0.5, application/json;q=0.4", "application/pdf"),
        ("application/pdf;q=0.5, application/json;q=inf", "application/pdf"),
        ("application/pdf;q=0.5, application/json;q=nan", "application/pdf"),
        ("application/pdf;q=0.5, application/json;q=1.5", "application/pdf"),
        ('application/json;q=0.5;x="a,b", application/pdf;q=0.1', "application/json"),
        ("application/json;", "application/json"),
        ("not a media type, application/json", "application/json"),
    ],
)
def test_accept_is_read_as_rfc_9110_writes_it(accept, chosen):
    """Case-insensitive names; a ``q`` that is not a qvalue (0 to 1, three
    decimals) drops its range; commas inside quoted parameters split nothing."""
    assert choose(accept, OFFERS) == chosen


def _cased(draw, text: str) -> str:
    return "".join(c.upper() if draw(st.booleans()) else c.lower() for c in text)


TOKEN = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-+.", min_size=1, max_size=8)


@settings(max_examples=200, derandomize=True)
@given(data=st.data(), kind=TOKEN, sub=TOKEN, value=TOKEN)
def test_a_media_type_is_the_same_however_it_is_spelled(data, kind, sub, value):
    spaces = st.sampled_from(["", " ", "\t"])
    draw = data.draw
    quoted = draw(st.sampled_from([value, '"' + value + '"']))
    text = (
        f"{draw(spaces)}{_cased(draw, kind)}/{_cased(draw, sub)}{draw(spaces)};{draw(spaces)}"
        f"{_cased(draw, 'charset')}={quoted}{draw(spaces)}"
    )
    media = parse_media_type(text)
    assert media is not None and media.essence == f"{kind}/{sub}"
    assert media.parameter("charset") == value


@pytest.mark.parametrize(
    "text", ["", "json", "application/", "/json", "application/json; charset", "a b/c", "a/b c"]
)
def test_what_is_not_a_media_type_is_none(text):
    assert parse_media_type(text) is None
