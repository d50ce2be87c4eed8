#!/usr/bin/env bash
# Sets everything up and runs the whole test suite: a release build and an ASan+UBSan build,
# each through ctest. Used by .ci/run and the README quick start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs=$(nproc)
# ccache (installed by setup) makes a re-run after a small change rebuild only what changed, also
# from another checkout of the same sources: paths below the repository are hashed relative to it.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)

echo "== release build + tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${launcher[@]}" >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs" --timeout 1200)

echo "== ASan+UBSan build + tests"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCHAINWARD_SANITIZE=ON -DCHAINWARD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build build-asan -j"$jobs"
# Tests labelled 'slow' (long crash loops, whole-node runs) already ran above; under the sanitizers
# the rest covers the same code paths in a fraction of the time.
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j"$jobs" --timeout 1800 -LE slow)
echo "== libFuzzer harnesses (clang build of the decoders, each run for a bounded time)"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ -DCHAINWARD_FUZZ=ON \
  "${launcher[@]}" >/dev/null
cmake --build build-fuzz -j"$jobs"
(cd build-fuzz && ctest --output-on-failure -j"$jobs" --timeout 600)
echo "== all tests passed"
