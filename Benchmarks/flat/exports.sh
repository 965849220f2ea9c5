# Sourced by the flat benchmarks: the passerelle binary and the generated LGC exports they share.
# Needs: root, shared, PY, data (set by the caller).

# The release binary: PASSERELLE_BIN, else built in the checkout.
passerelle_binary() {
  if [ -n "${PASSERELLE_BIN:-}" ]; then
    echo "$PASSERELLE_BIN"
    return
  fi
  (cd "$root" && swift build -c release --product passerelle >&2)
  echo "$root/.build/release/passerelle"
}

# The seeded export of ROWS rows (generated once), its path on stdout.
base_export() { # ROWS
  local base="$data/lgc-$1.csv"
  [ -f "$base" ] || "$PY" "$shared/bench/flat/make_lgc_export.py" --rows "$1" --out "$base" >&2
  echo "$base"
}

# The export of ROWS rows with its body repeated N times under one header (made once), its path.
repeated_export() { # ROWS N
  local base out
  base=$(base_export "$1")
  out="$data/lgc-$1-x$2.csv"
  if [ ! -f "$out" ]; then
    head -n 1 "$base" > "$out"
    for _ in $(seq "$2"); do tail -n +2 "$base" >> "$out"; done
  fi
  echo "$out"
}
