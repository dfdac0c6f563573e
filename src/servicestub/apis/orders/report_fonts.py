"""The fonts a PDF report is written with, and its text made drawable by them.

A report whose text the PDF core font Helvetica can draw (Windows-1252: Western
European letters and typographic marks) is written with it: nothing is
embedded, it is the fastest. Otherwise the fonts found on the machine are used,
looked for in this order, once per process (at the first such report):

1. ``SERVICESTUB_PDF_FONT``: one or more TrueType/OpenType files, separated by
   ``os.pathsep`` (``:`` on Linux); a ``-Bold`` twin next to a file is its bold;
2. DejaVu Sans (Latin, Greek, Cyrillic, many symbols; Debian ``fonts-dejavu-core``);
3. Noto Sans CJK (Chinese, Japanese, Korean; Debian ``fonts-noto-cjk``);
4. Droid Sans Fallback (Chinese, Japanese, Korean; Debian ``fonts-droid-fallback``);

families 2-4 found by fontconfig (``fc-list``) when it is installed, else at the
paths Debian, Arch and Fedora put them. Each font is tried once: a missing
file, one that is not a font, one fpdf2 cannot parse or embed, or one without
the basic Latin letters (then it only stands in for the characters it has) is
logged once as a warning and left out; a report never fails for a font.

The first font with the basic Latin letters writes the text and the others
stand in for the characters it lacks (fpdf2's fallback fonts, each embedded
only for the characters it is used for). A character no font draws, and any
control character, is drawn as a visible placeholder (``□``, or ``?`` when no
font has it) — never dropped.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import subprocess
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

log = logging.getLogger("servicestub.report")

ENV = "SERVICESTUB_PDF_FONT"
#: The code points every main font must have (the report's own words and figures).
BASIC_LATIN = frozenset(range(0x20, 0x7F))
PLACEHOLDER = "□"
CORE_PLACEHOLDER = "?"
_CORE_ENCODING = "windows-1252"
#: Whitespace and line breaks that are kept (as a space or a line break), not drawn.
_LINE_BREAKS = str.maketrans(dict.fromkeys("\r\x0b\x0c\x85\u2028\u2029", "\n") | {"\t": " "})

#: Families looked for on the machine, in turn: (fontconfig family, known places of
#: the regular face). The bold face is fontconfig's, else the ``-Bold`` twin.
_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "DejaVu Sans",
        (
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian, Ubuntu
            "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
            "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",  # Fedora
        ),
    ),
    (
        "Noto Sans CJK SC",
        (
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian, Ubuntu
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch
            "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora
        ),
    ),
    (
        "Droid Sans Fallback",
        (
            "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # Debian, Ubuntu
            "/usr/share/fonts/TTF/DroidSansFallbackFull.ttf",  # Arch
            "/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf",  # Fedora
        ),
    ),
)
_REGULAR_STYLES = frozenset({"regular", "book", "normal", "roman"})


@dataclasses.dataclass(frozen=True)
class FontFile:
    """A font that passed its trial: its faces and the code points it draws."""

    origin: str
    regular: Path
    bold: Path
    index: int
    cmap: frozenset[int]

    @property
    def latin(self) -> bool:
        """Whether it can write the report's own words and figures."""
        return self.cmap.issuperset(BASIC_LATIN)


