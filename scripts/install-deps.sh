#!/usr/bin/env bash
# Installs the system packages Passerelle needs when they are missing (Debian/Ubuntu):
# libxml2-dev (parsing, XSD) and libxml2-utils (xmllint, used by the conformance tests to
# compare XSD verdicts), and Python's jsonschema (the model tests validate the JSON form against
# schemas/document.schema.json). Nothing is installed when everything is already there.
set -euo pipefail

missing=()
pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev pkg-config)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)
missing_py=()
python3 -c 'import jsonschema' 2>/dev/null || missing_py+=(jsonschema)

if [ ${#missing_py[@]} -gt 0 ]; then
  echo "installing (pip): ${missing_py[*]}"
  if ! python3 -m pip install --quiet "${missing_py[@]}" 2>/dev/null; then
    # Debian's system Python refuses pip installs (PEP 668): use the packaged module instead.
    missing+=(python3-jsonschema)
  fi
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
