"""Checks schemathesis does not have, for what these specs promise.

Each rule is a plain function ``(response, case) -> bool`` that raises
``AssertionError`` with a message a person can act on when the response breaks
the promise, and returns whether it had anything to judge (so reports count a
check only where it applied). :func:`contract_check` puts it in
:data:`REGISTRY` with a title and the APIs it applies to, and registers it with
schemathesis. schemathesis's registry is process-wide, so a registered check
only acts on schemas the contract runner loaded (tagged with :data:`API_TAG`);
anywhere else it stays silent.
"""

from __future__ import annotations

import dataclasses
import math
import uuid
from collections.abc import Callable
from typing import Any

import schemathesis

#: Root key the runner adds to each spec it loads: the servicestub API it describes.
API_TAG = "x-servicestub-api"
PROBLEM_JSON = "application/problem+json"

Rule = Callable[[Any, Any], bool]


@dataclasses.dataclass(frozen=True)
class CustomCheck:
    name: str
    #: What a failure of this check means, in a few words.
    title: str
    #: Names of the APIs (``servicestub.specs``) it applies to.
    apis: frozenset[str]
    rule: Rule


REGISTRY: dict[str, CustomCheck] = {}


def api_of(case: Any) -> str | None:
    """The servicestub API a case belongs to, or None for anyone else's schema."""
    raw = getattr(case.operation.schema, "raw_schema", None)
    return raw.get(API_TAG) if isinstance(raw, dict) else None


def contract_check(title: str, *apis: str) -> Callable[[Rule], Rule]:
    """Register ``rule`` as a schemathesis check named after it, for ``apis``."""

    def register(rule: Rule) -> Rule:
        applies_to = frozenset(apis)

        def check(ctx: Any, response: Any, case: Any) -> bool | None:
            if api_of(case) not in applies_to or not rule(response, case):
                return True  # nothing to judge: schemathesis records no result
            return None

        check.__name__ = check.__qualname__ = rule.__name__
        check.__doc__ = rule.__doc__
        schemathesis.check(check)
        REGISTRY[rule.__name__] = CustomCheck(rule.__name__, title, applies_to, rule)
        return rule

    return register


def checks_for(api: str) -> list[str]:
    """Names of the custom checks that apply to ``api``."""
    return [name for name, check in REGISTRY.items() if api in check.apis]


# -- reading responses and requests -------------------------------------------


def header(headers: Any, name: str) -> str:
    """A header's (first) value from a mapping of str or list values, any case."""
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return str(value[0] if isinstance(value, list | tuple) else value)
    return ""


def media_type(response: Any) -> str:
    return header(response.headers, "content-type").split(";")[0].strip().lower()


def json_body(response: Any) -> Any:
    """The decoded JSON body, or None when there is none."""
    if "json" not in media_type(response) or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _int(value: Any, default: int) -> int | None:
    """A query value as an int; ``default`` when absent, None when unreadable."""
    if isinstance(value, list | tuple):
        value = value[0] if len(value) == 1 else None
    if value is None:
        return default
    try:
        return int(str(value))
    except ValueError:
        return None


def _bool(value: Any, default: bool) -> bool | None:
    if value is None:
        return default
    text = str(value[0] if isinstance(value, list | tuple) and value else value).lower()
    return {"true": True, "false": False}.get(text)


def expected_page_length(total: int, page: int, per_page: int) -> int:
    """Items on 1-based ``page`` of ``total`` at ``per_page``: full, partial or none."""
    return max(0, min(per_page, total - (page - 1) * per_page))


# -- the rules -----------------------------------------------------------------


@contract_check("List meta does not add up", "orders", "services")
def list_meta_arithmetic(response: Any, case: Any) -> bool:
    """Service Orders ``meta``: page/perPage echo the request, totalPages is
    ceil(totalItems / perPage), the page holds as many items as that implies.
    Services v4: counts match the items they count."""
    body = json_body(response)
    if not isinstance(body, dict) or response.status_code >= 300:
        return False
    judged = False
    if isinstance(body.get("meta"), dict) and isinstance(body.get("data"), list):
        judged = _orders_meta(body["meta"], len(body["data"]), case.query or {})
    return _v4_counts(body, case) or judged


def _orders_meta(meta: dict[str, Any], length: int, query: dict[str, Any]) -> bool:
    page, per_page = _int(query.get("page"), 1), _int(query.get("perPage"), 20)
    if page is None or per_page is None or per_page < 1:
        return False  # not a request this rule can judge; other checks judge the status
    if meta.get("page") != page or meta.get("perPage") != per_page:
        raise AssertionError(
            f"meta echoes page={meta.get('page')!r}, perPage={meta.get('perPage')!r} "
            f"but the request asked for page={page}, perPage={per_page}"
        )
    total = meta.get("totalItems")
    if not isinstance(total, int):
        return True
    if meta.get("totalPages") != math.ceil(total / per_page):
        raise AssertionError(
            f"meta.totalPages is {meta.get('totalPages')!r} but {total} items at {per_page} "
            f"per page make {math.ceil(total / per_page)}"
        )
    expected = expected_page_length(total, page, per_page)
    if length != expected:
        raise AssertionError(
            f"page {page} of {total} items at {per_page} per page should hold {expected} "
            f"items; data holds {length}"
        )
    return True


