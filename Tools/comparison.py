"""What the engine comparisons (tantivy/compare.py, sqlite/compare.py) share: query files,
percentiles, the recall and latency summary, and the printed table, so that both report the
same numbers the same way."""

from __future__ import annotations

import json


def load_queries(path: str) -> list[dict]:
    with open(path, "r", encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def query_kind(queries: list[dict], requested: str) -> str:
    if requested != "auto":
        return requested
    return "prefix" if all(not q.get("description") for q in queries) else "paraphrase"


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil(n * p / 100)
    return sorted_values[int(rank) - 1]


def human_bytes(n) -> str:
    if n is None:
        return "–"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def table(rows: list[dict]) -> str:
    header = ["engine", "mode", "queries", "n", "p50 ms", "p90 ms", "p99 ms", "max ms",
              "R@1", "R@10", "MRR", "build s", "index"]
    body = []
    for r in rows:
        body.append([
            r["engine"], r.get("mode", "–"), r["kind"], str(r["queries"]),
            f"{r['p50_ms']:.3f}", f"{r['p90_ms']:.3f}", f"{r['p99_ms']:.3f}", f"{r['max_ms']:.3f}",
            f"{r['recall_at_1']:.3f}", f"{r['recall_at_10']:.3f}", f"{r['mrr']:.3f}",
            f"{r['build_seconds']:.2f}", human_bytes(r.get("index_bytes")),
        ])
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(header)]
    left = {0, 1, 2}
    def fmt(cells):
        return "  ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(row) for row in body])


def summarize(rankings: list[tuple[list[int], list[int]]], latencies_ns: list[int], build_ns: list[int]) -> dict:
    """Latency percentiles and recall@1/@10 and MRR from, per query, the ranked gap indexes an
    engine returned and the indexes that count as correct."""
    hits1 = hits10 = 0
    reciprocal = 0.0
    for ranked, acceptable in rankings:
        accepted = set(acceptable)
        for rank, gap in enumerate(ranked, start=1):
            if gap in accepted:
                if rank == 1:
                    hits1 += 1
                hits10 += 1
                reciprocal += 1.0 / rank
                break
    ms = sorted(v / 1e6 for v in latencies_ns)
    n = len(rankings)
    return {
        "p50_ms": percentile(ms, 50),
        "p90_ms": percentile(ms, 90),
        "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1],
        "mean_ms": sum(ms) / n,
        "build_query_p50_ms": percentile(sorted(v / 1e6 for v in build_ns), 50),
        "recall_at_1": hits1 / n,
        "recall_at_10": hits10 / n,
        "mrr": reciprocal / n,
        "queries": n,
    }
