"""Reading report PDFs, and TrueType fonts made for tests (every glyph a box)
so the report's font handling is tested on any machine, with or without
system fonts."""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

BASIC_LATIN = "".join(chr(code) for code in range(0x20, 0x7F))


def _box(filled: bool) -> object:
    pen = TTGlyphPen(None)
    if filled:
        for x0, y0, x1, y1 in ((50, 0, 450, 700), (100, 50, 400, 650)):
            pen.moveTo((x0, y0))
            pen.lineTo((x1, y0))
            pen.lineTo((x1, y1))
            pen.lineTo((x0, y1))
            pen.closePath()
    return pen.glyph()


def make_font(path: Path, chars: Iterable[str], family: str = "Boxes") -> Path:
    """A TrueType font at ``path`` that draws exactly ``chars``."""
    codes = sorted({ord(char) for char in chars})
    names = [".notdef", *(f"u{code:04X}" for code in codes)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap(dict(zip(codes, names[1:], strict=True)))
    builder.setupGlyf({name: _box(name != "u0020") for name in names})
    builder.setupHorizontalMetrics({name: (500, 50) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))
    return path


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (pypdf); fails unless ``pdf`` is a readable PDF."""
    from pypdf import PdfReader

    assert pdf.startswith(b"%PDF-")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf), strict=True).pages]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(pdf_pages(pdf))
