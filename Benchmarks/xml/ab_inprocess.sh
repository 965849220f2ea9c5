#!/usr/bin/env bash
# A/B of two in-process xml-bench builds against the peers when the machine is busy: each round
# runs xmllint parse-only, lxml, OLD and NEW (--jobs 1 and 2), xmllint --schema and OLD/NEW with
# the CI-SIS schema one after the other, so that load changes hit every tool alike. Prints one
# JSON line per measurement (round lines carry the load average); take medians per case.
#
# Usage: OLD=path/xml-bench NEW=path/xml-bench Benchmarks/xml/ab_inprocess.sh [REPEAT=5] [ROUNDS=3]
# Environment: PASSERELLE_SHARED (default ../shared beside the checkout), PY (lxml's python,
# default the bench virtualenv of ../shared/bench/setup.sh).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
shared="${PASSERELLE_SHARED:-$here/../../../shared}"
C="$shared/corpus/cda"; S="$shared/corpus/schemas/ci-sis/infrastructure/cda/CDA_extended.xsd"
X="$shared/bench/xml"; PY="${PY:-${PASSERELLE_BENCH_HOME:-$HOME/.cache/passerelle-bench}/venv/bin/python}"
OLD=${OLD:?OLD=xml-bench executable}; NEW=${NEW:?NEW=xml-bench executable}
R=${1:-5}; ROUNDS=${2:-3}
rssfile=$(mktemp); verdicts=$(mktemp); trap 'rm -f "$rssfile" "$verdicts"' EXIT
for round in $(seq 1 $ROUNDS); do
  echo "{\"round\":$round,\"load\":\"$(cut -d' ' -f1 /proc/loadavg)\"}"
  for case in xmllint_parse lxml old1 new1 old2 new2 xmllint_xsd oldx1 newx1; do
    case $case in
      xmllint_parse) out=$(bash $X/xmllint_parse.sh $C $R | tail -1);;
      lxml) out=$(/usr/bin/time -f 'RSS %M' -o "$rssfile" $PY $X/lxml_extract.py $C --repeat $R | tail -1);;
      old1) out=$(/usr/bin/time -f 'RSS %M' -o "$rssfile" $OLD $C --repeat $R --jobs 1);;
      new1) out=$(/usr/bin/time -f 'RSS %M' -o "$rssfile" $NEW $C --repeat $R --jobs 1);;
      old2) out=$(/usr/bin/time -f 'RSS %M' -o "$rssfile" $OLD $C --repeat $R --jobs 2);;
      new2) out=$(/usr/bin/time -f 'RSS %M' -o "$rssfile" $NEW $C --repeat $R --jobs 2);;
      xmllint_xsd) out=$(bash $X/xmllint_validate.sh $C $S $R "$verdicts" | tail -1);;
      oldx1) out=$(/usr/bin/time -f 'RSS %M' -o "$rssfile" $OLD $C --repeat $R --jobs 1 --schema $S);;
      newx1) out=$(/usr/bin/time -f 'RSS %M' -o "$rssfile" $NEW $C --repeat $R --jobs 1 --schema $S);;
    esac
    rss=$(grep RSS "$rssfile" 2>/dev/null | awk '{print $2}'); : > "$rssfile"
    echo "{\"case\":\"$case\",\"rss_kb\":\"${rss:-}\",\"out\":$out}"
  done
done
