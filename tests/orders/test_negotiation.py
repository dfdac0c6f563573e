import pytest

from servicestub.negotiation import choose

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
