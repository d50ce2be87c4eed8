#!/usr/bin/env bash
# Compiled artifacts of the Safe versions that are not in tests/node's lock (1.0.0, 1.1.0, 1.1.1, 1.2.0),
# for the safe-check hash-vector test. `npm pack` fetches only the tarball: installing these old
# packages would pull a whole truffle toolchain. Idempotent: skips versions already extracted.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v npm >/dev/null || { echo "setup: npm missing, skipping Safe legacy artifacts"; exit 0; }
cache=tests/node/legacy
mkdir -p "$cache"
for version in 1.0.0 1.1.0 1.1.1 1.2.0; do
  dest="$cache/safe-contracts-$version"
  [[ -f "$dest/.complete" ]] && continue
  echo "setup: npm pack @gnosis.pm/safe-contracts@$version"
  rm -rf "$dest" && mkdir -p "$dest"
  tarball=$(cd "$cache" && npm pack --silent --loglevel=error "@gnosis.pm/safe-contracts@$version" | tail -n 1)
  tar -xzf "$cache/$tarball" -C "$dest" --strip-components=1
  rm -f "$cache/$tarball"
  touch "$dest/.complete"
done
