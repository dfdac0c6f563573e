"""The PDF report of a service order, as a customer would be handed it: the
tenant and store, the order's number, title, workflow status and dates, the
customer, the fault description, the items and hours (tables whose headings
repeat on every page), the totals in the order's currency and page numbers.

Which fonts write it, and what becomes of characters no font draws, is
:mod:`servicestub.apis.orders.report_fonts`. The same order state always gives the
same bytes.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, cast

from servicestub.apis.orders import money
from servicestub.apis.orders.report_fonts import CORE, Typeface, shelf, typeface_for
from servicestub.apis.orders.state import OrderBundle, Tenant
from servicestub.core.shapes import Record

if TYPE_CHECKING:
    from fpdf import FPDF


_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
#: When an order's ``updatedAt`` cannot be read, the PDF's creation date.
_NO_DATE = datetime(2000, 1, 1, tzinfo=UTC)
_WIDTH = 180.0  # A4 less 15 mm margins


@dataclasses.dataclass(frozen=True)
class Sheet:
    """What a report shows, copied out of the store: it can be written while
    other requests change the order."""

    tenant_id: str
    store_id: str
    order: Record
    hours: tuple[Record, ...]
    status: str | None
    service_type: str | None
    rates: dict[str, str]


def sheet_of(tenant: Tenant, store_id: str, bundle: OrderBundle) -> Sheet:
    """The report's contents for ``bundle`` in ``tenant``'s store ``store_id``."""
    order = copy.deepcopy(bundle.order)
    status = tenant.statuses.get(order.get("statusUid") or "")
    service_type = tenant.service_types.get(order.get("serviceTypeUid") or "")
    hours = sorted(bundle.hours.values(), key=lambda h: (str(h["date"]), h["hoursUid"]))
    return Sheet(
        tenant_id=tenant.tenant_id,
        store_id=store_id,
        order=order,
        hours=tuple(copy.deepcopy(hours)),
        status=status["name"] if status else None,
        service_type=service_type["name"] if service_type else None,
        rates={uid: rate["name"] for uid, rate in tenant.hourly_rates.items()},
    )


def render_report(sheet: Sheet) -> bytes:
    """The report as PDF bytes.

    A font that fails while writing (it passed its trial, so its file changed
    since) is dropped with one warning and the report written with Helvetica."""
    typeface = typeface_for(_texts(sheet))
    if typeface is CORE:
        return _render(sheet, CORE)
    try:
        return _render(sheet, typeface)
    except Exception as error:  # a font failing mid-report must not cost the report
        shelf.drop(f"{type(error).__name__}: {error}")
        return _render(sheet, CORE)


# -- what is written ---------------------------------------------------------------


def _human(enum: str | None) -> str:
    """``IN_PROGRESS`` -> ``In progress``."""
    return (enum or "").replace("_", " ").capitalize() or "-"


def _date(value: Any) -> str:
    """``2026-12-01`` -> ``1 December 2026``; what cannot be read, as it is."""
    if not value:
        return "-"
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _moment(value: Any) -> str:
    """``2026-12-01T14:05:00Z`` -> ``1 December 2026, 14:05 UTC``."""
    when = _instant(value)
    if when is None:
        return str(value) if value else "-"
    return f"{_date(when.date().isoformat())}, {when:%H:%M} UTC"


def _instant(value: Any) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def _money(value: Any) -> str:
    return f"{float(value):,.2f}"


def _details(sheet: Sheet) -> list[tuple[str, Any]]:
    order = sheet.order
    return [
        ("Title", order.get("title")),
        ("Status", sheet.status or _human(order.get("state"))),
        ("Service type", sheet.service_type or "-"),
        ("Priority", _human(order.get("priority"))),
        ("Technician", order.get("assignedUserId") or "-"),
        ("Received", _moment(order.get("createdAt"))),
        ("Due", _date(order.get("dueDate"))),
        ("Last updated", _moment(order.get("updatedAt"))),
    ]


def _customer(sheet: Sheet) -> list[tuple[str, Any]]:
    customer = sheet.order.get("customer") or {}
    rows = [
        ("Name", customer.get("name")),
        ("Customer no.", customer.get("customerId")),
        ("Email", customer.get("email")),
        ("Phone", customer.get("phone")),
    ]
    return [(label, value) for label, value in rows if value]


def _item_rows(sheet: Sheet) -> list[tuple[Any, ...]]:
    rows = []
    for item in sheet.order.get("items") or []:
        name = item["name"]
        if item.get("serialNumber"):
            name += f"\nSerial no. {item['serialNumber']}"
        if item.get("comment"):
            name += f"\n{item['comment']}"
        amount = money.line_amount(item["quantity"], item["unitPrice"])
        rows.append(
            (
                item.get("articleNumber") or "",
                name,
                str(item["quantity"]),
                _money(item["unitPrice"]),
                _money(amount),
            )
        )
    return rows


def _hours_rows(sheet: Sheet) -> list[tuple[Any, ...]]:
    rows = []
    for entry in sheet.hours:
        work = entry.get("description") or ""
        rate = sheet.rates.get(entry.get("hourlyRateUid") or "")
        if rate:
            work = f"{work}\nRate: {rate}" if work else f"Rate: {rate}"
        amount = _money(entry["amount"]) if entry.get("billable", True) else "not billed"
        hours = f"{entry['hours']:g}"
        rows.append((_date(entry.get("date")), entry.get("userId") or "", work, hours, amount))
    return rows


def _texts(sheet: Sheet) -> Iterator[str]:
    """Every text the report writes from the order (to choose its fonts)."""
    for rows in (_details(sheet), _customer(sheet)):
        for _label, value in rows:
            yield str(value or "")
    yield str(sheet.order.get("description") or "")
    yield sheet.tenant_id
    yield sheet.store_id
    for rows in (_item_rows(sheet), _hours_rows(sheet)):
        for row in rows:
            yield from map(str, row)


# -- how it is written -------------------------------------------------------------

#: Stands for the page count in the footer until it is known. A control
#: character, so no text of the order can hold it (those are drawn as a placeholder).
_PAGES = "\x1fpages\x1f"
_LINE = 5.0
_PAD = 1.0


@dataclasses.dataclass(frozen=True)
class _Column:
    title: str
    width: float
    align: str = "L"

    @property
    def figure(self) -> bool:
        """Right-aligned columns hold figures: one line each, never wrapped."""
        return self.align == "R"


_ITEMS = (_Column("Article", 26), _Column("Item", 68), _Column("Qty", 16, "R"))
_HOURS = (_Column("Date", 30), _Column("Technician", 30), _Column("Work", 68))
_FACTS = (_Column("", 35), _Column("", 145))


@functools.cache  # no arguments: one entry (the class), bounded by construction
def _document_class() -> type[FPDF]:
    """An A4 FPDF whose pages end with ``<label>  Page n of N``."""
    from fpdf import FPDF

    class Document(FPDF):
        family = "Helvetica"
        label = ""

        def set_font(self, family: str | None = None, style: Any = "", size: float = 0) -> None:
            super().set_font(family, style, size)
            self._settle_font()

        def set_font_size(self, size: float) -> None:
            super().set_font_size(size)
            self._settle_font()

        def _settle_font(self) -> None:
            """Put a font just chosen on the page at once. fpdf2 (2.8) otherwise
            takes the font of a line that starts with a fallback font's character
            for the page's own, and writes the text after it in the wrong font."""
            if self.page and not self.current_font_is_set_on_page:
                self.text(self.x, self.y, "")

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(self.family, "", 8)
            self.set_text_color(110)
            self.cell(120, 5, self.label, align="L")
            self.cell(60, 5, f"Page {self.page_no()} of {_PAGES}", align="R")
            self.set_text_color(0)

    return Document


