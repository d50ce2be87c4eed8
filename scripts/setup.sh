#!/usr/bin/env bash
# Installs every Debian package chainward needs to build, test and benchmark (idempotent),
# then the npm test tooling (a local Ethereum node) from the committed lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates
  libsimdjson-dev libcrypto++-dev libsecp256k1-dev libcli11-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev libboost-dev libsqlite3-dev libcpp-httplib-dev libabsl-dev
  clang-format ccache python3 python3-igraph time nodejs npm
  libsqlitecpp-dev libpqxx-dev libyaml-cpp-dev libpugixml-dev postgresql hyperfine
  clang libclang-rt-14-dev
  libtomlplusplus-dev wrk nginx-light prometheus chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# nodejs/npm may come from another source than Debian on some machines: accept what works.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ -f tests/node/package-lock.json ]]; then
  if [[ ! -d tests/node/node_modules ]] || [[ tests/node/package-lock.json -nt tests/node/node_modules ]]; then
    echo "setup: npm ci (test node tooling)"
    (cd tests/node && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi

# Area-specific setup steps (idempotent), e.g. fetching npm artifacts that cannot be installed.
for step in scripts/setup.d/*.sh; do
  [[ -e "$step" ]] && bash "$step"
done
exit 0
