"""`make test-fuzz`: a schemathesis campaign over /openapi.json against gunicorn, ≥ 10,000 requests.

Every operation the service describes (schemathesis leaves out /openapi.json itself), valid and invalid
requests per the contract, in rounds until the target is reached (bounded in time, loopback only). Checks: no 5xx but 503; every error on /api/* in the one
shape; every answer conforms to the schema (body and content type) where the schema describes its status.
Not part of `make test` (it takes many minutes): it runs only with FUZZ_CAMPAIGN=1.

The service counts every request as an ordinary one would, except for the two per-client budgets, which are
off so that the flood reaches the handlers (SEARCH_SERVICE__RATE_LIMIT_PER_MINUTE=0,
SEARCH_SERVICE__EMBED_SEGMENTS_PER_MINUTE=0); the per-request deadline and the embedding slots stay as
they ship, and their 503s are counted apart.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import content_type_conformance, response_schema_conformance

from service.openapi import spec
from tests.e2e.conftest import assert_error_shape, running_service

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.fuzz,
    pytest.mark.skipif(not os.environ.get("FUZZ_CAMPAIGN"), reason="make test-fuzz (FUZZ_CAMPAIGN=1)"),
]

TARGET_REQUESTS = int(os.environ.get("FUZZ_REQUESTS", "10000"))
BUDGET_SECONDS = float(os.environ.get("FUZZ_SECONDS", "2400"))  # a bound, not a speed target
# Per operation and mode; each round explores afresh (no example database).
EXAMPLES_PER_ROUND = int(os.environ.get("FUZZ_EXAMPLES", "250"))
MODES = [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE]
CAMPAIGN_ENV = {
    "SEARCH_SERVICE__RATE_LIMIT_PER_MINUTE": "0",
    "SEARCH_SERVICE__EMBED_SEGMENTS_PER_MINUTE": "0",
    "SEARCH_SERVICE__ADMIN_TOKEN": "",  # DELETE must stay refused (403): the campaign never changes the index
}


@pytest.fixture(scope="module")
def fuzz_url(e2e_alias: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn (`python -m service --production`) over the sample corpus, with the campaign's settings."""
    log_path: Path = tmp_path_factory.mktemp("fuzz") / "service.log"
    with running_service(e2e_alias, log_path, env=CAMPAIGN_ENV, production=True) as (base, _):
        yield base


class Campaign:
    """Counts by status and by operation, and the failures (the run goes on to find them all)."""

    def __init__(self) -> None:
        self.statuses: Counter[int] = Counter()
        self.operations: Counter[str] = Counter()
        self.failures: list[str] = []
        self.started = time.monotonic()

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def record(self, case: schemathesis.Case, response: schemathesis.Response, label: str) -> None:
        status = response.status_code
        self.statuses[status] += 1
        self.operations[label] += 1
        try:
            assert status < 500 or status == 503, f"{status} {response.text[:300]}"
            if status >= 400 and case.operation.path.startswith("/api/"):
                assert_error_shape(response, status)
            case.validate_response(response, checks=[response_schema_conformance, content_type_conformance])
        except (AssertionError, schemathesis.errors.FailureGroup) as exc:
            self.failures.append(f"{label} {mode_of(case)}: {str(exc)[:400]}\n  {case.as_curl_command()}")

    def summary(self) -> str:
        seconds = time.monotonic() - self.started
        lines = [
            f"fuzz campaign: {self.requests} requests in {seconds:.0f} s "
            f"({self.requests / max(seconds, 1e-9):.1f}/s), {len(self.failures)} failures",
            "by status: " + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())),
            f"refused by limits: 429: {self.statuses[429]}, 503: {self.statuses[503]}",
            "by operation:",
            *(f"  {label}: {n}" for label, n in sorted(self.operations.items())),
        ]
        return "\n".join(lines)


def mode_of(case: schemathesis.Case) -> str:
    meta = getattr(case, "meta", None)
    generation = getattr(meta, "generation", None)
    return str(getattr(generation, "mode", "")) if generation else ""


def run_operation(
    campaign: Campaign, base_url: str, operation: schemathesis.APIOperation, mode: schemathesis.GenerationMode
) -> None:
    label = operation.label

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_ROUND,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        campaign.record(case, case.call(base_url=base_url, timeout=60), label)

    run()


def test_fuzz_campaign(fuzz_url: str) -> None:
    schema = schemathesis.openapi.from_url(f"{fuzz_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    api = {f"{m.upper()} {p}" for p, item in spec()["paths"].items() for m in item if p.startswith("/api/")}
    assert api <= {op.label for op in operations}, [op.label for op in operations]  # every API operation
    campaign = Campaign()
    rounds = 0
    while campaign.requests < TARGET_REQUESTS and time.monotonic() - campaign.started < BUDGET_SECONDS:
        rounds += 1
        for operation in operations:
            # An operation without parameters or body (/healthz, /metrics) has no invalid request.
            takes_input = bool(list(operation.iter_parameters())) or bool(len(operation.body))
            for mode in MODES if takes_input else MODES[:1]:
                run_operation(campaign, fuzz_url, operation, mode)
        print(f"round {rounds}: {campaign.requests} requests", flush=True)
    print(campaign.summary())
    assert not campaign.failures, "\n".join(campaign.failures[:20])
    assert campaign.requests >= TARGET_REQUESTS, (
        f"only {campaign.requests} requests in {BUDGET_SECONDS:.0f} s"
    )
    assert set(campaign.operations) == {op.label for op in operations}, campaign.operations
