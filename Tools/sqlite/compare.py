#!/usr/bin/env python3
"""Second baseline for gapsearch's duplicate search: index a gapcorpus corpus with SQLite FTS5
(through Python's built-in sqlite3 module) and run gapcorpus query sets against it, reporting
the same metrics as Tools/tantivy/compare.py.

Index
  A contentless FTS5 table (content='': only the inverted index is stored, like tantivy's
  index, which stores no text), columns title and description, tokenizer
  `porter unicode61 remove_diacritics 2` (Unicode word splitting, case and diacritics
  folding, Porter stemming), positions kept (FTS5's default detail=full, as tantivy's
  default). rowid is the gap's `index`. Build time covers reading the JSONL, inserting every
  gap in one transaction, committing, and merging the index into one b-tree
  ('optimize', the counterpart of waiting for tantivy's merges); index size is the
  database file's bytes afterwards.

Modes
  bm25    OR of the query's distinct words (title + description, lowercased), ranked with
          FTS5's bm25(title weight, description weight) — title 2, description 1 by default.
          SQLite stems both the query words and the index with the same Porter tokenizer.
  prefix  prefix query sets only: bm25 with the last word, which is cut short, as a prefix
          query ("word" *), over the title column alone (as gapsearch matches a title being
          typed against titles).
  FTS5 has no typo tolerance, so there is no fuzzy mode.

  Unlike tantivy's BM25 (scored per field, each with its own length norm, then summed),
  FTS5's bm25() weights each column's term frequency and uses one length for the whole row.
  Query words are deduplicated as typed, not by stem ("sync" and "syncing" are two clauses).

Metrics, per query set and mode (as in Tools/tantivy/compare.py)
  p50/p90/p99/max latency (ms): time.perf_counter_ns() around executing the SELECT and
  fetching its (at most 10) rows, one thread, after 100 unmeasured warm-up queries (--warmup). Building
  the MATCH expression is reported separately (build_query_p50_ms). Nearest-rank percentiles.
  recall@1, recall@10: share of queries with any of their `acceptable` gaps among the top k.
  MRR: mean of 1/rank of the first acceptable gap in the top 10 (0 when none is there).

Usage
  python3 Tools/sqlite/compare.py --corpus /tmp/gapcorpus/corpus-10000.jsonl \
      --queries /tmp/gapcorpus/queries-paraphrase-10000.jsonl \
      --queries /tmp/gapcorpus/queries-prefix-10000.jsonl \
      [--json-output summary.json] [--title-weight 2] [--max-queries N] [--warmup N]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import sqlite3
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from comparison import human_bytes, load_queries, percentile, query_kind, summarize, table  # noqa: E402

WARMUP = 100
TOP_K = 10
TOKENIZER = "porter unicode61 remove_diacritics 2"
# unicode61 splits on everything but letters and digits (so "_" separates words too).
WORD = re.compile(r"[^\W_]+")


def check_fts5() -> None:
    try:
        connection = sqlite3.connect(":memory:")
        connection.execute("CREATE VIRTUAL TABLE probe USING fts5(x)")
        connection.close()
    except sqlite3.OperationalError as error:
        raise SystemExit(
            f"this Python's SQLite ({sqlite3.sqlite_version}) has no FTS5 ({error}); "
            "use a Python built against a SQLite with FTS5 (Debian's python3 has it)")


def build_index(corpus: str, database: str):
    start = time.perf_counter()
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute(
        f"CREATE VIRTUAL TABLE gaps USING fts5(title, description, content='', tokenize='{TOKENIZER}')")

    def rows():
        with open(corpus, "r", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    gap = json.loads(line)
                    yield gap["index"], gap["title"], gap["description"]
                except (json.JSONDecodeError, KeyError) as error:
                    raise SystemExit(f"{corpus}, line {number}: not a gapcorpus corpus line ({error})")

    connection.execute("BEGIN")
    connection.executemany("INSERT INTO gaps(rowid, title, description) VALUES (?, ?, ?)", rows())
    connection.execute("COMMIT")
    connection.execute("INSERT INTO gaps(gaps) VALUES ('optimize')")
    build_seconds = time.perf_counter() - start
    documents = connection.execute("SELECT count(*) FROM gaps_docsize").fetchone()[0]
    return connection, documents, build_seconds



def quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def make_match(query: dict, mode: str) -> str | None:
    """The FTS5 MATCH expression: an OR of the distinct words, the last one a prefix in
    prefix mode. None when the query has no word at all."""
    text = query["title"] if not query.get("description") else query["title"] + " " + query["description"]
    words = WORD.findall(text.lower())
    if not words:
        return None
    last = words[-1]
    clauses = []
    seen = set()
    for word in words[:-1] if mode == "prefix" else words:
        if word not in seen:
            seen.add(word)
            clauses.append(quoted(word))
    if mode == "prefix":
        clauses.append(quoted(last) + " *")
        # A title being typed is matched against titles, as gapsearch does.
        return "title : (" + " OR ".join(clauses) + ")"
    return " OR ".join(clauses)



def run_queries(connection, queries: list[dict], mode: str, title_weight: float, warmup: int) -> dict:
    sql = f"SELECT rowid FROM gaps WHERE gaps MATCH ? ORDER BY bm25(gaps, {title_weight!r}, 1.0) LIMIT {TOP_K}"

    def search(match):
        return [] if match is None else connection.execute(sql, (match,)).fetchall()

    for i in range(warmup):
        search(make_match(queries[i % len(queries)], mode))
    latencies_ns = []
    build_ns = []
    rankings = []
    for q in queries:
        t0 = time.perf_counter_ns()
        match = make_match(q, mode)
        t1 = time.perf_counter_ns()
        rows = search(match)
        t2 = time.perf_counter_ns()
        build_ns.append(t1 - t0)
        latencies_ns.append(t2 - t1)
        rankings.append(([gap for (gap,) in rows], q["acceptable"]))
    return summarize(rankings, latencies_ns, build_ns)



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="corpus JSONL from `gapcorpus corpus`")
    parser.add_argument("--queries", required=True, action="append",
                        help="query JSONL from `gapcorpus queries` (repeat for several sets; one index serves all)")
    parser.add_argument("--kind", choices=("auto", "paraphrase", "prefix"), default="auto",
                        help="query kind; auto: prefix when no query has a description")
    parser.add_argument("--max-queries", type=int,
                        help="run only the first N queries of each set (FTS5 is slow on long OR queries at 100k+)")
    parser.add_argument("--warmup", type=int, default=WARMUP,
                        help=f"unmeasured warm-up queries per set and mode (default {WARMUP}, as tantivy/compare.py)")
    parser.add_argument("--title-weight", type=float, default=2.0, help="bm25() weight of the title column (default 2)")
    parser.add_argument("--index-dir", help="where to build the database (default: a temporary directory, removed afterwards)")
    parser.add_argument("--keep-index", action="store_true", help="do not delete the database")
    parser.add_argument("--json-output", help="write the JSON summary here (default: print it after the table)")
    args = parser.parse_args()
    if args.max_queries is not None and args.max_queries < 1:
        parser.error("--max-queries must be at least 1")
    if args.warmup < 0:
        parser.error("--warmup must be 0 or more")
    if not args.title_weight > 0:
        parser.error("--title-weight must be positive")
    for path in [args.corpus, *args.queries]:
        if not os.path.isfile(path):
            parser.error(f"no such file: {path} (write it with `gapcorpus`; see Tools/README.md)")
    check_fts5()

    created = args.index_dir is None
    directory = args.index_dir or tempfile.mkdtemp(prefix="sqlite-gapcorpus-")
    os.makedirs(directory, exist_ok=True)
    database = os.path.join(directory, "gaps.sqlite")
    if os.path.exists(database):
        os.remove(database)

    rows = []
    try:
        print(f"indexing {args.corpus} with SQLite {sqlite3.sqlite_version} FTS5 into {database} …", file=sys.stderr)
        connection, documents, build_seconds = build_index(args.corpus, database)
        index_bytes = os.path.getsize(database)
        print(f"  {documents} documents, {build_seconds:.2f} s, {human_bytes(index_bytes)}", file=sys.stderr)
        for qpath in args.queries:
            queries = load_queries(qpath)[:args.max_queries]
            if not queries:
                raise SystemExit(f"{qpath} holds no queries")
            kind = query_kind(queries, args.kind)
            for mode in ["bm25", "prefix"] if kind == "prefix" else ["bm25"]:
                print(f"  {os.path.basename(qpath)} ({kind}), {mode} …", file=sys.stderr)
                result = run_queries(connection, queries, mode, args.title_weight, args.warmup)
                rows.append({"engine": "sqlite-fts5", "mode": mode, "kind": kind, "query_file": qpath,
                             "build_seconds": build_seconds, "index_bytes": index_bytes,
                             "documents": documents, **result})
        connection.close()
    finally:
        if created and not args.keep_index:
            shutil.rmtree(directory, ignore_errors=True)

    summary = {
        "date": datetime.date.today().isoformat(),
        "corpus": args.corpus,
        "documents": documents,
        "sqlite": sqlite3.sqlite_version,
        "tokenizer": TOKENIZER,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "title_weight": args.title_weight,
        "max_queries": args.max_queries,
        "top_k": TOP_K,
        "warmup_queries": args.warmup,
        "results": rows,
    }
    print(f"corpus: {args.corpus} ({documents} gaps)")
    print(table(rows))
    if args.json_output:
        with open(args.json_output, "w", encoding="utf-8") as out:
            json.dump(summary, out, indent=2)
            out.write("\n")
    else:
        print()
        print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
