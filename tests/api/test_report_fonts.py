"""The report's fonts: a broken font never costs a report, fonts combine, and
no character silently disappears (each is drawn or shown as the placeholder)."""

from __future__ import annotations

import logging
import os
import threading
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from servicestub.apis.orders import report_fonts
from servicestub.apis.orders.report_fonts import ENV, shelf
from tests.api.helpers import create_order, store_path
from tests.api.pdfs import BASIC_LATIN, make_font, pdf_text

UseFonts = Callable[..., None]
LATIN = BASIC_LATIN + "ŁłŻżÓóĆćĘęŚśŃńŹź"
CJK = "王小明屏幕碎了"


@pytest.fixture
def only_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[UseFonts]:
    """Write reports with exactly the fonts given (as SERVICESTUB_PDF_FONT),
    none of the machine's; the machine's are looked for again afterwards."""

    def use(*paths: Path) -> None:
        monkeypatch.setenv(ENV, os.pathsep.join(map(str, paths)))
        monkeypatch.setattr(report_fonts, "_FAMILIES", ())
        monkeypatch.setattr(report_fonts, "_fontconfig", list)
        shelf.forget()

    yield use
    shelf.forget()


@pytest.fixture(scope="module")
def fonts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("fonts")
    good = make_font(folder / "Latin.ttf", LATIN + "□")
    not_a_font = folder / "notes.ttf"
    not_a_font.write_text("these are not the glyphs you are looking for\n" * 50)
    truncated = folder / "Truncated.ttf"
    truncated.write_bytes(good.read_bytes()[:400])
    (folder / "Folder.ttf").mkdir()
    return {
        "good": good,
        "latin without box": make_font(folder / "Plain.ttf", LATIN),
        "cjk": make_font(folder / "Cjk.ttf", CJK, family="Cjk"),
        "missing": folder / "Missing.ttf",
        "not a font": not_a_font,
        "truncated": truncated,
        "unreadable (a folder)": folder / "Folder.ttf",
        "wrong kind": folder / "notes.txt",
        "without glyphs": make_font(folder / "Empty.ttf", ""),
    }


@pytest.fixture
def order_url(client, tenant) -> str:
    created = create_order(client, tenant)
    return f"{store_path(tenant)}/service-orders/{created['serviceOrderUid']}"


def _report_text(client, url: str) -> str:
    response = client.get(f"{url}/report", headers={"accept": "application/pdf"})
    assert response.status_code == 200, response.text
    return pdf_text(response.content)


BROKEN = ["missing", "not a font", "truncated", "unreadable (a folder)", "wrong kind"]


@pytest.mark.parametrize("broken", [*BROKEN, "without glyphs"])
def test_a_broken_font_is_left_out_with_one_warning_and_never_costs_a_report(
    client, order_url, fonts, only_fonts, caplog, broken
):
    only_fonts(fonts[broken], fonts["good"])
    client.put(order_url, json={"customer": {"name": "Łukasz Żółć"}})
    with caplog.at_level(logging.WARNING, logger="servicestub.report"):
        assert "Łukasz Żółć" in _report_text(client, order_url)
        assert "Łukasz Żółć" in _report_text(client, order_url)  # checked once, not per report
    warnings = [r.getMessage() for r in caplog.records if r.name == "servicestub.report"]
    assert len(warnings) == 1 and str(fonts[broken]) in warnings[0], warnings


@pytest.mark.parametrize("broken", BROKEN)
def test_with_only_a_broken_font_the_report_falls_back_to_helvetica(
    client, order_url, fonts, only_fonts, broken
):
    only_fonts(fonts[broken])
    client.put(order_url, json={"customer": {"name": "Łukasz"}})
    assert "?ukasz" in _report_text(client, order_url)


def test_a_font_path_that_is_a_pipe_is_left_out_without_waiting_on_it(
    client, order_url, fonts, only_fonts, tmp_path
):
    pipe = tmp_path / "Pipe.ttf"
    os.mkfifo(pipe)  # reading it waits for a writer: the report must not
    only_fonts(pipe, fonts["good"])
    client.put(order_url, json={"customer": {"name": "Łukasz Żółć"}})
    texts: list[str] = []
    report = threading.Thread(target=lambda: texts.append(_report_text(client, order_url)))
    report.start()
    report.join(timeout=20)
    waited = report.is_alive()
    if waited:  # let the reader go (it reads the end), so later reports are not stuck too
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        report.join(timeout=20)
    assert not waited, "the report waited on a pipe named as a font"
    assert texts and "Łukasz Żółć" in texts[0]