@dataclasses.dataclass(frozen=True)
class Typeface:
    """What one report is written with: a main font (``None``: the core
    Helvetica), fallbacks each with the code points they stand in for, and the
    placeholder of what none of them draws."""

    main: FontFile | None
    fallbacks: tuple[tuple[FontFile, frozenset[int]], ...] = ()
    placeholder: str = CORE_PLACEHOLDER

    def draws(self, char: str) -> bool:
        """Whether some font of this typeface has ``char``."""
        if self.main is None:
            return _core_draws(char)
        code = ord(char)
        return code in self.main.cmap or any(code in codes for _f, codes in self.fallbacks)

    def drawable(self, value: object) -> str:
        """``value`` as text these fonts draw: line breaks kept, tabs as spaces,
        every other character kept when drawn, else the placeholder; as long as
        the text it comes from (a ``\\r\\n`` counts as one)."""
        text = ("" if value is None else str(value)).replace("\r\n", "\n").translate(_LINE_BREAKS)
        return "".join(
            char if char == "\n" or (_visible(char) and self.draws(char)) else self.placeholder
            for char in text
        )

    def install(self, pdf: FPDF) -> str:
        """Register the fonts with ``pdf``; the family to write with."""
        if self.main is None:
            pdf.core_fonts_encoding = _CORE_ENCODING
            return "Helvetica"
        main = self.main
        pdf.add_font("Main", "", main.regular, collection_font_number=main.index)
        pdf.add_font("Main", "B", main.bold, collection_font_number=main.index)
        names = []
        for number, (font, codes) in enumerate(self.fallbacks):
            names.append(f"Fallback{number}")
            pdf.add_font(
                names[-1],
                "",
                font.regular,
                unicode_range=sorted(codes),
                collection_font_number=font.index,
            )
        if names:
            pdf.set_fallback_fonts(names, exact_match=False)
        return "Main"


CORE = Typeface(None)


def _visible(char: str) -> bool:
    """Not a control character nor a lone surrogate (those are never drawn)."""
    return unicodedata.category(char) not in ("Cc", "Cs")


