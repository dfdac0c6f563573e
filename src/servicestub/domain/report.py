"""The PDF report of a service order: number, customer, items, hours, totals."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from servicestub.domain import money
from servicestub.store.orders import OrderBundle, Tenant

if TYPE_CHECKING:
    from fpdf import FPDF

Record = dict[str, Any]

_TYPOGRAPHY = str.maketrans(
    {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."}
)
#: Where a Unicode TrueType font (regular and bold) is looked for, in turn;
#: ``SERVICESTUB_PDF_FONT`` may name a regular one (a ``-Bold`` twin is used if found).
_FONT_PLACES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian, Ubuntu
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
    "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",  # Fedora
)
TextOf = Callable[[Any], str]


class _Latin1:
    """Text fit for the PDF core fonts, which speak Latin-1: typographic marks
    are mapped, anything else outside it shows as '?' (never an error) and is
    noted in :attr:`lossy`."""

    def __init__(self) -> None:
        self.lossy = False

    def __call__(self, value: Any) -> str:
        text = ("" if value is None else str(value)).translate(_TYPOGRAPHY)
        try:
            return text.encode("latin-1").decode("latin-1")
        except UnicodeEncodeError:
            self.lossy = True
            return text.encode("latin-1", "replace").decode("latin-1")


def _unicode(value: Any) -> str:
    return "" if value is None else str(value)


@functools.cache
def unicode_font() -> tuple[Path, Path] | None:
    """(regular, bold) of the first Unicode font found, else ``None``."""
    for place in (os.environ.get("SERVICESTUB_PDF_FONT"), *_FONT_PLACES):
        if place and Path(place).is_file():
            regular = Path(place)
            bold = regular.with_name(f"{regular.stem}-Bold{regular.suffix}")
            return regular, bold if bold.is_file() else regular
    return None


def _family(pdf: FPDF, unicode: tuple[Path, Path] | None) -> str:
    """The font family to write with: the given Unicode font (regular, bold),
    else the core Helvetica."""
    if unicode is None:
        return "Helvetica"
    regular, bold = unicode
    pdf.add_font("Sans", "", str(regular))
    pdf.add_font("Sans", "B", str(bold))
    return "Sans"


def _amount(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _row(
    pdf: FPDF, fonts: tuple[str, TextOf], cells: list[tuple[str, float, str]], *, bold: bool = False
) -> None:
    family, text_of = fonts
    pdf.set_font(family, "B" if bold else "", 9)
    for text, width, align in cells:
        pdf.cell(width, 6, text_of(text)[:70], border="B", align=align)
    pdf.ln(6)


def render_report(tenant: Tenant, bundle: OrderBundle) -> bytes:
    """The report as PDF bytes; the same order state always gives the same bytes.

    Written with the core Helvetica (fast); when some text is not Latin-1 and
    the machine has a Unicode font, written again with that font (a tenth of a
    second more, so only when needed)."""
    pdf, lossy = _render(tenant, bundle, None)
    found = unicode_font() if lossy else None
    return pdf if found is None else _render(tenant, bundle, found)[0]


def _render(
    tenant: Tenant, bundle: OrderBundle, unicode: tuple[Path, Path] | None
) -> tuple[bytes, bool]:
    """The PDF, and whether some text could not be written (Helvetica only)."""
    # fpdf2 takes half a second to import: paid by the first report, not at start-up.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    order = bundle.order
    currency = order["totals"]["currency"]
    pdf = FPDF(format="A4")
    latin1 = _Latin1() if unicode is None else None
    text_of: TextOf = latin1 or _unicode
    family = _family(pdf, unicode)
    fonts = family, text_of
    heading = text_of(f"Service order {order['serviceNumber']}")
    pdf.set_title(heading)
    pdf.set_creation_date(datetime.fromisoformat(order["updatedAt"].replace("Z", "+00:00")))
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.cell(0, 10, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(family, "", 11)
    customer = order["customer"] or {}
    for label, value in (
        ("Title", order["title"]),
        ("Customer", customer.get("name") or "-"),
        ("Email", customer.get("email") or "-"),
        ("Phone", customer.get("phone") or "-"),
        ("State", order["state"]),
        ("Due", order["dueDate"] or "-"),
        ("Created", order["createdAt"]),
    ):
        pdf.cell(30, 6, text_of(label + ":"))
        pdf.cell(0, 6, text_of(value)[:90], new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.ln(4)
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, "Items", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _row(
        pdf,
        fonts,
        [
            ("Article", 35, "L"),
            ("Name", 75, "L"),
            ("Qty", 15, "R"),
            ("Unit price", 30, "R"),
            ("Amount", 30, "R"),
        ],
        bold=True,
    )
    for item in order["items"]:
        _row(
            pdf,
            fonts,
            [
                (item["articleNumber"] or "", 35, "L"),
                (item["name"], 75, "L"),
                (str(item["quantity"]), 15, "R"),
                (_amount(item["unitPrice"], currency), 30, "R"),
                (
                    _amount(money.line_amount(item["quantity"], item["unitPrice"]), currency),
                    30,
                    "R",
                ),
            ],
        )

    pdf.ln(4)
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, "Hours", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _row(
        pdf,
        fonts,
        [
            ("Date", 25, "L"),
            ("Technician", 35, "L"),
            ("Description", 65, "L"),
            ("Hours", 20, "R"),
            ("Amount", 40, "R"),
        ],
        bold=True,
    )
    for entry in sorted(bundle.hours.values(), key=lambda h: (h["date"], h["hoursUid"])):
        _row(
            pdf,
            fonts,
            [
                (entry["date"], 25, "L"),
                (entry["userId"], 35, "L"),
                (
                    (entry["description"] or "") + ("" if entry["billable"] else " (not billed)"),
                    65,
                    "L",
                ),
                (f"{entry['hours']:g}", 20, "R"),
                (_amount(entry["amount"] if entry["billable"] else 0.0, currency), 40, "R"),
            ],
        )

    pdf.ln(4)
    totals = order["totals"]
    for label, value in (
        ("Items", totals["items"]),
        ("Hours", totals["hours"]),
        ("Total", totals["total"]),
    ):
        pdf.set_font(family, "B" if label == "Total" else "", 11)
        pdf.cell(145, 7, label, align="R")
        pdf.cell(40, 7, _amount(value, currency), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output()), latin1 is not None and latin1.lossy