def test_a_font_without_basic_latin_only_stands_in_for_what_it_has(
    client, order_url, fonts, only_fonts, caplog
):
    only_fonts(fonts["cjk"], fonts["good"])
    client.put(order_url, json={"customer": {"name": "Łukasz 王小明"}})
    with caplog.at_level(logging.WARNING, logger="servicestub.report"):
        assert "Łukasz 王小明" in _report_text(client, order_url)
    assert any("lacks basic Latin" in r.getMessage() for r in caplog.records)


def test_fonts_combine_and_a_placeholder_stands_for_what_none_draws(
    client, order_url, fonts, only_fonts
):
    only_fonts(fonts["good"], fonts["cjk"])
    client.put(order_url, json={"customer": {"name": "Łukasz 王小明 😀 ok"}})
    text = _report_text(client, order_url)
    assert "Łukasz 王小明 □ ok" in text and "😀" not in text


def test_text_after_a_cell_that_starts_in_a_fallback_font_keeps_its_font(
    client, order_url, fonts, only_fonts
):
    """fpdf2 took the font of such a cell, right after a change of font, for the
    page's own and wrote the Latin text after it in the CJK font."""
    only_fonts(fonts["good"], fonts["cjk"])
    client.post(f"{order_url}/items", json={"name": "王 screen", "serialNumber": "SN-1"})
    text = _report_text(client, order_url)
    assert "王 screen" in text and "Serial no. SN-1" in text and "No hours booked." in text


def test_the_placeholder_is_a_question_mark_when_no_font_has_the_box(
    client, order_url, fonts, only_fonts
):
    only_fonts(fonts["latin without box"])
    client.put(order_url, json={"customer": {"name": "Łukasz 王"}})
    assert "Łukasz ?" in _report_text(client, order_url)


def test_a_font_failing_while_writing_is_dropped_with_one_warning(
    client, order_url, fonts, only_fonts, monkeypatch, caplog
):
    only_fonts(fonts["good"])
    original = report_fonts.Typeface.install

    def failing(self, pdf):
        if self.main is not None:
            raise OSError("the font file went away")
        return original(self, pdf)

    monkeypatch.setattr(report_fonts.Typeface, "install", failing)
    client.put(order_url, json={"customer": {"name": "Łukasz"}})
    with caplog.at_level(logging.WARNING, logger="servicestub.report"):
        assert "?ukasz" in _report_text(client, order_url)
        assert "?ukasz" in _report_text(client, order_url)
    assert len([r for r in caplog.records if "went away" in r.getMessage()]) == 1


def test_cjk_prints_with_a_machine_font_when_one_is_installed(client, order_url):
    if not any(ord("王") in font.cmap for font in shelf.fonts()):
        pytest.skip("no CJK font on this machine (Debian: fonts-noto-cjk or fonts-droid-fallback)")
    client.put(order_url, json={"customer": {"name": "王小明"}, "title": "屏幕碎了"})
    text = _report_text(client, order_url)
    assert "王小明" in text and "屏幕碎了" in text


# -- any order the API accepts ---------------------------------------------------

#: Characters worth a report's trouble, among any others.
TRICKY = (
    CJK
    + "😀👍🏽\u200d\ufe0f"  # emoji, a skin tone, a joiner, a variation selector
    + "שלום مرحبا"  # right to left
    + "e\u0301a\u0308\u0338"  # combining marks
    + "\x07\x1b\x7f\x85\x9f\t\n\r"  # control characters and line breaks
    + "€—–‘’“”…\xa0\xad"  # typography Helvetica has
    + "ŁŻÓ"
)
text_of = st.text(
    st.one_of(
        st.characters(max_codepoint=0x17F, exclude_characters="\x00"),
        st.sampled_from(TRICKY),
        st.characters(exclude_categories=("Cs",), exclude_characters="\x00"),
    ),
    max_size=60,
)
order_fields = st.fixed_dictionaries(
    {
        "title": text_of.filter(lambda t: t.strip()),
        "description": text_of,
        "customer": st.fixed_dictionaries({"name": text_of.filter(lambda t: t.strip())}),
    }
)
item = st.fixed_dictionaries(
    {"name": text_of.filter(lambda t: t.strip()), "comment": text_of, "quantity": st.integers(1, 9)}
)


def _drawn(char: str, text: str, drawable: set[str], placeholder: str) -> bool:
    """Whether ``char`` of the order shows in ``text``: as itself when some font
    draws it, else as the placeholder."""
    if char.isspace() or char == "\xad":
        return True  # a space, a line break, or a soft hyphen (shown only where a line breaks)
    if char in drawable:
        return char in text
    return placeholder in text


