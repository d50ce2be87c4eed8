#!/usr/bin/env bash
# serve_e2e.sh CHAINWARD SOURCE_DIR: the end-to-end test, then its responses against docs/api.yaml.
set -euo pipefail
cw=$1 src=$2
work=$(mktemp -d /tmp/chainward-serve-e2e.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$(dirname "$0")"
python3 serve_e2e.py "$cw" "$work" "$work/responses.jsonl"
node validate_responses.mjs "$src/docs/api.yaml" "$work/responses.jsonl"
