#!/usr/bin/env python3
"""CDA benchmark driver: `passerelle validate` against xmllint and lxml on the same corpus, in the
same run. Every measurement is repeated RUNS times; the table shows medians of docs/s, MB/s and
peak RSS, and each Passerelle row's throughput ratio to its peer.

Usage: bench_xml.py --bin PASSERELLE --corpus CDA_DIR --schema XSD --shared SHARED_DIR --py PYTHON
                    [--repeat 20] [--runs 3] [--results OUT.jsonl]
"""
import argparse, json, statistics, subprocess, sys, tempfile, time
from pathlib import Path


def corpus_files(corpus):
    return sorted(p for p in Path(corpus).rglob("*") if p.is_file() and p.suffix.lower() == ".xml")


def timed(cmd):
    """Runs cmd under /usr/bin/time; returns (wall seconds, peak RSS MB, stdout)."""
    with tempfile.NamedTemporaryFile("r") as rss:
        start = time.perf_counter()
        out = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", rss.name] + cmd,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        wall = time.perf_counter() - start
        peak_kb = int(rss.read().strip().splitlines()[-1])
    return wall, peak_kb / 1024, out.stdout


def peer_seconds(stdout):
    """The timed section reported by a shared peer script (its last JSON line)."""
    line = [l for l in stdout.splitlines() if l.startswith("{")][-1]
    return float(json.loads(line)["seconds"])


def main():
    ap = argparse.ArgumentParser()
    for name in ("--bin", "--corpus", "--schema", "--shared", "--py"):
        ap.add_argument(name, required=True)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--results")
    ap.add_argument("--inprocess", help="xml-bench executable: in-process rows timed like the peers (documents in memory)")
    ap.add_argument("--only-inprocess", action="store_true", help="skip the passerelle CLI rows (needs --inprocess)")
    a = ap.parse_args()

    files = corpus_files(a.corpus)
    nbytes = sum(p.stat().st_size for p in files)
    docs = len(files) * a.repeat
    xml = Path(a.shared) / "bench" / "xml"
    # Passerelle processes the corpus directory named REPEAT times on one command line (one
    # process, schema compiled once), like each peer's REPEAT passes in one process.
    corpus_args = [a.corpus] * a.repeat
    pv = [a.bin, "validate", "--format", "text", "--output", "/dev/null"]
    cases = [
        ("validate CI-SIS XSD", "passerelle --jobs 1", pv + ["--schema", a.schema, "--rules", "none", "--jobs", "1"] + corpus_args, None),
        ("validate CI-SIS XSD", "passerelle --jobs 2", pv + ["--schema", a.schema, "--rules", "none", "--jobs", "2"] + corpus_args, None),
        ("validate CI-SIS XSD", "xmllint --schema (peer)", ["bash", str(xml / "xmllint_validate.sh"), a.corpus, a.schema,
                                                   str(a.repeat), str(Path(tempfile.gettempdir()) / "passerelle-bench-verdicts.csv")], "peer"),
        ("parse + model", "passerelle --rules none --jobs 1", pv + ["--rules", "none", "--jobs", "1"] + corpus_args, None),
        ("parse + model", "passerelle --rules none --jobs 2", pv + ["--rules", "none", "--jobs", "2"] + corpus_args, None),
        ("parse + model", "xmllint parse only (peer)", ["bash", str(xml / "xmllint_parse.sh"), a.corpus, str(a.repeat)], "peer"),
        ("parse + model", "lxml extract (peer)", [a.py, str(xml / "lxml_extract.py"), a.corpus, "--repeat", str(a.repeat)], "peer"),
    ]
    if a.inprocess:
        ip = [a.inprocess, a.corpus, "--repeat", str(a.repeat)]
        cases[2:2] = [
            ("validate CI-SIS XSD", "in-process --jobs 1", ip + ["--schema", a.schema, "--jobs", "1"], "peer-like"),
            ("validate CI-SIS XSD", "in-process --jobs 2", ip + ["--schema", a.schema, "--jobs", "2"], "peer-like"),
        ]
        cases[7:7] = [
            ("parse + model", "in-process --jobs 1", ip + ["--jobs", "1"], "peer-like"),
            ("parse + model", "in-process --jobs 2", ip + ["--jobs", "2"], "peer-like"),
        ]
    if a.only_inprocess:
        cases = [c for c in cases if c[3] is not None]
    rows = []
    for group, label, cmd, kind in cases:
        samples = []
        for _ in range(a.runs):
            wall, rss, out = timed(cmd)
            seconds = peer_seconds(out) if kind in ("peer", "peer-like") else wall
            samples.append({"seconds": seconds, "wall": wall, "rss_mb": rss})
        seconds = statistics.median(s["seconds"] for s in samples)
        row = {"group": group, "tool": label, "files": len(files), "repeat": a.repeat, "docs": docs,
               "median_seconds": round(seconds, 3), "docs_per_s": round(docs / seconds, 1),
               "mb_per_s": round(nbytes * a.repeat / seconds / 1e6, 1),
               "peak_rss_mb": round(statistics.median(s["rss_mb"] for s in samples), 1),
               "samples": samples}
        rows.append(row)
        print(f"  measured {label:36s} {row['docs_per_s']:8.1f} docs/s", file=sys.stderr)

    print(f"\nCorpus: {len(files)} documents, {nbytes / 1e6:.1f} MB, x{a.repeat} per run "
          f"({docs} documents, {nbytes * a.repeat / 1e6:.0f} MB); medians of {a.runs} runs.")
    print("Peers report their own timed section; Passerelle rows are process wall time (startup and schema compile included).\n")
    header = f"| {'task':20s} | {'tool':34s} | {'docs/s':>8s} | {'MB/s':>7s} | {'peak RSS MB':>11s} | ratios |"
    print(header)
    print("|" + "|".join("-" * (len(c)) for c in header.split("|")[1:-1]) + "|")
    for row in rows:
        peers = [p for p in rows if p["group"] == row["group"] and "(peer)" in p["tool"]]
        ratios = "" if "(peer)" in row["tool"] else ", ".join(
            f"{row['docs_per_s'] / p['docs_per_s']:.2f}x {p['tool'].split()[0]}" for p in peers)
        print(f"| {row['group']:20s} | {row['tool']:34s} | {row['docs_per_s']:8.1f} | {row['mb_per_s']:7.1f} | "
              f"{row['peak_rss_mb']:11.1f} | {ratios} |")
    if a.results:
        with open(a.results, "a") as out:
            for row in rows:
                out.write(json.dumps(row) + "\n")
        print(f"\nraw samples: {a.results}")


if __name__ == "__main__":
    main()
