#!/usr/bin/env bash
# Gateway load benchmark: wrk posts realistic CDA documents (from Benchmarks/ingest/generate.py,
# each with a fresh document id) to `passerelle serve` over loopback for a fixed time, and prints
# documents/s and latency p50/p90/p99 for: SQLite; PostgreSQL (throwaway server); two server
# processes sharing one PostgreSQL store (wrk then splits its connections over both).
#
# Usage: Benchmarks/server/run.sh [SECONDS]          (default 20)
# Env:   PASSERELLE_BIN (default .build/release/passerelle, built when missing), CONNECTIONS (16),
#        THREADS (2), DOCUMENTS (200 templates), WORK (/tmp/passerelle-server-bench), POSTGRES=0 to skip PostgreSQL.
# Needs wrk (Debian package `wrk`; installed when missing and apt is available).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SECONDS_RUN=${1:-20}
BIN=${PASSERELLE_BIN:-$ROOT/.build/release/passerelle}
WORK=${WORK:-/tmp/passerelle-server-bench}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { echo "wrk is needed (apt-get install wrk)" >&2; exit 2; }; }
[ -x "$BIN" ] || swift build -c release --product passerelle
mkdir -p "$WORK"

# Templates: generated documents with @@ID@@ in the document id and set id.
if [ ! -f "$WORK/templates.txt" ]; then
  python3 Benchmarks/ingest/generate.py --documents "${DOCUMENTS:-200}" --out "$WORK/generated" >/dev/null
  python3 - "$WORK" <<'PY'
import pathlib, re, sys
work = pathlib.Path(sys.argv[1])
out = work / "templates"
out.mkdir(exist_ok=True)
paths = []
for path in sorted((work / "generated").rglob("*.xml")):
    text = path.read_text(encoding="utf-8")
    for tag in ("<id ", "<setId "):
        start = text.find(tag)
        if start < 0:
            break
        end = text.find(">", start)
        element = re.sub(r'extension="([^"]*)"', r'extension="\1-@@ID@@"', text[start:end], count=1)
        text = text[:start] + element + text[end:]
    target = out / path.name
    target.write_text(text, encoding="utf-8")
    paths.append(str(target))
(work / "templates.txt").write_text("\n".join(paths) + "\n")
print(f"{len(paths)} templates")
PY
fi
echo "passerelle: $BIN; $(wrk --version 2>&1 | head -n 1); ${CONNECTIONS} connections, ${THREADS} threads, ${SECONDS_RUN} s; load: $(cut -d' ' -f1-3 /proc/loadavg)"

# serve STORE NAME -> starts a server, prints its port
start_server() {
  local store=$1 name=$2
  "$BIN" serve --port 0 --store "$store" --log-level warning --config "$WORK/bench.yaml" > /dev/null 2> "$WORK/$name.log" &
  echo $! > "$WORK/$name.pid"
  for _ in $(seq 200); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$WORK/$name.log" 2>/dev/null | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && { echo "$port"; return 0; }
    sleep 0.1
  done
  cat "$WORK/$name.log" >&2
  return 1
}
stop_server() { # SIGTERM, then wait until the process is gone (graceful shutdown finishes in-flight work)
  local pid
  pid=$(cat "$WORK/$1.pid")
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
}
cat > "$WORK/bench.yaml" <<YAML
rateLimitPerSecond: 0
maxQueuedIngests: 1024
YAML

run_case() { # LABEL STORE [SECOND_STORE_SERVER]
  local label=$1 store=$2 two=${3:-}
  local token
  token=$("$BIN" tokens create --name "bench-$RANDOM$RANDOM" --scope ingest --store "$store" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
  local port port2
  port=$(start_server "$store" server1)
  local rss_pids=("$(cat "$WORK/server1.pid")")
  if [ -n "$two" ]; then
    port2=$(start_server "$store" server2)
    rss_pids+=("$(cat "$WORK/server2.pid")")
    # Two wrk processes, one per server, half the connections each.
    wrk -t1 -c$((CONNECTIONS / 2)) -d"${SECONDS_RUN}s" --latency -s Benchmarks/server/post.lua "http://127.0.0.1:$port" -- "$WORK/templates.txt" "$token" > "$WORK/wrk1.txt" &
    wrk -t1 -c$((CONNECTIONS / 2)) -d"${SECONDS_RUN}s" --latency -s Benchmarks/server/post.lua "http://127.0.0.1:$port2" -- "$WORK/templates.txt" "$token" > "$WORK/wrk2.txt"
    wait
    python3 - "$label" "$WORK/wrk1.txt" "$WORK/wrk2.txt" <<'PY' | tee -a "$WORK/results.txt"
import json, sys
rows = [json.loads(open(p).read().split("RESULT ", 1)[1]) for p in sys.argv[2:]]
dps = sum(r["documents_per_second"] for r in rows)
print(f"{sys.argv[1]}: {dps:.0f} documents/s (sum of 2 servers), p50 {max(r['p50_ms'] for r in rows):.1f} ms, "
      f"p99 {max(r['p99_ms'] for r in rows):.1f} ms (worst server), non-2xx {sum(r['non_2xx'] for r in rows)}")
PY
  else
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${SECONDS_RUN}s" --latency -s Benchmarks/server/post.lua "http://127.0.0.1:$port" -- "$WORK/templates.txt" "$token" > "$WORK/wrk1.txt"
    python3 - "$label" "$WORK/wrk1.txt" <<'PY' | tee -a "$WORK/results.txt"
import json, sys
r = json.loads(open(sys.argv[2]).read().split("RESULT ", 1)[1])
print(f"{sys.argv[1]}: {r['documents_per_second']:.0f} documents/s, p50 {r['p50_ms']:.1f} ms, p90 {r['p90_ms']:.1f} ms, "
      f"p99 {r['p99_ms']:.1f} ms, max {r['max_ms']:.0f} ms, non-2xx {r['non_2xx']}, socket errors {r['socket_errors']}")
PY
  fi
  for pid in "${rss_pids[@]}"; do echo "  peak RSS pid $pid: $(grep VmHWM /proc/"$pid"/status | awk '{print $2/1024 " MB"}')"; done
  stop_server server1
  [ -n "$two" ] && stop_server server2
  return 0
}

rm -f "$WORK"/bench.sqlite*
run_case "serve-sqlite" "$WORK/bench.sqlite"
if [ "${POSTGRES:-1}" = 1 ] && [ -x scripts/with-postgres.sh ]; then
  scripts/with-postgres.sh bash -c "
    set -e
    $(declare -f start_server stop_server run_case)
    BIN='$BIN' WORK='$WORK' CONNECTIONS='$CONNECTIONS' THREADS='$THREADS' SECONDS_RUN='$SECONDS_RUN'
    run_case serve-postgres \"\$PASSERELLE_TEST_POSTGRES_URL?schema=bench_one\"
    run_case serve-postgres-2-processes \"\$PASSERELLE_TEST_POSTGRES_URL?schema=bench_two\" two
  "
fi
echo "results appended to $WORK/results.txt"
