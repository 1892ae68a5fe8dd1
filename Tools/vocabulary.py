#!/usr/bin/env python3
"""Vocabulary growth of JSON-lines issue collections: how many distinct words the first N
records use, how many of them once, and how many are common — to check that a synthetic corpus
(gapcorpus) grows its vocabulary the way real issue text does (Heaps' law).

Each line is a JSON object; its text is the "title" plus the "description" (gapcorpus) or
"body" (issue-tracker exports) field. Words are maximal runs of ASCII letters and digits,
lowercased.

    python3 Tools/vocabulary.py /tmp/gapcorpus/corpus-100000.jsonl export.jsonl \
        --at 1000 10000 19845
"""

import argparse
import json
import re
import sys

WORD = re.compile(r"[a-z0-9]+")


def growth(path, sizes):
    frequency = {}
    rows = []
    wanted = sorted(set(sizes))
    count = 0
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            text = f"{record.get('title') or ''} {record.get('description') or record.get('body') or ''}".lower()
            for word in set(WORD.findall(text)):
                frequency[word] = frequency.get(word, 0) + 1
            count += 1
            if wanted and count == wanted[0]:
                wanted.pop(0)
                rows.append(summary(count, frequency))
            if not wanted:
                break
    if wanted and (not rows or rows[-1]["records"] != count):
        rows.append(summary(count, frequency))  # the file ended before a requested count
    return rows


def summary(count, frequency):
    values = frequency.values()
    return {
        "records": count,
        "distinct_words": len(frequency),
        "used_once": sum(1 for v in values if v == 1),
        "in_1_percent": sum(1 for v in values if v >= count / 100),
        "in_10_percent": sum(1 for v in values if v >= count / 10),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="+", help="JSON-lines files")
    parser.add_argument("--at", type=int, nargs="+", default=[1000, 10000, 100000], help="record counts to report at")
    args = parser.parse_args()
    print(f"{'file':<40} {'records':>9} {'distinct':>9} {'once':>9} {'≥1%':>6} {'≥10%':>6}")
    for path in args.files:
        for row in growth(path, args.at):
            print(f"{path[-40:]:<40} {row['records']:>9} {row['distinct_words']:>9} {row['used_once']:>9} "
                  f"{row['in_1_percent']:>6} {row['in_10_percent']:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
