#!/usr/bin/env python3
"""Reduces norm's results (norm-kompakt/1 or norm-resultat/1, one per line) to benchmark B's
output form (shared/bench/RULES.md §4): {"sak_id", "funn"} with RULE[:item]=status for the
statuses brudd, avvik and begrunnet_avvik, sorted by code point."""
import json
import sys

KEEP = {"brudd", "avvik", "begrunnet_avvik"}
out = sys.stdout
for line in sys.stdin:
    if not line.strip():
        continue
    r = json.loads(line)
    funn = sorted(
        f["regel"] + (":" + f["gjelder"] if "gjelder" in f else "") + "=" + f["status"]
        for f in r["funn"] if f["status"] in KEEP
    )
    out.write(json.dumps({"sak_id": r["sak_id"], "funn": funn}, ensure_ascii=False, separators=(",", ":")) + "\n")
