#!/usr/bin/env bash
# Sets everything up, builds chainward, and runs the main job on the bundled sample
# (real mainnet node responses): ingest, store statistics, and one address's transfers.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target chainward
data=$(mktemp -d /tmp/chainward-demo.XXXXXX)
trap 'rm -rf "$data"' EXIT
set -x
build/chainward ingest --data-dir "$data" --chain-id 1 samples/mainnet-483920
build/chainward stats --data-dir "$data"
build/chainward transfers --data-dir "$data" 0x1b63142628311395ceafeea5667e7c9026c862ca
build/chainward balance --data-dir "$data" 0x1b63142628311395ceafeea5667e7c9026c862ca --asset 0xf4eced2f682ce333f96f2d8966c613ded8fc95dd
