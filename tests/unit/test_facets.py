"""store/facets.py: validity today as query conditions, compared as dicts."""

from __future__ import annotations

import pytest

from store import facets, queries
from store.records import Filters


def test_validity_clauses_exclude_the_statuses_before_them() -> None:
    repealed = {
        "bool": {
            "should": [
                {"exists": {"field": "repealed_by"}},
                {"terms": {"stated_validity": ["废止", "已废止"]}},
            ],
            "minimum_should_match": 1,
        }
    }
    superseded = {"exists": {"field": "superseded_by"}}
    assert facets.validity_clause("repealed") == {"bool": {"filter": [repealed], "must_not": []}}
    assert facets.validity_clause("superseded") == {"bool": {"filter": [superseded], "must_not": [repealed]}}
    not_yet = facets.validity_clause("not_yet_effective")
    assert not_yet["bool"]["filter"] == [{"range": {"effective_from": {"gt": "now/d"}}}]
    assert len(not_yet["bool"]["must_not"]) == 3
    assert len(facets.validity_clause("unknown")["bool"]["must_not"]) == 5
    assert queries.filter_clauses(Filters(validity="current"))[1] == facets.validity_clause("current")
    with pytest.raises(ValueError):
        facets.validity_clause("valid")
