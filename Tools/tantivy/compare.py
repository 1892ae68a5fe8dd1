#!/usr/bin/env python3
"""Baseline for gapsearch's duplicate search: index a gapcorpus corpus with tantivy and run
gapcorpus query sets against it, in two modes, reporting latency and retrieval quality.

Modes
  bm25   OR of the query's terms over title (boost 2) and description, BM25 (tantivy's
         default). The query is analysed with the same chain as the index (en_stem: simple
         tokenizer, remove_long(40), lowercase, English Snowball stemmer), and the query is
         built as a BooleanQuery of TermQuery clauses, one per distinct term and field, so no
         query-syntax escaping is needed and nothing can fail to parse.
  fuzzy  bm25 plus, for every query word of 5 letters or more, a FuzzyTermQuery on its stem
         over title (boost 2) and description: distance 1, or 2 for words of 9 letters or more,
         a transposition counting as one edit. For prefix query sets the last word, which is cut
         short, becomes a prefix FuzzyTermQuery (distance 0 below 5 letters, then the same
         rule), on the word as typed and, if different, on its stem. Fuzzy and prefix
         clauses score a constant (their boost) per matching field, as tantivy's automaton
         queries do; they do not carry BM25 weights.

Fields
  Drafts are matched against titles and descriptions. As-you-type (prefix) query sets are
  matched against titles alone, as gapsearch does for a title being typed (gapbench's
  default --scope); --prefix-fields all searches descriptions too (then run the engine
  with --scope all as well).

Metrics, per query set and mode
  p50/p90/p99/max latency (ms): time.perf_counter_ns() around searcher.search(query, 10,
  count=False) only, one thread, after 100 unmeasured warm-up queries. Building the query
  objects is reported separately (build_query_p50_ms).
  recall@1, recall@10: share of queries with any of their `acceptable` gaps among the top k.
  MRR: mean of 1/rank of the first acceptable gap in the top 10 (0 when none is there).
  Index: build time (reading the JSONL, add_json per line, commit, waiting for merges) and
  the bytes of the index directory afterwards.

Our engine
  --engine-command "CMD ARGS…" runs `CMD ARGS… --corpus CORPUS --queries QUERIES` once per
  query set; it must print one JSON object (the last non-blank line of its standard output
  is parsed) shaped like
    {"engine": "gapsearch", "build_seconds": 1.23, "p50_ms": 0.1, "p90_ms": 0.2,
     "p99_ms": 0.5, "max_ms": 2.0, "recall_at_1": 0.8, "recall_at_10": 0.95, "mrr": 0.86,
     "queries": 1000}
  with the metrics defined as above (optionally also "index_bytes" and "mode"). Its rows are
  printed next to tantivy's.

Usage
  python3 Tools/tantivy/compare.py --corpus /tmp/gapcorpus/corpus-10000.jsonl \
      --queries /tmp/gapcorpus/queries-paraphrase-10000.jsonl \
      --queries /tmp/gapcorpus/queries-prefix-10000.jsonl \
      [--json-output summary.json] [--engine-command "…"]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import tantivy

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from comparison import human_bytes, load_queries, percentile, query_kind, summarize, table  # noqa: E402

TITLE_BOOST = 2.0
FIELDS = [("title", TITLE_BOOST), ("description", 1.0)]  # --title-boost replaces the first
PREFIX_TITLES_ONLY = [True]  # --prefix-fields all clears it
WARMUP = 100
TOP_K = 10
TANTIVY_PY = importlib.metadata.version("tantivy")
MODES = ("bm25", "fuzzy")


def analyzer(stem: bool) -> "tantivy.TextAnalyzer":
    """tantivy's built-in en_stem chain (or the same without the stemmer)."""
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
    )
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


STEMMED = analyzer(stem=True)
UNSTEMMED = analyzer(stem=False)


def fuzzy_distance(word: str) -> int:
    if len(word) >= 9:
        return 2
    if len(word) >= 5:
        return 1
    return 0


def build_schema() -> "tantivy.Schema":
    builder = tantivy.SchemaBuilder()
    # The gap's index: a fast (columnar) u64, read back with Searcher.fast_field_values.
    builder.add_unsigned_field("index", stored=False, indexed=False, fast=True)
    builder.add_text_field("title", stored=False, tokenizer_name="en_stem")
    builder.add_text_field("description", stored=False, tokenizer_name="en_stem")
    return builder.build()


