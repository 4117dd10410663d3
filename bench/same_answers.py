"""Are two services' answers the same? A speed change must not move any result.

`dump` asks a running service every judged query of the dev and scale sets in each mode (precedents through
/api/similar), pages 1 and 2 of 10, and writes each whole JSON answer without its timings; `compare` says
which (query, mode) answers differ between two dumps and where (ranked ids, scores, passages, the rest).

    python -m bench.same_answers dump --url http://127.0.0.1:8521 --out /tmp/new.json
    python -m bench.same_answers compare /tmp/base.json /tmp/new.json
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
QUERY_SETS = (ROOT / "bench" / "dev_queries.jsonl", ROOT / "bench" / "scale_queries.jsonl")
MODES = ("keyword", "semantic", "hybrid")
TIMING_KEYS = {"took_ms", "timing"}


def _queries() -> list[dict[str, Any]]:
    rows = []
    for path in QUERY_SETS:
        rows += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return rows


def _without_timings(body: Any) -> Any:
    if isinstance(body, dict):
        return {k: _without_timings(v) for k, v in body.items() if k not in TIMING_KEYS}
    if isinstance(body, list):
        return [_without_timings(v) for v in body]
    return body


def dump(url: str) -> dict[str, Any]:
    """(query id, mode, page) -> the answer without timings."""
    out: dict[str, Any] = {}
    with httpx.Client(base_url=url, timeout=60) as http:
        for row in _queries():
            if row["kind"] == "precedent":
                resp = http.post("/api/similar", json={"text": row["query"], "size": 10})
                out[f"{row['id']}|similar|1"] = _without_timings(resp.json())
                continue
            for mode in MODES:
                for page in (1, 2):
                    params = {"q": row["query"], "mode": mode, "size": 10, "page": page}
                    resp = http.get("/api/search", params=params)
                    out[f"{row['id']}|{mode}|{page}"] = _without_timings(resp.json())
    return out


def _ids(answer: dict[str, Any]) -> list[str]:
    return [h.get("doc_id", "") for h in answer.get("hits", [])]


def differences(base: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One line per answer that differs: what differs first (ids, then scores, then anything)."""
    lines = []
    for key in sorted(set(base) | set(new)):
        a, b = base.get(key), new.get(key)
        if a == b:
            continue
        if a is None or b is None:
            lines.append(f"{key}: only in {'new' if a is None else 'base'}")
        elif _ids(a) != _ids(b):
            lines.append(f"{key}: ranked ids {_ids(a)} -> {_ids(b)}")
        else:
            fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
            lines.append(f"{key}: same ids, differs in {fields}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.same_answers", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dump")
    d.add_argument("--url", required=True)
    d.add_argument("--out", type=Path, required=True)
    c = sub.add_parser("compare")
    c.add_argument("base", type=Path)
    c.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "dump":
        answers = dump(args.url)
        args.out.write_text(json.dumps(answers, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        print(f"{len(answers)} answers -> {args.out}")
        return
    base = json.loads(args.base.read_text(encoding="utf-8"))
    new = json.loads(args.new.read_text(encoding="utf-8"))
    lines = differences(base, new)
    print("\n".join(lines) or f"all {len(base)} answers identical")
    sys.exit(1 if lines else 0)


if __name__ == "__main__":
    main()
