#!/usr/bin/env bash
# Installs the system packages Passerelle needs when they are missing (Debian/Ubuntu):
# libxml2-dev (parsing, XSD) and libxml2-utils (xmllint, used by the conformance tests to
# compare XSD verdicts). Nothing is installed when everything is already there.
set -euo pipefail

missing=()
pkg-config --exists libxml-2.0 2>/dev/null || missing+=(libxml2-dev pkg-config)
command -v xmllint >/dev/null 2>&1 || missing+=(libxml2-utils)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
