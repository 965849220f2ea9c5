#!/usr/bin/env bash
# CDA benchmark: `passerelle validate` (CI-SIS XSD, and parse + model without schema) against
# xmllint and lxml on the shared corpus, in the same run. Prints medians of 3 runs: docs/s, MB/s,
# peak RSS (/usr/bin/time) and Passerelle/peer throughput ratios.
#
# Usage: Benchmarks/xml/run.sh [REPEAT]     (REPEAT passes over the corpus per run, default 20)
# Environment:
#   PASSERELLE_BIN     passerelle executable (default .build/release/passerelle; `make bench` builds it,
#                      with the in-process xml-bench beside it)
#   PASSERELLE_CORPUS  shared corpus (default ../shared/corpus beside the checkout)
#   PASSERELLE_SHARED  shared folder holding bench/ (default ../shared)
#   XML_BENCH_RUNS     runs per measurement (default 3)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
shared="${PASSERELLE_SHARED:-$root/../shared}"
corpus="${PASSERELLE_CORPUS:-$shared/corpus}"
repeat="${1:-20}"
runs="${XML_BENCH_RUNS:-3}"
bin="${PASSERELLE_BIN:-$root/.build/release/passerelle}"
schema="$corpus/schemas/ci-sis/infrastructure/cda/CDA_extended.xsd"

[ -x "$bin" ] || { echo "no passerelle binary at $bin: run 'make bench' or set PASSERELLE_BIN" >&2; exit 2; }
[ -d "$corpus/cda" ] || { echo "corpus not found at $corpus: set PASSERELLE_CORPUS" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time (peak RSS)" >&2
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get install -y -qq time >/dev/null
fi
PY=$(bash "$shared/bench/setup.sh" | tail -n 1)
home="${PASSERELLE_BENCH_HOME:-$HOME/.cache/passerelle-bench}"
mkdir -p "$home/results"

echo "passerelle: $bin ($("$bin" --version)); $(xmllint --version 2>&1 | head -n 1); lxml: $("$PY" -c 'import lxml.etree as e; print(e.__version__)')"
echo "machine: $(nproc) cores, $(uname -srm)"
# Sanity: Passerelle's CI-SIS verdicts on the corpus (MANIFEST: 55 of 67 valid).
"$bin" validate --schema "$schema" --rules none --format json "$corpus/cda" 2>/dev/null \
  | "$PY" -c 'import json,sys; s=json.load(sys.stdin); print("CI-SIS XSD verdicts: %d of %d valid (MANIFEST: 55 of 67)" % (s["passed"], s["documents"]))' || true
# In-process rows (xml-bench: documents read into memory first, timed section only, like the
# peers' own timers) when the benchmark executable sits beside passerelle.
inprocess=()
[ -x "$(dirname "$bin")/xml-bench" ] && inprocess=(--inprocess "$(dirname "$bin")/xml-bench")
"$PY" "$here/bench_xml.py" --bin "$bin" --corpus "$corpus/cda" --schema "$schema" --shared "$shared" --py "$PY" "${inprocess[@]}" \
  --repeat "$repeat" --runs "$runs" --results "$home/results/xml-$(date +%Y%m%d-%H%M%S).jsonl"
