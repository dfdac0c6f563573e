"""The PDF report of a service order: number, customer, items, hours, totals."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from servicestub.domain import money
from servicestub.store.orders import OrderBundle, Tenant

if TYPE_CHECKING:
    from fpdf import FPDF

Record = dict[str, Any]

_TYPOGRAPHY = str.maketrans(
    {"—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "..."}
)


def _text(value: Any) -> str:
    """PDF core fonts speak Latin-1: typographic marks are mapped, anything else
    outside it shows as '?' (never an error)."""
    text = "" if value is None else str(value)
    return text.translate(_TYPOGRAPHY).encode("latin-1", "replace").decode("latin-1")


def _amount(value: float, currency: str) -> str:
    return f"{value:,.2f} {currency}"


def _row(pdf: FPDF, cells: list[tuple[str, float, str]], *, bold: bool = False) -> None:
    pdf.set_font("Helvetica", "B" if bold else "", 9)
    for text, width, align in cells:
        pdf.cell(width, 6, _text(text)[:70], border="B", align=align)
    pdf.ln(6)


def render_report(tenant: Tenant, bundle: OrderBundle) -> bytes:
    """The report as PDF bytes; the same order state always gives the same bytes."""
    # fpdf2 takes half a second to import: paid by the first report, not at start-up.
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    order = bundle.order
    currency = order["totals"]["currency"]
    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"Service order {order['serviceNumber']}"))
    pdf.set_creation_date(datetime.fromisoformat(order["updatedAt"].replace("Z", "+00:00")))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(
        0, 10, _text(f"Service order {order['serviceNumber']}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_font("Helvetica", "", 11)
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
        pdf.cell(30, 6, _text(label + ":"))
        pdf.cell(0, 6, _text(value)[:90], new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Items", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _row(
        pdf,
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
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(0, 8, "Hours", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    _row(
        pdf,
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
        pdf.set_font("Helvetica", "B" if label == "Total" else "", 11)
        pdf.cell(145, 7, label, align="R")
        pdf.cell(40, 7, _amount(value, currency), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())
