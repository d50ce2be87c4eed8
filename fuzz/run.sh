#!/usr/bin/env bash
# Runs one libFuzzer harness on a seed corpus built from samples/ and the shared fixtures, after
# replaying its regression inputs (fuzz/regressions/<harness>/: every crash found becomes one).
# Usage: run.sh HARNESS_BINARY SECONDS SHARED_DATA_DIR
#   FUZZ_RUNS=N   stop after N executions (or SECONDS, whichever comes first): the long campaign
#                 in docs/benchmarks.md
#   FUZZ_KEEP=1   keep the work directory (corpus, crash artifacts)
set -euo pipefail
bin=$(realpath "$1")
seconds=$2
shared=$3
name=$(basename "$bin")
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/chainward-$name.XXXXXX")
cleanup() {
  local rc=$?
  if [[ $rc -ne 0 || ${FUZZ_KEEP:-0} == 1 ]]; then echo "$name: work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
seeds=$work/seeds
mkdir -p "$seeds" "$work/corpus"

etl=$shared/ethereum-etl-tests
case $name in
  fuzz_rpc)
    cp "$root"/samples/mainnet-483920/*.json "$seeds"/
    find "$etl" -name 'web3_response*.json' -size -64k -exec cp {} "$seeds"/ \;
    find "$shared/ethereumjs-rpc-blocks" -name '*.json' -size -64k -exec cp {} "$seeds"/ \;
    ;;
  fuzz_etl_csv)
    # Tables in the harness's order (blocks, transactions, receipts, logs, traces), "=====" between.
    join() {
      local sep=""
      for f in "$@"; do
        printf '%b' "$sep"
        sep='\n=====\n'
        if [[ -f $f ]]; then cat "$f"; fi
      done
    }
    b=$etl/test_export_blocks_job/block_with_logs r=$etl/test_export_receipts_job/receipts_with_logs
    join "$b/expected_blocks.csv" "$b/expected_transactions.csv" "$r/expected_receipts.csv" "$r/expected_logs.csv" /dev/null >"$seeds/block_with_logs"
    i=0
    for d in "$etl"/test_export_traces_job/*/; do
      join "$b/expected_blocks.csv" "$b/expected_transactions.csv" "$r/expected_receipts.csv" /dev/null "$d/expected_traces.csv" >"$seeds/traces_$((i++))"
    done
    for d in "$etl"/test_export_blocks_job/*/; do
      join "$d/expected_blocks.csv" "$d/expected_transactions.csv" /dev/null /dev/null /dev/null >"$seeds/blocks_$((i++))"
    done
    ;;
  fuzz_abi)
    python3 "$here/abi_seeds.py" "$seeds"
    ;;
  fuzz_safe)
    cp "$shared/lazarus-bybit/bybit-safe-tx-71.json" "$seeds"/
    python3 -c 'import sys; open(sys.argv[2], "wb").write(bytes.fromhex(open(sys.argv[1]).read().strip()[2:]))' \
      "$shared/lazarus-bybit/bybit_exploit_tx_0x46deef0f_raw.txt" "$seeds/bybit_raw_tx"
    ;;
  fuzz_btc)
    cp "$shared"/bitcoin-raw-blocks/testnet_block_*.raw "$seeds"/
    python3 -c 'import sys; open(sys.argv[2], "wb").write(bytes.fromhex(sys.argv[1]))' \
      76a914751e76e8199196d454941c45d1b3a323f1433bd688ac "$seeds/p2pkh_script"
    printf '%s' bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0 >"$seeds/bech32m_address"
    printf '%s' 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa >"$seeds/base58_address"
    b=$shared/bitcoin-etl-tests/test_export_blocks_job/bitcoin
    cp "$b"/block_with_transactions/rpc_response_getblock_*_2.json "$seeds"/
    head -n 2 "$b"/stream_50001_50002/expected_transactions.json >"$seeds/etl_transactions"
    ;;
  *) echo "run.sh: unknown harness $name" >&2; exit 2 ;;
esac

opts=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/")
if [[ -d $here/regressions/$name ]] && compgen -G "$here/regressions/$name/*" >/dev/null; then
  echo "$name: replaying $(ls "$here/regressions/$name" | wc -l) regression inputs"
  "$bin" "${opts[@]}" "$here"/regressions/"$name"/* 2>&1 | tail -n 3
fi
limit=(-max_total_time="$seconds")
if [[ -n ${FUZZ_RUNS:-} ]]; then limit+=(-runs="$FUZZ_RUNS"); fi
echo "$name: $(ls "$seeds" | wc -l) seeds, ${limit[*]}"
"$bin" "${opts[@]}" "${limit[@]}" "$work/corpus" "$seeds" 2>"$work/log" || { tail -n 60 "$work/log"; exit 1; }
grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done|^INFO: Running with entropic' "$work/log" || true
echo "$name: 0 crashes; corpus $(ls "$work/corpus" | wc -l) inputs"
