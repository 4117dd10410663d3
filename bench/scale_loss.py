"""Where the 63 -> 746 loss comes from: each judged query's hybrid nDCG@10 in the sample world and in the
larger one, and the larger world's ranking scored three more ways (read-only, in process; needs the eval
worlds indexed: python -m bench.eval builds eval-sample and eval-scale):

- condensed to the sample: the larger ranking with every regulation removed, against the sample world's
  judgments (do the sample's documents keep their order among themselves?);
- sample judgments only: the larger top 10 as it is, regulations counting nothing (how far regulations,
  relevant or not, push the sample's answers down);
- without the relevant regulations: the larger ranking without the regulations judged 1 or 2, against
  the sample world's judgments (what the regulations judged 0 cost the sample's answers).

The held-out set is only measured here, never tuned on. Scale-set queries take part when every answer their
writer quoted is a sample document (sk15–sk29, portal keywords with a local answer written to share words with
regulations, and sk8, sk14): otherwise the sample world's ideal would hold documents it lacks. Their keys are
tested to match exactly one document (tests/unit/test_scale_queries.py), so matching them by text is exact.

    python -m bench.scale_loss [--mode hybrid]
"""

from __future__ import annotations

import argparse
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from analyzers.embed import load_embedder
from bench.documents import all_documents, corpus_documents
from bench.eval import (
    DEV_QUERIES,
    HELDOUT_QUERIES,
    POOLED_JUDGMENTS,
    SAMPLE,
    SCALE_QUERIES,
    Query,
    load_queries,
)
from bench.metrics import grades_of, ndcg, normalise
from bench.tune import CachedEmbedder
from config.settings import load_settings
from search.results import SearchParams
from search.searcher import Searcher, build_searcher
from store.search_store import SearchStore

# How deep the larger world's ranking is read, so that ten sample documents remain once regulations are taken out.
DEPTH = 50


@dataclass(frozen=True)
class Views:
    sample: float  # nDCG@10 in the sample world
    scale: float  # nDCG@10 in the larger world (its pooled judgments)
    condensed: float
    sample_judged: float
    without_relevant: float


def views(
    small: Query,
    large: Query,
    sample_ranking: Sequence[str],
    scale_ranking: Sequence[str],
    in_sample: set[str],
    texts: dict[str, str],
) -> Views:
    """`small` and `large`: one query with the sample world's and the larger world's judgments."""

    def score(q: Query, ranked: Sequence[str]) -> float:
        top = list(ranked)[:10]
        return ndcg(grades_of([texts[i] for i in top], q.judged, top), q.judged)

    relevant = {j.doc_id for j in large.judged if j.doc_id and j.doc_id not in in_sample and j.grade > 0}
    return Views(
        sample=score(small, sample_ranking),
        scale=score(large, scale_ranking),
        condensed=score(small, [i for i in scale_ranking if i in in_sample]),
        sample_judged=score(small, scale_ranking),
        without_relevant=score(small, [i for i in scale_ranking if i not in relevant]),
    )


def quoted_answers_within(query: Query, world: Sequence[str]) -> bool:
    """Whether every answer the query's writer quoted (its keys) is in one of the world's documents, given as
    normalised texts (bench.metrics.normalise). Pooled judgments name documents by id and are not asked."""
    return all(
        any(normalise(k) in flat for k in judged.keys for flat in world)
        for judged in query.judged
        if judged.doc_id is None
    )


def _searcher(index: str, embedder: CachedEmbedder) -> Searcher:
    settings = load_settings()
    settings = settings.model_copy(update={"es": settings.es.model_copy(update={"index": index})})
    return build_searcher(settings, SearchStore(settings.es), embedder)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale_loss", description=__doc__)
    parser.add_argument("--mode", default="hybrid")
    args = parser.parse_args()
    embedder = CachedEmbedder(load_embedder(load_settings().model))
    small, large = _searcher("eval-sample", embedder), _searcher("eval-scale", embedder)
    docs = all_documents()
    texts = {i: d.title + "\n" + d.text for i, d in docs.items()}
    in_sample = {d.doc_id for d in corpus_documents(SAMPLE)}
    sample_texts = [normalise(texts[i]) for i in in_sample]

    def ranking(searcher: Searcher, q: Query, size: int) -> list[str]:
        return [h.doc_id for h in searcher.search(SearchParams(q.text, mode=args.mode, size=size)).hits]

    rows: dict[tuple[str, str], list[Views]] = defaultdict(list)
    sets = ((DEV_QUERIES, "dev"), (HELDOUT_QUERIES, "held-out"), (SCALE_QUERIES, "scale set"))
    for path, name in sets:
        by_id = {q.id: q for q in load_queries(path, POOLED_JUDGMENTS, in_sample)}
        for q in load_queries(path, POOLED_JUDGMENTS, set(docs)):
            if q.kind in ("precedent", "docnum"):  # drafts go through /api/similar; 文号 are exact
                continue
            if not quoted_answers_within(q, sample_texts):
                continue  # a scale-set query written with regulations among its answers: no sample world
            v = views(by_id[q.id], q, ranking(small, q, 10), ranking(large, q, DEPTH), in_sample, texts)
            rows[(name, q.kind)].append(v)
            if v.scale - v.sample < -0.03:
                print(
                    f"{name} {q.id} {q.kind} {q.text[:16]}: {v.sample:.3f} -> {v.scale:.3f}; condensed"
                    f" {v.condensed:.3f}, sample judged {v.sample_judged:.3f}, without the relevant"
                    f" regulations {v.without_relevant:.3f}"
                )
    print(
        "\n| set | kind | n | 63 documents | 746 documents | loss | condensed to the sample |"
        " sample judgments only | without the relevant regulations (its loss) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for (name, kind), vs in sorted(rows.items()):
        m = {f: statistics.fmean(getattr(v, f) for v in vs) for f in Views.__dataclass_fields__}
        print(
            f"| {name} | {kind} | {len(vs)} | {m['sample']:.3f} | {m['scale']:.3f} |"
            f" {m['scale'] - m['sample']:+.3f} | {m['condensed']:.3f} | {m['sample_judged']:.3f} |"
            f" {m['without_relevant']:.3f} ({m['without_relevant'] - m['sample']:+.3f}) |"
        )


if __name__ == "__main__":
    main()
