#!/usr/bin/env bash
# Flat-export reading benchmark: `passerelle profile read` (tokenize + decode + map into the
# document model + SHA-256 per record) against Python's csv module and pandas on the same files,
# in the same run. Prints medians of rows/s, MB/s, peak RSS and the ratios.
#
# Usage: Benchmarks/flat/run.sh [REPEAT]
# Environment:
#   PASSERELLE_BIN   passerelle executable (default: build .build/release/passerelle)
#   FLAT_BENCH_ROWS  rows of the generated base export (default 200000, ≈ 46 MB)
#   FLAT_BENCH_COPIES  space-separated copy counts of the base body for the memory comparison
#                    (default "2 22": ≈ 92 MB and ≈ 1 GB)
#   FLAT_BENCH_PANDAS_MAX_MB  skip pandas above this size (default 200; pandas holds the file in memory)
#   FLAT_BENCH_JOBS  space-separated `--jobs` values for passerelle, each measured as its own tool
#                    (default "1 2": one thread, then two threads mapping rows)
#   FLAT_BENCH_FLOOR 1: also measure each `--jobs` with Benchmarks/flat/floor.profile.json
#                    ("passerelle-floor-jobsN": only the IPP and the date mapped; every row still
#                    scanned, checked, hashed and built into a document), the cost of reading
#                    before the mapping of the other eight columns
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${PASSERELLE_SHARED:-$root/../shared}"
repeat="${1:-3}"
rows="${FLAT_BENCH_ROWS:-200000}"
copies="${FLAT_BENCH_COPIES:-2 22}"
pandas_max_mb="${FLAT_BENCH_PANDAS_MAX_MB:-200}"
jobs_list="${FLAT_BENCH_JOBS:-1 2}"
profile="$root/Fixtures/profiles/lgc-semicolon-cp1252.json"
floor="${FLAT_BENCH_FLOOR:-0}"

PY=$(bash "$shared/bench/setup.sh" | tail -n 1)
home="${PASSERELLE_BENCH_HOME:-$HOME/.cache/passerelle-bench}"
data="$home/data/flat"
results="$home/results/flat-$(date +%Y%m%d-%H%M%S).jsonl"
mkdir -p "$data" "$(dirname "$results")"

source "$here/exports.sh"
bin=$(passerelle_binary)
files=("$(base_export "$rows")")
for n in $copies; do files+=("$(repeated_export "$rows" "$n")"); done

run_timed() { # label file command... -> one JSON line per tool with peak_rss_mb
  local label="$1" file="$2"; shift 2
  local tmp; tmp=$(mktemp)
  /usr/bin/time -f "%M %U %S" -o "$tmp.rss" "$@" > "$tmp" 2>/dev/null
  local rss cpu load; read -r rss user sys < <(tail -n 1 "$tmp.rss")
  cpu=$(python3 -c "print(round($user + $sys, 2))")
  load=$(cut -d ' ' -f 1 /proc/loadavg)
  while IFS= read -r line; do
    [ -n "$line" ] && echo "{\"file\":\"$(basename "$file")\",\"size\":$(stat -c %s "$file"),\"peak_rss_kb\":$rss,\"cpu_s\":$cpu,\"load\":$load,\"label\":\"$label\",\"run\":$line}"
  done < "$tmp"
  rm -f "$tmp" "$tmp.rss"
}

for file in "${files[@]}"; do
  size_mb=$(( $(stat -c %s "$file") / 1000000 ))
  for i in $(seq "$repeat"); do
    for jobs in $jobs_list; do
      run_timed "passerelle-jobs$jobs" "$file" "$bin" profile read --jobs "$jobs" --profile "$profile" "$file" --max-diagnostics 0 >> "$results"
      if [ "$floor" = 1 ]; then
        run_timed "passerelle-floor-jobs$jobs" "$file" "$bin" profile read --jobs "$jobs" --profile "$here/floor.profile.json" "$file" \
          --max-diagnostics 0 >> "$results"
      fi
    done
    run_timed python "$file" "$PY" "$shared/bench/flat/python_csv_read.py" "$file" --no-pandas >> "$results"
    if [ "$size_mb" -le "$pandas_max_mb" ]; then
      # pandas alone (its own process, so that its peak RSS is its own)
      run_timed pandas "$file" "$PY" -c "
import json,os,sys,time,pandas as pd
f=sys.argv[1]; t=time.perf_counter(); df=pd.read_csv(f,sep=';',encoding='cp1252',dtype=str,keep_default_na=False); dt=time.perf_counter()-t
print(json.dumps({'tool':'pandas-read_csv','rows':len(df),'seconds':round(dt,3),'rows_per_s':round(len(df)/dt),'mb_per_s':round(os.path.getsize(f)/dt/1e6,1)}))" "$file" >> "$results"
    fi
  done
done

python3 "$here/summarize.py" "$results"
echo "raw results: $results"
