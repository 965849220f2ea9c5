#!/usr/bin/env bash
# `passerelle validate` report formats on large exports: wall time, peak RSS and report size of
# `validate --profile P --format F --output R` for F in text, json, junit, sarif, on the generated
# exports of run.sh (46 MB, 92 MB; 1 GB with REPORTS_LARGE=1) and on an export whose every row
# fails (every row then has a diagnostic that every format reports). Python's csv module reading
# the same file runs in the same invocation, as the reference for "reading alone".
#
# Usage: Benchmarks/flat/reports.sh [REPEAT]   (default 3; medians are printed)
# Environment:
#   PASSERELLE_BIN   passerelle executable (default: build .build/release/passerelle)
#   REPORTS_LARGE    1: also the 1 GB export (about 3 minutes a pass; JSON writes 2.2 GB, and as
#                    much again waits in the spool in TMPDIR while it runs)
#   REPORTS_FAILING_ROWS  rows of the all-failing export (default 1000000, ≈ 95 MB)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${PASSERELLE_SHARED:-$root/../shared}"
repeat="${1:-3}"
profile="$root/Fixtures/profiles/lgc-semicolon-cp1252.json"
home="${PASSERELLE_BENCH_HOME:-$HOME/.cache/passerelle-bench}"
data="$home/data/flat"
mkdir -p "$data"
PY=$(bash "$shared/bench/setup.sh" | tail -n 1)

source "$here/exports.sh"
bin=$(passerelle_binary)
files=("$(base_export 200000)" "$(repeated_export 200000 2)")
if [ "${REPORTS_LARGE:-0}" = 1 ]; then files+=("$(repeated_export 200000 22)"); fi
failing_rows="${REPORTS_FAILING_ROWS:-1000000}"
failing="$data/lgc-failing-$failing_rows.csv"
if [ ! -f "$failing" ]; then
  # 31/02 is no date: every row fails FLAT-DATE.
  python3 - "$failing" "$failing_rows" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="cp1252", newline="") as out:
    out.write("NOM;NOM_NAISSANCE;PRENOMS;DATE_NAISSANCE;SEXE;NIR;IPP;DATE_CONSULTATION;MOTIF;OBSERVATION\r\n")
    for row in range(int(sys.argv[2])):
        out.write(f"ESSAI;ESSAI;Anne;01/02/1970;F;;P{row};31/02/2024;Suivi;Observation {row} sans particularite\r\n")
PY
fi
files+=("$failing")

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
results="$scratch/results.tsv"
for file in "${files[@]}"; do
  for _ in $(seq "$repeat"); do
    /usr/bin/time -f "%e %M" -o "$scratch/time" "$PY" -c "
import csv, sys
with open(sys.argv[1], encoding='cp1252', newline='') as f:
    for _ in csv.reader(f, delimiter=';'): pass" "$file"
    read -r wall rss < "$scratch/time"
    printf '%s\tpython csv (reading alone)\t%s\t%s\t0\n' "$(basename "$file")" "$wall" "$rss" >> "$results"
    for format in text json junit sarif; do
      # Exit status 1 (rows failed) is expected on the failing export.
      /usr/bin/time -f "%e %M" -o "$scratch/time" "$bin" validate --profile "$profile" --format "$format" \
        --output "$scratch/report" "$file" 2> /dev/null || true
      read -r wall rss < <(tail -n 1 "$scratch/time")
      printf '%s\tvalidate --format %s\t%s\t%s\t%s\n' "$(basename "$file")" "$format" "$wall" "$rss" "$(stat -c %s "$scratch/report")" >> "$results"
      rm -f "$scratch/report"
    done
  done
done

python3 - "$results" <<'PY'
import statistics, sys
from collections import defaultdict
rows = defaultdict(list)
order = []
for line in open(sys.argv[1]):
    file, tool, wall, rss, size = line.rstrip("\n").split("\t")
    if (file, tool) not in rows: order.append((file, tool))
    rows[(file, tool)].append((float(wall), int(rss), int(size)))
print("| export | run | wall s (median) | × python csv wall | peak RSS MB | report MB |")
print("|---|---|---:|---:|---:|---:|")
for file, tool in order:
    runs = rows[(file, tool)]
    wall = statistics.median(r[0] for r in runs)
    reference = statistics.median(r[0] for r in rows[(file, "python csv (reading alone)")])
    rss = statistics.median(r[1] for r in runs) / 1000
    size = statistics.median(r[2] for r in runs) / 1e6
    print(f"| {file} | {tool} | {wall:.2f} | {wall / reference:.2f} | {rss:.1f} | {size:.1f} |")
PY
