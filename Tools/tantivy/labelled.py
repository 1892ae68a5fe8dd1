#!/usr/bin/env python3
"""Ranking quality on real labelled duplicates: tantivy next to `gapsearch eval`, by the same
protocol, on the same file.

The protocol (the one `gapsearch eval` follows, README "Evaluation"): records are taken in
creation order; every record whose `dup_of` was created earlier is a query — its title and
body searched against exactly the records created strictly before it — and counts as a
*strict* hit at k when its `dup_of` is among the top k, a *group* hit when any earlier member
of its duplicate group is. Reported: strict recall@1/5/10/20, MRR (of the first strict hit in
the top 20) and group recall@10.

tantivy runs it literally: the records are added in creation order, and before each query
everything created strictly before it is committed and the searcher reloaded, so that its
BM25 statistics (document frequencies, average lengths) are those of the records so far, as
gapsearch's are. Its queries are those of `compare.py` (modes `bm25` and `fuzzy`: an OR of
the draft's stemmed terms over title, boost 2, and body; `fuzzy` adds a fuzzy clause per word
of 5 letters or more). It has no category or recency prior and no extra weight for the
draft's title: those are gapsearch's ingredients, which this comparison is meant to weigh.

Latency is the search call alone (tantivy: `searcher.search`, top 20; gapsearch: as `eval`
reports it, on its in-memory index of the records so far), one thread. The files are small
(tens of thousands of records), so latency here says less than `compare.py`'s corpora do.

Usage
  python3 Tools/tantivy/labelled.py --dataset ../shared/data/jira-dev.jsonl \
      [--gapsearch .build/release/gapsearch] [--modes bm25,fuzzy] [--json-output out.json]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time

import tantivy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from comparison import percentile  # noqa: E402
from compare import MODES, TANTIVY_PY, build_schema, make_query  # noqa: E402

TOP_K = 20
CUTOFFS = (1, 5, 10, 20)


def parse_created(value) -> float:
    """ISO 8601 (with a trailing Z or an offset) or a number, as seconds."""
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp()


def load_records(path: str) -> list[dict]:
    records = []
    with open(path, "r", encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                records.append({
                    "id": str(raw["id"]),
                    "title": raw.get("title") or "",
                    "body": raw.get("body", raw.get("description")) or "",
                    "created": parse_created(raw["created"]),
                    "dup_of": None if raw.get("dup_of") is None else str(raw["dup_of"]),
                    "group": None if raw.get("group") is None else str(raw["group"]),
                })
            except (KeyError, ValueError, TypeError) as error:
                raise SystemExit(f"{path}:{number}: not a labelled record ({error})")
    # Creation order, ties in file order (as gapsearch eval sorts them).
    return [r for _, r in sorted(enumerate(records), key=lambda pair: (pair[1]["created"], pair[0]))]


def scores(ranks: list[int | None]) -> dict:
    n = max(len(ranks), 1)
    result = {f"recall_at_{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in CUTOFFS}
    result["mrr"] = sum(1 / r for r in ranks if r is not None) / n
    return result


def run_tantivy(records: list[dict], mode: str, heap_bytes: int) -> dict:
    number = {r["id"]: i for i, r in enumerate(records)}
    created = {r["id"]: r["created"] for r in records}
    members: dict[str, list[str]] = {}
    for r in records:
        if r["group"] is not None:
            members.setdefault(r["group"], []).append(r["id"])
    schema = build_schema()  # compare.py's: the record's index (fast), title and "description"
    with tempfile.TemporaryDirectory(prefix="labelled-tantivy-") as path:
        index = tantivy.Index(schema, path=path, reuse=False)
        writer = index.writer(heap_size=heap_bytes, num_threads=1)
        added = 0
        strict_ranks: list[int | None] = []
        group_ranks: list[int | None] = []
        latencies_ns: list[int] = []
        for position, record in enumerate(records):
            original = record["dup_of"]
            if original is None or original not in created or not created[original] < record["created"]:
                continue
            pending = False
            while added < position and records[added]["created"] < record["created"]:
                earlier = records[added]
                document = tantivy.Document()
                document.add_unsigned("index", added)  # a Python int would be taken for an i64
                document.add_text("title", earlier["title"])
                document.add_text("description", earlier["body"])
                writer.add_document(document)
                added += 1
                pending = True
            if pending:
                writer.commit()
                index.reload()
            searcher = index.searcher()
            query = make_query(schema, {"title": record["title"], "description": record["body"]}, mode, "paraphrase")
            start = time.perf_counter_ns()
            result = searcher.search(query, TOP_K, count=False)
            latencies_ns.append(time.perf_counter_ns() - start)
            ranked = list(searcher.fast_field_values("index", [address for _, address in result.hits]))
            target = number[original]
            earlier_members = {number[m] for m in members.get(record["group"], [original]) if created[m] < record["created"]}
            earlier_members.add(target)
            strict_ranks.append(next((i + 1 for i, gap in enumerate(ranked) if gap == target), None))
            group_ranks.append(next((i + 1 for i, gap in enumerate(ranked) if gap in earlier_members), None))
        writer.wait_merging_threads()
    ms = sorted(v / 1e6 for v in latencies_ns)
    return {
        "engine": "tantivy", "mode": mode, "queries": len(strict_ranks),
        "strict": scores(strict_ranks), "group_recall_at_10": scores(group_ranks)["recall_at_10"],
        "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99),
    }


def run_gapsearch(executable: str, dataset: str) -> dict:
    completed = subprocess.run([executable, "eval", dataset, "--json"], capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"{executable} eval failed ({completed.returncode}):\n{completed.stderr}")
    report = json.loads(completed.stdout)
    strict = report["strict"]
    return {
        "engine": "gapsearch", "mode": "defaults", "queries": report["queries"],
        "strict": {f"recall_at_{k}": strict[f"recallAt{k}"] for k in CUTOFFS} | {"mrr": strict["mrr"]},
        "group_recall_at_10": report["group"]["recallAt10"],
        "p50_ms": report["latencyMilliseconds"]["p50"], "p99_ms": report["latencyMilliseconds"]["p99"],
    }


def table(rows: list[dict]) -> str:
    header = ["engine", "mode", "queries", "R@1", "R@5", "R@10", "R@20", "MRR", "group R@10", "p50 ms", "p99 ms"]
    body = [[
        r["engine"], r["mode"], str(r["queries"]),
        *(f"{r['strict'][f'recall_at_{k}']:.3f}" for k in CUTOFFS), f"{r['strict']['mrr']:.3f}",
        f"{r['group_recall_at_10']:.3f}", f"{r['p50_ms']:.3f}", f"{r['p99_ms']:.3f}",
    ] for r in rows]
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(header)]
    def fmt(cells):
        return "  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([fmt(header), fmt(["-" * w for w in widths])] + [fmt(row) for row in body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", required=True, help="labelled JSON lines (id, title, body, created, dup_of, group)")
    parser.add_argument("--gapsearch", help="a gapsearch executable: its `eval --json` row is printed too")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of bm25,fuzzy")
    parser.add_argument("--heap-mb", type=int, default=64, help="tantivy's indexing memory budget in MB (default 64)")
    parser.add_argument("--json-output", help="also write the rows as JSON here")
    args = parser.parse_args()
    modes = [m for m in args.modes.split(",") if m]
    unknown = [m for m in modes if m not in MODES]
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(unknown)} (choose from {', '.join(MODES)})")
    records = load_records(args.dataset)
    rows = []
    if args.gapsearch:
        rows.append(run_gapsearch(args.gapsearch, args.dataset))
    for mode in modes:
        rows.append(run_tantivy(records, mode, args.heap_mb * 1_000_000))
    print(f"{args.dataset}: {len(records)} records; tantivy-py {TANTIVY_PY}")
    print(table(rows))
    if args.json_output:
        with open(args.json_output, "w", encoding="utf-8") as out:
            json.dump({"dataset": args.dataset, "records": len(records), "rows": rows}, out, indent=2)


if __name__ == "__main__":
    main()
