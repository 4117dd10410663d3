"""Precedent search for drafts, in process against the configured alias (SEARCH_ES__URL, SEARCH_ES__INDEX):
latency of 1,000- and 20,000-character drafts, and whether the segment cap (search/similar.py
MAX_SEGMENTS) ranks the same documents as a reference cap, on the judged precedent queries and on long drafts.

    python -m bench.drafts [--repeats 7] [--reference-cap 48] [--latency-only]

Drafts are cut from the stored documents' texts (concatenated in doc_id order), so any index will do.
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path

from config.settings import Settings
from search import similar
from search.searcher import Searcher, build_searcher
from store import queries
from store.search_store import SearchStore

ROOT = Path(__file__).resolve().parent.parent
JUDGED = [ROOT / "bench" / f for f in ("dev_queries.jsonl", "heldout_queries.jsonl", "scale_queries.jsonl")]
LENGTHS = (1_000, 20_000)
DRAFTS_PER_LENGTH = 3


def drafts(store: SearchStore) -> dict[int, list[str]]:
    """DRAFTS_PER_LENGTH drafts of each length, starting at different documents."""
    body = {"query": queries.DOCUMENT, "sort": [{"doc_id": "asc"}], "size": 200, "_source": ["text"]}
    texts = [h.source.get("text") or "" for h in store.search(body).hits]
    whole = "\n".join(texts)
    step = max(1, (len(whole) - max(LENGTHS)) // DRAFTS_PER_LENGTH)
    return {n: [whole[i * step : i * step + n] for i in range(DRAFTS_PER_LENGTH)] for n in LENGTHS}


def judged_precedent_queries() -> list[tuple[str, str]]:
    rows = [json.loads(line) for f in JUDGED for line in f.read_text(encoding="utf-8").splitlines() if line]
    return [(r["id"], r["query"]) for r in rows if r["kind"] == "precedent"]


def top_ids(searcher: Searcher, text: str, cap: int, k: int = 10) -> list[str]:
    saved, similar.MAX_SEGMENTS = similar.MAX_SEGMENTS, cap
    try:
        return [h.doc_id for h in searcher.similar(text=text, size=k).hits]
    finally:
        similar.MAX_SEGMENTS = saved


def latency(searcher: Searcher, by_length: dict[int, list[str]], repeats: int) -> None:
    print("| draft chars | segments | p50 total ms | p50 embed ms | p50 ES ms | runs |")
    print("|---:|---:|---:|---:|---:|---:|")
    runs: dict[int, list[dict[str, float]]] = {n: [] for n in by_length}
    segments: dict[int, int] = {}
    for _ in range(repeats):  # interleaved, so a noisy moment hits every length alike
        for n, texts in by_length.items():
            for t in texts:
                r = searcher.similar(text=t, size=10)
                runs[n].append(r.timing)
                segments[n] = r.segments
    for n, timings in runs.items():
        med = {key: statistics.median(t[key] for t in timings) for key in ("total_ms", "embed_ms", "es_ms")}
        print(
            f"| {n:,} | {segments[n]} | {med['total_ms']:.0f} | {med['embed_ms']:.0f} "
            f"| {med['es_ms']:.0f} | {len(timings)} |"
        )


def agreement(searcher: Searcher, by_length: dict[int, list[str]], reference_cap: int) -> None:
    cap = similar.MAX_SEGMENTS
    cases = judged_precedent_queries() + [
        (f"draft{n}-{i}", t) for n, texts in by_length.items() for i, t in enumerate(texts)
    ]
    print(f"\n| query | top-1 same | top-10 overlap (cap {cap} vs {reference_cap}) |")
    print("|---|:---:|---:|")
    for name, text in cases:
        ours, ref = top_ids(searcher, text, cap), top_ids(searcher, text, reference_cap)
        overlap = len(set(ours) & set(ref)) / max(1, len(ref))
        print(f"| {name} | {'yes' if ours[:1] == ref[:1] else 'NO'} | {overlap:.2f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--reference-cap", type=int, default=48, help="segment cap to compare rankings against")
    ap.add_argument("--latency-only", action="store_true")
    args = ap.parse_args()
    settings = Settings()
    store = SearchStore(settings.es)
    searcher = build_searcher(settings, store)
    by_length = drafts(store)
    searcher.similar(text=by_length[LENGTHS[0]][0])  # load the model
    latency(searcher, by_length, args.repeats)
    if not args.latency_only:
        agreement(searcher, by_length, args.reference_cap)


if __name__ == "__main__":
    main()