hours_entry = st.fixed_dictionaries(
    {
        "userId": st.just("tech-1"),
        "date": st.just("2026-01-05"),
        "hours": st.sampled_from([0.5, 1.0, 2.25]),
        "description": text_of,
    }
)


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(
    fields=order_fields,
    items=st.lists(item, max_size=4),
    hours=st.lists(hours_entry, max_size=2),
    fonts_used=st.sampled_from(["none", "test fonts", "machine"]),
)
def test_any_order_the_api_accepts_renders_and_no_character_disappears(
    client, tenant, fonts, only_fonts, fields, items, hours, fonts_used
):
    """With no font but Helvetica, the test fonts (Latin and CJK boxes) or the
    machine's: the PDF reads, holds the order's number, and each character of
    the order is in its text or replaced by the placeholder there — never dropped."""
    if fonts_used == "machine":
        shelf.forget()
        found = shelf.fonts()
    else:
        only_fonts(*((fonts["good"], fonts["cjk"]) if fonts_used == "test fonts" else ()))
        found = shelf.fonts()
    created = client.post(
        f"{store_path(tenant)}/service-orders",
        json={**fields, "serviceTypeUid": _service_type(client, tenant)},
    )
    assume(created.status_code == 201)
    url = f"{store_path(tenant)}/service-orders/{created.json()['serviceOrderUid']}"
    for body in items:
        assert client.post(f"{url}/items", json=body).status_code == 201
    for body in hours:
        assert client.post(f"{url}/hours", json=body).status_code == 201
    text = pdf_text(client.get(f"{url}/report", headers={"accept": "application/pdf"}).content)
    assert created.json()["serviceNumber"] in text
    written = [fields["title"], fields["description"], fields["customer"]["name"]]
    written += [value for body in items for value in (body["name"], body["comment"])]
    written += [body["description"] for body in hours]
    shown = [c for value in written for c in value if unicodedata.category(c) not in ("Cc", "Cs")]
    if all(_cp1252(c) for c in shown) or not any(font.latin for font in found):
        drawable, placeholder = {c for c in shown if _cp1252(c)}, "?"  # Helvetica
    else:
        drawable = {c for c in shown if any(ord(c) in font.cmap for font in found)}
        placeholder = "□" if any(ord("□") in font.cmap for font in found) else "?"
    for value in written:
        for char in value:
            assert _drawn(char, text, drawable, placeholder), (char, value)


def _cp1252(char: str) -> bool:
    if unicodedata.category(char) in ("Cc", "Cs"):
        return False
    try:
        char.encode("windows-1252")
    except UnicodeEncodeError:
        return False
    return True


_types: dict[str, str] = {}


def _service_type(client, tenant: str) -> str:
    if tenant not in _types:
        types = client.get(f"/v1/tenants/{tenant}/service-types").json()["data"]
        _types[tenant] = types[0]["serviceTypeUid"]
    return _types[tenant]


def test_a_long_order_renders_with_every_page_numbered_and_nothing_lost(only_fonts, fonts):
    """500 items with long texts, a 5,000-character description (one unbroken
    word, then many lines): every page numbered, no text lost."""
    import dataclasses

    from servicestub.apis.orders.report import render_report, sheet_of
    from servicestub.apis.orders.seeding import orders_store
    from servicestub.core.settings import Settings
    from tests.api.pdfs import pdf_pages

    only_fonts(fonts["good"], fonts["cjk"])
    tenant, store = orders_store(Settings(), 42).store("demo", "main")
    sheet = sheet_of(tenant, "main", next(iter(store.orders.values())))
    item = {"articleNumber": "A-1", "quantity": 100000, "unitPrice": 10000000.0}
    items = [
        item | {"name": f"Part{n} " + "王" * 60, "serialNumber": "S" * 100, "comment": None}
        for n in range(500)
    ]
    description = "x" * 3000 + "\n" * 500 + "end of description"
    order = sheet.order | {"items": items, "description": description}
    pages = pdf_pages(render_report(dataclasses.replace(sheet, order=order)))
    assert len(pages) > 20
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    body = [line for page in pages for line in page.splitlines() if " Page " not in line]
    text = "".join("".join(body).split())
    assert "x" * 3000 in text and "endofdescription" in text
    assert all(f"Part{n}" in text for n in range(500)) and text.count("王") == 500 * 60
    assert "1,000,000,000,000.00" in text  # a figure is never wrapped