def _render(sheet: Sheet, typeface: Typeface) -> bytes:
    order = sheet.order
    text = typeface.drawable
    currency = text(order["totals"]["currency"])
    number = text(order["serviceNumber"])
    pdf = _document_class()(format="A4")
    pdf.family = family = typeface.install(pdf)  # type: ignore[attr-defined]
    label = f"Service order {number} - {text(sheet.tenant_id)} / {text(sheet.store_id)}"
    pdf.label = label  # type: ignore[attr-defined]
    pdf.alias_nb_pages(_PAGES)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(f"Service order {number}")
    pdf.set_creation_date(_instant(order.get("updatedAt")) or _NO_DATE)
    pdf.add_page()

    pdf.set_font(family, "B", 18)
    pdf.cell(0, 10, f"Service order {number}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.set_text_color(90)
    pdf.multi_cell(0, _LINE, f"{text(sheet.tenant_id)} - store {text(sheet.store_id)}", align="L")
    pdf.set_text_color(0)
    pdf.ln(3)

    _heading(pdf, "Order")
    _grid(pdf, _FACTS, [(k, text(v)) for k, v in _details(sheet)], headings=False)
    _heading(pdf, "Customer")
    customer = [(k, text(v)) for k, v in _customer(sheet)]
    _grid(pdf, _FACTS, customer or [("", "No customer recorded.")], headings=False)

    _heading(pdf, "Fault description")
    pdf.set_font(family, "", 10)
    pdf.multi_cell(0, _LINE, text(order.get("description")) or "No description given.", align="L")
    pdf.ln(3)

    _heading(pdf, "Items")
    _grid(
        pdf,
        (*_ITEMS, _Column("Unit price", 30, "R"), _Column(f"Amount {currency}", 40, "R")),
        [tuple(map(text, row)) for row in _item_rows(sheet)],
        empty="No items.",
    )
    _heading(pdf, "Hours")
    _grid(
        pdf,
        (*_HOURS, _Column("Hours", 16, "R"), _Column(f"Amount {currency}", 36, "R")),
        [tuple(map(text, row)) for row in _hours_rows(sheet)],
        empty="No hours booked.",
    )
    _totals(pdf, order["totals"], currency)
    return bytes(pdf.output())


def _heading(pdf: FPDF, title: str) -> None:
    """A section heading, on a new page when little room is left below it."""
    if pdf.will_page_break(20):
        pdf.add_page()
    pdf.set_font(pdf.family, "B", 12)  # type: ignore[attr-defined]
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")


def _grid(
    pdf: FPDF,
    columns: tuple[_Column, ...],
    rows: Sequence[tuple[str, ...]],
    *,
    headings: bool = True,
    empty: str = "",
) -> None:
    """Rows of cells whose text wraps, written line by line: a row may run on
    to the next page, where the headings are written again."""
    family: str = pdf.family  # type: ignore[attr-defined]

    def heading_row() -> None:
        if headings:
            pdf.set_font(family, "B", 9)
            pdf.set_fill_color(235)
            height = _LINE + 2 * _PAD
            for column in columns:
                pdf.cell(column.width, height, column.title, align=column.align, fill=True)
            pdf.ln(height)
            pdf.set_font(family, "", 9)

    pdf.set_font(family, "", 9)
    if not rows:
        pdf.cell(0, _LINE, empty, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        return
    heading_row()
    for values in rows:
        cells = [
            [value] if col.figure else _lines(pdf, value, col.width)
            for value, col in zip(values, columns, strict=True)
        ]
        pdf.set_y(pdf.get_y() + _PAD)
        for line in range(max(map(len, cells))):
            if pdf.will_page_break(_LINE + _PAD):
                pdf.add_page()
                heading_row()
                pdf.set_y(pdf.get_y() + _PAD)
            for lines, column in zip(cells, columns, strict=True):
                shown = lines[line] if line < len(lines) else ""
                if column.figure:
                    _figure(pdf, shown, column.width)
                else:
                    pdf.cell(column.width, _LINE, shown, align=column.align)
            pdf.ln(_LINE)
        pdf.set_y(pdf.get_y() + _PAD)
        if headings:
            pdf.set_draw_color(200)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + _WIDTH, pdf.get_y())
    pdf.ln(3)


def _figure(pdf: FPDF, text: str, width: float) -> None:
    """A right-aligned figure on one line: never wrapped (``10000`` over ``0``
    would read as another number), in a smaller size when it does not fit."""
    size = pdf.font_size_pt
    while pdf.font_size_pt > 5 and pdf.get_string_width(text) > width - 2 * pdf.c_margin:
        pdf.set_font_size(pdf.font_size_pt - 0.5)
    pdf.cell(width, _LINE, text, align="R")
    pdf.set_font_size(size)


def _lines(pdf: FPDF, text: str, width: float) -> list[str]:
    """``text`` broken into the lines a cell ``width`` wide holds."""
    if "\n" not in text and pdf.get_string_width(text) <= width - 2 * pdf.c_margin:
        return [text]
    lines = cast(list[str], pdf.multi_cell(width, _LINE, text, dry_run=True, output="LINES"))
    return list(lines) or [""]


def _totals(pdf: FPDF, totals: Record, currency: str) -> None:
    family: str = pdf.family  # type: ignore[attr-defined]
    if pdf.will_page_break(25):
        pdf.add_page()
    for label, key in (("Items", "items"), ("Hours", "hours"), ("Total", "total")):
        pdf.set_font(family, "B" if key == "total" else "", 11 if key == "total" else 10)
        pdf.cell(110, 7, label, align="R")
        pdf.cell(70, 7, f"{_money(totals[key])} {currency}", align="R")
        pdf.ln(7)
