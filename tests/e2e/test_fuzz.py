"""Property-based fuzzing of every endpoint against the running service: no 5xx, every 4xx in the one shape.

Two generators: schemathesis from /openapi.json (valid and invalid requests per the contract), and plain
hypothesis for what a schema does not describe (random parameter names, bad JSON bytes, wrong types, huge
values, odd paths). About 2,000 requests in all, bounded in time.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import content_type_conformance, response_schema_conformance

from service.openapi import spec
from tests.e2e.conftest import assert_error_shape

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SCHEMA = schemathesis.openapi.from_dict(spec())
OPERATIONS = {op.label: op for op in (result.ok() for result in SCHEMA.get_all_operations())}  # type: ignore[union-attr]
# A bound on the campaign (loopback, bounded), not a speed target: those live in make bench.
BUDGET_SECONDS = 300
SENT: Counter[str] = Counter()  # requests per test, checked by the last test of the module
STARTED: dict[str, float] = {}


@pytest.fixture(scope="module", autouse=True)
def fuzz_clock(service_url: str) -> None:
    """The budget counts from the first fuzz test, once the service is up (not from collection)."""
    STARTED.setdefault("at", time.monotonic())


def fuzz_settings(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,  # every run explores afresh; failures print a reproducible seed
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def check(response: httpx.Response | Any, label: str, api: bool = True) -> None:
    """No server error; an error is in the one shape; an API success says ok."""
    SENT[label] += 1
    status = response.status_code
    assert status < 500, f"{label}: {status} {response.text[:300]}"
    if status >= 400:
        assert_error_shape(response, status)
    elif status >= 300:  # werkzeug merges double slashes with a redirect
        assert response.headers.get("location"), response.headers
    elif api:
        content_type = response.headers.get("content-type") or response.headers.get("Content-Type") or ""
        content_type = content_type[0] if isinstance(content_type, list) else content_type
        if content_type.startswith("text/csv"):  # /api/search?format=csv: an export for Excel
            assert response.content.startswith("\ufeff".encode()), response.content[:50]
        else:
            assert response.json()["ok"] is True


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", [label for label in OPERATIONS if " /api/" in label])
def test_schemathesis(service_url: str, label: str, mode: schemathesis.GenerationMode) -> None:
    operation = OPERATIONS[label]
    examples = 60 if "DELETE" in label else 120

    @given(case=operation.as_strategy(generation_mode=mode))
    @fuzz_settings(examples)
    def run(case: schemathesis.Case) -> None:
        response = case.call(base_url=service_url, timeout=60)
        check(response, f"schemathesis {label} {mode.value}")
        if response.status_code == 200:
            case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])

    run()


texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40
) | st.sampled_from(
    ["", " ", "古树", "聊政办字〔2023〕21号", "字" * 300, "\x00", "%", "../..", "<em>", "a" * 5000]
)
numbers = st.integers(-(10**12), 10**12).map(str) | st.sampled_from(["1", "50", "51", "0", "1e3", "NaN", "٣"])
values = texts | numbers
PARAMS = ["q", "mode", "size", "page", "sort", "issuer", "kind", "doc_number", "date_from", "date_to"]
param_names = st.sampled_from(PARAMS) | texts.filter(bool)


@given(
    path=st.sampled_from(
        ["/api/search", "/api/suggest", "/healthz", "/openapi.json", "/api/documents/x/similar"]
    ),
    params=st.dictionaries(param_names, values, max_size=6),
)
@fuzz_settings(300)
def test_random_query_strings(service_url: str, path: str, params: dict[str, str]) -> None:
    response = httpx.get(service_url + path, params=params, timeout=60)
    check(response, "query strings", api=path != "/openapi.json")


@given(doc_id=texts, suffix=st.sampled_from(["", "/similar", "/", "/similar/x"]))
@fuzz_settings(150)
def test_random_document_paths(service_url: str, doc_id: str, suffix: str) -> None:
    path = "/api/documents/" + quote(doc_id, safe="") + suffix
    response = httpx.get(service_url + path, timeout=60)
    check(response, "document paths")
    # ".." and "." segments are resolved by the client, so a path may land on another route (405)
    assert response.status_code in (200, 308, 400, 404, 405), path


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(texts, children, max_size=4),
    max_leaves=12,
)
bodies = (
    st.fixed_dictionaries(
        {"text": json_values | texts},
        optional={"size": json_values | numbers, "kind": json_values, "date_from": values, "date_to": values},
    )
    | json_values
)


@given(body=bodies)
@fuzz_settings(250)
def test_random_json_bodies(service_url: str, body: Any) -> None:
    check(httpx.post(service_url + "/api/similar", json=body, timeout=60), "json bodies")


@given(
    raw=st.binary(max_size=200) | texts.map(lambda t: t.encode("utf-8", "surrogatepass")),
    content_type=st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""]),
)
@fuzz_settings(150)
def test_random_bytes_as_body(service_url: str, raw: bytes, content_type: str) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    check(httpx.post(service_url + "/api/similar", content=raw, headers=headers, timeout=60), "raw bodies")


@given(
    method=st.sampled_from(["PUT", "PATCH", "DELETE", "POST", "GET"]),
    path=st.sampled_from(list(spec()["paths"])),
)
@fuzz_settings(60)
def test_methods(service_url: str, method: str, path: str) -> None:
    url = service_url + path.replace("{doc_id}", "0000000000000000")
    body = json.dumps({"text": "加强古树名木保护"}) if method == "POST" else None
    headers = {"Content-Type": "application/json"}
    response = httpx.request(method, url, content=body, headers=headers, timeout=60)
    check(response, "methods", api=path.startswith("/api/") or path == "/healthz")


def test_enough_requests_in_bounded_time() -> None:
    """Runs last (file order): the module as a whole sent ~2,000 requests within the time budget."""
    if len(SENT) < 2 * sum(" /api/" in label for label in OPERATIONS) + 5:
        pytest.skip("only part of the fuzz module ran")
    total = sum(SENT.values())
    elapsed = time.monotonic() - STARTED["at"]
    print(f"fuzz: {total} requests in {elapsed:.0f}s: {dict(SENT)}")
    assert total >= 1900, SENT
    assert elapsed < BUDGET_SECONDS, f"{total} requests took {elapsed:.0f}s"
