#!/usr/bin/env python3
"""Identity-matching benchmark: `passerelle match` side by side with the peers, in one run.

  python3 Benchmarks/identity/bench.py --passerelle PATH/TO/passerelle [--runs 3] [--skip-peers]
                                       [--french-persons 3000] [--scale] [--identity-bench PATH]

For each data set, runs the binary under /usr/bin/time -v (wall time, peak RSS), scores its pairs
and clusters with ../shared/bench/score_links.py, and prints a markdown table (medians over
--runs) next to Splink and recordlinkage (ECM) run in the same invocation on the same files.

Data sets:
  febrl4   link 5k x 5k     (exported by ../shared/bench/export_febrl.py; soc_sec_id mapped as a
                             personal weak identifier: --weak-id personal)
  febrl3   dedupe 5k
  french   dedupe of a generated French set (make_french_identities.py, seed 7): twins, homonyms,
           parent/child, spouses, married names, mojibake, INS traps. Reports how many true pairs
           went to review instead of link, and how many trap pairs (must-not-link) were linked.
  --scale  dedupe of ~100k generated French records (target < 60 s on 2 cores), and, with
           --identity-bench, incremental resolve latency against an index built from ~1M records
           (target p99 <= 2 ms).
Outputs go under $PASSERELLE_BENCH_HOME/identity/ (default ~/.cache/passerelle-bench/identity).
Standard library only (the peers use the virtualenv made by ../shared/bench/setup.sh).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("PASSERELLE_SHARED", HERE.parents[2] / "shared")).resolve()
if not (SHARED / "bench").exists():
    SHARED = Path("/work/shared")
BENCH = SHARED / "bench"
HOME = Path(os.environ.get("PASSERELLE_BENCH_HOME", Path.home() / ".cache" / "passerelle-bench"))
FEBRL = HOME / "data" / "febrl"
OUT = HOME / "identity"
FEBRL_MAP = ["--map", "given_name=given_names", "--map", "surname=birth_family_name", "--map", "street_number=address",
             "--map", "address_1=address", "--map", "address_2=address", "--map", "suburb=city", "--map", "state=ignore",
             "--map", "date_of_birth=birth_date", "--map", "soc_sec_id=weak_id", "--weak-id", "personal"]


def timed(argv: list[str]) -> tuple[float, float, str]:
    """Runs argv under /usr/bin/time -v; returns (wall s, peak MB, stdout)."""
    proc = subprocess.run(["/usr/bin/time", "-v", *argv], capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-2000:])
        raise SystemExit(f"failed: {' '.join(argv[:3])} ...")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", proc.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    seconds = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.group(1).split(":")))) if wall else 0.0
    return seconds, (int(rss.group(1)) / 1024 if rss else 0.0), proc.stdout


def score(truth: Path, pred: Path | None = None, clusters: Path | None = None, persons: Path | None = None) -> dict:
    argv = [sys.executable, str(BENCH / "score_links.py"), "--truth", str(truth)]
    argv += ["--pred", str(pred)] if pred else ["--clusters", str(clusters)]
    if persons:
        argv += ["--persons", str(persons)]
    out = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    return json.loads([line for line in out.splitlines() if line.startswith("{")][-1])


def review_stats(review: Path, person_of: dict[str, str] | None, traps: set | None) -> dict:
    rows = list(csv.DictReader(open(review, encoding="utf-8")))
    stats = {"review_items": len(rows)}
    if person_of is not None:
        stats["true_pairs_in_review"] = sum(1 for r in rows if person_of.get(r["rec_id_1"]) == person_of.get(r["rec_id_2"]))
    return stats


def run_passerelle(binary: str, name: str, inputs: list[Path], extra: list[str], truth: Path,
                   persons: Path | None, traps: set | None) -> dict:
    work = OUT / name
    work.mkdir(parents=True, exist_ok=True)
    links, clusters, review, model = work / "links.csv", work / "clusters.csv", work / "review.csv", work / "model.json"
    argv = [binary, "match", *map(str, inputs), "--output", str(links), "--clusters", str(clusters), "--review", str(review),
            "--train", "--model", str(model), *extra]
    wall, peak, _ = timed(argv)
    pairs = score(truth, pred=links)
    result = {"tool": "passerelle", "dataset": name, "wall_s": round(wall, 2), "peak_mb": round(peak, 1),
              "precision": pairs["precision"], "recall": pairs["recall"], "f1": pairs["f1"], "false_links": pairs["fp"]}
    if len(inputs) == 1:
        cl = score(truth, clusters=clusters, persons=persons)
        result.update(cluster_f1=cl["cluster_f1"], collision_clusters=cl["collision_clusters"])
    person_of = None
    if persons:
        person_of = {r["rec_id"]: r["person_id"] for r in csv.DictReader(open(persons, encoding="utf-8"))}
    result.update(review_stats(review, person_of, traps))
    if traps:
        linked = {frozenset((r["rec_id_1"], r["rec_id_2"])) for r in csv.DictReader(open(links, encoding="utf-8"))}
        result["trap_pairs_linked"] = sum(1 for t in traps if t in linked)
    return result


def run_peer(script: str, dataset: str, python: str, extra: list[str]) -> dict:
    out = subprocess.run([python, str(BENCH / "peers" / script), "--dataset", dataset, *extra],
                         capture_output=True, text=True)
    lines = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"tool": script, "dataset": dataset, "error": out.stderr[-300:]}
    r = lines[-1]
    return {"tool": r.get("tool", script), "dataset": dataset, "wall_s": r.get("wall_s"), "peak_mb": r.get("peak_mb"),
            "precision": r.get("precision"), "recall": r.get("recall"), "f1": r.get("f1"), "false_links": r.get("fp"),
            "cluster_f1": r.get("cluster_f1")}


def median_of(results: list[dict]) -> dict:
    merged = dict(results[0])
    for key, value in results[0].items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            merged[key] = statistics.median(r[key] for r in results if r.get(key) is not None)
    merged["runs"] = len(results)
    return merged


def table(rows: list[dict]) -> str:
    cols = ["dataset", "tool", "runs", "precision", "recall", "f1", "false_links", "cluster_f1", "collision_clusters",
            "review_items", "true_pairs_in_review", "trap_pairs_linked", "wall_s", "peak_mb"]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for r in rows:
        lines.append("| " + " | ".join("" if r.get(c) is None else str(r.get(c)) for c in cols) + " |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--passerelle", required=True, help="path to the built passerelle binary (release)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-peers", action="store_true")
    ap.add_argument("--french-persons", type=int, default=3000)
    ap.add_argument("--scale", action="store_true")
    ap.add_argument("--identity-bench", help="path to the built identity-bench binary (incremental latency)")
    args = ap.parse_args()
    if args.scale and not args.identity_bench:
        built = HERE.parents[1] / ".build" / "release" / "identity-bench"
        if built.exists():  # `swift build -c release --product identity-bench`
            args.identity_bench = str(built)
    venv_python = str(HOME / "venv" / "bin" / "python")
    if not (FEBRL / "febrl4_true_links.csv").exists():
        subprocess.run([venv_python, str(BENCH / "export_febrl.py")], check=True)
    french = OUT / "data" / "french"
    if not (french / "records.csv").exists():
        subprocess.run([sys.executable, str(HERE / "make_french_identities.py"), "--persons", str(args.french_persons),
                        "--seed", "7", "--out", str(french)], check=True, capture_output=True)
    traps = {frozenset((r["rec_id_1"], r["rec_id_2"])) for r in csv.DictReader(open(french / "truth" / "trap_pairs.csv"))}
    jobs = [
        ("febrl4", [FEBRL / "febrl4_a.csv", FEBRL / "febrl4_b.csv"], FEBRL_MAP, FEBRL / "febrl4_true_links.csv", None, None),
        ("febrl3", [FEBRL / "febrl3.csv"], FEBRL_MAP, FEBRL / "febrl3_true_links.csv", None, None),
        ("french", [french / "records.csv"], [], french / "truth" / "pairs.csv", french / "truth" / "records_person.csv", traps),
    ]
    rows = []
    for name, inputs, extra, truth, persons, trap_set in jobs:
        rows.append(median_of([run_passerelle(args.passerelle, name, inputs, extra, truth, persons, trap_set)
                               for _ in range(args.runs)]))
        if not args.skip_peers and name.startswith("febrl"):
            rows.append(median_of([run_peer("febrl_splink.py", name, venv_python, []) for _ in range(args.runs)]))
            rows.append(median_of([run_peer("febrl_recordlinkage.py", name, venv_python, ["--classifier", "ecm"])
                                   for _ in range(args.runs)]))
    if args.scale:
        big = OUT / "data" / "french100k"
        if not (big / "records.csv").exists():
            subprocess.run([sys.executable, str(HERE / "make_french_identities.py"), "--persons", "55000", "--seed", "3",
                            "--out", str(big)], check=True, capture_output=True)
        rows.append(run_passerelle(args.passerelle, "french100k", [big / "records.csv"], [], big / "truth" / "pairs.csv",
                                   big / "truth" / "records_person.csv", None))
        if args.identity_bench:
            million = OUT / "data" / "french1m"
            if not (million / "records.csv").exists():
                subprocess.run([sys.executable, str(HERE / "make_french_identities.py"), "--persons", "540000", "--seed", "5",
                                "--out", str(million)], check=True, capture_output=True)
            wall, peak, out = timed([args.identity_bench, str(million / "records.csv"), str(big / "records.csv"),
                                     "--queries", "20000"])
            print("incremental:", out.strip(), f"(wall {wall:.1f} s, peak {peak:.0f} MB)")
    print(table(rows))
    (OUT / "results.json").write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