def directory_bytes(path: str) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    return total


def build_index(corpus: str, path: str, heap_bytes: int, threads: int):
    schema = build_schema()
    start = time.perf_counter()
    index = tantivy.Index(schema, path=path, reuse=False)
    writer = index.writer(heap_size=heap_bytes, num_threads=threads)
    documents = 0
    with open(corpus, "r", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                # Rust parses the JSON; fields not in the schema (id, category, …) are ignored.
                writer.add_json(line)
                documents += 1
    writer.commit()
    writer.wait_merging_threads()  # consumes the writer
    build_seconds = time.perf_counter() - start
    index.reload()
    # Old segment files left by merges are not part of the index.
    gc_writer = index.writer(heap_size=15_000_000, num_threads=1)
    gc_writer.garbage_collect_files()
    gc_writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()
    return index, schema, searcher, documents, build_seconds



def fields_for(kind: str) -> list[tuple[str, float]]:
    return FIELDS[:1] if kind == "prefix" and PREFIX_TITLES_ONLY[0] else FIELDS


def make_query(schema, query: dict, mode: str, kind: str):
    text = query["title"] if not query.get("description") else query["title"] + " " + query["description"]
    raw = UNSTEMMED.analyze(text)  # words as typed, lowercased
    stems = STEMMED.analyze(text)  # the same words as the index holds them
    assert len(raw) == len(stems)
    clauses = []
    last = len(raw) - 1
    seen_terms: set[str] = set()
    for stem in stems:
        if stem in seen_terms:
            continue
        seen_terms.add(stem)
        for field, boost in fields_for(kind):
            term = tantivy.Query.term_query(schema, field, stem)
            clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(term, boost) if boost != 1.0 else term))
    if mode == "fuzzy":
        seen_fuzzy: set[tuple[str, bool]] = set()
        for i, (word, stem) in enumerate(zip(raw, stems)):
            prefix = kind == "prefix" and i == last
            if prefix:
                texts = [word] if stem == word else [word, stem]
            elif len(word) >= 5:
                texts = [stem]
            else:
                continue
            distance = fuzzy_distance(word)
            for t in texts:
                if (t, prefix) in seen_fuzzy:
                    continue
                seen_fuzzy.add((t, prefix))
                for field, boost in fields_for(kind):
                    fuzzy = tantivy.Query.fuzzy_term_query(
                        schema, field, t, distance=distance, transposition_cost_one=True, prefix=prefix
                    )
                    clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(fuzzy, boost) if boost != 1.0 else fuzzy))
    if not clauses:
        return tantivy.Query.empty_query()
    return tantivy.Query.boolean_query(clauses)



def run_queries(searcher, schema, queries: list[dict], mode: str, kind: str) -> dict:
    # Warm up: the first WARMUP queries (cycled if there are fewer), not measured.
    for i in range(WARMUP):
        q = queries[i % len(queries)]
        searcher.search(make_query(schema, q, mode, kind), TOP_K, count=False)
    latencies_ns = []
    build_ns = []
    rankings = []
    for q in queries:
        t0 = time.perf_counter_ns()
        query = make_query(schema, q, mode, kind)
        t1 = time.perf_counter_ns()
        result = searcher.search(query, TOP_K, count=False)
        t2 = time.perf_counter_ns()
        build_ns.append(t1 - t0)
        latencies_ns.append(t2 - t1)
        ids = searcher.fast_field_values("index", [address for _, address in result.hits])
        rankings.append((list(ids), q["acceptable"]))
    return summarize(rankings, latencies_ns, build_ns)