def _v4_counts(body: dict[str, Any], case: Any) -> bool:
    judged = False
    items = body.get("items")
    if isinstance(items, list) and ("totalCount" in body or "itemCount" in body):
        judged = True
        if "totalCount" in body and body["totalCount"] != len(items):
            raise AssertionError(
                f"totalCount is {body['totalCount']!r} but the list holds {len(items)} items"
            )
        if "itemCount" in body and body["itemCount"] != len(items):
            raise AssertionError(
                f"itemCount is {body['itemCount']!r} but {len(items)} items were returned"
            )
        query = (case.body or {}).get("query") if isinstance(case.body, dict) else None
        top = query.get("top", 20) if isinstance(query, dict) else None
        if "itemCount" in body and isinstance(top, int) and len(items) > top:
            raise AssertionError(f"the search asked for top {top} but got {len(items)} items")
    results = body.get("results")
    counted = results.get("items") if isinstance(results, dict) else None
    if isinstance(results, dict) and isinstance(counted, list):
        judged = True
        if results.get("totalCount") != len(counted):
            raise AssertionError(
                f"results.totalCount is {results.get('totalCount')!r} but results.items "
                f"holds {len(counted)}"
            )
    return judged


@contract_check("Paged answer does not echo its request", "services")
def paged_echoes_pagination(response: Any, case: Any) -> bool:
    """A v4 ``Paged`` answer echoes pageNumber, pageSize and excludeTotalCount,
    leaves totalCount out exactly when asked to, and holds the page it names."""
    body = json_body(response)
    if not isinstance(body, dict) or response.status_code >= 300:
        return False
    pagination, results = body.get("pagination"), body.get("pagedResults")
    if not isinstance(pagination, dict) or not isinstance(results, dict):
        return False
    query = case.query or {}
    page = _int(query.get("pageNumber"), 1)
    size = _int(query.get("pageSize"), 20)
    exclude = _bool(query.get("excludeTotalCount"), False)
    if page is None or size is None or exclude is None:
        return False
    asked = {"pageNumber": page, "pageSize": size, "excludeTotalCount": exclude}
    for key, value in asked.items():
        if pagination.get(key) != value:
            raise AssertionError(
                f"pagination.{key} is {pagination.get(key)!r}; the request asked for {value!r}"
            )
    if exclude and "totalCount" in results:
        raise AssertionError("excludeTotalCount=true but pagedResults still carries totalCount")
    if not exclude and "totalCount" not in results:
        raise AssertionError("pagedResults has no totalCount although excludeTotalCount=false")
    items, total = results.get("items"), results.get("totalCount")
    if isinstance(items, list) and isinstance(total, int):
        expected = expected_page_length(total, page, size)
        if len(items) != expected:
            raise AssertionError(
                f"page {page} of {total} services at {size} per "
                f"page should hold {expected} items; it holds {len(items)}"
            )
    return True


@contract_check("Response body has no valid trackingId", "services")
def tracking_id_present(response: Any, case: Any) -> bool:
    """Every Services v4 body carries a UUID ``trackingId``; it is the request's
    ``X-Tracking-Id`` when one was sent, and the response's header when one is set."""
    if not response.content:
        return False
    body = json_body(response)
    if not isinstance(body, dict) or "trackingId" not in body:
        raise AssertionError(
            f"the {response.status_code} body ({media_type(response) or 'no content type'}) "
            f"has no trackingId"
        )
    tracking = body["trackingId"]
    try:
        uuid.UUID(str(tracking))
    except ValueError:
        raise AssertionError(f"trackingId {tracking!r} is not a UUID") from None
    request = getattr(response, "request", None)
    sent = header(getattr(request, "headers", None), "x-tracking-id")
    if _is_uuid(sent) and str(tracking).lower() != sent.lower():
        raise AssertionError(f"X-Tracking-Id {sent} was sent but trackingId is {tracking}")
    echoed = header(response.headers, "x-tracking-id")
    if echoed and echoed.lower() != str(tracking).lower():
        raise AssertionError(f"header X-Tracking-Id is {echoed} but body trackingId is {tracking}")
    return True


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@contract_check("Error is not problem+json", "orders", "services")
def errors_are_problem_json(response: Any, case: Any) -> bool:
    """Every 4xx/5xx is ``application/problem+json`` with ``type``, ``title`` and
    a ``status`` equal to the HTTP status (RFC 7807)."""
    if response.status_code < 400:
        return False
    media = media_type(response)
    if media != PROBLEM_JSON:
        raise AssertionError(
            f"a {response.status_code} answered as {media or 'no content type'}, not {PROBLEM_JSON}"
        )
    body = json_body(response)
    if not isinstance(body, dict):
        raise AssertionError(f"a {response.status_code} problem body is not a JSON object")
    missing = [key for key in ("type", "title", "status") if key not in body]
    if missing:
        raise AssertionError(f"a {response.status_code} problem has no {', '.join(missing)}")
    if body["status"] != response.status_code:
        raise AssertionError(
            f"problem status is {body['status']!r} but the response is {response.status_code}"
        )
    return True
