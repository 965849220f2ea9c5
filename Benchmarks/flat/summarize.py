#!/usr/bin/env python3
"""Prints medians per file and tool from a flat benchmark JSONL file, and passerelle's ratios
(one line per `--jobs` value) against the peers measured in the same run."""
import json, statistics, sys
from collections import defaultdict

runs = defaultdict(list)
for line in open(sys.argv[1]):
    rec = json.loads(line)
    tool = rec["run"]["tool"]
    if tool == "passerelle" and "jobs" in rec["run"]:
        floor = rec.get("label", "").startswith("passerelle-floor")
        tool = f"passerelle-{'floor-' if floor else ''}jobs{rec['run']['jobs']}"
    runs[(rec["file"], rec["size"], tool)].append(rec)

print("| file | MB | tool | rows | rows/s (median) | MB/s | peak RSS MB | CPU s (process) | CPU µs per row | load 1 min | runs |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|---|---:|")
medians = {}
for (file, size, tool), recs in sorted(runs.items()):
    rps = statistics.median(r["run"]["rows_per_s"] for r in recs)
    mbs = statistics.median(float(r["run"]["mb_per_s"]) for r in recs)
    rss = statistics.median(r["peak_rss_kb"] for r in recs) / 1024
    cpu = statistics.median(r.get("cpu_s", 0) for r in recs)
    loads = [r["load"] for r in recs if "load" in r]
    load = f"{min(loads):.1f}–{max(loads):.1f}" if loads else "?"
    medians[(file, tool)] = rps
    per_row = cpu / max(1, recs[0]["run"]["rows"]) * 1e6
    print(f"| {file} | {size/1e6:.0f} | {tool} | {recs[0]['run']['rows']} | {rps:,.0f} | {mbs:.1f} | {rss:.0f} | {cpu:.2f} | {per_row:.2f} | {load} | {len(recs)} |")
print()
for (file, tool), rps in sorted(medians.items()):
    if not tool.startswith("passerelle"):
        continue
    for peer, target in (("python-csv", 1.5), ("pandas-read_csv", 5.0)):
        if (file, peer) in medians:
            ratio = rps / medians[(file, peer)]
            note = "ceiling: reading before the mapping" if "floor" in tool else f"target {target}x"
            print(f"{file}: {tool} / {peer} = {ratio:.2f}x ({note})")