def run_engine(command: str, corpus: str, queries: str) -> dict:
    argv = shlex.split(command) + ["--corpus", corpus, "--queries", queries]
    completed = subprocess.run(argv, capture_output=True, text=True)
    if completed.returncode != 0:
        raise SystemExit(f"engine command failed ({completed.returncode}): {' '.join(argv)}\n{completed.stderr}")
    lines = [line for line in completed.stdout.splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"engine command printed nothing: {' '.join(argv)}")
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError:
        result = json.loads(completed.stdout)
    missing = [k for k in ("engine", "build_seconds", "p50_ms", "p90_ms", "p99_ms", "max_ms",
                           "recall_at_1", "recall_at_10", "mrr", "queries") if k not in result]
    if missing:
        raise SystemExit(f"engine JSON lacks {', '.join(missing)}: {lines[-1]}")
    return result



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", required=True, help="corpus JSONL from `gapcorpus corpus`")
    parser.add_argument("--queries", required=True, action="append",
                        help="query JSONL from `gapcorpus queries` (repeat for several sets; one index serves all)")
    parser.add_argument("--kind", choices=("auto", "paraphrase", "prefix"), default="auto",
                        help="query kind; auto: prefix when no query has a description")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated subset of bm25,fuzzy")
    parser.add_argument("--index-dir", help="where to build the index (default: a temporary directory, removed afterwards)")
    parser.add_argument("--keep-index", action="store_true", help="do not delete the index directory")
    parser.add_argument("--index-threads", type=int, default=1, help="tantivy indexing threads (default 1)")
    parser.add_argument("--heap-mb", type=int, default=256, help="indexing memory budget in MB (default 256)")
    parser.add_argument("--title-boost", type=float, default=TITLE_BOOST,
                        help="weight of title matches (default 2; 1 leaves plain TermQuery clauses, which lets "
                             "tantivy use block-max WAND)")
    parser.add_argument("--prefix-fields", choices=("titles", "all"), default="titles",
                        help="fields prefix (as-you-type) query sets search (default titles, as gapsearch does)")
    parser.add_argument("--engine-command", help="external engine to compare: run with --corpus F --queries Q, prints JSON")
    parser.add_argument("--json-output", help="write the JSON summary here (default: print it after the table)")
    args = parser.parse_args()

    FIELDS[0] = ("title", args.title_boost)
    PREFIX_TITLES_ONLY[0] = args.prefix_fields == "titles"
    modes = [m for m in args.modes.split(",") if m]
    for m in modes:
        if m not in MODES:
            parser.error(f"unknown mode {m!r}")

    created = args.index_dir is None
    path = args.index_dir or tempfile.mkdtemp(prefix="tantivy-gapcorpus-")
    if not created:
        if os.path.exists(path) and os.listdir(path):
            shutil.rmtree(path)
        os.makedirs(path, exist_ok=True)

    rows = []
    try:
        print(f"indexing {args.corpus} with tantivy-py {TANTIVY_PY} into {path} …", file=sys.stderr)
        index, schema, searcher, documents, build_seconds = build_index(
            args.corpus, path, args.heap_mb * 1_000_000, args.index_threads)
        index_bytes = directory_bytes(path)
        print(f"  {documents} documents, {searcher.num_segments} segment(s), {build_seconds:.2f} s, "
              f"{human_bytes(index_bytes)}", file=sys.stderr)
        for qpath in args.queries:
            queries = load_queries(qpath)
            kind = query_kind(queries, args.kind)
            for mode in modes:
                print(f"  {os.path.basename(qpath)} ({kind}), {mode} …", file=sys.stderr)
                result = run_queries(searcher, schema, queries, mode, kind)
                rows.append({"engine": "tantivy", "mode": mode, "kind": kind, "query_file": qpath,
                             "build_seconds": build_seconds, "index_bytes": index_bytes,
                             "documents": documents, **result})
            if args.engine_command:
                print(f"  {os.path.basename(qpath)}: {args.engine_command} …", file=sys.stderr)
                result = run_engine(args.engine_command, args.corpus, qpath)
                rows.append({"kind": kind, "query_file": qpath, **result})
    finally:
        if created and not args.keep_index:
            shutil.rmtree(path, ignore_errors=True)

    summary = {
        "date": datetime.date.today().isoformat(),
        "corpus": args.corpus,
        "documents": documents,
        "tantivy_py": TANTIVY_PY,
        "tantivy": tantivy.__version__,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
        "index_threads": args.index_threads,
        "title_boost": args.title_boost,
        "prefix_fields": args.prefix_fields,
        "top_k": TOP_K,
        "warmup_queries": WARMUP,
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
