"""The order report (Accept negotiation) and the public customer page."""

from __future__ import annotations

import base64

import pytest

from tests.api.helpers import assert_problem, create_order, store_path
from tests.api.pdfs import pdf_pages, pdf_text


@pytest.fixture
def order(client, tenant):
    created = create_order(client, tenant)
    url = f"{store_path(tenant)}/service-orders/{created['serviceOrderUid']}"
    client.post(
        f"{url}/items",
        json={"name": "Display assembly", "articleNumber": "SCR-IP13", "unitPrice": 129.9},
    )
    client.post(f"{url}/events", json={"message": "Quote sent", "visibleToCustomer": True})
    client.post(
        f"{url}/events",
        json={"message": "secret internal remark", "type": "INTERNAL", "userId": "tech-7"},
    )
    client.post(f"{url}/hours", json={"userId": "tech-7", "date": "2026-01-05", "hours": 1})
    return client.get(url).json() | {"url": url}


@pytest.mark.parametrize("accept", ["application/pdf", "application/octet-stream"])
def test_report_as_file(client, order, accept):
    response = client.get(f"{order['url']}/report", headers={"accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == accept
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="{order["serviceNumber"]}.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_report_as_json_holds_the_same_pdf(client, order):
    as_file = client.get(f"{order['url']}/report", headers={"accept": "application/pdf"}).content
    body = client.get(f"{order['url']}/report", headers={"accept": "application/json"}).json()
    assert (
        body["fileName"] == f"{order['serviceNumber']}.pdf"
        and body["contentType"] == "application/pdf"
    )
    assert base64.b64decode(body["content"]) == as_file


def _report(client, order) -> bytes:
    return client.get(f"{order['url']}/report", headers={"accept": "application/pdf"}).content


def test_report_pdf_shows_number_customer_items_hours_and_totals(client, order):
    text = pdf_text(_report(client, order))
    for expected in (
        order["serviceNumber"],
        "Anna Schmidt",
        "SCR-IP13",
        "Display assembly",
        "tech-7",
        "129.90",
    ):
        assert expected in text


def test_report_reads_as_a_document_for_the_customer(client, tenant, order):
    statuses = client.get(f"/v1/tenants/{tenant}/service-statuses").json()["data"]
    types = client.get(f"/v1/tenants/{tenant}/service-types").json()["data"]
    status = next(s for s in statuses if s["statusUid"] == order["statusUid"])
    service_type = next(t for t in types if t["serviceTypeUid"] == order["serviceTypeUid"])
    client.put(
        order["url"],
        json={"description": "Screen cracked after a fall.\nTouch works.", "dueDate": "2026-12-01"},
    )
    pages = pdf_pages(_report(client, order))
    text = "\n".join(pages)
    assert len(pages) == 1 and "Page 1 of 1" in pages[0]
    for expected in (
        f"{tenant} - store main",
        status["name"],
        service_type["name"],
        "Fault description",
        "Screen cracked after a fall.",
        "Touch works.",
        "Due 1 December 2026",
        "5 January 2026",  # the hours entry's date
        f"Total {order['totals']['total']:,.2f} {order['totals']['currency']}",
    ):
        assert expected in text, expected
    assert order["state"] not in text  # the workflow status's name instead of the enum
    assert "2026-12-01" not in text and "2026-01-05" not in text  # dates read as words


def test_a_long_report_numbers_its_pages_and_repeats_the_table_headings(client, order):
    for number in range(60):
        client.post(f"{order['url']}/items", json={"name": f"Spare part {number}", "unitPrice": 1})
    long_comment = "\n".join(f"note {n}" for n in range(120))  # one row taller than a page
    client.post(f"{order['url']}/items", json={"name": "Tall", "comment": long_comment})
    pages = pdf_pages(_report(client, order))
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
    continued = [page for page in pages[1:] if "Spare part" in page or "note " in page]
    assert continued and all("Article" in page and "Unit price" in page for page in continued)
    text = "\n".join(pages)
    assert all(f"Spare part {n}" in text for n in range(60))
    assert all(f"note {n}\n" in text or text.endswith(f"note {n}") for n in range(120))


def test_a_latin1_report_uses_the_core_font(client, order):
    assert b"DejaVu" not in _report(client, order)


def test_text_beyond_latin1_prints_with_a_unicode_font_when_the_machine_has_one(client, order):
    from servicestub.apis.orders.report_fonts import shelf

    if not any(font.latin for font in shelf.fonts()):
        pytest.skip("no Unicode TrueType font on this machine (see domain/report_fonts.py)")
    client.put(order["url"], json={"title": "Ekran pęknięty", "customer": {"name": "Łukasz Żółć"}})
    pdf = _report(client, order)
    assert "Łukasz Żółć" in pdf_text(pdf) and "Ekran pęknięty" in pdf_text(pdf)
    assert pdf == _report(client, order)


def test_without_a_unicode_font_such_text_shows_question_marks(client, order, monkeypatch):
    from servicestub.apis.orders.report_fonts import shelf

    monkeypatch.setattr(shelf, "fonts", lambda: ())
    client.put(order["url"], json={"customer": {"name": "Łukasz"}})
    assert "?ukasz" in pdf_text(_report(client, order))


def test_report_with_unsupported_accept_is_406(client, order):
    assert_problem(
        client.get(f"{order['url']}/report", headers={"accept": "text/html"}),
        406,
        "application/pdf",
    )


def test_public_page_shows_only_customer_facing_data(client, tenant, order):
    response = client.get(f"{store_path(tenant)}/public/service-orders/{order['publicHash']}")
    assert response.status_code == 200
    view = response.json()
    assert view["serviceNumber"] == order["serviceNumber"] and view["customer"] == {
        "name": "Anna Schmidt"
    }
    assert [e["message"] for e in view["events"]] == ["Quote sent"]
    assert "secret internal remark" not in response.text and "tech-7" not in response.text
    assert "hours" not in view and view["totals"] == order["totals"]


def test_public_hash_survives_updates(client, tenant, order):
    client.put(order["url"], json={"title": "renamed", "state": "DONE"})
    view = client.get(f"{store_path(tenant)}/public/service-orders/{order['publicHash']}").json()
    assert view["title"] == "renamed" and view["state"] == "DONE"


def test_public_hash_tampered_or_moved_is_404(client, tenant, order):
    public = order["publicHash"]
    tampered = public[:-3] + ("AAA" if not public.endswith("AAA") else "BBB")
    assert_problem(client.get(f"{store_path(tenant)}/public/service-orders/{tampered}"), 404)
    assert_problem(client.get(f"{store_path(tenant, 'other')}/public/service-orders/{public}"), 404)
    assert_problem(client.get(f"{store_path('demo')}/public/service-orders/{public}"), 404)
    uid = order["serviceOrderUid"]
    assert_problem(client.get(f"{store_path(tenant)}/public/service-orders/{uid}"), 404)


@pytest.mark.parametrize(
    ("stamp", "due", "shown"),
    [
        ("2026-01-01T23:59:60Z", "0000-01-01", "2026-01-01T23:59:60Z"),  # a leap second
        ("0000-12-31T10:00:00Z", "2026-02-30", "0000-12-31T10:00:00Z"),  # year 0, 30 February
        ("2026-03-01T08:00:00+02:00", "2026-03-01", "1 March 2026, 06:00 UTC"),
    ],
)
def test_dates_the_report_cannot_read_are_shown_as_stored(stamp, due, shown):
    import dataclasses

    from servicestub.apis.orders.report import render_report, sheet_of
    from servicestub.apis.orders.seeding import orders_store
    from servicestub.core.settings import Settings

    tenant, store = orders_store(Settings(), 42).store("demo", "main")
    sheet = sheet_of(tenant, "main", next(iter(store.orders.values())))
    order = sheet.order | {"createdAt": stamp, "updatedAt": stamp, "dueDate": due}
    text = pdf_text(render_report(dataclasses.replace(sheet, order=order)))
    assert f"Received {shown}" in text and f"Last updated {shown}" in text
