"""The text of a PDF: pypdf when installed, else the strings of its (Flate) content streams."""

from __future__ import annotations

import contextlib
import io
import re
import zlib

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
_STRING = re.compile(rb"\(((?:\\.|[^\\)])*)\)")


def pdf_text(data: bytes) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        return _fallback(data)
    try:
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    except Exception:  # a broken file has no text to judge
        return _fallback(data)


def _fallback(data: bytes) -> str:
    parts = []
    for stream in _STREAM.findall(data):
        with contextlib.suppress(zlib.error):
            stream = zlib.decompress(stream)
        parts += [s.decode("latin-1") for s in _STRING.findall(stream)]
    return " ".join(parts)
