#!/usr/bin/env bash
# Ingest / convert benchmark: documents/s, MB/s and peak RSS of `passerelle ingest` (SQLite, and
# PostgreSQL through scripts/with-postgres.sh when available) and `passerelle convert`.
#
# Usage: Benchmarks/ingest/run.sh [DOCUMENTS...]      (default: 10000; e.g. "10000 100000")
# Env:   PASSERELLE_BIN (default: .build/release/passerelle, built when missing), RUNS (default 3),
#        WORK (default /tmp/passerelle-ingest-bench), POSTGRES=1 to add the PostgreSQL runs,
#        EXPORTS="FILE..." to also ingest each of these LGC exports on its own (one file, one
#        document per row: e.g. the 46 MB and 92 MB exports written by Benchmarks/flat/run.sh in
#        ~/.cache/passerelle-bench/data/flat; above 64 MiB a file is streamed from disk).
# Prints one line per run and the median per case; results also go to $WORK/results.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
BIN=${PASSERELLE_BIN:-$ROOT/.build/release/passerelle}
RUNS=${RUNS:-3}
WORK=${WORK:-/tmp/passerelle-ingest-bench}
PROFILE=$ROOT/Fixtures/profiles/lgc-semicolon-cp1252.json
[ -x "$BIN" ] || swift build -c release --product passerelle
mkdir -p "$WORK"
SIZES=("$@"); [ ${#SIZES[@]} -gt 0 ] || SIZES=(10000)

# measure LABEL CMD... : runs CMD under /usr/bin/time, prints documents/s, MB/s, peak RSS.
measure() {
  local label=$1; shift
  local json=$WORK/summary.json
  local load_before
  load_before=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f "%M %e %U %S" -o "$WORK/time.txt" "$@" --format json > "$json" 2> "$WORK/stderr.txt" || true
  read -r rss_kb seconds user system < "$WORK/time.txt"
  python3 - "$label" "$json" "$rss_kb" "$seconds" "$user" "$system" "$load_before" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY' | tee -a "$WORK/results.txt"
import json, sys
label, path, rss_kb, seconds, user, system = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
s = json.load(open(path))
docs = s["documents"]
cpu = user + system
print(f"{label}: {docs} documents in {seconds:.1f} s wall = {docs / seconds:.0f} documents/s, "
      f"{s['bytes'] / 1e6 / seconds:.1f} MB/s, peak RSS {rss_kb / 1024:.0f} MB, CPU {cpu:.1f} s ({cpu / docs * 1000:.2f} ms/doc), "
      f"load {sys.argv[7]}->{sys.argv[8]} "
      f"(stored {s.get('stored', 0)}, quarantined {s.get('quarantined', 0)}, converted {s.get('converted', 0)}, failed {s.get('failed', 0)})")
PY
}

median() { # median of the documents/s of the last N lines with a label
  grep "^$1:" "$WORK/results.txt" | tail -n "$RUNS" | sed -E 's/.* = ([0-9]+) documents\/s.*peak RSS ([0-9]+) MB.*/\1 \2/' | sort -n |
    awk -v label="$1" '{d[NR]=$1; r[NR]=$2} END {m=int((NR+1)/2); print "MEDIAN " label ": " d[m] " documents/s, peak RSS " r[m] " MB"}' |
    tee -a "$WORK/results.txt"
}

for n in "${SIZES[@]}"; do
  data=$WORK/archive-$n
  [ -d "$data" ] || python3 Benchmarks/ingest/generate.py --documents "$n" --out "$data"
  for run in $(seq "$RUNS"); do
    rm -f "$WORK"/bench.sqlite*
    measure "ingest-sqlite-$n" "$BIN" ingest "$data" --store "$WORK/bench.sqlite" --profile "$PROFILE" --jobs 2
  done
  median "ingest-sqlite-$n"
  for run in $(seq "$RUNS"); do
    rm -rf "$WORK/convert-out"
    measure "convert-fhir-$n" "$BIN" convert "$data" --to fhir --out "$WORK/convert-out" --profile "$PROFILE" --jobs 2
  done
  median "convert-fhir-$n"
  if [ "${POSTGRES:-0}" = 1 ] && [ -x scripts/with-postgres.sh ]; then
    for run in $(seq "$RUNS"); do
      scripts/with-postgres.sh bash -c "$(declare -f measure); WORK='$WORK'; measure ingest-postgres-$n '$BIN' ingest '$data' \
        --store \"\$PASSERELLE_TEST_POSTGRES_URL?schema=bench_$run\" --profile '$PROFILE' --jobs 2"
    done
    median "ingest-postgres-$n"
  fi
done

for export in ${EXPORTS:-}; do
  label="ingest-export-$(basename "$export" .csv)"
  for run in $(seq "$RUNS"); do
    rm -f "$WORK"/bench.sqlite*
    measure "$label" "$BIN" ingest "$export" --store "$WORK/bench.sqlite" --profile "$PROFILE" --jobs 2
  done
  median "$label"
done
