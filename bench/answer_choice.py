"""Choosing the answer-passage weights of search/answers.py by two-fold cross-validation (read-only).

Answer@1 of the hybrid question queries over a grid of (STATES_WEIGHT, LEXICAL_WEIGHT): fold "dev" holds
the dev set's questions in both worlds, fold "scale" the scale set's (scale world). Each fold picks the
settings best on it and is scored on the other. The held-out set is never read here. Needs the eval
worlds indexed (aliases eval-scale, eval-sample: python -m bench.eval builds them).

    python -m bench.answer_choice [--scale-index eval-scale] [--sample-index eval-sample]
"""

from __future__ import annotations

import argparse
import itertools
from pathlib import Path

from bench import metrics
from bench.eval import POOLED_JUDGMENTS, Query, load_queries
from config.settings import load_settings
from search import answers, versions
from search.fusion import Candidate, best_passages
from search.results import SearchParams, Timing
from search.riders import Riders
from search.searcher import Fetched, build_searcher
from store.search_store import SearchStore

HERE = Path(__file__).parent
STATES = (0.0, 0.1, 0.25, 0.5, 0.75, 1.0)
LEXICAL = (0.2, 0.4, 0.6, 0.8)
Case = tuple[Query, Candidate, list[str]]


def top_documents(index: str, path: Path) -> list[Case]:
    """Each question's top document with all its gathered passages (the fused window before the page
    is cut, Searcher._fused), so that every grid point re-orders passages without asking again."""
    settings = load_settings()
    settings = settings.model_copy(update={"es": settings.es.model_copy(update={"index": index})})
    searcher = build_searcher(settings, SearchStore(settings.es))
    cases = []
    for q in (q for q in load_queries(path, POOLED_JUDGMENTS) if q.kind == "question"):
        u = searcher.analyse(q.text)
        p, timing = SearchParams(q.text), Timing()
        fetched: Fetched = {}
        ranked, _, _ = searcher._fused(p, u, timing, Riders(), fetched)
        top = versions.fold(ranked, u.exact_number)[:1]
        # The window was ranked on doc values: its passages made whole.
        searcher._whole(top, u, timing, fetched)
        cases.append((q, top[0], u.tokens))
    return cases


def answer_at_1(cases: list[Case], states: float, lexical: float) -> float:
    answers.STATES_WEIGHT, answers.LEXICAL_WEIGHT = states, lexical
    hits = 0.0
    for q, top, tokens in cases:
        answers.order_passages(top, q.text, tokens)
        first = str(best_passages(top)[0].source.get("text", ""))
        hits += metrics.answer_at_1(first, q.judged, top.doc_id)
    return hits / len(cases)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.answer_choice", description=__doc__)
    parser.add_argument("--scale-index", default="eval-scale")
    parser.add_argument("--sample-index", default="eval-sample")
    args = parser.parse_args()
    dev = HERE / "dev_queries.jsonl"
    folds = {
        "dev": top_documents(args.scale_index, dev) + top_documents(args.sample_index, dev),
        "scale": top_documents(args.scale_index, HERE / "scale_queries.jsonl"),
    }
    grid = list(itertools.product(STATES, LEXICAL))
    table = {name: {g: answer_at_1(cases, *g) for g in grid} for name, cases in folds.items()}
    print(
        "| STATES_WEIGHT, LEXICAL_WEIGHT | " + " | ".join(f"{n} ({len(folds[n])} q.)" for n in folds) + " |"
    )
    print("|---|" + "---:|" * len(folds))
    for g in grid:
        print(f"| {g[0]}, {g[1]} | " + " | ".join(f"{table[n][g]:.2f}" for n in folds) + " |")
    for train, test in (("dev", "scale"), ("scale", "dev")):
        best = max(table[train].values())
        chosen = [g for g in grid if table[train][g] == best]
        scores = sorted(table[test][g] for g in chosen)
        print(
            f"\nchosen on {train} ({best:.2f}): {len(chosen)} settings; on {test}: "
            f"{scores[0]:.2f}-{scores[-1]:.2f} (median {scores[len(scores) // 2]:.2f})"
        )


if __name__ == "__main__":
    main()