def _core_draws(char: str) -> bool:
    try:
        char.encode(_CORE_ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def typeface_for(texts: Iterable[str]) -> Typeface:
    """The fonts to write ``texts`` with: Helvetica when it draws them all (or
    when the machine has no usable font), else the machine's fonts, with only
    the fallbacks the texts need."""
    wanted = {ord(c) for text in texts for c in set(text) if _visible(c) and c not in "\n\t"}
    if all(_core_draws(chr(code)) for code in wanted):
        return CORE
    found = shelf.fonts()
    main = next((font for font in found if font.latin), None)
    if main is None:
        return CORE
    missing = wanted - main.cmap
    fallbacks: list[tuple[FontFile, frozenset[int]]] = []
    for font in found:
        if font is not main and missing & font.cmap:
            fallbacks.append((font, frozenset(missing & font.cmap)))
            missing -= font.cmap
    if not missing:
        return Typeface(main, tuple(fallbacks), PLACEHOLDER)
    box = ord(PLACEHOLDER)
    if box in main.cmap:
        return Typeface(main, tuple(fallbacks), PLACEHOLDER)
    owner = next((font for font in found if font is not main and box in font.cmap), None)
    if owner is None:
        return Typeface(main, tuple(fallbacks), CORE_PLACEHOLDER)
    merged = {font: codes for font, codes in fallbacks}
    merged[owner] = merged.get(owner, frozenset()) | {box}
    ordered = tuple((font, merged[font]) for font in found if font in merged)
    return Typeface(main, ordered, PLACEHOLDER)


# -- finding and trying fonts --------------------------------------------------


class FontShelf:
    """The machine's usable fonts, looked for and tried once; a font that fails
    later all the same is dropped (:meth:`drop`) and the core font used."""

    def __init__(self) -> None:
        self._fonts: tuple[FontFile, ...] | None = None
        self._lock = threading.Lock()  # reports are written in worker threads

    def fonts(self) -> tuple[FontFile, ...]:
        with self._lock:
            if self._fonts is None:
                self._fonts = tuple(_usable(_candidates()))
            return self._fonts

    def drop(self, reason: str) -> None:
        """Use no machine font any more (they failed while writing a report)."""
        with self._lock:
            if self._fonts:
                names = ", ".join(str(font.regular) for font in self._fonts)
                log.warning("PDF reports: fonts %s failed (%s); using Helvetica.", names, reason)
            self._fonts = ()

    def forget(self) -> None:
        """Look again at the next report (tests, or after installing a font)."""
        with self._lock:
            self._fonts = None


shelf = FontShelf()


@dataclasses.dataclass(frozen=True)
class _Candidate:
    origin: str
    regular: Path
    bold: Path | None
    index: int = 0
    #: Named by the user: problems are worth a warning.
    named: bool = False


def _candidates() -> Iterator[_Candidate]:
    seen: set[tuple[Path, int]] = set()
    listed = _fontconfig()
    for candidate in (*_named(), *_machine(listed)):
        if (candidate.regular, candidate.index) not in seen:
            seen.add((candidate.regular, candidate.index))
            yield candidate


def _named() -> Iterator[_Candidate]:
    for part in os.environ.get(ENV, "").split(os.pathsep):
        if part.strip():
            yield _Candidate(ENV, Path(part.strip()), None, named=True)


def _machine(listed: list[tuple[str, str, Path, int]]) -> Iterator[_Candidate]:
    for family, places in _FAMILIES:
        faces = [(style, path, index) for name, style, path, index in listed if name == family]
        regular = next(((p, i) for s, p, i in faces if s in _REGULAR_STYLES), None)
        bold = next(((p, i) for s, p, i in faces if s == "bold"), None)
        if regular is not None:
            twin = bold[0] if bold is not None and bold[1] == regular[1] else None
            yield _Candidate(family, regular[0], twin, regular[1])
            continue
        for place in places:
            if Path(place).is_file():
                yield _Candidate(family, Path(place), None)
                break


def _fontconfig() -> list[tuple[str, str, Path, int]]:
    """(family, style, file, face index) of every font fontconfig knows, sorted;
    empty without fontconfig."""
    try:
        listing = subprocess.run(
            ["fc-list", "--format", "%{family}\t%{style}\t%{file}\t%{index}\n"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError, UnicodeError):
        return []
    found = []
    for line in listing.splitlines():
        fields = line.split("\t")
        if len(fields) != 4 or not fields[3].isdigit():
            continue
        families, styles, file, index = fields
        style = styles.split(",")[0].strip().lower()
        for family in families.split(","):
            found.append((family.strip(), style, Path(file), int(index)))
    return sorted(found, key=lambda f: (f[0], f[1], str(f[2]), f[3]))


def _usable(candidates: Iterable[_Candidate]) -> Iterator[FontFile]:
    for candidate in candidates:
        try:
            cmap = _trial(candidate.regular, candidate.index)
        except Exception as error:  # any failure of a font file means: not this one
            if candidate.named:
                log.warning(
                    "%s=%s is not a font a PDF report can use (%s); it is left out.",
                    ENV,
                    candidate.regular,
                    _reason(error),
                )
            else:
                log.warning(
                    "PDF reports: %s (%s) cannot be used (%s); it is left out.",
                    candidate.regular,
                    candidate.origin,
                    _reason(error),
                )
            continue
        if candidate.named and not cmap.issuperset(BASIC_LATIN):
            log.warning(
                "%s=%s lacks basic Latin letters: it only stands in for the characters it has.",
                ENV,
                candidate.regular,
            )
        bold = _bold(candidate, cmap)
        yield FontFile(candidate.origin, candidate.regular, bold, candidate.index, cmap)


def _bold(candidate: _Candidate, cmap: frozenset[int]) -> Path:
    """The bold face: the one found, else the ``-Bold`` twin, else the regular
    (when the bold one fails its trial or lacks basic Latin)."""
    regular = candidate.regular
    bold = candidate.bold or regular.with_name(f"{regular.stem}-Bold{regular.suffix}")
    if bold == regular or not bold.is_file():
        return regular
    try:
        bold_cmap = _trial(bold, candidate.index)
    except Exception as error:  # as in _usable
        log.warning("PDF reports: bold %s cannot be used (%s).", bold, _reason(error))
        return regular
    return bold if bold_cmap.issuperset(BASIC_LATIN & cmap) else regular


def _trial(path: Path, index: int) -> frozenset[int]:
    """The code points ``path`` draws, after writing a page with some of them
    (what a report does with it); raises whatever the font makes fpdf2 raise."""
    from fpdf import FPDF

    if not path.is_file():  # a pipe or a device would be read until it ends: maybe never
        raise ValueError("it is not a regular file")
    pdf = FPDF()
    pdf.add_font("trial", "", path, collection_font_number=index)
    cmap = frozenset(pdf.fonts["trial"].cmap)  # type: ignore[union-attr]
    sample = "".join(chr(code) for code in sorted(cmap) if _visible(chr(code)))[:200]
    if not sample.strip():
        raise ValueError("it draws no characters")
    pdf.add_page()
    pdf.set_font("trial", size=10)
    pdf.multi_cell(0, 5, sample)
    pdf.output()
    return cmap


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split())[:200]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
