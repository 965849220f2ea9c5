#!/usr/bin/env bash
# Installs the system packages Passerelle needs when they are missing (Debian/Ubuntu):
# libxml2-dev (parsing, XSD) and libxml2-utils (xmllint, used by the conformance tests to
# compare XSD verdicts), and Python's jsonschema (the model tests validate the JSON form against
# schemas/document.schema.json). Nothing is installed when everything is already there.
set -euo pipefail

missing=()
pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev pkg-config)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
# PostgreSQL server binaries for the store tests (scripts/with-postgres.sh starts a throwaway server).
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  missing+=(postgresql)
fi
# SQLite headers for the record store (GRDB links the system SQLite).
[ -e /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
missing_py=()
python3 -c 'import jsonschema' 2>/dev/null || missing_py+=(jsonschema)
# PyYAML: the HTTP API contract test (scripts/check_openapi.py) reads schemas/openapi.yaml.
python3 -c 'import yaml' 2>/dev/null || missing_py+=(pyyaml)

if [ ${#missing_py[@]} -gt 0 ]; then
  echo "installing (pip): ${missing_py[*]}"
  if ! python3 -m pip install --quiet "${missing_py[@]}" 2>/dev/null; then
    # Debian's system Python refuses pip installs (PEP 668): use the packaged module instead.
    missing+=(python3-jsonschema python3-yaml)
  fi
fi

# fhir.resources (R4B models): the independent check of the FHIR output (scripts/check_fhir.py,
# run by PasserelleEmitTests). pip first; under PEP 668 --break-system-packages; else a venv in
# .build-venv/ (the tests use .build-venv/bin/python3 when it exists).
fhir_root="$(cd "$(dirname "$0")/.." && pwd)"
fhir_requirement='fhir.resources==7.1.0'
fhir_ok() { "$1" -c 'import fhir.resources.R4B.bundle' 2>/dev/null; }
install_fhir_resources() {
  fhir_ok python3 && return 0
  [ -x "$fhir_root/.build-venv/bin/python3" ] && fhir_ok "$fhir_root/.build-venv/bin/python3" && return 0
  python3 -m pip --version >/dev/null 2>&1 || return 1
  echo "installing (pip): $fhir_requirement"
  python3 -m pip install --quiet "$fhir_requirement" 2>/dev/null && fhir_ok python3 && return 0
  python3 -m pip install --quiet --break-system-packages "$fhir_requirement" 2>/dev/null && fhir_ok python3 && return 0
  python3 -m venv "$fhir_root/.build-venv" && "$fhir_root/.build-venv/bin/python3" -m pip install --quiet "$fhir_requirement"
}
if ! install_fhir_resources; then
  missing+=(python3-pip python3-venv)
fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
install_fhir_resources || { echo "could not install $fhir_requirement" >&2; exit 1; }
